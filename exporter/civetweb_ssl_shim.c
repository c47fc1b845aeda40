/* A shim that lets Debian 12's CivetWeb 1.15 serve TLS with OpenSSL 3.
 *
 * CivetWeb loads OpenSSL with dlopen("libssl.so") and looks its functions
 * up by name. It asks for SSL_get_peer_certificate, which OpenSSL 3 only
 * has as a macro (for SSL_get1_peer_certificate), gets NULL, and calls it
 * after every TLS handshake: a crash. This library's SONAME is "libssl.so"
 * and it depends on the real libssl, so once HttpServer has loaded it,
 * CivetWeb's dlopen("libssl.so") returns it, and every lookup finds either
 * the function below or the real one behind it. */
typedef struct ssl_st SSL;
typedef struct x509_st X509;

X509* SSL_get1_peer_certificate(const SSL* ssl);

/* SSL_get_peer_certificate is the OpenSSL 1.1 name; it returned a reference
 * the caller frees, exactly like SSL_get1_peer_certificate. */
__attribute__((visibility("default"))) X509* SSL_get_peer_certificate(const SSL* ssl) {
  return SSL_get1_peer_certificate(ssl);
}

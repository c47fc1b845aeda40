/* The libcrypto half of civetweb_ssl_shim.c: CivetWeb also calls
 * dlopen("libcrypto.so"), a name only libssl-dev's symlink provides. This
 * library's SONAME is "libcrypto.so" and it depends on the real libcrypto, so
 * once loaded, that dlopen finds it and its lookups reach libcrypto.so.3
 * (a runtime image needs no -dev package). */
int outage_civetweb_crypto_shim_marker = 1;

// Certificate and TLS-session facts captured during a handshake, and their
// blackbox metrics. Captured inside OpenSSL's verification step, so the facts
// exist even when verification fails (an expired certificate shows its date).
#pragma once

#include <openssl/ossl_typ.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "collectors/probe_result.h"

namespace outage {

struct CertFacts {
  int64_t not_after = 0;  // unix seconds
  std::string subject;    // RFC 2253, like Go's pkix.Name.String()
  std::string issuer;
  std::string dns_names;           // subjectAltName DNS entries joined by ","
  std::string fingerprint_sha256;  // lower-case hex of the DER encoding
  std::string serial_number;       // lower-case hex of the serial's big-endian bytes
};

struct TlsFacts {
  std::string version;                // "TLS 1.3"; empty if unknown
  std::string cipher;                 // IANA name, e.g. "TLS_AES_128_GCM_SHA256"
  std::vector<CertFacts> peer_certs;  // as the server sent them, leaf first
  bool verified = false;              // the chain verified against the trust store
  int64_t verified_chain_expiry = 0;  // earliest notAfter in the verified chain

  bool seen() const { return !peer_certs.empty(); }
};

// InstallTlsFactsCapture makes every handshake on `ctx` record its facts into
// `facts` (which must outlive the handshake), then verify as usual.
void InstallTlsFactsCapture(SSL_CTX* ctx, TlsFacts* facts);

// AddTlsSamples appends probe_ssl_*, probe_tls_version_info and
// probe_tls_cipher_info for `facts`.
void AddTlsSamples(const TlsFacts& facts, ProbeResult* result);

// TlsVersionName maps OpenSSL's "TLSv1.3" to blackbox's "TLS 1.3".
std::string TlsVersionName(const char* openssl_version);

}  // namespace outage

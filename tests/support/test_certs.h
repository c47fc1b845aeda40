// Generates a small PKI for TLS tests with the OpenSSL C API: a CA, a leaf it
// signs for localhost/127.0.0.1, a self-signed leaf, an expired leaf and a
// leaf for the wrong host, written as PEM files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace outage::test {

// CertFiles is one certificate and its private key on disk.
struct CertFiles {
  std::string cert_path;   // PEM certificate
  std::string key_path;    // PEM private key (PKCS#8, unencrypted)
  int64_t not_before = 0;  // unix seconds, exactly as encoded
  int64_t not_after = 0;   // unix seconds, exactly as encoded
};

struct TestCerts {
  CertFiles ca;           // ca.pem / ca.key: self-signed CA, 10 years
  CertFiles leaf;         // leaf.pem / leaf.key: CA-signed, CN and SAN
                          // localhost + IP 127.0.0.1, now → now + valid_days
  CertFiles self_signed;  // self_signed.pem / .key: same names, no CA
  CertFiles expired;      // expired.pem / .key: CA-signed, −10 d → −1 d
  CertFiles wrong_host;   // wrong_host.pem / .key: CA-signed for
                          // wrong.example only (no localhost, no IP)
};

// GenerateTestCerts writes the files into `dir` (which must exist). Keys are
// ECDSA P-256 to keep generation fast. Times are whole seconds. Returns
// nullopt with *error on failure.
std::optional<TestCerts> GenerateTestCerts(const std::string& dir, int valid_days,
                                           std::string* error);

// SharedTestCerts is one set of certificates (leaf valid 30 days) for the
// whole test process, generated on first use in a temporary directory that
// is removed at exit: for suites that only need some valid PKI. nullptr with
// *error when generation failed. Thread-safe.
const TestCerts* SharedTestCerts(std::string* error);

// CertSha256Fingerprint is the lowercase hex SHA-256 of the DER certificate
// in cert_path (blackbox's fingerprint_sha256 label), or "" on error.
std::string CertSha256Fingerprint(const std::string& cert_path);

// VerifyCertAgainstCa checks cert_path's chain to the CA in ca_path (and, when
// host is non-empty, that the certificate matches it) with OpenSSL's
// verifier. Returns "" when it verifies, else OpenSSL's reason.
std::string VerifyCertAgainstCa(const std::string& cert_path, const std::string& ca_path,
                                const std::string& host);

}  // namespace outage::test

#include "tests/support/test_certs.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <memory>
#include <optional>
#include <string>

#include "tests/support/temp_dir.h"

namespace outage::test {
namespace {

using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;
using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free_all)>;

constexpr int64_t kDay = int64_t{24} * 60 * 60;

std::string OpenSslError(const std::string& what) {
  const unsigned long code = ERR_get_error();
  char buf[256] = "unknown error";
  if (code != 0) ERR_error_string_n(code, buf, sizeof(buf));
  return what + ": " + buf;
}

int64_t ToUnix(const ASN1_TIME* t) {
  std::tm tm{};
  ASN1_TIME_to_tm(t, &tm);
  return static_cast<int64_t>(timegm(&tm));
}

struct CertSpec {
  std::string common_name;
  std::string san;  // e.g. "DNS:localhost,IP:127.0.0.1"; empty: none
  bool is_ca = false;
  int64_t not_before = 0;
  int64_t not_after = 0;
};

bool AddExt(X509* cert, X509V3_CTX* ctx, int nid, const std::string& value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str());
  if (ext == nullptr) return false;
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// MakeCert builds and signs a certificate for `key`; issuer == nullptr means
// self-signed.
CertPtr MakeCert(const CertSpec& spec, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key,
                 std::string* error) {
  CertPtr cert(X509_new(), &X509_free);
  uint64_t serial = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof(serial));
  serial &= 0x7fffffffffffffffULL;  // positive
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert.get()), serial | 1);
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), static_cast<time_t>(spec.not_before));
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), static_cast<time_t>(spec.not_after));
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("outage_exporter tests"), -1,
                             -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1,
                             -1, 0);
  X509_set_issuer_name(cert.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name);

  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer != nullptr ? issuer : cert.get(), cert.get(), nullptr, nullptr, 0);
  bool ok = AddExt(cert.get(), &ctx, NID_subject_key_identifier, "hash") &&
            AddExt(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always");
  if (spec.is_ca) {
    ok = ok && AddExt(cert.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE") &&
         AddExt(cert.get(), &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    ok = ok && AddExt(cert.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE") &&
         AddExt(cert.get(), &ctx, NID_key_usage, "critical,digitalSignature") &&
         AddExt(cert.get(), &ctx, NID_ext_key_usage, "serverAuth,clientAuth");
  }
  if (!spec.san.empty()) {
    ok = ok && AddExt(cert.get(), &ctx, NID_subject_alt_name, spec.san);
  }
  if (!ok) {
    *error = OpenSslError("adding extensions for " + spec.common_name);
    return {nullptr, &X509_free};
  }
  if (X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) <= 0) {
    *error = OpenSslError("signing " + spec.common_name);
    return {nullptr, &X509_free};
  }
  return cert;
}

bool WritePem(const std::string& dir, const std::string& stem, X509* cert, EVP_PKEY* key,
              CertFiles* files, std::string* error) {
  files->cert_path = dir + "/" + stem + ".pem";
  files->key_path = dir + "/" + stem + ".key";
  BioPtr cert_bio(BIO_new_file(files->cert_path.c_str(), "w"), &BIO_free_all);
  BioPtr key_bio(BIO_new_file(files->key_path.c_str(), "w"), &BIO_free_all);
  if (!cert_bio || !key_bio || PEM_write_bio_X509(cert_bio.get(), cert) != 1 ||
      PEM_write_bio_PrivateKey(key_bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    *error = OpenSslError("writing " + stem);
    return false;
  }
  files->not_before = ToUnix(X509_get0_notBefore(cert));
  files->not_after = ToUnix(X509_get0_notAfter(cert));
  return true;
}

KeyPtr NewKey() { return {EVP_EC_gen("P-256"), &EVP_PKEY_free}; }

}  // namespace

std::optional<TestCerts> GenerateTestCerts(const std::string& dir, int valid_days,
                                           std::string* error) {
  std::string ignored;
  if (error == nullptr) error = &ignored;
  const auto now = static_cast<int64_t>(std::time(nullptr));
  constexpr char kLocalSan[] = "DNS:localhost,IP:127.0.0.1";
  TestCerts out;

  KeyPtr ca_key = NewKey();
  if (!ca_key) {
    *error = OpenSslError("generating a key");
    return std::nullopt;
  }
  CertPtr ca = MakeCert({"outage test CA", "", true, now - kDay, now + 3650 * kDay}, ca_key.get(),
                        nullptr, nullptr, error);
  if (!ca || !WritePem(dir, "ca", ca.get(), ca_key.get(), &out.ca, error)) {
    return std::nullopt;
  }

  struct Leaf {
    const char* stem;
    CertSpec spec;
    bool self_signed;
    CertFiles* files;
  };
  const Leaf leaves[] = {
      {"leaf",
       {"localhost", kLocalSan, false, now - 60, now + valid_days * kDay},
       false,
       &out.leaf},
      {"self_signed",
       {"localhost", kLocalSan, false, now - 60, now + valid_days * kDay},
       true,
       &out.self_signed},
      {"expired",
       {"localhost", kLocalSan, false, now - 10 * kDay, now - kDay},
       false,
       &out.expired},
      {"wrong_host",
       {"wrong.example", "DNS:wrong.example", false, now - 60, now + valid_days * kDay},
       false,
       &out.wrong_host},
  };
  for (const Leaf& leaf : leaves) {
    KeyPtr key = NewKey();
    if (!key) {
      *error = OpenSslError("generating a key");
      return std::nullopt;
    }
    CertPtr cert = leaf.self_signed ? MakeCert(leaf.spec, key.get(), nullptr, nullptr, error)
                                    : MakeCert(leaf.spec, key.get(), ca.get(), ca_key.get(), error);
    if (!cert || !WritePem(dir, leaf.stem, cert.get(), key.get(), leaf.files, error)) {
      return std::nullopt;
    }
  }
  return out;
}

std::string CertSha256Fingerprint(const std::string& cert_path) {
  BioPtr bio(BIO_new_file(cert_path.c_str(), "r"), &BIO_free_all);
  if (!bio) return "";
  CertPtr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!cert || X509_digest(cert.get(), EVP_sha256(), md, &len) != 1) return "";
  constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

std::string VerifyCertAgainstCa(const std::string& cert_path, const std::string& ca_path,
                                const std::string& host) {
  BioPtr bio(BIO_new_file(cert_path.c_str(), "r"), &BIO_free_all);
  if (!bio) return "cannot open " + cert_path;
  CertPtr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
  if (!cert) return "cannot parse " + cert_path;
  std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(), &X509_STORE_free);
  if (X509_STORE_load_file(store.get(), ca_path.c_str()) != 1) {
    return OpenSslError("loading " + ca_path);
  }
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(),
                                                                      &X509_STORE_CTX_free);
  X509_STORE_CTX_init(ctx.get(), store.get(), cert.get(), nullptr);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  if (!host.empty()) {
    if (X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) != 1) {
      X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
    }
  }
  if (X509_verify_cert(ctx.get()) == 1) return "";
  return X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
}

const TestCerts* SharedTestCerts(std::string* error) {
  struct Shared {
    TempDir dir;
    std::optional<TestCerts> certs;
    std::string error;
  };
  static Shared* const shared = [] {
    static Shared instance;
    instance.certs = GenerateTestCerts(instance.dir.path(), 30, &instance.error);
    return &instance;
  }();
  if (!shared->certs) {
    *error = shared->error;
    return nullptr;
  }
  return &*shared->certs;
}

}  // namespace outage::test

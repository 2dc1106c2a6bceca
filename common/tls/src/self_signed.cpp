#include "hamail/tls/self_signed.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "openssl_error.h"

namespace hamail::tls {
namespace {

template <class T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

Status add_extension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX v3{};
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value.c_str());
  if (ext == nullptr) return Error{"invalid certificate extension '" + value + "': " + detail::drain_errors()};
  int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (ok != 1) return Error{"cannot add certificate extension: " + detail::drain_errors()};
  return Status::ok();
}

// Writes `data` to `path` via path.tmp (mode `mode`), fsync, rename.
Status write_file(const std::string& path, const std::string& data, mode_t mode) {
  std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0) return Error{"cannot create " + tmp + ": " + std::strerror(errno)};
  std::string_view rest = data;
  int err = 0;
  if (::fchmod(fd, mode) != 0) err = errno;  // the umask must not loosen or tighten it
  while (err == 0 && !rest.empty()) {
    ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      err = errno;
      break;
    }
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && ::rename(tmp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    return Error{"cannot write " + path + ": " + std::strerror(err)};
  }
  return Status::ok();
}

std::string bio_contents(BIO* bio) {
  char* p = nullptr;
  long n = BIO_get_mem_data(bio, &p);
  return n > 0 ? std::string(p, static_cast<std::size_t>(n)) : std::string();
}

}  // namespace

Status generate_self_signed(const SelfSignedOptions& o) {
  if (o.cert_path.empty() || o.key_path.empty()) return Error{"self-signed certificate: cert and key paths are required"};
  if (o.days <= 0) return Error{"self-signed certificate: days must be positive"};
  if (!o.overwrite) {
    for (const std::string* p : {&o.cert_path, &o.key_path}) {
      if (::access(p->c_str(), F_OK) == 0) return Error{*p + " already exists; not overwriting it"};
    }
  }
  ERR_clear_error();
  KeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return Error{"cannot generate an EC P-256 key: " + detail::drain_errors()};
  CertPtr cert(X509_new());
  if (!cert) return Error{"cannot create a certificate: " + detail::drain_errors()};
  X509* c = cert.get();
  X509_set_version(c, 2);  // v3
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return Error{"cannot draw a serial number: " + detail::drain_errors()};
  serial[0] &= 0x7f;  // positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  if (bn == nullptr || BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c)) == nullptr) {
    BN_free(bn);
    return Error{"cannot set the serial number: " + detail::drain_errors()};
  }
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(c), -300);  // tolerate a little clock skew
  X509_gmtime_adj(X509_getm_notAfter(c), static_cast<long>(o.days) * 24 * 3600);
  X509_NAME* name = X509_get_subject_name(c);
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(o.common_name.c_str()), -1, -1, 0) != 1) {
    return Error{"invalid common name '" + detail::sanitize(o.common_name) + "': " + detail::drain_errors()};
  }
  X509_set_issuer_name(c, name);
  X509_set_pubkey(c, key.get());
  std::string san;
  for (const auto& d : o.dns_names) san += (san.empty() ? "" : ",") + std::string("DNS:") + d;
  for (const auto& ip : o.ip_addresses) san += (san.empty() ? "" : ",") + std::string("IP:") + ip;
  if (Status st = add_extension(c, NID_basic_constraints, "critical,CA:TRUE"); !st) return st;
  if (Status st = add_extension(c, NID_key_usage, "critical,digitalSignature,keyCertSign"); !st) return st;
  if (Status st = add_extension(c, NID_subject_key_identifier, "hash"); !st) return st;
  if (!san.empty()) {
    if (Status st = add_extension(c, NID_subject_alt_name, san); !st) return st;
  }
  if (X509_sign(c, key.get(), EVP_sha256()) == 0) return Error{"cannot sign the certificate: " + detail::drain_errors()};

  BioPtr key_pem(BIO_new(BIO_s_secmem()));  // not left in freed heap memory
  BioPtr cert_pem(BIO_new(BIO_s_mem()));
  if (!key_pem || !cert_pem || PEM_write_bio_PrivateKey(key_pem.get(), key.get(), nullptr, nullptr, 0, nullptr,
                                                        nullptr) != 1 ||
      PEM_write_bio_X509(cert_pem.get(), c) != 1) {
    return Error{"cannot encode the certificate or key as PEM: " + detail::drain_errors()};
  }
  std::string key_text = bio_contents(key_pem.get());
  Status st = write_file(o.key_path, key_text, 0600);
  OPENSSL_cleanse(key_text.data(), key_text.size());
  if (!st) return st;
  return write_file(o.cert_path, bio_contents(cert_pem.get()), 0644);
}

}  // namespace hamail::tls

#include "hamail/tls/secret.h"

#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace hamail::tls {
namespace {

constexpr std::string_view kSalt = "hamail-tls-psk-v1";
constexpr std::string_view kInfoPrefix = "hamail tls1.3 external psk:";
constexpr std::size_t kPskBytes = 32;

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

SecretBytes::SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) { other.bytes_.clear(); }

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    wipe();
    bytes_ = std::move(other.bytes_);
    other.bytes_.clear();
  }
  return *this;
}

SecretBytes::~SecretBytes() { wipe(); }

void SecretBytes::wipe() {
  if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
  bytes_.clear();
}

Result<SharedSecret> SharedSecret::from_bytes(std::string_view bytes) {
  if (bytes.size() < kMinBytes) {
    return Error{"shared secret is " + std::to_string(bytes.size()) + " bytes; at least " + std::to_string(kMinBytes) +
                 " are required (e.g. head -c 32 /dev/urandom | base64)"};
  }
  if (bytes.size() > kMaxBytes) {
    return Error{"shared secret is " + std::to_string(bytes.size()) + " bytes; at most " + std::to_string(kMaxBytes) +
                 " are allowed"};
  }
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  return SharedSecret(SecretBytes(std::span<const unsigned char>(p, bytes.size())));
}

Result<SharedSecret> read_secret_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return Error{"cannot open secret file " + path + ": " + std::strerror(errno)};
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return Error{"cannot stat secret file " + path + ": " + std::strerror(err)};
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Error{"secret file " + path + " is not a regular file"};
  }
  if ((st.st_mode & S_IROTH) != 0) {
    ::close(fd);
    return Error{"secret file " + path + " is readable by everyone; run chmod 0600 " + path};
  }
  // Read at most kMaxBytes + a little for trailing newlines, plus one byte to detect more.
  constexpr std::size_t kCap = SharedSecret::kMaxBytes + 64;
  SecretBytes raw;
  std::vector<unsigned char> buf(kCap + 1);
  std::size_t used = 0;
  while (used < buf.size()) {
    ssize_t n = ::read(fd, buf.data() + used, buf.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      OPENSSL_cleanse(buf.data(), buf.size());
      return Error{"cannot read secret file " + path + ": " + std::strerror(err)};
    }
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  ::close(fd);
  std::size_t len = used;
  while (len > 0 && is_space(buf[len - 1])) --len;
  Result<SharedSecret> secret =
      used > kCap ? Result<SharedSecret>(Error{"shared secret is larger than " +
                                               std::to_string(SharedSecret::kMaxBytes) + " bytes"})
                  : SharedSecret::from_bytes(std::string_view(reinterpret_cast<const char*>(buf.data()), len));
  OPENSSL_cleanse(buf.data(), buf.size());
  if (!secret) return Error{"secret file " + path + ": " + secret.error()};
  return secret;
}

Result<SecretBytes> derive_psk(const SharedSecret& secret, std::string_view identity) {
  std::unique_ptr<EVP_KDF, decltype(&EVP_KDF_free)> kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr), &EVP_KDF_free);
  if (!kdf) return Error{"cannot derive the PSK: HKDF is not available in this OpenSSL"};
  std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)> kctx(EVP_KDF_CTX_new(kdf.get()), &EVP_KDF_CTX_free);
  if (!kctx) return Error{"cannot derive the PSK: out of memory"};
  std::string info(kInfoPrefix);
  info.append(identity);
  std::span<const unsigned char> ikm = secret.bytes().bytes();
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<unsigned char*>(ikm.data()), ikm.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char*>(kSalt.data()), kSalt.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info.data(), info.size()),
      OSSL_PARAM_construct_end(),
  };
  unsigned char out[kPskBytes];
  if (EVP_KDF_derive(kctx.get(), out, sizeof out, params) != 1) {
    return Error{"cannot derive the PSK: HKDF-SHA-256 failed"};
  }
  SecretBytes psk(std::span<const unsigned char>(out, sizeof out));
  OPENSSL_cleanse(out, sizeof out);
  return psk;
}

}  // namespace hamail::tls

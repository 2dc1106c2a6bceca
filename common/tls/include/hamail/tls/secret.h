// Key material that must not leak: SecretBytes wipes itself when destroyed and has no
// way to be printed. The replication link's shared secret is read from a file (never
// argv) and turned into a TLS 1.3 external PSK with HKDF-SHA-256 (derive_psk).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::tls {

// Owned secret bytes, wiped (OPENSSL_cleanse) on destruction. Move-only.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::span<const unsigned char> bytes) : bytes_(bytes.begin(), bytes.end()) {}
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  ~SecretBytes();

  std::span<const unsigned char> bytes() const { return bytes_; }
  std::size_t size() const { return bytes_.size(); }
  bool operator==(const SecretBytes& other) const { return bytes_ == other.bytes_; }

 private:
  void wipe();
  std::vector<unsigned char> bytes_;
};

// The secret both nodes share. At least kMinBytes, at most kMaxBytes.
class SharedSecret {
 public:
  static constexpr std::size_t kMinBytes = 16;
  static constexpr std::size_t kMaxBytes = 4096;

  // For tests and tools; daemons use read_secret_file().
  static Result<SharedSecret> from_bytes(std::string_view bytes);
  const SecretBytes& bytes() const { return bytes_; }

 private:
  explicit SharedSecret(SecretBytes b) : bytes_(std::move(b)) {}
  SecretBytes bytes_;
};

// Reads the secret from `path`: the whole file minus trailing whitespace/newlines.
// Refuses a file others may read (mode & 0004), a non-regular file, an empty or too
// short/long secret. Errors name the file, never the content.
Result<SharedSecret> read_secret_file(const std::string& path);

// The 32-byte TLS 1.3 external PSK for `identity`:
//   HKDF-SHA-256(ikm = secret, salt = "hamail-tls-psk-v1", info = "hamail tls1.3 external psk:" + identity)
// Different identities (volumes) get independent keys from one secret.
Result<SecretBytes> derive_psk(const SharedSecret& secret, std::string_view identity);

}  // namespace hamail::tls

// The configuration one end of a TLS link is created from: an OpenSSL SSL_CTX plus
// what its callbacks need (the PSK and identity). A cheap, immutable, shared handle:
// copies share one context, and every TlsSession keeps its context alive.
#pragma once

#include <openssl/types.h>

#include <memory>
#include <string>

#include "hamail/base/result.h"
#include "hamail/tls/secret.h"

namespace hamail::tls {

enum class TlsRole { client, server };
enum class TlsMode {
  psk,          // TLS 1.3 only, external PSK from a shared secret: mutual authentication
  certificate,  // TLS 1.2 or newer, X.509 server certificate, optional client-side verification
};

class TlsContext {
 public:
  // The only cipher suite of PSK mode (the PSK's hash is SHA-384).
  static constexpr const char* kPskCipherSuite = "TLS_AES_256_GCM_SHA384";
  static constexpr std::size_t kMaxIdentityBytes = 128;

  // PSK mode. `identity` (e.g. the volume name: 1..128 printable ASCII bytes, sent in
  // clear) selects the key: derive_psk(secret, identity). Both ends need the same pair.
  static Result<TlsContext> psk_server(const SharedSecret& secret, std::string identity);
  static Result<TlsContext> psk_client(const SharedSecret& secret, std::string identity);
  // Certificate mode, server: a PEM certificate chain and its PEM private key.
  static Result<TlsContext> cert_server(const std::string& cert_path, const std::string& key_path);
  // Certificate mode, client. With `verify`, the server's chain must lead to a CA in
  // `ca_path` (a PEM file or a hashed directory; empty: the system's default store);
  // the host name is checked when the session is given a server name.
  static Result<TlsContext> cert_client(bool verify, const std::string& ca_path = {});

  TlsRole role() const;
  TlsMode mode() const;
  bool verifies_peer() const;
  const std::string& psk_identity() const;  // empty in certificate mode
  SSL_CTX* raw() const;                     // for TlsSession

  struct Impl;

 private:
  explicit TlsContext(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

}  // namespace hamail::tls

#include "hamail/tls/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "openssl_error.h"
#include "session_notes.h"

namespace hamail::tls {

struct TlsContext::Impl {
  ~Impl() {
    if (ctx != nullptr) SSL_CTX_free(ctx);
  }
  SSL_CTX* ctx = nullptr;
  TlsRole role = TlsRole::client;
  TlsMode mode = TlsMode::psk;
  bool verify = false;
  std::string identity;  // PSK mode
  SecretBytes psk;       // PSK mode, wiped with the context
};

namespace {

// TLS_AES_256_GCM_SHA384 as it appears on the wire.
constexpr unsigned char kPskCipherId[] = {0x13, 0x02};

TlsContext::Impl* context_of(SSL* ssl) {
  return static_cast<TlsContext::Impl*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
}

// A fresh SSL_SESSION holding the external PSK (OpenSSL frees it after the handshake).
SSL_SESSION* psk_session(SSL* ssl, const TlsContext::Impl& c) {
  const SSL_CIPHER* cipher = SSL_CIPHER_find(ssl, kPskCipherId);
  if (cipher == nullptr) return nullptr;
  SSL_SESSION* s = SSL_SESSION_new();
  if (s == nullptr) return nullptr;
  if (SSL_SESSION_set1_master_key(s, c.psk.bytes().data(), c.psk.size()) != 1 ||
      SSL_SESSION_set_cipher(s, cipher) != 1 || SSL_SESSION_set_protocol_version(s, TLS1_3_VERSION) != 1) {
    SSL_SESSION_free(s);
    return nullptr;
  }
  return s;
}

// Client: offers the PSK under our identity.
int use_psk(SSL* ssl, const EVP_MD* md, const unsigned char** id, std::size_t* idlen, SSL_SESSION** sess) {
  *id = nullptr;
  *idlen = 0;
  *sess = nullptr;
  const TlsContext::Impl* c = context_of(ssl);
  SSL_SESSION* s = psk_session(ssl, *c);
  if (s == nullptr) return 0;
  if (md != nullptr && SSL_CIPHER_get_handshake_digest(SSL_SESSION_get0_cipher(s)) != md) {
    SSL_SESSION_free(s);  // after a HelloRetryRequest with another hash: the PSK does not fit
    return 1;
  }
  *sess = s;
  *id = reinterpret_cast<const unsigned char*>(c->identity.data());
  *idlen = c->identity.size();
  return 1;
}

// Server: accepts only our identity. An unknown identity continues without a PSK, which
// fails for lack of a certificate; the notes let the error say why.
int find_psk(SSL* ssl, const unsigned char* identity, std::size_t identity_len, SSL_SESSION** sess) {
  *sess = nullptr;
  const TlsContext::Impl* c = context_of(ssl);
  std::string_view offered(reinterpret_cast<const char*>(identity), identity_len);
  auto* notes = static_cast<detail::SessionNotes*>(SSL_get_app_data(ssl));
  bool ok = offered == c->identity;
  if (notes != nullptr) {
    notes->psk_offered = true;
    notes->psk_identity_ok = ok;
    notes->offered_identity = detail::sanitize(offered);
  }
  if (!ok) return 1;
  *sess = psk_session(ssl, *c);
  return *sess != nullptr ? 1 : 0;
}

Status check_identity(const std::string& identity) {
  if (identity.empty()) return Error{"PSK identity is empty"};
  if (identity.size() > TlsContext::kMaxIdentityBytes) {
    return Error{"PSK identity is longer than " + std::to_string(TlsContext::kMaxIdentityBytes) + " bytes"};
  }
  for (unsigned char ch : identity) {
    if (ch < 0x21 || ch > 0x7e) return Error{"PSK identity '" + detail::sanitize(identity) + "' is not printable ASCII"};
  }
  return Status::ok();
}

Result<std::shared_ptr<TlsContext::Impl>> new_context(TlsRole role, TlsMode mode) {
  ERR_clear_error();
  auto impl = std::make_shared<TlsContext::Impl>();
  impl->role = role;
  impl->mode = mode;
  impl->ctx = SSL_CTX_new(role == TlsRole::server ? TLS_server_method() : TLS_client_method());
  if (impl->ctx == nullptr) return Error{"cannot create TLS context: " + detail::drain_errors()};
  SSL_CTX_set_app_data(impl->ctx, impl.get());
  int min_version = mode == TlsMode::psk ? TLS1_3_VERSION : TLS1_2_VERSION;
  if (SSL_CTX_set_min_proto_version(impl->ctx, min_version) != 1) {
    return Error{"cannot set the minimum TLS version: " + detail::drain_errors()};
  }
  // No resumption tickets (every connection does a full handshake), no renegotiation.
  SSL_CTX_set_num_tickets(impl->ctx, 0);
  SSL_CTX_set_options(impl->ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_session_cache_mode(impl->ctx, SSL_SESS_CACHE_OFF);
  // Idle connections give their ~34 KiB of record buffers back (thousands of idle IMAP/POP3
  // sessions); they are allocated again on the next record.
  SSL_CTX_set_mode(impl->ctx, SSL_MODE_RELEASE_BUFFERS);
  return impl;
}

Result<std::shared_ptr<TlsContext::Impl>> psk_context(TlsRole role, const SharedSecret& secret,
                                                      std::string identity) {
  if (Status st = check_identity(identity); !st) return Error{"cannot create TLS-PSK context: " + st.message()};
  auto impl = new_context(role, TlsMode::psk);
  if (!impl) return Error{impl.error()};
  std::shared_ptr<TlsContext::Impl> out = *impl;
  Result<SecretBytes> psk = derive_psk(secret, identity);
  if (!psk) return Error{psk.error()};
  out->psk = std::move(*psk);
  out->identity = std::move(identity);
  SSL_CTX* ctx = out->ctx;
  if (SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1 ||
      SSL_CTX_set_ciphersuites(ctx, TlsContext::kPskCipherSuite) != 1) {
    return Error{"cannot configure TLS-PSK: " + detail::drain_errors()};
  }
  if (role == TlsRole::server) {
    SSL_CTX_set_psk_find_session_callback(ctx, &find_psk);
  } else {
    SSL_CTX_set_psk_use_session_callback(ctx, &use_psk);
    // A server that answers with a certificate instead of the PSK is not trusted:
    // there is no CA to verify it against.
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    out->verify = true;
  }
  return out;
}

// "cannot read /etc/x.pem: No such file or directory" before OpenSSL's vaguer errors.
Status check_readable(const std::string& what, const std::string& path) {
  if (path.empty()) return Error{what + " path is empty"};
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Error{"cannot read " + what + " " + path + ": " + std::strerror(errno)};
  return Status::ok();
}

}  // namespace

Result<TlsContext> TlsContext::psk_server(const SharedSecret& secret, std::string identity) {
  auto impl = psk_context(TlsRole::server, secret, std::move(identity));
  if (!impl) return Error{impl.error()};
  return TlsContext(std::move(*impl));
}

Result<TlsContext> TlsContext::psk_client(const SharedSecret& secret, std::string identity) {
  auto impl = psk_context(TlsRole::client, secret, std::move(identity));
  if (!impl) return Error{impl.error()};
  return TlsContext(std::move(*impl));
}

Result<TlsContext> TlsContext::cert_server(const std::string& cert_path, const std::string& key_path) {
  if (Status st = check_readable("certificate file", cert_path); !st) return Error{st.message()};
  if (Status st = check_readable("private key file", key_path); !st) return Error{st.message()};
  auto impl = new_context(TlsRole::server, TlsMode::certificate);
  if (!impl) return Error{impl.error()};
  SSL_CTX* ctx = (*impl)->ctx;
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_path.c_str()) != 1) {
    return Error{"cannot load certificate " + cert_path + ": " + detail::drain_errors()};
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, key_path.c_str(), SSL_FILETYPE_PEM) != 1) {
    unsigned long code = ERR_peek_last_error();
    std::string why = detail::drain_errors();
    if (ERR_GET_LIB(code) == ERR_LIB_X509 && ERR_GET_REASON(code) == X509_R_KEY_VALUES_MISMATCH) {
      return Error{"private key " + key_path + " does not match certificate " + cert_path};
    }
    return Error{"cannot load private key " + key_path + ": " + why};
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    detail::drain_errors();
    return Error{"private key " + key_path + " does not match certificate " + cert_path};
  }
  return TlsContext(std::move(*impl));
}

Result<TlsContext> TlsContext::cert_client(bool verify, const std::string& ca_path) {
  auto impl = new_context(TlsRole::client, TlsMode::certificate);
  if (!impl) return Error{impl.error()};
  SSL_CTX* ctx = (*impl)->ctx;
  (*impl)->verify = verify;
  if (!verify) {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    return TlsContext(std::move(*impl));
  }
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  if (ca_path.empty()) {
    if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
      return Error{"cannot load the system's CA certificates: " + detail::drain_errors()};
    }
    return TlsContext(std::move(*impl));
  }
  struct stat st {};
  if (::stat(ca_path.c_str(), &st) != 0) {
    return Error{"cannot read CA certificates " + ca_path + ": " + std::strerror(errno)};
  }
  int ok = S_ISDIR(st.st_mode) ? SSL_CTX_load_verify_dir(ctx, ca_path.c_str())
                               : SSL_CTX_load_verify_file(ctx, ca_path.c_str());
  if (ok != 1) return Error{"cannot load CA certificates from " + ca_path + ": " + detail::drain_errors()};
  return TlsContext(std::move(*impl));
}

TlsRole TlsContext::role() const { return impl_->role; }
TlsMode TlsContext::mode() const { return impl_->mode; }
bool TlsContext::verifies_peer() const { return impl_->verify; }
const std::string& TlsContext::psk_identity() const { return impl_->identity; }
SSL_CTX* TlsContext::raw() const { return impl_->ctx; }

}  // namespace hamail::tls

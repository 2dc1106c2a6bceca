// One TLS connection as a sans-IO state machine over two OpenSSL memory BIOs: feed()
// ciphertext from the network and send what take_ciphertext() returns; write()
// plaintext in and take_plaintext() it out. No sockets, no loop, no clock.
#pragma once

#include <openssl/types.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "hamail/base/result.h"
#include "hamail/tls/tls_context.h"

namespace hamail::tls {

namespace detail {
struct SessionNotes;
}

class TlsSession {
 public:
  static constexpr std::size_t kDefaultReceiveLimit = 1 << 20;
  static constexpr std::size_t kDefaultSendLimit = 1 << 20;

  // A client or server session (the role comes from `ctx`). `peer` names the other end
  // in every error ("10.201.3.12:51234"). `server_name` (client, certificate mode) is
  // sent as SNI and, when the context verifies, must match the certificate (a DNS name
  // or an IP address). A client has its ClientHello ready in take_ciphertext().
  static Result<std::unique_ptr<TlsSession>> create(const TlsContext& ctx, std::string peer,
                                                    std::string server_name = {});
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  // ---- network side ----
  // Ciphertext received from the peer: advances the handshake and decrypts what it can
  // into the plaintext buffer. An error is final ("peer X: TLS handshake failed: wrong
  // shared secret (PSK binder mismatch)"); send take_ciphertext() anyway (it may hold
  // the alert telling the peer), then close the connection. Refused without consuming
  // anything when the buffered plaintext plus `ciphertext` would pass the receive limit.
  // Bytes after the peer's close_notify are ignored.
  Status feed(std::string_view ciphertext);
  // The transport reached EOF: fine after the peer's close_notify, otherwise an error
  // (the peer vanished mid-handshake, or the stream may have been truncated).
  Status end_of_input();
  // Everything to send to the peer now (handshake messages, records, alerts).
  std::string take_ciphertext();
  std::size_t ciphertext_pending() const;

  // ---- application side ----
  // Up to `max_bytes` of decrypted data, in order.
  std::string take_plaintext(std::size_t max_bytes = static_cast<std::size_t>(-1));
  // The same without a copy: a view of up to `max_bytes`, valid until the next call that
  // feeds, consumes or takes; then consume_plaintext() what was used.
  std::string_view peek_plaintext(std::size_t max_bytes) const;
  void consume_plaintext(std::size_t n);
  std::size_t plaintext_pending() const { return plaintext_.size() - plaintext_offset_; }
  // Encrypts `plaintext` (queued until the handshake completes). Fails, taking nothing,
  // once unsent output plus this would pass the send limit ("write queue full").
  Status write(std::string_view plaintext);
  // Plaintext written before the handshake completed, not yet encrypted.
  std::size_t queued_plaintext() const { return queued_.size(); }
  // Sends close_notify after everything written so far (after the handshake if it is
  // still running). Writing afterwards is an error; reading continues.
  Status close();

  void set_receive_limit(std::size_t bytes) { receive_limit_ = bytes; }
  void set_send_limit(std::size_t bytes) { send_limit_ = bytes; }
  // Upper bound of the ciphertext that `plaintext_bytes` of application data becomes.
  static std::size_t ciphertext_bound(std::size_t plaintext_bytes);

  // ---- state ----
  bool handshake_done() const { return handshake_done_; }
  bool peer_closed() const { return peer_closed_; }  // close_notify received
  bool close_sent() const { return close_sent_; }
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  const std::string& peer() const { return peer_; }
  TlsRole role() const { return ctx_.role(); }
  // After the handshake: "TLSv1.3", "TLS_AES_256_GCM_SHA384"; empty before.
  std::string protocol() const;
  std::string cipher() const;
  // The authenticated identity: the PSK identity, or the certificate subject (when the
  // peer sent one); empty before the handshake.
  std::string peer_identity() const;
  // "TLSv1.3 TLS_AES_256_GCM_SHA384 psk=r0", for logs.
  std::string describe() const;

 private:
  TlsSession(TlsContext ctx, std::string peer);
  Status pump();
  Status encrypt(std::string_view plaintext);
  Status send_close_notify();
  Status fail(std::string reason);

  TlsContext ctx_;
  std::string peer_;
  SSL* ssl_ = nullptr;
  BIO* rbio_ = nullptr;  // network -> OpenSSL (owned by ssl_)
  BIO* wbio_ = nullptr;  // OpenSSL -> network (owned by ssl_)
  std::unique_ptr<detail::SessionNotes> notes_;
  std::string plaintext_;  // decrypted, from plaintext_offset_ on not yet taken
  std::size_t plaintext_offset_ = 0;
  std::string queued_;  // written before the handshake completed
  std::size_t receive_limit_ = kDefaultReceiveLimit;
  std::size_t send_limit_ = kDefaultSendLimit;
  bool handshake_done_ = false;
  bool peer_closed_ = false;
  bool close_requested_ = false;
  bool close_sent_ = false;
  std::string error_;
};

}  // namespace hamail::tls

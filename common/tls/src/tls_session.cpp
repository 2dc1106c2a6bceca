#include "hamail/tls/tls_session.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <climits>

#include "openssl_error.h"
#include "session_notes.h"

namespace hamail::tls {
namespace {

constexpr std::size_t kRecordPlaintext = 16384;
// Header (5) + explicit nonce (8, TLS 1.2 GCM) + tag (16) + inner type (1), rounded up.
constexpr std::size_t kRecordOverhead = 64;
constexpr std::size_t kChunk = 16384;

bool is_ip_address(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

}  // namespace

std::size_t TlsSession::ciphertext_bound(std::size_t n) {
  return n + (n / kRecordPlaintext + 1) * kRecordOverhead;
}

TlsSession::TlsSession(TlsContext ctx, std::string peer)
    : ctx_(std::move(ctx)), peer_(std::move(peer)), notes_(std::make_unique<detail::SessionNotes>()) {}

TlsSession::~TlsSession() {
  if (ssl_ != nullptr) SSL_free(ssl_);  // frees both BIOs
}

Result<std::unique_ptr<TlsSession>> TlsSession::create(const TlsContext& ctx, std::string peer,
                                                       std::string server_name) {
  ERR_clear_error();
  std::unique_ptr<TlsSession> s(new TlsSession(ctx, std::move(peer)));
  s->ssl_ = SSL_new(ctx.raw());
  s->rbio_ = BIO_new(BIO_s_mem());
  s->wbio_ = BIO_new(BIO_s_mem());
  if (s->ssl_ == nullptr || s->rbio_ == nullptr || s->wbio_ == nullptr) {
    if (s->rbio_ != nullptr) BIO_free(s->rbio_);
    if (s->wbio_ != nullptr) BIO_free(s->wbio_);
    s->rbio_ = s->wbio_ = nullptr;
    return Error{"peer " + s->peer_ + ": cannot create TLS session: " + detail::drain_errors()};
  }
  BIO_set_mem_eof_return(s->rbio_, -1);  // empty means "want more", not EOF
  SSL_set_bio(s->ssl_, s->rbio_, s->wbio_);
  SSL_set_app_data(s->ssl_, s->notes_.get());
  if (ctx.role() == TlsRole::server) {
    SSL_set_accept_state(s->ssl_);
    return s;
  }
  SSL_set_connect_state(s->ssl_);
  if (!server_name.empty() && ctx.mode() == TlsMode::certificate) {
    bool ip = is_ip_address(server_name);
    if (!ip && SSL_set_tlsext_host_name(s->ssl_, server_name.c_str()) != 1) {
      return Error{"peer " + s->peer_ + ": invalid server name '" + detail::sanitize(server_name) + "'"};
    }
    if (ctx.verifies_peer()) {
      int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s->ssl_), server_name.c_str())
                  : SSL_set1_host(s->ssl_, server_name.c_str());
      if (ok != 1) return Error{"peer " + s->peer_ + ": invalid server name '" + detail::sanitize(server_name) + "'"};
      s->notes_->expected_name = detail::sanitize(server_name);
    }
  }
  if (Status st = s->pump(); !st) return Error{st.message()};  // produces the ClientHello
  return s;
}

Status TlsSession::fail(std::string reason) {
  if (error_.empty()) {
    error_ = "peer " + peer_ + ": " + (handshake_done_ ? "TLS error: " : "TLS handshake failed: ") + reason;
  }
  return Error{error_};
}

Status TlsSession::feed(std::string_view ciphertext) {
  if (failed()) return Error{error_};
  if (peer_closed_ || ciphertext.empty()) return Status::ok();  // nothing counts after close_notify
  std::size_t buffered = plaintext_pending() + BIO_ctrl_pending(rbio_);
  if (ciphertext.size() > receive_limit_ || buffered > receive_limit_ - ciphertext.size()) {
    return Error{"peer " + peer_ + ": TLS receive buffer full (" + std::to_string(buffered) +
                 " bytes buffered; take_plaintext() first)"};
  }
  while (!ciphertext.empty()) {
    int n = static_cast<int>(std::min<std::size_t>(ciphertext.size(), INT_MAX));
    if (BIO_write(rbio_, ciphertext.data(), n) != n) return fail("out of memory");
    ciphertext.remove_prefix(static_cast<std::size_t>(n));
  }
  return pump();
}

Status TlsSession::pump() {
  ERR_clear_error();
  if (!handshake_done_) {
    int rc = SSL_do_handshake(ssl_);
    if (rc != 1) {
      int err = SSL_get_error(ssl_, rc);
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return Status::ok();
      return fail(detail::describe_failure(ssl_, ctx_.mode(), ctx_.role(), *notes_));
    }
    // PSK mode: the handshake must really have used the PSK (mutual authentication).
    if (ctx_.mode() == TlsMode::psk && SSL_session_reused(ssl_) != 1) {
      return fail("the peer did not authenticate with the shared secret");
    }
    handshake_done_ = true;
    if (!queued_.empty()) {
      std::string q = std::move(queued_);
      queued_.clear();
      if (Status st = encrypt(q); !st) return st;
    }
    if (close_requested_) {
      if (Status st = send_close_notify(); !st) return st;
    }
  }
  if (plaintext_offset_ > 0 && plaintext_offset_ == plaintext_.size()) {
    plaintext_.clear();
    plaintext_offset_ = 0;
  }
  while (!peer_closed_) {
    // Decrypted straight into plaintext_'s tail (no bounce buffer: a copy less per byte).
    std::size_t old = plaintext_.size();
    plaintext_.resize(old + kChunk);
    std::size_t n = 0;
    int rc = SSL_read_ex(ssl_, plaintext_.data() + old, kChunk, &n);
    plaintext_.resize(old + (rc == 1 ? n : 0));
    if (rc == 1) continue;
    int err = SSL_get_error(ssl_, rc);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) break;
    if (err == SSL_ERROR_ZERO_RETURN) {
      peer_closed_ = true;
      break;
    }
    return fail(detail::describe_failure(ssl_, ctx_.mode(), ctx_.role(), *notes_));
  }
  return Status::ok();
}

Status TlsSession::end_of_input() {
  if (failed()) return Error{error_};
  if (peer_closed_) return Status::ok();
  if (!handshake_done_) return fail("the peer closed the connection during the handshake");
  return fail("the peer closed the connection without TLS close_notify (the data may be truncated)");
}

std::string TlsSession::take_ciphertext() {
  std::string out;
  std::size_t n = BIO_ctrl_pending(wbio_);
  if (n == 0) return out;
  out.resize(n);
  int got = BIO_read(wbio_, out.data(), static_cast<int>(std::min<std::size_t>(n, INT_MAX)));
  out.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
  return out;
}

std::size_t TlsSession::ciphertext_pending() const { return BIO_ctrl_pending(wbio_); }

std::string TlsSession::take_plaintext(std::size_t max_bytes) {
  std::string out(peek_plaintext(max_bytes));
  consume_plaintext(out.size());
  return out;
}

std::string_view TlsSession::peek_plaintext(std::size_t max_bytes) const {
  return std::string_view(plaintext_).substr(plaintext_offset_, std::min(max_bytes, plaintext_pending()));
}

void TlsSession::consume_plaintext(std::size_t n) {
  plaintext_offset_ += std::min(n, plaintext_pending());
  if (plaintext_offset_ == plaintext_.size()) {
    plaintext_.clear();
    plaintext_offset_ = 0;
  }
}

Status TlsSession::write(std::string_view plaintext) {
  if (failed()) return Error{error_};
  if (close_requested_) return Error{"write to " + peer_ + ": TLS connection is closing (close_notify)"};
  if (plaintext.empty()) return Status::ok();
  std::size_t pending = ciphertext_pending() + queued_.size();
  std::size_t more = ciphertext_bound(plaintext.size());
  if (more > send_limit_ || pending > send_limit_ - more) {
    return Error{"write to " + peer_ + ": write queue full (" + std::to_string(pending) + " bytes pending, " +
                 std::to_string(plaintext.size()) + " more would exceed the limit of " + std::to_string(send_limit_) +
                 ")"};
  }
  if (!handshake_done_) {
    queued_.append(plaintext);
    return Status::ok();
  }
  return encrypt(plaintext);
}

Status TlsSession::encrypt(std::string_view plaintext) {
  ERR_clear_error();
  while (!plaintext.empty()) {
    std::size_t written = 0;
    if (SSL_write_ex(ssl_, plaintext.data(), plaintext.size(), &written) != 1) {
      return fail(detail::describe_failure(ssl_, ctx_.mode(), ctx_.role(), *notes_));
    }
    plaintext.remove_prefix(written);
  }
  return Status::ok();
}

Status TlsSession::close() {
  if (failed()) return Error{error_};
  if (close_requested_) return Status::ok();
  close_requested_ = true;
  if (!handshake_done_) return Status::ok();  // sent when the handshake completes
  return send_close_notify();
}

Status TlsSession::send_close_notify() {
  ERR_clear_error();
  int rc = SSL_shutdown(ssl_);  // 0: sent ours, the peer's not seen yet; 1: both done
  if (rc < 0) return fail(detail::describe_failure(ssl_, ctx_.mode(), ctx_.role(), *notes_));
  close_sent_ = true;
  return Status::ok();
}

std::string TlsSession::protocol() const { return handshake_done_ ? SSL_get_version(ssl_) : ""; }

std::string TlsSession::cipher() const {
  if (!handshake_done_) return "";
  const SSL_CIPHER* c = SSL_get_current_cipher(ssl_);
  return c != nullptr ? SSL_CIPHER_get_name(c) : "";
}

std::string TlsSession::peer_identity() const {
  if (!handshake_done_) return "";
  if (ctx_.mode() == TlsMode::psk) return ctx_.psk_identity();
  X509* cert = SSL_get0_peer_certificate(ssl_);
  if (cert == nullptr) return "";
  char buf[256];
  X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof buf);
  return buf;
}

std::string TlsSession::describe() const {
  if (!handshake_done_) return "handshaking";
  std::string out = protocol() + " " + cipher();
  std::string id = peer_identity();
  if (ctx_.mode() == TlsMode::psk) {
    out += " psk=" + id;
  } else if (!id.empty()) {
    out += " peer_cert=" + id + (ctx_.verifies_peer() ? " verified" : " unverified");
  }
  return out;
}

}  // namespace hamail::tls

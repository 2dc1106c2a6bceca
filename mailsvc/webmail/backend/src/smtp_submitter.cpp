#include "hamail/mailsvc/webmailbackend/smtp_submitter.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <charconv>
#include <cstring>
#include <memory>

#include "hamail/mailsvc/smtp/client_session.h"

namespace hamail::mailsvc::webmailbackend {
namespace {

using Clock = std::chrono::steady_clock;

struct SslFree {
  void operator()(SSL* s) const { SSL_free(s); }
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};

// One connection: plaintext until STARTTLS, then through OpenSSL; every wait bounded by
// the deadline (non-blocking socket + poll).
class Connection {
 public:
  explicit Connection(Clock::time_point deadline) : deadline_(deadline) {}
  ~Connection() {
    ssl_.reset();
    if (fd_ >= 0) ::close(fd_);
  }

  std::string connect(const std::string& host, std::uint16_t port) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* list = nullptr;
    std::string service = std::to_string(port);
    if (int e = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &list); e != 0)
      return "cannot resolve " + host + ": " + ::gai_strerror(e);
    std::string error = "no address for " + host;
    for (addrinfo* a = list; a != nullptr && fd_ < 0; a = a->ai_next) {
      int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
      if (fd < 0) continue;
      if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0 || (errno == EINPROGRESS && wait(fd, POLLOUT))) {
        int so = 0;
        socklen_t len = sizeof so;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &len);
        if (so == 0) {
          fd_ = fd;
          break;
        }
        errno = so;
      }
      error = "cannot connect to " + host + ":" + service + ": " + (errno ? std::strerror(errno) : "timeout");
      ::close(fd);
    }
    ::freeaddrinfo(list);
    return fd_ >= 0 ? "" : error;
  }

  // TLS over the connection (after the 220 to STARTTLS); "" when done.
  std::string start_tls(const std::string& host, bool verify) {
    ctx_.reset(SSL_CTX_new(TLS_client_method()));
    if (!ctx_) return "TLS context";
    SSL_CTX_set_min_proto_version(ctx_.get(), TLS1_2_VERSION);
    if (verify) {
      SSL_CTX_set_default_verify_paths(ctx_.get());
      SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_PEER, nullptr);
    }
    ssl_.reset(SSL_new(ctx_.get()));
    if (!ssl_ || SSL_set_fd(ssl_.get(), fd_) != 1) return "TLS session";
    if (verify && SSL_set1_host(ssl_.get(), host.c_str()) != 1) return "TLS host name";
    SSL_set_tlsext_host_name(ssl_.get(), host.c_str());
    while (true) {
      int r = SSL_connect(ssl_.get());
      if (r == 1) return "";
      int e = SSL_get_error(ssl_.get(), r);
      if (e == SSL_ERROR_WANT_READ && wait(fd_, POLLIN)) continue;
      if (e == SSL_ERROR_WANT_WRITE && wait(fd_, POLLOUT)) continue;
      long v = SSL_get_verify_result(ssl_.get());
      return v != X509_V_OK ? std::string("certificate: ") + X509_verify_cert_error_string(v) : "handshake failed";
    }
  }

  std::string write_all(std::string_view bytes) {
    while (!bytes.empty()) {
      long n = 0;
      if (ssl_) {
        n = SSL_write(ssl_.get(), bytes.data(), static_cast<int>(std::min<std::size_t>(bytes.size(), 1 << 20)));
        if (n <= 0) {
          int e = SSL_get_error(ssl_.get(), static_cast<int>(n));
          if ((e == SSL_ERROR_WANT_WRITE && wait(fd_, POLLOUT)) || (e == SSL_ERROR_WANT_READ && wait(fd_, POLLIN)))
            continue;
          return "TLS write failed";
        }
      } else {
        n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN && wait(fd_, POLLOUT)) continue;
        if (n < 0) return errno == EAGAIN ? "timeout" : std::string("write: ") + std::strerror(errno);
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return "";
  }

  // Some bytes, or an error ("" bytes and a reason).
  std::pair<std::string, std::string> read_some() {
    char buf[16384];
    while (true) {
      long n = 0;
      if (ssl_) {
        n = SSL_read(ssl_.get(), buf, sizeof buf);
        if (n <= 0) {
          int e = SSL_get_error(ssl_.get(), static_cast<int>(n));
          if ((e == SSL_ERROR_WANT_READ && wait(fd_, POLLIN)) || (e == SSL_ERROR_WANT_WRITE && wait(fd_, POLLOUT)))
            continue;
          return {"", e == SSL_ERROR_ZERO_RETURN ? "closed" : "TLS read failed or timeout"};
        }
      } else {
        n = ::recv(fd_, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN && wait(fd_, POLLIN)) continue;
        if (n < 0) return {"", errno == EAGAIN ? "timeout" : std::string("read: ") + std::strerror(errno)};
        if (n == 0) return {"", "closed by the server"};
      }
      return {std::string(buf, static_cast<std::size_t>(n)), ""};
    }
  }

 private:
  bool wait(int fd, short events) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now()).count();
    if (left <= 0) {
      errno = EAGAIN;
      return false;
    }
    pollfd p{fd, events, 0};
    int r = ::poll(&p, 1, static_cast<int>(left));
    if (r <= 0) errno = r == 0 ? EAGAIN : errno;
    return r > 0;
  }

  Clock::time_point deadline_;
  int fd_ = -1;
  std::unique_ptr<SSL_CTX, SslFree> ctx_;
  std::unique_ptr<SSL, SslFree> ssl_;
};

webmail::SubmitReply local_failure(std::string text) { return webmail::SubmitReply{false, 0, std::move(text)}; }

// The session's outcome: accepted when every recipient was delivered, else the first
// reply that decided against one (the server's text).
webmail::SubmitReply outcome(const smtp::SmtpClientSession& s) {
  for (const smtp::RecipientResult& r : s.results())
    if (r.outcome != smtp::RecipientOutcome::delivered) return webmail::SubmitReply{false, r.reply.code, r.reply.to_string()};
  if (s.results().empty()) return local_failure("no recipient");
  return webmail::SubmitReply{true, s.last_reply().code, s.last_reply().to_string()};
}

}  // namespace

std::optional<std::pair<std::string, std::uint16_t>> parse_endpoint(const std::string& text) {
  std::size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  std::string host = text.substr(0, colon);
  if (host.front() == '[') {
    if (host.back() != ']') return std::nullopt;
    host = host.substr(1, host.size() - 2);
  }
  std::uint16_t port = 0;
  std::string_view p = std::string_view(text).substr(colon + 1);
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
  if (ec != std::errc() || end != p.data() + p.size() || port == 0 || host.empty()) return std::nullopt;
  return std::pair{host, port};
}

bool is_loopback(const std::string& host) {
  in_addr a4{};
  in6_addr a6{};
  if (::inet_pton(AF_INET, host.c_str(), &a4) == 1) return (ntohl(a4.s_addr) >> 24) == 127;
  if (::inet_pton(AF_INET6, host.c_str(), &a6) == 1) return IN6_IS_ADDR_LOOPBACK(&a6);
  return host == "localhost";
}

webmail::SubmitReply SmtpSubmitter::submit(const std::string& user, const webmail::SecretText& password,
                                           const std::string& mail_from, const std::vector<std::string>& recipients,
                                           const std::string& message) {
  smtp::ClientTransaction tx;
  tx.helo_name = settings_.hostname;
  tx.mail_from = mail_from;
  tx.recipients = recipients;
  tx.data = message;
  tx.body_8bitmime = false;  // the builder writes 7bit only
  tx.auth_user = user;
  tx.auth_password = password.reveal();
  auto policy = settings_.tls == SubmissionTls::required        ? smtp::ClientTlsPolicy::encrypt
                : settings_.tls == SubmissionTls::opportunistic ? smtp::ClientTlsPolicy::may
                                                                : smtp::ClientTlsPolicy::none;
  smtp::SmtpClientSession session(std::move(tx), policy);
  tx.auth_password.resize(tx.auth_password.capacity());  // a moved-from short string keeps its bytes
  OPENSSL_cleanse(tx.auth_password.data(), tx.auth_password.size());
  if (session.done()) return outcome(session);
  Connection conn(Clock::now() + std::chrono::milliseconds(settings_.timeout_ms));
  if (std::string e = conn.connect(settings_.host, settings_.port); !e.empty()) return local_failure(e);
  smtp::ClientOutput out;
  while (!session.done()) {
    auto [bytes, error] = conn.read_some();
    out = error.empty() ? session.feed(bytes) : session.connection_lost(error);
    while (true) {
      if (std::string e = conn.write_all(out.bytes); !e.empty() && !out.done) {
        out = session.connection_lost(e);
        continue;
      }
      if (!out.start_tls) break;
      std::string e = conn.start_tls(settings_.host, settings_.tls == SubmissionTls::required);
      out = e.empty() ? session.tls_started() : session.tls_failed(e);
    }
  }
  return outcome(session);
}

}  // namespace hamail::mailsvc::webmailbackend

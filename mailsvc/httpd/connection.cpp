#include "hamail/mailsvc/httpd/connection.h"

#include <chrono>

#include <sys/sendfile.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <ctime>

#include "hamail/mailsvc/daemon/session_log.h"
#include "hamail/mailsvc/httpd/beneath_root.h"

namespace hamail::mailsvc::httpd {

namespace {

constexpr std::uint64_t kCloseGraceMs = 5000;          // after the last answer: wait for the peer to close
constexpr std::size_t kFilePiece = 64 * 1024;          // a file is read and queued this much at a time
constexpr std::size_t kHighWater = 256 * 1024;         // no more pieces while this much is unsent
constexpr std::size_t kInlineFile = 16 * 1024;         // files up to this go out in their head's write
constexpr std::size_t kSendfileMax = 1 << 20;         // at most this per sendfile(2) call
constexpr std::size_t kWriteLimit = 4 * 1024 * 1024;   // heads and in-memory bodies (gzip) of pipelined answers
constexpr std::size_t kStreamUnsent = 64 * 1024;       // a streamed body: no pull while this much is unsent
constexpr std::size_t kStreamPart = 16 * 1024;         // a streamed body is pulled this much at a time
constexpr std::size_t kStreamMinPart = 4 * 1024;       // ... and not in smaller parts (wait for room)
constexpr std::size_t kMaxQueued = 256;                // actions queued behind a waiting stream

std::time_t now() { return std::time(nullptr); }
std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Connection::Connection(uv::EventLoop& loop, const HttpLimits& limits, const tls::TlsContext& tls, const Logger& log,
                       bool use_tls, http::RequestHandler& handler, ClientCounter& counter, std::string id,
                       std::unique_ptr<uv::Stream> stream, OnDone on_done, WebmailService* webmail)
    : loop_(loop), limits_(limits), log_(log), tls_(use_tls), counter_(counter), id_(std::move(id)),
      address_(address_of_peer(stream->peer())), on_done_(std::move(on_done)),
      stream_(loop, tls, std::move(stream), kWriteLimit), session_(limits.request, handler), timer_(loop),
      webmail_(webmail), delay_timer_(loop) {}

Connection::~Connection() {
  if (counted_) counter_.release(address_);
}

void Connection::start() {
  // One info line per request (the access log), as nginx writes; a connection's start and a
  // routine end only under --debug (two more lines for every connection).
  log_.debug("connection_start").kv("session", id_).kv("peer", stream_.peer()).kv("tls", tls_);
  auto data = [this](std::string_view d) { on_data(d); };
  auto end = [this](Status s) { s ? finish("peer_closed") : finish("connection_error", s.message()); };
  if (Status s = stream_.start(tls_ ? daemon::ListenerTls::implicit : daemon::ListenerTls::starttls, data, end); !s)
    return finish("read_failed", s.message());
  counted_ = counter_.acquire(address_);
  if (!counted_) {
    log_.warning("too_many_connections_from_address").kv("session", id_).kv("address", address_)
        .kv("limit", static_cast<unsigned long>(limits_.max_connections_per_ip));
    (void)stream_.write(kBusyReply);
    return close_after_sending("address_limit");
  }
  // A file waiting for room goes on when queued bytes reached the kernel.
  stream_.set_on_written([this] {
    if (!draining_ || done_) return;  // a file or a stream waiting for room
    draining_ = false;
    pump();
  });
  arm_timer();
}

void Connection::on_data(std::string_view data) {
  if (done_ || closing_) return;
  run(session_.feed(data, now()));
}

void Connection::run(std::vector<http::HttpAction> actions) {
  for (auto& a : actions) queue_.push_back(std::move(a));
  pump();
  if (!done_ && reading_ && queue_.size() >= kMaxQueued) {  // pipelined behind a waiting stream
    stream_.pause_reading();
    reading_ = false;
  }
  if (!done_ && !closing_) arm_timer();
}

// The header timeout runs from a request's first byte until it is read, not restarted
// by each byte (a client trickling its headers is cut off); the idle timeout runs while
// no request is open and nothing is being sent.
void Connection::arm_timer() {
  if (session_.mid_request()) {
    if (timing_request_) return;
    timing_request_ = true;
    timer_.start(limits_.header_timeout_ms, [this] {
      log_.info("header_timeout").kv("session", id_).kv("peer", stream_.peer());
      close_reason_ = "header_timeout";
      run(session_.timed_out(now()));
    });
    return;
  }
  timing_request_ = false;
  timer_.start(limits_.idle_timeout_ms, [this] {
    // A stream whose producer has nothing yet (Server-Sent Events between events) is no
    // slow reader; the client's leaving is seen by reading meanwhile.
    if (stream_waiting_ && stream_.pending_write_bytes() == 0) return arm_timer();
    if (!queue_.empty()) {  // still sending a file: fine while the client takes bytes
      // Changes whenever the client takes bytes (wraps harmlessly: only equality counts).
      std::uint64_t delivered = handed_ - stream_.pending_write_bytes();
      if (delivered == delivered_at_check_) return finish("send_timeout", "the client read nothing for idle_timeout");
      delivered_at_check_ = delivered;
      return arm_timer();
    }
    close_reason_ = "idle_timeout";
    run(session_.timed_out(now()));
  });
}

void Connection::pump() {
  while (!done_ && !queue_.empty()) {
    http::HttpAction& a = queue_.front();
    if (auto* b = std::get_if<http::SendBytes>(&a)) {
      std::string bytes = std::move(b->bytes);
      // A small file goes out in the same write as its head (one syscall, one segment).
      if (queue_.size() > 1) {
        if (auto* f = std::get_if<http::SendFile>(&queue_[1]); f && f->body.length <= kInlineFile) {
          if (!append_file(*f, bytes)) return;
          queue_.erase(queue_.begin() + 1);  // invalidates `a` and `b`
        }
      }
      if (Status s = stream_.write(std::move(bytes)); !s) return finish("write_failed", s.message());
    } else if (auto* f = std::get_if<http::SendFile>(&a)) {
      if (!send_file_piece(f->body)) {
        if (done_) return;
        // The socket is behind: stop reading (pipelined requests wait) until queued bytes
        // reached the kernel (on_written; send_file_piece leaves some queued when it stops).
        if (reading_) stream_.pause_reading();
        reading_ = false;
        draining_ = true;
        return;
      }
    } else if (auto* st = std::get_if<http::SendStream>(&a)) {
      if (!send_stream(st->body)) return;  // waits for room (on_written) or the producer (wake)
    } else if (auto* e = std::get_if<http::Exchange>(&a)) {
      if (e->streamed) e->body_bytes = streamed_bytes_;
      log_exchange(*e);
    } else if (auto* later = std::get_if<http::AnswerLater>(&a)) {
      // Nothing follows it in the queue (the session holds later requests until complete).
      http::HttpRequest request = std::move(later->request);
      queue_.pop_front();
      answer_later(request);
      if (session_.waiting()) {
        // Read nothing more until the answer is out (pump resumes reading after it): the
        // session would only hold the bytes, and closes past kMaxHeldBytes.
        if (reading_) stream_.pause_reading();
        reading_ = false;
        return;
      }
      continue;
    } else {
      queue_.clear();
      return close_after_sending(close_reason_.empty() ? "session_closed" : close_reason_);
    }
    queue_.pop_front();
  }
  if (!done_ && !closing_ && !reading_) {
    reading_ = true;
    if (Status s = stream_.resume_reading(); !s) finish("read_failed", s.message());
  }
}

void Connection::answer_later(const http::HttpRequest& request) {
  auto answer_now = [this](const http::HttpResponse& r) {
    for (auto& more : session_.complete(r, now())) queue_.push_back(std::move(more));
  };
  if (webmail_ == nullptr) return answer_now(http::error_response(http::Status::internal_server_error));
  if (dashboard::is_dashboard_api(request)) return answer_dashboard(request);
  if (webmail_->trace && traceweb::is_trace_api(request.target)) return answer_trace(request);
  webmail::RequestContext ctx{tls_, address_, now_ms()};
  auto admitted = webmail_->api.admit(request, ctx);
  if (auto* r = std::get_if<http::HttpResponse>(&admitted)) return answer_now(*r);
  auto job = std::make_shared<webmail::MailJob>(std::get<webmail::MailJob>(std::move(admitted)));
  auto mail = webmail_->mail;
  auto submitter = webmail_->submitter;
  auto work = uv::run_blocking<webmail::JobOutcome>(
      loop_, [job, mail, submitter] { return webmail::WebmailApi::run(*job, *mail, submitter.get()); },
      [this, job](webmail::JobOutcome outcome) {
        webmail::ApiReply reply = webmail_->api.finish(*job, std::move(outcome), {tls_, address_, now_ms()});
        if (reply.delay_ms <= 0) return complete_later(reply.response);
        auto held = std::make_shared<http::HttpResponse>(std::move(reply.response));
        delay_timer_.start(static_cast<std::uint64_t>(reply.delay_ms), [this, held] { complete_later(*held); });
      });
  if (!work) {
    log_.warning("webmail_job_failed").kv("session", id_).kv("error", work.error());
    return answer_now(http::error_response(http::Status::service_unavailable));
  }
  work_ = std::move(*work);
}

void Connection::complete_later(const http::HttpResponse& response) {
  if (done_) return;
  if (response.status == http::Status::internal_server_error)
    log_.warning("webmail_error").kv("session", id_);  // the store's message stays out: it may name mail
  run(session_.complete(response, now()));
}

bool Connection::send_file_piece(http::FileBody& body) {
  auto* file = dynamic_cast<FdFile*>(body.file.get());
  if (int sock = stream_.plain_fd(); sock >= 0 && file) return sendfile_piece(sock, file, body);
  while (body.length > 0) {
    if (stream_.pending_write_bytes() >= kHighWater) return false;
    if (!write_file_piece(file, body)) return false;
  }
  return true;
}

// A streamed body: parts pulled one at a time while less than kStreamUnsent is unsent; true
// at its end (the last-chunk queued). Else it waits: for room (draining_, on_written pumps
// again) or for its producer (stream_waiting_, the producer's wake pumps again).
bool Connection::send_stream(http::StreamedBody& body) {
  body.producer().set_wake([this] { stream_wake(); });
  for (;;) {
    std::size_t unsent = stream_.pending_write_bytes();
    if (unsent + kStreamMinPart > kStreamUnsent) {
      if (reading_) stream_.pause_reading();
      reading_ = false;
      draining_ = true;
      return false;
    }
    woken_ = false;
    http::StreamedBody::Step step = body.next(std::min(kStreamPart, kStreamUnsent - unsent));
    if (!step.wire.empty()) {
      handed_ += step.wire.size();
      if (Status s = stream_.write(std::move(step.wire)); !s) {
        finish("write_failed", s.message());
        return false;
      }
    }
    switch (step.state) {
      case http::StreamedBody::State::more:
        continue;
      case http::StreamedBody::State::waiting:
        if (woken_) continue;  // it woke us while it was asked
        stream_waiting_ = true;
        // Read meanwhile, so that a client's leaving is seen; requests pipelined behind the
        // stream are answered into the queue (run() stops reading at kMaxQueued).
        if (!reading_ && !closing_ && queue_.size() < kMaxQueued) {
          reading_ = true;
          if (Status s = stream_.resume_reading(); !s) {
            finish("read_failed", s.message());
            return false;
          }
        }
        return false;
      case http::StreamedBody::State::done:
        body.producer().set_wake({});
        streamed_bytes_ = body.body_bytes();
        return true;
      case http::StreamedBody::State::failed:
        // No last-chunk (or, HTTP/1.0, a close before the end): the client sees it cut off.
        finish("stream_failed", step.error);
        return false;
    }
  }
}

void Connection::stream_wake() {
  woken_ = true;
  if (!stream_waiting_ || done_) return;
  stream_waiting_ = false;
  pump();
  if (!done_ && !closing_) arm_timer();
}

bool Connection::append_file(http::SendFile& f, std::string& out) {
  auto* file = dynamic_cast<FdFile*>(f.body.file.get());
  std::size_t n = static_cast<std::size_t>(f.body.length), at = out.size();
  out.resize(at + n);
  ssize_t got = file ? ::pread(file->fd(), out.data() + at, n, static_cast<off_t>(f.body.offset)) : -1;
  if (got != static_cast<ssize_t>(n)) {  // shrank under us (or a short read): the length cannot be kept
    finish("file_read_failed", "the file changed while it was sent");
    return false;
  }
  handed_ += n;
  return true;
}

bool Connection::write_file_piece(FdFile* file, http::FileBody& body) {
  std::size_t n = body.length < kFilePiece ? static_cast<std::size_t>(body.length) : kFilePiece;
  std::string piece(n, '\0');
  ssize_t got = file ? ::pread(file->fd(), piece.data(), n, static_cast<off_t>(body.offset)) : -1;
  if (got <= 0) {  // the file shrank under us: the promised length cannot be kept
    finish("file_read_failed", "the file changed while it was sent");
    return false;
  }
  piece.resize(static_cast<std::size_t>(got));
  handed_ += static_cast<std::uint64_t>(got);
  body.offset += static_cast<std::uint64_t>(got);
  body.length -= static_cast<std::uint64_t>(got);
  if (Status s = stream_.write(std::move(piece)); !s) {
    finish("write_failed", s.message());
    return false;
  }
  return true;
}

// Plaintext: the kernel copies the file to the socket, once the queued bytes (the head)
// are out. The socket is non-blocking: on EAGAIN the next piece goes through the write
// queue instead, whose completion (on_written) says when there is room again.
bool Connection::sendfile_piece(int sock, FdFile* file, http::FileBody& body) {
  int fd = file->fd();
  while (body.length > 0) {
    if (stream_.pending_write_bytes() > 0) return false;
    off_t offset = static_cast<off_t>(body.offset);
    std::size_t n = body.length < kSendfileMax ? static_cast<std::size_t>(body.length) : kSendfileMax;
    ssize_t sent = ::sendfile(sock, fd, &offset, n);
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!write_file_piece(file, body)) return false;  // done_
      if (body.length == 0) return true;
      if (stream_.pending_write_bytes() > 0) return false;  // on_written calls pump again
      continue;  // the kernel took the piece at once (write_at_once): no on_written comes
    }
    if (sent > 0) handed_ += static_cast<std::uint64_t>(sent);
    if (sent <= 0) {
      finish(sent == 0 ? "file_read_failed" : "write_failed",
             sent == 0 ? "the file changed while it was sent" : std::string("sendfile: ") + std::strerror(errno));
      return false;
    }
    body.offset += static_cast<std::uint64_t>(sent);
    body.length -= static_cast<std::uint64_t>(sent);
  }
  return true;
}

void Connection::log_exchange(const http::Exchange& e) {
  std::string version = "HTTP/" + std::to_string(e.version.major) + "." + std::to_string(e.version.minor);
  log_.info("request").kv("request_id", id_ + "-" + std::to_string(e.number)).kv("peer", stream_.peer())
      .kv("tls", tls_).kv("method", e.method.empty() ? "-" : e.method).kv("target", e.target.empty() ? "-" : e.target)
      .kv("version", e.method.empty() ? "-" : version).kv("status", http::code(e.status))
      .kv("bytes", static_cast<unsigned long>(e.body_bytes));
}

void Connection::close_after_sending(std::string_view reason) {
  if (closing_ || done_) return;
  closing_ = true;
  close_reason_ = std::string(reason);
  // Read again (a file send may have paused it) to see the peer's close at once; what it
  // still sends is dropped (on_data). Else its slot stayed taken for the whole grace.
  if (!reading_) {
    reading_ = true;
    (void)stream_.resume_reading();
  }
  (void)stream_.shutdown();  // the grace timer bounds the wait for the peer either way
  timer_.start(kCloseGraceMs, [this] { finish(close_reason_); });
}

void Connection::finish(std::string_view reason, const std::string& error) {
  if (done_) return;
  done_ = true;
  timer_.stop();
  // Once we closed, how the peer hangs up (often without a TLS close_notify) is no error.
  std::string err = closing_ ? std::string() : error;
  if (closing_) reason = close_reason_;
  if (!queue_.empty())  // a stream's producer may outlive us (an event source): detach it
    if (auto* st = std::get_if<http::SendStream>(&queue_.front())) st->body.producer().set_wake({});
  // The client's close or ours after a "Connection: close" answer is routine (--debug);
  // timeouts, limits and errors stay in the log.
  if (err.empty() && (reason == "peer_closed" || reason == "session_closed"))
    log_.debug("session_end").kv("session", id_).kv("peer", stream_.peer()).kv("reason", reason);
  else
    daemon::log_session_end(log_, id_, stream_.peer(), "", reason, err);
  stream_.close();
  if (on_done_) on_done_();
}

}  // namespace hamail::mailsvc::httpd

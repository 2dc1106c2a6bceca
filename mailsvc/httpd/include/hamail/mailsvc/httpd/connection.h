// One HTTP client connection: the client socket (plaintext or TLS from the first byte)
// around an HttpSession. It runs the session's actions in order (bytes, a file range sent
// with sendfile on plaintext and in bounded pieces through TLS, the access-log record, close), holds the header timeout from a
// request's first byte (slowloris) and the idle timeout between requests (and while a
// file is sent, closes a client that read nothing for that long), streams a body of unknown
// length (pulled only as it is written, at most 64 KiB unsent), and refuses a
// client address over its connection limit with 503. Calls on_done once at the end.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "hamail/base/log.h"
#include "hamail/uv/blocking_work.h"
#include "hamail/uv/event_loop.h"
#include "hamail/uv/stream.h"
#include "hamail/uv/timer.h"
#include "hamail/tls/tls_context.h"
#include "hamail/mailsvc/daemon/client_stream.h"
#include "hamail/mailsvc/daemon/server.h"
#include "hamail/mailsvc/http/session.h"
#include "hamail/mailsvc/httpd/beneath_root.h"
#include "hamail/mailsvc/httpd/client_counter.h"
#include "hamail/mailsvc/httpd/httpd_config.h"
#include "hamail/mailsvc/httpd/webmail_site.h"

namespace hamail::mailsvc::httpd {

class Connection : public daemon::Connection {
 public:
  // Written by daemon::Server to a client beyond max_connections.
  static constexpr const char* kBusyReply =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

  // `webmail` (may be null) answers the session's AnswerLater requests (/api/).
  Connection(uv::EventLoop& loop, const HttpLimits& limits, const tls::TlsContext& tls, const Logger& log, bool use_tls,
             http::RequestHandler& handler, ClientCounter& counter, std::string id, std::unique_ptr<uv::Stream> stream,
             OnDone on_done, WebmailService* webmail = nullptr);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void start() override;

 private:
  void on_data(std::string_view data);
  void run(std::vector<http::HttpAction> actions);
  void pump();
  bool send_file_piece(http::FileBody& body);  // true when the range is all queued
  bool sendfile_piece(int sock, FdFile* file, http::FileBody& body);  // the same with sendfile(2)
  bool append_file(http::SendFile& f, std::string& out);  // a small file read whole onto its head
  bool write_file_piece(FdFile* file, http::FileBody& body);  // one piece read and queued; false: finished
  bool send_stream(http::StreamedBody& body);  // true when the body's end is queued
  void stream_wake();                          // the producer has more
  void log_exchange(const http::Exchange& e);
  // An /api/ request: answered at once (gate, logout, ...) into the queue, or a pool job
  // whose answer comes through complete_later (after the failed-login delay, if any).
  void answer_later(const http::HttpRequest& request);
  void complete_later(const http::HttpResponse& response);
  void answer_dashboard(const http::HttpRequest& request);  // /dashboard/api/ (connection_dashboard.cpp)
  void run_dashboard_action(const dashboard::DashboardJob& job);
  void answer_trace(const http::HttpRequest& request);  // /trace/api/ (connection_trace.cpp)
  void arm_timer();
  void close_after_sending(std::string_view reason);
  void finish(std::string_view reason, const std::string& error = {});

  uv::EventLoop& loop_;
  const HttpLimits& limits_;
  const Logger& log_;
  bool tls_;
  ClientCounter& counter_;
  std::string id_;
  std::string address_;
  bool counted_ = false;
  OnDone on_done_;
  daemon::ClientStream stream_;
  http::HttpSession session_;
  std::deque<http::HttpAction> queue_;  // the session's actions not yet run
  uv::Timer timer_;                     // header / idle timeout, then the close grace
  bool timing_request_ = false;         // timer_ holds the header timeout
  std::uint64_t handed_ = 0;            // file bytes given to the socket (sendfile or write)
  std::uint64_t delivered_at_check_ = 0;  // handed_ minus the unsent, at the last idle check
  bool reading_ = true;
  bool draining_ = false;               // a file or stream waits for on_written (queued bytes sent)
  bool stream_waiting_ = false;         // a stream waits for its producer's wake
  bool woken_ = false;                  // the producer woke us since the last pull
  std::uint64_t streamed_bytes_ = 0;    // body bytes of the last finished stream (its Exchange)
  bool closing_ = false;
  bool done_ = false;
  std::string close_reason_;
  WebmailService* webmail_ = nullptr;
  std::unique_ptr<uv::BlockingWork> work_;  // the /api/ job in flight (its completion dropped with us)
  uv::Timer delay_timer_;                   // holds back the answer to a failed login
};

}  // namespace hamail::mailsvc::httpd

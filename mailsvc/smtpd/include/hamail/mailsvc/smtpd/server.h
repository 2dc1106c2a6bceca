// The listeners and the connections they accept. Finished connections are destroyed
// from a zero-delay timer, never inside their own callbacks.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "hamail/base/log.h"
#include "hamail/uv/stream.h"
#include "hamail/uv/timer.h"
#include "hamail/tls/tls_context.h"
#include "hamail/mailsvc/smtpd/config.h"
#include "hamail/mailsvc/smtpd/connection.h"
#include "hamail/mailsvc/smtpd/mailer.h"
#include "hamail/mailsvc/smtpd/queue_runner.h"

namespace hamail::mailsvc::smtpd {

class Server {
 public:
  Server(uv::EventLoop& loop, const SmtpdConfig& config, tls::TlsContext tls, const Mailer& mailer,
         QueueRunner& runner, const Logger& log)
      : loop_(loop), config_(config), tls_(std::move(tls)), mailer_(mailer), runner_(runner), log_(log), reaper_(loop) {}

  Status listen();  // every listener, or the first error naming its address

 private:
  void accept(const ListenerConfig& l, Result<std::unique_ptr<uv::Stream>> s);
  void done(std::uint64_t id);

  uv::EventLoop& loop_;
  const SmtpdConfig& config_;
  tls::TlsContext tls_;
  const Mailer& mailer_;
  QueueRunner& runner_;
  const Logger& log_;
  std::vector<std::unique_ptr<uv::StreamServer>> listeners_;
  std::map<std::uint64_t, std::unique_ptr<Connection>> connections_;
  std::vector<std::uint64_t> finished_;
  uv::Timer reaper_;
  std::uint64_t next_id_ = 1;
};

}  // namespace hamail::mailsvc::smtpd

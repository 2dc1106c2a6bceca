// Delivery of one queued message to the remote recipients of one next hop: finds the
// hosts (the relay_host, or the domain's MX records, resolved on a pool thread), then
// tries them in order over SMTP (STARTTLS as delivery.tls says) until each recipient
// has an answer that another host would not change. Results come back per recipient.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hamail/base/log.h"
#include "hamail/uv/blocking_work.h"
#include "hamail/uv/stream.h"
#include "hamail/uv/timer.h"
#include "hamail/mailsvc/smtp/client_session.h"
#include "hamail/tls/tls_context.h"
#include "hamail/tls/tls_stream.h"
#include "hamail/mailsvc/outbound/mail_resolver.h"
#include "hamail/mailsvc/smtpd/config.h"

namespace hamail::mailsvc::smtpd {

struct RemoteOutcome {
  std::vector<smtp::RecipientResult> results;  // one per recipient, in order
  std::string remote_mta;                      // "mx.example.net[192.0.2.1]:25" of the last host tried, or ""
};

class RemoteDelivery {
 public:
  using OnDone = std::function<void(RemoteOutcome)>;
  static constexpr std::size_t kMaxHosts = 5;  // addresses tried per attempt

  // `domain`: the recipients' domain (used when there is no relay_host).
  RemoteDelivery(uv::EventLoop& loop, const SmtpdConfig& config, const tls::TlsContext& client_tls,
                 const Logger& log, std::string queue_id, std::string domain, smtp::ClientTransaction transaction,
                 OnDone on_done);
  RemoteDelivery(const RemoteDelivery&) = delete;
  RemoteDelivery& operator=(const RemoteDelivery&) = delete;

  void start();

 private:
  struct Candidate {
    std::string name;
    std::string address;
    std::uint16_t port;
  };
  void resolved(std::vector<Candidate> hosts, std::optional<outbound::LookupError> error);
  void try_next();
  void connected(Result<std::unique_ptr<uv::Stream>> s);
  void on_data(std::string_view data);
  void handle(smtp::ClientOutput out);
  void end_host(std::string reason);
  void finish_all(smtp::RecipientOutcome outcome, const smtp::ClientReply& reply, const std::string& stage);
  void complete();
  void arm_timer(std::uint64_t ms);
  void write(std::string bytes);

  uv::EventLoop& loop_;
  const SmtpdConfig& config_;
  const tls::TlsContext& client_tls_;
  const Logger& log_;
  std::string queue_id_;
  std::string domain_;
  smtp::ClientTransaction transaction_;
  OnDone on_done_;

  std::unique_ptr<uv::BlockingWork> lookup_;
  std::vector<Candidate> hosts_;
  std::size_t next_host_ = 0;
  std::vector<std::size_t> open_;  // indexes (into results_) of recipients still undecided
  std::vector<smtp::RecipientResult> results_;
  std::string remote_mta_;

  std::unique_ptr<uv::PendingConnect> connecting_;
  std::unique_ptr<uv::Stream> plain_;
  std::unique_ptr<tls::TlsStream> tls_;
  std::unique_ptr<smtp::SmtpClientSession> session_;
  uv::Timer timer_;
  bool host_over_ = false;  // this host's session ended; the next one starts from a timer
  bool clear_ = false;      // this session retries a host in clear after its TLS handshake failed
  bool done_ = false;
};

}  // namespace hamail::mailsvc::smtpd

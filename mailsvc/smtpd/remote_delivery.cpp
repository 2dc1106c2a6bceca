#include "hamail/mailsvc/smtpd/remote_delivery.h"

#include <arpa/inet.h>

#include <functional>

namespace hamail::mailsvc::smtpd {

namespace {

bool is_ip_literal(const std::string& s) {
  in6_addr a6{};
  in_addr a4{};
  return ::inet_pton(AF_INET, s.c_str(), &a4) == 1 || ::inet_pton(AF_INET6, s.c_str(), &a6) == 1;
}

smtp::ClientReply synthetic(int code, std::string enhanced, std::string text) {
  smtp::ClientReply r;
  r.code = code;
  r.enhanced = std::move(enhanced);
  r.text = std::move(text);
  return r;
}

}  // namespace

RemoteDelivery::RemoteDelivery(uv::EventLoop& loop, const SmtpdConfig& config, const tls::TlsContext& client_tls,
                               const Logger& log, std::string queue_id, std::string domain,
                               smtp::ClientTransaction transaction, OnDone on_done)
    : loop_(loop),
      config_(config),
      client_tls_(client_tls),
      log_(log),
      queue_id_(std::move(queue_id)),
      domain_(std::move(domain)),
      transaction_(std::move(transaction)),
      on_done_(std::move(on_done)),
      timer_(loop) {
  for (std::size_t i = 0; i < transaction_.recipients.size(); ++i) {
    smtp::RecipientResult r;
    r.address = transaction_.recipients[i];
    r.outcome = smtp::RecipientOutcome::deferred;
    r.reply = synthetic(451, "4.4.0", "not attempted");
    r.stage = "connection";
    results_.push_back(std::move(r));
    open_.push_back(i);
  }
}

void RemoteDelivery::start() {
  // Where to: the relay host (MX lookup of its name unless [bracketed]) or the domain's MX.
  outbound::NextHop hop = config_.delivery.relay ? *config_.delivery.relay : outbound::next_hop_for_domain(domain_);
  if (!hop.mx_lookup && is_ip_literal(hop.host)) {
    resolved({Candidate{hop.host, hop.host, hop.port}}, std::nullopt);
    return;
  }
  struct Lookup {
    std::vector<Candidate> hosts;
    std::optional<outbound::LookupError> error;
  };
  auto server = config_.delivery.dns_server;
  auto work = uv::run_blocking<Lookup>(
      loop_,
      [server, hop, seed = std::hash<std::string>{}(queue_id_) | 1] {
        outbound::MailResolver resolver(server);
        Lookup l;
        auto route = resolver.lookup_next_hop(hop, seed);  // equal preferences spread per message
        if (route.error) {
          l.error = route.error;
          return l;
        }
        for (const auto& h : route.hosts)
          for (const auto& a : h.addresses)
            if (l.hosts.size() < kMaxHosts) l.hosts.push_back(Candidate{h.name, a, hop.port});
        return l;
      },
      [this](Lookup l) { resolved(std::move(l.hosts), std::move(l.error)); });
  if (!work) {
    finish_all(smtp::RecipientOutcome::deferred, synthetic(451, "4.3.0", "cannot resolve: " + work.error()),
               "connection");
    return complete();
  }
  lookup_ = std::move(*work);
}

void RemoteDelivery::resolved(std::vector<Candidate> hosts, std::optional<outbound::LookupError> error) {
  std::string target = config_.delivery.relay ? config_.delivery.relay->to_string() : domain_;
  if (error) {
    bool permanent = error->kind == outbound::LookupFailure::permanent;
    finish_all(permanent ? smtp::RecipientOutcome::failed : smtp::RecipientOutcome::deferred,
               permanent ? synthetic(550, "5.1.2", error->message) : synthetic(451, "4.4.3", error->message),
               "connection");
    return complete();
  }
  if (hosts.empty()) {
    finish_all(smtp::RecipientOutcome::deferred, synthetic(451, "4.4.3", "no address found for " + target),
               "connection");
    return complete();
  }
  hosts_ = std::move(hosts);
  try_next();
}

void RemoteDelivery::try_next() {
  session_.reset();
  tls_.reset();
  plain_.reset();
  connecting_.reset();
  host_over_ = false;
  if (open_.empty() || next_host_ >= hosts_.size()) return complete();
  const Candidate& c = hosts_[next_host_++];
  remote_mta_ = c.name + "[" + c.address + "]:" + std::to_string(c.port);
  smtp::ClientTransaction t = transaction_;
  t.recipients.clear();
  for (auto i : open_) t.recipients.push_back(transaction_.recipients[i]);
  session_ = std::make_unique<smtp::SmtpClientSession>(std::move(t),
                                                       clear_ ? smtp::ClientTlsPolicy::none : config_.delivery.tls);
  if (session_->done()) return end_host("nothing to send");
  arm_timer(config_.delivery.connect_timeout_ms);
  auto pc = uv::connect_tcp(loop_, c.address, c.port,
                            [this](Result<std::unique_ptr<uv::Stream>> s) { connected(std::move(s)); });
  if (!pc) {
    (void)session_->connection_lost(pc.error());
    return end_host(pc.error());
  }
  connecting_ = std::move(*pc);
}

void RemoteDelivery::connected(Result<std::unique_ptr<uv::Stream>> s) {
  if (!s) {
    (void)session_->connection_lost("connect to " + remote_mta_ + ": " + s.error());
    return end_host(s.error());
  }
  plain_ = std::move(*s);
  arm_timer(config_.delivery.command_timeout_ms);
  auto st = plain_->start_reading([this](std::string_view d) { on_data(d); },
                                  [this](Status e) {
                                    (void)session_->connection_lost(e ? "connection closed by " + remote_mta_
                                                                      : e.message());
                                    end_host(e ? "closed" : e.message());
                                  });
  if (!st) {
    (void)session_->connection_lost(st.message());
    end_host(st.message());
  }
}

void RemoteDelivery::on_data(std::string_view data) {
  if (!session_ || session_->done()) return;
  arm_timer(config_.delivery.command_timeout_ms);
  handle(session_->feed(data));
}

void RemoteDelivery::write(std::string bytes) {
  if (bytes.empty()) return;
  Status s = tls_ ? tls_->write(std::move(bytes)) : plain_ ? plain_->write(std::move(bytes)) : Status(Error{"closed"});
  if (!s && session_ && !session_->done()) handle(session_->connection_lost("write to " + remote_mta_ + ": " + s.message()));
}

void RemoteDelivery::handle(smtp::ClientOutput out) {
  // A message bigger than the stream's write limit goes out in one write: lift it.
  if (plain_) plain_->set_write_limit(std::max<std::size_t>(uv::Stream::kDefaultWriteLimit, out.bytes.size() * 2));
  if (tls_) tls_->set_write_limit(std::max<std::size_t>(uv::Stream::kDefaultWriteLimit, out.bytes.size() * 2));
  write(std::move(out.bytes));
  if (out.start_tls) {
    tls::TlsStreamOptions opts;
    opts.server_name = config_.delivery.tls_verify ? hosts_[next_host_ - 1].name : std::string();
    opts.pipelined = tls::PipelinedPlaintext::discard;
    auto t = tls::TlsStream::upgrade(loop_, std::move(plain_), client_tls_, {}, opts);
    if (!t) return handle(session_->tls_failed(t.error()));
    tls_ = std::move(*t);
    auto s = tls_->start_reading([this](std::string_view d) { on_data(d); },
                                 [this](Status e) {
                                   if (!session_->done()) {
                                     if (!tls_->handshake_done()) (void)session_->tls_failed(e.message());
                                     else (void)session_->connection_lost(e ? "connection closed" : e.message());
                                   }
                                   end_host(e ? "closed" : e.message());
                                 },
                                 [this] { handle(session_->tls_started()); });
    if (!s) handle(session_->tls_failed(s.message()));
    return;
  }
  if (out.done) {
    if (tls_) (void)tls_->shutdown();
    else if (plain_) (void)plain_->shutdown();
    end_host("done");
  }
}

void RemoteDelivery::end_host(std::string reason) {
  if (done_ || !session_ || host_over_) return;
  host_over_ = true;
  timer_.stop();
  const auto& got = session_->results();
  // Recipients still undecided go to the next host only when this one never took part in
  // the transaction (connection, greeting, EHLO, STARTTLS): a RCPT or DATA answer stands.
  std::vector<std::size_t> again;
  bool tls_broke = false;
  for (std::size_t k = 0; k < got.size() && k < open_.size(); ++k) {
    std::size_t i = open_[k];
    results_[i] = got[k];
    const auto& st = got[k].stage;
    bool host_problem = st == "connection" || st == "greeting" || st == "ehlo" || st == "starttls";
    if (got[k].outcome == smtp::RecipientOutcome::deferred && host_problem) again.push_back(i);
    tls_broke = tls_broke || (got[k].outcome == smtp::RecipientOutcome::deferred && st == "starttls");
  }
  // Opportunistic TLS (may) whose handshake failed: the same host once more in clear, as
  // Postfix does; encrypt and verify never fall back.
  bool retry_clear = tls_broke && !clear_ && config_.delivery.tls == smtp::ClientTlsPolicy::may &&
                     !config_.delivery.tls_verify;
  log_.debug("remote_session_end").kv("queue_id", queue_id_).kv("relay", remote_mta_).kv("reason", reason)
      .kv("tls", session_->tls_active()).kv("retry_in_clear", retry_clear)
      .kv("retry_next_host", !again.empty() && !retry_clear);
  if (retry_clear) {
    log_.warning("tls_failed_retry_in_clear").kv("queue_id", queue_id_).kv("relay", remote_mta_)
        .kv("reason", session_->last_reply().to_string());
    --next_host_;
  }
  clear_ = retry_clear;
  open_ = std::move(again);
  // Not from inside the stream's callback: the streams are reset in try_next.
  timer_.start(0, [this] { try_next(); });
}

void RemoteDelivery::finish_all(smtp::RecipientOutcome outcome, const smtp::ClientReply& reply,
                                const std::string& stage) {
  for (auto i : open_) {
    results_[i].outcome = outcome;
    results_[i].reply = reply;
    results_[i].stage = stage;
  }
  open_.clear();
}

void RemoteDelivery::arm_timer(std::uint64_t ms) {
  timer_.start(ms, [this] {
    if (!session_ || session_->done()) return;
    std::string what = "timeout waiting for " + session_->stage() + " from " + remote_mta_;
    (void)session_->connection_lost(what);
    end_host(what);
  });
}

void RemoteDelivery::complete() {
  if (done_) return;
  done_ = true;
  timer_.stop();
  // The owner may destroy this object from on_done: call it last, from a fresh stack.
  timer_.start(0, [this] {
    RemoteOutcome o{results_, remote_mta_};
    auto cb = std::move(on_done_);
    cb(std::move(o));
  });
}

}  // namespace hamail::mailsvc::smtpd

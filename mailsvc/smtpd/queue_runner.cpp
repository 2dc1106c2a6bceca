#include "hamail/mailsvc/smtpd/queue_runner.h"

#include <algorithm>
#include <ctime>

#include "hamail/mailsvc/outbound/dsn.h"
#include "hamail/mailsvc/outbound/recipient_domains.h"
#include "hamail/mailsvc/outbound/retry_schedule.h"
#include "hamail/mailsvc/smtpd/local_delivery.h"
#include "hamail/mailsvc/store/fs.h"

namespace hamail::mailsvc::smtpd {

namespace {

using State = QueuedRecipient::State;

int utc_offset_minutes(std::time_t t) {
  std::tm tm{};
  ::localtime_r(&t, &tm);
  return static_cast<int>(tm.tm_gmtoff / 60);
}

constexpr std::size_t kBounceQuoteBytes = 256 * 1024;

bool outstanding(const QueueEnvelope& env) { return env.has_state(State::pending) || env.has_state(State::remote); }

}  // namespace

AttemptEnd end_attempt(const SmtpdConfig& config, const Mailer& mailer, QueueEnvelope env, std::int64_t now,
                       const std::string& bounce_id, const Logger& log) {
  const auto& policy = config.delivery.retry;
  if (outstanding(env) && outbound::expired(policy, env.arrival, now)) {
    for (auto& r : env.recipients) {
      if (r.state != State::pending && r.state != State::remote) continue;
      r.state = State::failed;
      r.status = "4.4.7";
      r.diagnostic = "x-hamail; not delivered within the queue lifetime (" +
                     std::to_string(policy.queue_lifetime_s) + " s)" +
                     (r.diagnostic.empty() ? std::string() : "; last error: " + r.diagnostic);
      log.warning("expired").kv("queue_id", env.id).kv("message_id", env.message_id).kv("from", env.from)
          .kv("to", r.address).kv("status", "expired").kv("attempts", env.attempts);
    }
  }

  AttemptEnd end;
  if (env.has_state(State::failed)) {
    if (env.from.empty()) {
      for (auto& r : env.recipients) {
        if (r.state != State::failed) continue;
        r.state = State::bounced;
        log.warning("bounce_suppressed").kv("queue_id", env.id).kv("message_id", env.message_id).kv("from", "<>")
            .kv("to", r.address).kv("status", "failed").kv("reason", "null sender: a bounce is never bounced")
            .kv("diagnostic", r.diagnostic);
      }
    } else {
      outbound::BounceInput in;
      in.reporting_host = config.hostname;
      in.original_queue_id = env.id;
      in.original_from = env.from;
      in.original_message_id = env.message_id;
      in.arrival_unix = env.arrival;
      in.now_unix = now;
      in.utc_offset_minutes = utc_offset_minutes(now);
      in.bounce_message_id = "<" + bounce_id + "@" + config.hostname + ">";
      in.boundary_seed = bounce_id;
      for (const auto& r : env.recipients) {
        if (r.state != State::failed) continue;
        in.recipients.push_back({r.address, r.status.empty() ? "5.0.0" : r.status, r.diagnostic, r.remote_mta,
                                 env.last_attempt ? env.last_attempt : now});
      }
      // Only the original's header section is returned: its start is enough.
      auto original = mailer.queue().read_message_start(env.id, kBounceQuoteBytes);
      if (original) in.original_message = std::move(*original);
      auto queued = mailer.enqueue_own(bounce_id, "", env.from, outbound::build_bounce(in));
      if (!queued) {
        log.error("bounce_failed").kv("queue_id", env.id).kv("message_id", env.message_id).kv("from", env.from)
            .kv("error", queued.error());
      } else {
        for (auto& r : env.recipients) {
          if (r.state != State::failed) continue;
          r.state = State::bounced;
          log.warning("bounced").kv("queue_id", env.id).kv("message_id", env.message_id).kv("from", env.from)
              .kv("to", r.address).kv("status", "bounced").kv("dsn_status", r.status)
              .kv("diagnostic", r.diagnostic).kv("bounce_id", bounce_id);
          mailer.counters().bounced.inc();
        }
        end.bounce = std::move(*queued);
      }
    }
  }

  if (!store::path_exists(mailer.queue().msg_path(env.id))) {  // deleted during the attempt
    log.info("queue_entry_gone").kv("queue_id", env.id).kv("message_id", env.message_id).kv("from", env.from)
        .kv("status", "deleted");
    end.removed = true;
  } else if (outstanding(env) || env.has_state(State::failed)) {
    ++env.attempts;
    env.last_attempt = now;
    if (auto s = mailer.queue().update(env); !s)
      log.error("queue_update_failed").kv("queue_id", env.id).kv("error", s.message());
  } else if (auto s = mailer.queue().remove(env.id); !s) {
    log.error("queue_remove_failed").kv("queue_id", env.id).kv("error", s.message());
  } else {
    end.removed = true;
    log.debug("dequeued").kv("queue_id", env.id);
  }
  end.env = std::move(env);
  return end;
}

struct QueueRunner::LocalPhase {
  QueueEnvelope env;
  std::optional<std::string> message;  // when remote recipients wait and it could be read
  std::optional<AttemptEnd> end;       // no remote recipient: the attempt already ended
};

QueueRunner::QueueRunner(uv::EventLoop& loop, const SmtpdConfig& config, const Mailer& mailer,
                         tls::TlsContext client_tls, const Logger& log)
    : loop_(loop), config_(config), mailer_(mailer), client_tls_(std::move(client_tls)), log_(log),
      recovered_(std::make_shared<RecoveredDeliveries>(log)), tick_(loop) {
  tick_.start(1000, [this] { pump(); }, 1000);
}

void QueueRunner::recover() {
  if (auto n = mailer_.queue().remove_temporaries(); !n) {
    log_.error("queue_cleanup_failed").kv("error", n.error());
  } else if (*n > 0) {
    log_.info("queue_temporaries_removed").kv("files", static_cast<unsigned long>(*n))
        .kv("reason", "left by a crash: messages being received (never acknowledged), envelopes being rewritten");
  }
  std::vector<std::string> orphans;
  auto ids = mailer_.queue().list(&orphans);
  if (!ids) {
    log_.error("queue_list_failed").kv("error", ids.error());
    return;
  }
  for (const auto& id : orphans) {
    log_.info("orphan_envelope_removed").kv("queue_id", id).kv("status", "discarded")
        .kv("reason", "envelope without its message: left by a removal");
    (void)mailer_.queue().remove_orphan(id);
  }
  for (const auto& id : *ids) {
    auto env = mailer_.queue().load(id);
    if (!env) {
      log_.error("queue_load_failed").kv("queue_id", id).kv("error", env.error());
      continue;
    }
    log_.info("queue_recovered").kv("queue_id", id).kv("message_id", env->message_id).kv("from", env->from)
        .kv("to", join_addresses(env->rcpt_to)).kv("status", "queued").kv("attempts", env->attempts);
    expect_recovered(config_, *env, *recovered_);
    Entry e;
    e.env = std::move(*env);
    e.due_ms = loop_.now_ms();
    if (entries_.emplace(id, std::move(e)).second) queued_bytes_ += entries_.at(id).env.message_bytes;
  }
  pump();
}

void QueueRunner::submit(QueueEnvelope env) {
  std::string id = env.id;
  Entry e;
  e.env = std::move(env);
  e.due_ms = loop_.now_ms();
  if (auto old = entries_.find(id); old != entries_.end()) queued_bytes_ -= old->second.env.message_bytes;
  queued_bytes_ += e.env.message_bytes;
  entries_.insert_or_assign(id, std::move(e));
  if (busy_ < config_.delivery.max_parallel) begin(id);
}

void QueueRunner::flush() {
  std::size_t n = 0;
  for (auto& [id, e] : entries_) {
    if (e.busy) continue;
    e.due_ms = loop_.now_ms();
    ++n;
  }
  log_.info("queue_flush").kv("messages", static_cast<unsigned long>(n))
      .kv("in_flight", static_cast<unsigned long>(busy_));
  pump();
}

void QueueRunner::pump() {
  std::uint64_t now = loop_.now_ms();
  std::vector<std::string> due;
  for (auto& [id, e] : entries_) {
    if (busy_ + due.size() >= config_.delivery.max_parallel) break;
    if (!e.busy && e.due_ms <= now) due.push_back(id);
  }
  for (const auto& id : due) begin(id);
}

void QueueRunner::begin(const std::string& id) {
  auto it = entries_.find(id);
  if (it == entries_.end() || it->second.busy) return;
  Entry& e = it->second;
  e.busy = true;
  ++busy_;
  const SmtpdConfig& config = config_;
  const Mailer& mailer = mailer_;
  const Logger& log = log_;
  auto work = uv::run_blocking<LocalPhase>(
      loop_,
      [&config, &mailer, &log, recovered = recovered_, env = e.env, bounce_id = next_queue_id()]() mutable {
        LocalPhase p;
        if (!store::path_exists(mailer.queue().msg_path(env.id))) {  // mailsvc-queue delete
          log.info("queue_entry_gone").kv("queue_id", env.id).kv("message_id", env.message_id)
              .kv("from", env.from).kv("status", "deleted");
          p.end = AttemptEnd{std::move(env), true, std::nullopt};
          return p;
        }
        deliver_local(config, mailer.queue(), env, *recovered, log, mailer.counters());
        if (!env.has_state(State::remote)) {
          p.end = end_attempt(config, mailer, std::move(env), std::time(nullptr), bounce_id, log);
          return p;
        }
        auto m = mailer.queue().read_message(env.id, config.max_message_size + (1u << 20));
        if (m) p.message = std::move(*m);
        else log.error("queue_read_failed").kv("queue_id", env.id).kv("error", m.error());
        p.env = std::move(env);
        return p;
      },
      [this, id](LocalPhase p) { local_done(id, std::move(p)); });
  if (!work) return fail_attempt(id, work.error());
  e.work = std::move(*work);
}

void QueueRunner::local_done(const std::string& id, LocalPhase phase) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  Entry& e = it->second;
  if (phase.end) return ended(id, std::move(*phase.end));
  e.env = std::move(phase.env);
  if (!phase.message) return finish(id);
  e.message = std::move(*phase.message);

  // One transaction per next hop: the relay host takes everything, else one per domain.
  std::map<std::string, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < e.env.recipients.size(); ++i) {
    const auto& r = e.env.recipients[i];
    if (r.state == State::remote) groups[config_.delivery.relay ? std::string() : outbound::domain_of_address(r.address)].push_back(i);
  }
  e.remote_left = groups.size();
  for (auto& [domain, indexes] : groups) {
    smtp::ClientTransaction t;
    t.helo_name = config_.hostname;
    t.mail_from = e.env.from;
    for (auto i : indexes) t.recipients.push_back(e.env.recipients[i].address);
    t.data = e.message;
    t.body_8bitmime = std::any_of(e.message.begin(), e.message.end(), [](char c) { return c & 0x80; });
    auto rd = std::make_unique<RemoteDelivery>(
        loop_, config_, client_tls_, log_, e.env.id, domain, std::move(t),
        [this, id, indexes](RemoteOutcome o) { remote_done(id, indexes, std::move(o)); });
    RemoteDelivery* raw = rd.get();
    e.remote.push_back(std::move(rd));
    raw->start();
  }
}

void QueueRunner::remote_done(const std::string& id, std::vector<std::size_t> indexes, RemoteOutcome outcome) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  Entry& e = it->second;
  for (std::size_t k = 0; k < indexes.size() && k < outcome.results.size(); ++k) {
    auto& r = e.env.recipients[indexes[k]];
    const auto& res = outcome.results[k];
    r.remote_mta = outcome.remote_mta;
    r.diagnostic = res.reply.code ? outbound::diagnostic_for_smtp_reply(res.reply.to_string()) : "";
    const char* event = "deferred";
    switch (res.outcome) {
      case smtp::RecipientOutcome::delivered:
        r.state = State::done;
        r.status = res.reply.enhanced.empty() ? "2.0.0" : res.reply.enhanced;
        event = "delivered";
        break;
      case smtp::RecipientOutcome::failed:
        r.state = State::failed;
        r.status = res.reply.enhanced.empty() ? "5.0.0" : res.reply.enhanced;
        event = "delivery_failed";
        break;
      case smtp::RecipientOutcome::deferred:
        r.status = res.reply.enhanced.empty() ? "4.0.0" : res.reply.enhanced;
        break;
    }
    LogRecord rec(&log_, res.outcome == smtp::RecipientOutcome::delivered ? LogLevel::info : LogLevel::warning, event);
    rec.kv("queue_id", e.env.id).kv("message_id", e.env.message_id).kv("from", e.env.from).kv("to", r.address)
        .kv("status", res.outcome == smtp::RecipientOutcome::delivered ? "delivered"
                      : res.outcome == smtp::RecipientOutcome::failed  ? "failed"
                                                                       : "deferred")
        .kv("relay", outcome.remote_mta.empty() ? "none" : outcome.remote_mta).kv("stage", res.stage)
        .kv("reply", res.reply.to_string());
    const SmtpdCounters& counters = mailer_.counters();
    (res.outcome == smtp::RecipientOutcome::delivered ? counters.delivered_remote
     : res.outcome == smtp::RecipientOutcome::failed  ? counters.failed_remote
                                                      : counters.deferred_remote).inc();
  }
  if (--e.remote_left == 0) finish(id);
}

void QueueRunner::finish(const std::string& id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  Entry& e = it->second;
  e.message.clear();
  e.message.shrink_to_fit();
  std::string bounce_id = next_queue_id();
  const SmtpdConfig& config = config_;
  const Mailer& mailer = mailer_;
  const Logger& log = log_;
  auto work = uv::run_blocking<AttemptEnd>(
      loop_,
      [&config, &mailer, &log, env = e.env, bounce_id]() mutable {
        return end_attempt(config, mailer, std::move(env), std::time(nullptr), bounce_id, log);
      },
      [this, id](AttemptEnd end) { ended(id, std::move(end)); });
  if (!work) return fail_attempt(id, work.error());
  e.work = std::move(*work);
}

void QueueRunner::ended(const std::string& id, AttemptEnd end) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  --busy_;
  if (end.removed) {
    queued_bytes_ -= it->second.env.message_bytes;
    entries_.erase(it);  // also the finished BlockingWork that called us: it detached itself
  } else {
    Entry& e = it->second;
    std::uint64_t bytes = e.env.message_bytes;  // the same message: queued_bytes_ stays right
    e.env = std::move(end.env);
    e.env.message_bytes = bytes;
    e.busy = false;
    e.work.reset();
    e.remote.clear();
    e.due_ms = loop_.now_ms() + outbound::next_delay_s(config_.delivery.retry, e.env.attempts) * 1000;
  }
  if (end.bounce) submit(std::move(*end.bounce));
  pump();
}

void QueueRunner::fail_attempt(const std::string& id, const std::string& why) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  log_.error("attempt_failed").kv("queue_id", id).kv("error", why);
  it->second.busy = false;
  it->second.remote.clear();
  it->second.due_ms = loop_.now_ms() + config_.delivery.retry.min_backoff_s * 1000;
  --busy_;
}

}  // namespace hamail::mailsvc::smtpd

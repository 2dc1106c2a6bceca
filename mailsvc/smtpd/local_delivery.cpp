#include "hamail/mailsvc/smtpd/local_delivery.h"

#include <optional>

#include "hamail/mailsvc/store/maildir.h"

namespace hamail::mailsvc::smtpd {

std::string maildir_of(const SmtpdConfig& config, const std::string& address) {
  auto at = address.rfind('@');
  return config.maildirs_dir() + "/" + address.substr(at + 1) + "/" + address.substr(0, at) + "/Maildir";
}

namespace {

// One copy of the queued message into `maildir`, streamed from the queue file in pieces;
// its name carries `token`, so it can be found again after a crash.
Result<std::string> deliver_copy(const QueuedMessageFile& message, const std::string& maildir, std::uint64_t token) {
  auto md = store::Maildir::create(maildir);
  if (!md) return Error{md.error()};
  auto d = md->begin_delivery(token);
  if (!d) return Error{d.error()};
  if (Status s = message.copy_to([&](std::string_view piece) { return d->write(piece); }); !s) return Error{s.message()};
  return d->commit();
}

bool last_to_record(const QueueEnvelope& env) {
  return !env.has_state(QueuedRecipient::State::pending) && !env.has_state(QueuedRecipient::State::remote) &&
         !env.has_state(QueuedRecipient::State::failed);
}

}  // namespace

void expect_recovered(const SmtpdConfig& config, const QueueEnvelope& env, RecoveredDeliveries& recovered) {
  for (std::size_t i = 0; i < env.recipients.size(); ++i) {
    const auto& r = env.recipients[i];
    if (r.state == QueuedRecipient::State::pending)
      recovered.expect(maildir_of(config, r.address), delivery_token(env.id, i, r.address));
  }
}

// Crash ordering, per recipient: (1) the Maildir file is committed (fsync, rename into
// new/, fsync new/), then (2) its `done` is recorded: the .env rewritten, or for the last
// recipient the queue files removed by end_attempt. A stop between (1) and (2) leaves the
// recipient pending in the queue and the file in the Maildir; the next smtpd (here after a
// restart, or on the other node after a failover) recovers the entry, and before
// delivering asks `recovered` whether a file carrying this (queue id, recipient) token is
// in new/ or cur/ (flags changed by POP3/IMAP keep it): if so the recipient is done
// without a second copy. A stop before (1) leaves at most a tmp/ file, which is no
// delivery: it is removed and the copy delivered. What stays open: a file deleted or
// moved to another folder by its user between (1) and the stop is delivered again (it was
// read: the client saw both). Fresh mail (accepted by this process) is never looked for:
// `take` answers at once for tokens it was not given at recovery.
bool deliver_local(const SmtpdConfig& config, const Queue& queue, QueueEnvelope& env, RecoveredDeliveries& recovered,
                   const Logger& log, const SmtpdCounters& counters) {
  std::optional<QueuedMessageFile> message;
  for (std::size_t i = 0; i < env.recipients.size(); ++i) {
    auto& r = env.recipients[i];
    if (r.state != QueuedRecipient::State::pending) continue;
    auto defer = [&](const std::string& error) {
      r.status = "4.3.0";
      r.remote_mta.clear();
      r.diagnostic = "x-hamail; local delivery failed: " + error;
      log.error("delivery_failed").kv("queue_id", env.id).kv("message_id", env.message_id).kv("from", env.from)
          .kv("to", r.address).kv("status", "deferred").kv("error", error);
      counters.deferred_local.inc();
    };
    const std::string maildir = maildir_of(config, r.address);
    const std::uint64_t token = delivery_token(env.id, i, r.address);
    auto before = recovered.take(maildir, token);
    if (!before) {
      defer(before.error());
      continue;
    }
    if (!*before && !message) {
      auto m = queue.open_message(env.id);
      if (!m) {
        defer(m.error());
        return false;
      }
      message.emplace(std::move(*m));
    }
    Result<std::string> name = *before ? Result<std::string>(**before) : deliver_copy(*message, maildir, token);
    if (!name) {
      defer(name.error());
      continue;
    }
    r.state = QueuedRecipient::State::done;
    r.status = "2.0.0";
    r.diagnostic.clear();
    // Progress first, so a crash after this line does not deliver this recipient again.
    // Not for the last one: the files are removed next (end_attempt), the same guarantee.
    if (auto s = last_to_record(env) ? Status::ok() : queue.update(env); !s) {
      log.error("queue_update_failed").kv("queue_id", env.id).kv("error", s.message());
      return false;
    }
    if (*before) {
      log.info("delivery_already_done").kv("queue_id", env.id).kv("message_id", env.message_id)
          .kv("from", env.from).kv("to", r.address).kv("status", "delivered").kv("relay", "local")
          .kv("file", *name).kv("reason", "committed before the previous smtpd stopped; not delivered again");
    } else {
      log.info("delivered").kv("queue_id", env.id).kv("message_id", env.message_id).kv("from", env.from)
          .kv("to", r.address).kv("status", "delivered").kv("relay", "local").kv("file", *name);
    }
    counters.delivered_local.inc();
  }
  return true;
}

}  // namespace hamail::mailsvc::smtpd

#include "hamail/mailsvc/smtpd/local_delivery.h"

#include <optional>

#include "hamail/mailsvc/store/maildir.h"

namespace hamail::mailsvc::smtpd {

std::string maildir_of(const SmtpdConfig& config, const std::string& address) {
  auto at = address.rfind('@');
  return config.maildirs_dir() + "/" + address.substr(at + 1) + "/" + address.substr(0, at) + "/Maildir";
}

namespace {

// One copy of the queued message into `maildir`, streamed from the queue file in pieces.
Result<std::string> deliver_copy(const QueuedMessageFile& message, const std::string& maildir) {
  auto md = store::Maildir::create(maildir);
  if (!md) return Error{md.error()};
  auto d = md->begin_delivery();
  if (!d) return Error{d.error()};
  if (Status s = message.copy_to([&](std::string_view piece) { return d->write(piece); }); !s) return Error{s.message()};
  return d->commit();
}

}  // namespace

bool deliver_local(const SmtpdConfig& config, const Queue& queue, QueueEnvelope& env, const Logger& log) {
  std::optional<QueuedMessageFile> message;
  for (auto& r : env.recipients) {
    if (r.state != QueuedRecipient::State::pending) continue;
    auto defer = [&](const std::string& error) {
      r.status = "4.3.0";
      r.remote_mta.clear();
      r.diagnostic = "x-hamail; local delivery failed: " + error;
      log.error("delivery_failed").kv("queue_id", env.id).kv("message_id", env.message_id).kv("from", env.from)
          .kv("to", r.address).kv("status", "deferred").kv("error", error);
    };
    if (!message) {
      auto m = queue.open_message(env.id);
      if (!m) {
        defer(m.error());
        return false;
      }
      message.emplace(std::move(*m));
    }
    Result<std::string> name = deliver_copy(*message, maildir_of(config, r.address));
    if (!name) {
      defer(name.error());
      continue;
    }
    r.state = QueuedRecipient::State::done;
    r.status = "2.0.0";
    r.diagnostic.clear();
    // Progress first, so a crash after this line does not deliver this recipient again.
    // Not for the last one: the files are removed next (end_attempt), the same guarantee.
    bool last = !env.has_state(QueuedRecipient::State::pending) && !env.has_state(QueuedRecipient::State::remote) &&
                !env.has_state(QueuedRecipient::State::failed);
    if (auto s = last ? Status::ok() : queue.update(env); !s) {
      log.error("queue_update_failed").kv("queue_id", env.id).kv("error", s.message());
      return false;
    }
    log.info("delivered").kv("queue_id", env.id).kv("message_id", env.message_id).kv("from", env.from)
        .kv("to", r.address).kv("status", "delivered").kv("relay", "local").kv("file", *name);
  }
  return true;
}

}  // namespace hamail::mailsvc::smtpd

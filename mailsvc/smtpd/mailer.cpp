#include "hamail/mailsvc/smtpd/mailer.h"

#include <sys/statvfs.h>

#include <strings.h>

#include <algorithm>
#include <ctime>

#include "hamail/mailsvc/smtp/headers.h"
#include "hamail/mailsvc/smtp/recipient_policy.h"
#include "hamail/mailsvc/store/maildir.h"
#include "hamail/mailsvc/users/address.h"
#include "hamail/mailsvc/users/user_db.h"

namespace hamail::mailsvc::smtpd {

std::string join_addresses(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

namespace {

int utc_offset_minutes(std::time_t t) {
  std::tm tm{};
  ::localtime_r(&t, &tm);
  return static_cast<int>(tm.tm_gmtoff / 60);
}

bool is_local_user(const users::UserDb& db, const std::string& addr) {
  return db.users.find(addr) != nullptr || db.aliases.find(addr) != nullptr;
}

bool is_bare_postmaster(std::string_view a) { return a.size() == 10 && ::strncasecmp(a.data(), "postmaster", 10) == 0; }

}  // namespace

std::string postmaster_of(const users::UserDb& db, const std::string& hostname) {
  auto host = users::normalize_domain(hostname);
  if (host && db.domains.contains(*host)) return "postmaster@" + *host;
  if (!db.domains.domains().empty()) return "postmaster@" + db.domains.domains().front();
  return "postmaster";  // no local domain: nobody to deliver it to (550 5.1.1)
}

namespace {

// The address a recipient is checked and routed by: a bare <postmaster> (RFC 5321 4.5.1,
// any case) is this host's postmaster; anything else as given.
std::string recipient_address(const users::UserDb& db, const std::string& hostname, const std::string& rcpt) {
  return is_bare_postmaster(rcpt) ? postmaster_of(db, hostname) : rcpt;
}

}  // namespace

smtp::RecipientVerdict Mailer::check_recipient(smtp::PortRole role, const smtp::CheckRecipient& c) const {
  auto db = users_.get();
  if (!db) {
    log_.error("userdb_failed").kv("error", db.error());
    return smtp::RecipientVerdict::temporary_failure;
  }
  std::string rcpt = recipient_address(**db, config_.hostname, c.address);
  auto addr = users::normalize_address(rcpt);
  bool local_domain = false, exists = false;
  if (is_bare_postmaster(rcpt)) {
    log_.warning("postmaster_unknown").kv("reason", "RCPT TO:<postmaster> but no local domain is configured");
    return smtp::RecipientVerdict::unknown_user;
  }
  if (addr) {
    local_domain = (*db)->domains.contains(users::domain_of(*addr));
    exists = local_domain && is_local_user(**db, *addr);
  } else {
    // Not storable here (e.g. a quoted local part): never a local user.
    auto at = rcpt.rfind('@');
    if (at != std::string::npos) {
      auto d = users::normalize_domain(rcpt.substr(at + 1));
      local_domain = d && (*db)->domains.contains(*d);
    }
  }
  return smtp::recipient_policy(role, !c.auth_user.empty(), local_domain, exists);
}

smtp::AuthVerdict Mailer::authenticate(const smtp::Authenticate& a, const std::string& peer) const {
  auto db = users_.get();
  if (!db) {
    log_.error("userdb_failed").kv("error", db.error());
    return smtp::AuthVerdict::temporary_failure;
  }
  auto ok = (*db)->authenticate(a.user, a.password);
  if (!ok) {
    log_.error("auth_error").kv("user", a.user).kv("peer", peer).kv("error", ok.error());
    return smtp::AuthVerdict::temporary_failure;
  }
  log_.info(*ok ? "auth_ok" : "auth_failed").kv("user", a.user).kv("mechanism", a.mechanism).kv("peer", peer);
  return *ok ? smtp::AuthVerdict::ok : smtp::AuthVerdict::bad_credentials;
}

smtp::SenderVerdict Mailer::check_sender(const smtp::CheckSender& c, const std::string& peer) const {
  auto db = users_.get();
  if (!db) {
    log_.error("userdb_failed").kv("error", db.error());
    return smtp::SenderVerdict::temporary_failure;
  }
  auto sender = users::normalize_address(c.address);
  auto user = users::normalize_address(c.auth_user);
  bool owned = sender && user && *sender == *user;
  if (!owned && sender && user && (*db)->aliases.find(*sender)) {
    auto finals = (*db)->aliases.expand(*sender);
    owned = finals && std::find(finals->begin(), finals->end(), *user) != finals->end();
  }
  if (!owned)
    log_.warning("sender_rejected").kv("from", c.address).kv("auth_user", c.auth_user).kv("peer", peer)
        .kv("reason", "the address is not the logged-in user's (limits.sender_must_match_login)");
  if (!owned) counters_.rejected_sender.inc();
  return owned ? smtp::SenderVerdict::ok : smtp::SenderVerdict::not_owned;
}

Result<QueueEnvelope> Mailer::route(const std::string& queue_id, const std::string& from,
                                    const std::vector<std::string>& rcpt_to) const {
  auto db = users_.get();
  if (!db) return Error{"user database: " + db.error()};
  QueueEnvelope env;
  env.id = queue_id;
  env.from = from;
  env.rcpt_to = rcpt_to;
  auto add = [&](QueuedRecipient::State st, const std::string& a) {
    for (const auto& r : env.recipients)
      if (r.address == a) return;
    QueuedRecipient r{st, a, {}, {}, {}};
    if (st == QueuedRecipient::State::failed) {
      r.status = "5.1.1";
      r.diagnostic = "x-hamail; alias target <" + a + "> is not a local user";
    }
    env.recipients.push_back(std::move(r));
  };
  for (const auto& given : rcpt_to) {
    std::string rcpt = recipient_address(**db, config_.hostname, given);
    auto addr = users::normalize_address(rcpt);
    if (!addr) {  // a bare postmaster with no local domain fails; other unstorable ones are remote
      add(rcpt.find('@') == std::string::npos ? QueuedRecipient::State::failed : QueuedRecipient::State::remote, rcpt);
      continue;
    }
    auto finals = (*db)->aliases.expand(*addr);
    if (!finals) return Error{"alias expansion of " + *addr + ": " + finals.error()};
    for (const auto& f : *finals) {
      if (!(*db)->domains.contains(users::domain_of(f))) add(QueuedRecipient::State::remote, f);
      else if ((*db)->users.find(f)) add(QueuedRecipient::State::pending, f);
      else add(QueuedRecipient::State::failed, f);
    }
  }
  env.arrival = std::time(nullptr);
  return env;
}

Receiving Mailer::begin_message(smtp::PortRole role, const smtp::Envelope& e, const std::string& client_ip,
                               const std::string& queue_id) const {
  auto failed = [](smtp::StoreResult::Kind kind) { return Receiving{smtp::StoreResult{kind, {}}, nullptr}; };
  struct statvfs fs {};
  std::uint64_t need = std::max(config_.queue_min_free, config_.max_message_size / 2 * 3) + e.declared_size.value_or(0) * 2;
  if (::statvfs(config_.queue_dir().c_str(), &fs) == 0 && static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize < need) {
    log_.error("queue_full").kv("queue_id", queue_id).kv("from", e.mail_from).kv("to", join_addresses(e.recipients))
        .kv("status", "tempfail").kv("reason", "less free space under the queue than limits.queue_min_free (at least 1.5 x max_message_size)")
        .kv("free_bytes", static_cast<unsigned long>(fs.f_bavail * fs.f_frsize));
    counters_.rejected_queue_full.inc();
    return failed(smtp::StoreResult::Kind::insufficient_storage);
  }
  auto routed = route(queue_id, e.mail_from, e.recipients);
  if (!routed) {
    log_.error("routing_failed").kv("queue_id", queue_id).kv("from", e.mail_from).kv("to", join_addresses(e.recipients))
        .kv("status", "tempfail").kv("error", routed.error());
    counters_.rejected_error.inc();
    return failed(smtp::StoreResult::Kind::temporary_failure);
  }
  IncomingMessage::Head head;
  head.envelope = std::move(*routed);
  head.envelope.auth_user = e.auth_user;
  std::time_t now = std::time(nullptr);
  int offset = utc_offset_minutes(now);
  head.received = smtp::received_header(e, {client_ip, "", config_.hostname, queue_id, now, offset});
  if (role != smtp::PortRole::mx) {  // a submission gets the Message-ID and Date it lacks
    head.message_id = smtp::make_message_id(queue_id, config_.hostname);
    head.date = smtp::format_rfc5322_date(now, offset);
  }
  auto message = IncomingMessage::create(queue_, std::move(head));
  if (!message) {
    log_.error("queue_failed").kv("queue_id", queue_id).kv("from", e.mail_from).kv("to", join_addresses(e.recipients))
        .kv("status", "tempfail").kv("error", message.error());
    counters_.rejected_error.inc();
    return failed(smtp::StoreResult::Kind::temporary_failure);
  }
  return Receiving{smtp::StoreResult::ok(queue_id), std::move(*message)};
}

Accepted Mailer::finish_message(IncomingMessage& message, const smtp::Envelope& e, const std::string& client_ip) const {
  IncomingMessage::Finished f = message.finish();
  const QueueEnvelope& env = f.envelope;
  auto rec = [&](LogRecord&& r) -> LogRecord& {  // the message's fields; the record lives to the end of the statement
    r.kv("queue_id", env.id).kv("message_id", env.message_id).kv("from", env.from).kv("to", join_addresses(env.rcpt_to));
    return r;
  };
  switch (f.outcome) {
    case IncomingMessage::Outcome::too_many_hops:
      rec(log_.warning("too_many_hops")).kv("status", "rejected").kv("hops", static_cast<unsigned long>(f.hops))
          .kv("client", client_ip);
      counters_.rejected_loop.inc();
      return {smtp::StoreResult{smtp::StoreResult::Kind::too_many_hops, {}}, std::nullopt};
    case IncomingMessage::Outcome::failed:
      rec(log_.error("queue_failed")).kv("status", "tempfail").kv("error", f.error);
      counters_.rejected_error.inc();
      return {smtp::StoreResult{smtp::StoreResult::Kind::temporary_failure, {}}, std::nullopt};
    case IncomingMessage::Outcome::queued:
      break;
  }
  rec(log_.info("queued")).kv("status", "queued").kv("size", static_cast<unsigned long>(f.size)).kv("client", client_ip)
      .kv("auth_user", e.auth_user).kv("tls", e.tls);
  counters_.accepted.inc();
  return {smtp::StoreResult::ok(env.id), std::move(f.envelope)};
}

Result<QueueEnvelope> Mailer::enqueue_own(const std::string& queue_id, const std::string& from, const std::string& to,
                                          const std::string& message) const {
  auto env = route(queue_id, from, {to});
  if (!env) return Error{env.error()};
  env->message_id = find_message_id(message);
  env->message_bytes = message.size();
  if (auto s = queue_.store(*env, message); !s) return Error{s.message()};
  log_.info("queued").kv("queue_id", env->id).kv("message_id", env->message_id).kv("from", from).kv("to", to)
      .kv("status", "queued").kv("size", static_cast<unsigned long>(message.size())).kv("client", "local");
  return env;
}

}  // namespace hamail::mailsvc::smtpd

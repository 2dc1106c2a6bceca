#include "smtpd/mailer.h"

#include <ctime>

#include "hamail/mailsvc/smtp/headers.h"
#include "hamail/mailsvc/smtp/recipient_policy.h"
#include "store/maildir.h"
#include "users/address.h"
#include "users/user_db.h"

namespace hamail::mailsvc::smtpd {

namespace {

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

// The value of the first "Message-ID:" field of the header section, or "-".
std::string find_message_id(std::string_view msg) {
  std::size_t pos = 0;
  while (pos < msg.size()) {
    auto eol = msg.find("\r\n", pos);
    if (eol == std::string_view::npos) eol = msg.size();
    std::string_view line = msg.substr(pos, eol - pos);
    if (line.empty()) break;
    if (line.size() > 11) {
      std::string name(line.substr(0, 11));
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (name == "message-id:") {
        std::string_view v = line.substr(11);
        while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
        return v.empty() ? "-" : std::string(v.substr(0, 200));
      }
    }
    pos = eol + 2;
  }
  return "-";
}

int utc_offset_minutes(std::time_t t) {
  std::tm tm{};
  ::localtime_r(&t, &tm);
  return static_cast<int>(tm.tm_gmtoff / 60);
}

bool is_local_user(const users::UserDb& db, const std::string& addr) {
  return db.users.find(addr) != nullptr || db.aliases.find(addr) != nullptr;
}

}  // namespace

smtp::RecipientVerdict Mailer::check_recipient(smtp::PortRole role, const smtp::CheckRecipient& c) const {
  auto db = users::UserDb::load(config_.users_dir());
  if (!db) {
    log_.error("userdb_failed").kv("error", db.error());
    return smtp::RecipientVerdict::temporary_failure;
  }
  auto addr = users::normalize_address(c.address);
  bool local_domain = false, exists = false;
  if (addr) {
    local_domain = db->domains.contains(users::domain_of(*addr));
    exists = local_domain && is_local_user(*db, *addr);
  } else {
    // Not storable here (e.g. a quoted local part): never a local user.
    auto at = c.address.rfind('@');
    if (at != std::string::npos) {
      auto d = users::normalize_domain(c.address.substr(at + 1));
      local_domain = d && db->domains.contains(*d);
    }
  }
  return smtp::recipient_policy(role, !c.auth_user.empty(), local_domain, exists);
}

smtp::AuthVerdict Mailer::authenticate(const smtp::Authenticate& a, const std::string& peer) const {
  auto db = users::UserDb::load(config_.users_dir());
  if (!db) {
    log_.error("userdb_failed").kv("error", db.error());
    return smtp::AuthVerdict::temporary_failure;
  }
  auto ok = db->authenticate(a.user, a.password);
  if (!ok) {
    log_.error("auth_error").kv("user", a.user).kv("peer", peer).kv("error", ok.error());
    return smtp::AuthVerdict::temporary_failure;
  }
  log_.info(*ok ? "auth_ok" : "auth_failed").kv("user", a.user).kv("mechanism", a.mechanism).kv("peer", peer);
  return *ok ? smtp::AuthVerdict::ok : smtp::AuthVerdict::bad_credentials;
}

Accepted Mailer::accept(smtp::PortRole role, const smtp::MessageComplete& m, const std::string& client_ip) {
  const auto& e = m.envelope;
  auto db = users::UserDb::load(config_.users_dir());
  if (!db) {
    log_.error("userdb_failed").kv("error", db.error());
    return {smtp::StoreResult{smtp::StoreResult::Kind::temporary_failure, {}}, std::nullopt};
  }
  QueueEnvelope env;
  env.id = new_queue_id(++counter_);
  env.from = e.mail_from;
  env.auth_user = e.auth_user;
  env.rcpt_to = e.recipients;
  for (const auto& rcpt : e.recipients) {
    auto add = [&](QueuedRecipient::State st, const std::string& a) {
      for (const auto& r : env.recipients)
        if (r.address == a) return;
      env.recipients.push_back({st, a});
    };
    auto addr = users::normalize_address(rcpt);
    if (!addr) {
      add(QueuedRecipient::State::remote, rcpt);
      continue;
    }
    auto finals = db->aliases.expand(*addr);
    if (!finals) {
      log_.error("alias_failed").kv("queue_id", env.id).kv("to", *addr).kv("error", finals.error());
      return {smtp::StoreResult{smtp::StoreResult::Kind::temporary_failure, {}}, std::nullopt};
    }
    for (const auto& f : *finals) {
      if (!db->domains.contains(users::domain_of(f))) add(QueuedRecipient::State::remote, f);
      else if (db->users.find(f)) add(QueuedRecipient::State::pending, f);
      else add(QueuedRecipient::State::failed, f);
    }
  }

  std::time_t now = std::time(nullptr);
  int offset = utc_offset_minutes(now);
  smtp::ReceivedInfo info;
  info.client_ip = client_ip;
  info.server_host = config_.hostname;
  info.queue_id = env.id;
  info.unix_seconds = now;
  info.utc_offset_minutes = offset;
  std::string body = m.data;
  if (role != smtp::PortRole::mx) {
    body = smtp::add_missing_submission_headers(body, smtp::make_message_id(env.id, config_.hostname),
                                                smtp::format_rfc5322_date(now, offset));
  }
  env.message_id = find_message_id(body);
  std::string message = smtp::received_header(e, info) + body;

  if (auto s = queue_.store(env, message); !s) {
    log_.error("queue_failed").kv("queue_id", env.id).kv("message_id", env.message_id).kv("from", env.from)
        .kv("to", join(env.rcpt_to)).kv("status", "tempfail").kv("error", s.message());
    return {smtp::StoreResult{smtp::StoreResult::Kind::temporary_failure, {}}, std::nullopt};
  }
  log_.info("queued").kv("queue_id", env.id).kv("message_id", env.message_id).kv("from", env.from)
      .kv("to", join(env.rcpt_to)).kv("status", "queued").kv("size", static_cast<unsigned long>(message.size()))
      .kv("client", client_ip).kv("auth_user", e.auth_user);
  return {smtp::StoreResult::ok(env.id), std::move(env)};
}

std::string Mailer::maildir_of(const std::string& address) const {
  auto at = address.rfind('@');
  return config_.maildirs_dir() + "/" + address.substr(at + 1) + "/" + address.substr(0, at) + "/Maildir";
}

void Mailer::deliver(QueueEnvelope env) const {
  std::optional<std::string> message;
  bool changed = false;
  for (auto& r : env.recipients) {
    auto rec = [&](LogLevel lvl, std::string_view event, std::string_view status) {
      LogRecord l(&log_, lvl, event);
      l.kv("queue_id", env.id).kv("message_id", env.message_id).kv("from", env.from).kv("to", r.address)
          .kv("status", status);
      return;
    };
    if (r.state == QueuedRecipient::State::remote) {
      log_.warning("remote_deferred").kv("queue_id", env.id).kv("message_id", env.message_id).kv("from", env.from)
          .kv("to", r.address).kv("status", "deferred").kv("reason", "remote delivery not implemented yet");
      continue;
    }
    if (r.state == QueuedRecipient::State::failed) {
      rec(LogLevel::error, "no_such_user", "failed");  // accepted via an alias to a missing user
      r.state = QueuedRecipient::State::done;         // nothing more can be done (no bounces yet)
      changed = true;
      continue;
    }
    if (r.state != QueuedRecipient::State::pending) continue;
    if (!message) {
      auto m = queue_.read_message(env.id, config_.max_message_size + (1u << 20));
      if (!m) {
        log_.error("delivery_failed").kv("queue_id", env.id).kv("message_id", env.message_id).kv("from", env.from)
            .kv("to", r.address).kv("status", "deferred").kv("error", m.error());
        return;
      }
      message = std::move(*m);
    }
    auto md = store::Maildir::create(maildir_of(r.address));
    Result<std::string> name = md ? md->deliver(*message) : Result<std::string>(Error{md.error()});
    if (!name) {
      log_.error("delivery_failed").kv("queue_id", env.id).kv("message_id", env.message_id).kv("from", env.from)
          .kv("to", r.address).kv("status", "deferred").kv("error", name.error());
      continue;
    }
    r.state = QueuedRecipient::State::done;
    changed = true;
    // Progress first, so a crash after this line does not deliver this recipient again.
    if (auto s = queue_.update(env); !s) {
      log_.error("queue_update_failed").kv("queue_id", env.id).kv("error", s.message());
      return;
    }
    log_.info("delivered").kv("queue_id", env.id).kv("message_id", env.message_id).kv("from", env.from)
        .kv("to", r.address).kv("status", "delivered").kv("file", *name);
  }
  if (!env.has_state(QueuedRecipient::State::pending) && !env.has_state(QueuedRecipient::State::remote)) {
    if (auto s = queue_.remove(env.id); !s) log_.error("queue_remove_failed").kv("queue_id", env.id).kv("error", s.message());
    else log_.debug("dequeued").kv("queue_id", env.id);
  } else if (changed) {
    (void)queue_.update(env);
  }
}

void Mailer::run_queue() const {
  std::vector<std::string> orphans;
  auto ids = queue_.list(&orphans);
  if (!ids) {
    log_.error("queue_list_failed").kv("error", ids.error());
    return;
  }
  for (const auto& id : orphans) {
    log_.warning("unacknowledged_removed").kv("queue_id", id).kv("status", "discarded")
        .kv("reason", "message file without envelope: the client never got a 250");
    (void)queue_.remove_orphan(id);
  }
  for (const auto& id : *ids) {
    auto env = queue_.load(id);
    if (!env) {
      log_.error("queue_load_failed").kv("queue_id", id).kv("error", env.error());
      continue;
    }
    log_.info("queue_recovered").kv("queue_id", id).kv("message_id", env->message_id).kv("from", env->from)
        .kv("to", join(env->rcpt_to)).kv("status", "queued");
    deliver(std::move(*env));
  }
}

}  // namespace hamail::mailsvc::smtpd

// A fake shell for the SMTP session tests: answers every action from small tables
// (users, passwords, local domain, store result) and records what it was asked, so
// a whole conversation is one input string and one expected transcript.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "hamail/mailsvc/smtp/recipient_policy.h"
#include "hamail/mailsvc/smtp/session.h"

namespace hamail::mailsvc::smtp::test {

struct FakeShell {
  std::string local_domain = "example.org";
  std::map<std::string, std::string> passwords = {{"alice@example.org", "secret"}, {"bob@example.org", "hunter2"}};
  AuthVerdict auth_override_temp = AuthVerdict::ok;  // anything else: every AUTH gets it
  std::map<std::string, std::string> sender_aliases = {{"postmaster@example.org", "alice@example.org"}};  // -> owner
  bool sender_temp_failure = false;
  StoreResult begin = StoreResult::ok("");  // the answer to BeginMessage
  StoreResult store = StoreResult::ok("Q1");
  RecipientVerdict force_rcpt = RecipientVerdict::ok;  // anything else: every RCPT gets it
  bool force = false;

  // What happened.
  std::vector<Authenticate> auths;
  std::vector<std::string> rcpts;
  std::vector<CheckSender> senders;
  std::vector<MessageComplete> messages;  // whole: the chunks put together
  std::string receiving;                  // the message being received, as written so far
  std::vector<std::size_t> chunks;        // the size of every MessageData
  int begins = 0;
  int discards = 0;
  int tls_starts = 0;
  bool closed = false;
};

// Feeds `input` in chunks of `chunk` bytes (0: all at once), answering actions at once.
inline std::string drive(SmtpSession& s, FakeShell& shell, std::string_view input, std::size_t chunk = 0) {
  std::string out;
  auto handle = [&](Output o) {
    for (int guard = 0; guard < 100000; ++guard) {
      out += o.bytes;
      if (o.close) shell.closed = true;
      if (!o.action) return;
      Action a = std::move(*o.action);
      if (std::holds_alternative<StartTls>(a)) {
        ++shell.tls_starts;
        o = s.tls_started();
      } else if (auto* au = std::get_if<Authenticate>(&a)) {
        shell.auths.push_back(*au);
        auto it = shell.passwords.find(au->user);
        AuthVerdict v = it != shell.passwords.end() && it->second == au->password ? AuthVerdict::ok
                                                                                  : AuthVerdict::bad_credentials;
        if (shell.auth_override_temp != AuthVerdict::ok) v = shell.auth_override_temp;
        o = s.auth_result(v);
      } else if (auto* cs = std::get_if<CheckSender>(&a)) {
        shell.senders.push_back(*cs);
        auto alias = shell.sender_aliases.find(cs->address);
        bool owned = cs->address == cs->auth_user || (alias != shell.sender_aliases.end() && alias->second == cs->auth_user);
        o = s.sender_checked(shell.sender_temp_failure ? SenderVerdict::temporary_failure
                             : owned                   ? SenderVerdict::ok
                                                       : SenderVerdict::not_owned);
      } else if (auto* rc = std::get_if<CheckRecipient>(&a)) {
        shell.rcpts.push_back(rc->address);
        auto at = rc->address.rfind('@');
        bool local = at == std::string::npos || rc->address.substr(at + 1) == shell.local_domain;  // postmaster
        RecipientVerdict v = shell.force ? shell.force_rcpt
                                         : recipient_policy(PortRole::mx, !rc->auth_user.empty(), local,
                                                            shell.passwords.count(rc->address) > 0);
        if (!shell.force && !rc->auth_user.empty() && !local) v = RecipientVerdict::ok;
        o = s.recipient_checked(v);
      } else if (std::holds_alternative<BeginMessage>(a)) {
        ++shell.begins;
        shell.receiving.clear();
        o = s.message_begun(shell.begin);
      } else if (auto* d = std::get_if<MessageData>(&a)) {
        shell.chunks.push_back(d->data.size());
        shell.receiving += d->data;
        o = s.data_written();
      } else if (auto* m = std::get_if<MessageComplete>(&a)) {
        shell.messages.push_back(MessageComplete{m->envelope, shell.receiving + m->data});
        shell.receiving.clear();
        o = s.message_stored(shell.store);
      } else if (std::holds_alternative<DiscardMessage>(a)) {
        ++shell.discards;
        shell.receiving.clear();
        o = s.message_discarded();
      }
    }
  };
  if (chunk == 0) {
    handle(s.feed(input));
  } else {
    for (std::size_t i = 0; i < input.size(); i += chunk) handle(s.feed(input.substr(i, chunk)));
  }
  return out;
}

inline SmtpConfig mx_config() {
  SmtpConfig c;
  c.role = PortRole::mx;
  c.hostname = "mx.example.org";
  c.max_message_size = 10000;
  c.max_recipients = 3;
  c.tls_configured = true;
  return c;
}

inline SmtpConfig submission_config() {
  SmtpConfig c = mx_config();
  c.role = PortRole::submission;
  return c;
}

}  // namespace hamail::mailsvc::smtp::test

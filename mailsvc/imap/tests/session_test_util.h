// Test helpers for ImapSession: configs, a client that logs in and selects the way a
// shell would answer, and access to an Output's action.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>

#include "hamail/mailsvc/imap/session.h"

namespace hamail::mailsvc::imap::test {

inline ImapConfig plaintext_config() {
  ImapConfig config;
  config.allow_plaintext_auth = true;
  return config;
}

inline ImapConfig starttls_config() {
  ImapConfig config;
  config.tls_configured = true;
  return config;
}

template <class T>
const T* action_of(const Output& out) {
  return out.action ? std::get_if<T>(&*out.action) : nullptr;
}

// A session with its greeting taken; login() and select() answer the actions as a shell would.
struct Client {
  explicit Client(ImapConfig config = plaintext_config()) : session(std::move(config)) {
    greeting = session.start().bytes;
  }

  Output feed(std::string_view bytes) { return session.feed(bytes); }

  void login() {
    Output out = session.feed("L LOGIN alice secret\r\n");
    ASSERT_NE(action_of<CheckCredentials>(out), nullptr) << out.bytes;
    out = session.auth_result(AuthResult::ok);
    ASSERT_EQ(session.state(), ImapState::authenticated) << out.bytes;
  }

  void select(SelectedChange change = SelectedChange::selected) {
    Output out = session.feed("S SELECT INBOX\r\n");
    ASSERT_NE(action_of<MailboxWork>(out), nullptr) << out.bytes;
    MailboxReply reply;
    reply.bytes = "* 1 EXISTS\r\nS OK [READ-WRITE] SELECT completed\r\n";
    reply.selected = change;
    session.mailbox_done(std::move(reply));
    ASSERT_EQ(session.state(), ImapState::selected);
  }

  ImapSession session;
  std::string greeting;
};

}  // namespace hamail::mailsvc::imap::test

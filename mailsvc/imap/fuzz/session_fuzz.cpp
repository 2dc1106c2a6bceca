// Fuzz target: ImapSession driven like a shell that answers every action at once. The
// first input byte picks the listener (plaintext logins, STARTTLS, implicit TLS) and a
// chunk size, the rest is what a client sends. Checked: nothing crashes or trips an
// invariant; every reply is CRLF-terminated; no credentials are checked in clear when
// the config forbids it; no mailbox work before login; the session's buffers stay within
// their bounds; nothing comes out after the close; and, without STARTTLS (which drops
// what was pipelined after it, so splits matter), chunked input gives the same replies.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "hamail/mailsvc/imap/session.h"

namespace {

using namespace hamail::mailsvc::imap;

[[noreturn]] void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "imap_session_fuzz: %s: %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

ImapConfig config_for(std::uint8_t selector) {
  ImapConfig config;
  config.allow_plaintext_auth = selector & 0x10;
  config.tls_configured = selector & 0x20;
  config.implicit_tls = (selector & 0x60) == 0x60;
  config.max_buffered_input = 4096;
  config.limits.max_line = 512;
  config.limits.max_literal = 256;
  config.limits.max_command = 2048;
  config.limits.max_message = 4096;
  config.limits.max_literals = 8;
  return config;
}

// What a worker might answer; the mailbox name "Gone" makes it say BYE.
MailboxReply fake_reply(const MailboxRequest& request) {
  MailboxReply reply;
  const CommandBody& body = request.command.body;
  const std::string& tag = request.command.tag;
  if (auto* select = std::get_if<Select>(&body)) {
    reply.selected = select->mailbox == "Gone" ? SelectedChange::deselected : SelectedChange::selected;
  } else if (std::holds_alternative<Examine>(body)) {
    reply.selected = SelectedChange::selected_read_only;
  } else if (std::holds_alternative<Close>(body) || std::holds_alternative<Unselect>(body)) {
    reply.selected = SelectedChange::deselected;
  } else if (auto* fetch = std::get_if<Fetch>(&body)) {
    reply.condstore_now_on = fetch->changed_since.has_value();
  } else if (auto* del = std::get_if<Delete>(&body)) {
    reply.bye = del->mailbox == "Gone";
  }
  reply.bytes = reply.bye ? "* BYE Mailbox is gone\r\n" : "* 1 EXISTS\r\n" + tag + " OK done\r\n";
  return reply;
}

struct Transcript {
  std::string bytes;
  bool starttls = false;
};

class Driver {
 public:
  Driver(const ImapConfig& config) : config_(config), session_(config) {}

  Transcript run(std::string_view input, std::size_t chunk) {
    take(session_.start());
    for (std::size_t at = 0; at < input.size(); at += chunk) take(session_.feed(input.substr(at, chunk)));
    return std::move(transcript_);
  }

 private:
  void take(Output out) {
    for (int steps = 0;; ++steps) {
      if (steps > 100000) fail("answers never end", "");
      if (closed_ && (!out.bytes.empty() || out.action)) fail("output after the close", out.bytes);
      if (!out.bytes.empty() && !out.bytes.ends_with("\r\n")) fail("a reply without CRLF", out.bytes);
      transcript_.bytes += out.bytes;
      closed_ = closed_ || out.close;
      std::size_t bound = config_.max_buffered_input + config_.limits.max_line + config_.limits.max_command +
                          static_cast<std::size_t>(config_.limits.max_message);
      if (session_.buffered_bytes() > bound) fail("the session holds too much", "");
      if (!out.action) return;
      out = answer(*out.action);
    }
  }

  Output answer(Action& action) {
    if (std::holds_alternative<TlsHandshake>(action)) {
      transcript_.starttls = true;
      return session_.tls_started();
    }
    if (auto* check = std::get_if<CheckCredentials>(&action)) {
      if (!session_.tls_active() && !config_.allow_plaintext_auth) fail("credentials in clear", check->user);
      if (check->password == "temp") return session_.auth_result(AuthResult::temporary_failure);
      return session_.auth_result(check->password == "secret" ? AuthResult::ok : AuthResult::failed);
    }
    if (auto* work = std::get_if<MailboxWork>(&action)) {
      if (session_.state() != ImapState::authenticated && session_.state() != ImapState::selected)
        fail("mailbox work before login", work->request.command.tag);
      return session_.mailbox_done(fake_reply(work->request));
    }
    if (std::holds_alternative<IdleStart>(action)) return session_.idle_poll_result("");  // bytes here would differ by split
    if (std::holds_alternative<IdleEnd>(action)) return session_.idle_ended("");
    // StartDeflate: the identity "compression".
    return session_.feed(std::get<StartDeflate>(action).compressed_input);
  }

  ImapConfig config_;
  ImapSession session_;
  Transcript transcript_;
  bool closed_ = false;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  ImapConfig config = config_for(data[0]);
  std::size_t chunk = 1 + (data[0] & 0x0f);
  // "Whole": as much as one read of a shell that keeps within the session's input bound.
  Transcript whole = Driver(config).run(input, config.max_buffered_input);
  Transcript split = Driver(config).run(input, chunk);
  if (!whole.starttls && !split.starttls && whole.bytes != split.bytes)
    fail("a split input gave other replies", input.substr(0, 200));
  return 0;
}

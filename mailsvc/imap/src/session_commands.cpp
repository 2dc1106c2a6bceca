// ImapSession: the commands it answers itself (CAPABILITY, ID, ENABLE, NAMESPACE,
// LOGOUT), COMPRESS and IDLE.
#include <utility>
#include <vector>

#include "chars.h"
#include "hamail/mailsvc/imap/capabilities.h"
#include "hamail/mailsvc/imap/session.h"

namespace hamail::mailsvc::imap {

std::string ImapSession::capabilities() const {
  CapabilityContext context;
  context.authenticated = state_ == ImapState::authenticated || state_ == ImapState::selected;
  context.starttls_offered = config_.tls_configured && !tls_active_;
  context.plaintext_allowed = plaintext_allowed();
  context.compression_active = compression_active_;
  return capability_list(context);
}

void ImapSession::cmd_capability(const std::string& tag) {
  send("* CAPABILITY " + capabilities());
  ok(tag, "CAPABILITY completed");
}

void ImapSession::cmd_id(const std::string& tag) {
  send(R"(* ID ("name" "hamail"))");
  ok(tag, "ID completed");
}

// RFC 5161: "* ENABLED" names what this command turned on (QRESYNC implies CONDSTORE,
// RFC 7162 3.2.3); unknown names are ignored.
void ImapSession::cmd_enable(const std::string& tag, const Enable& enable) {
  std::string enabled;
  auto turn_on = [&](bool& flag, std::string_view name) {
    if (flag) return;
    flag = true;
    enabled += ' ';
    enabled += name;
  };
  for (const std::string& name : enable.capabilities) {
    if (chars::iequals(name, "CONDSTORE")) {
      turn_on(flags_.condstore, "CONDSTORE");
    } else if (chars::iequals(name, "QRESYNC")) {
      flags_.condstore = true;
      turn_on(flags_.qresync, "QRESYNC");
    } else if (chars::iequals(name, "UTF8=ACCEPT")) {
      turn_on(flags_.utf8_accept, "UTF8=ACCEPT");
    } else if (chars::iequals(name, "IMAP4rev2")) {
      turn_on(flags_.imap4rev2, "IMAP4rev2");
    }
  }
  send("* ENABLED" + enabled);
  ok(tag, "ENABLE completed");
}

void ImapSession::cmd_namespace(const std::string& tag) {
  send(R"(* NAMESPACE (("" ".")) NIL NIL)");
  ok(tag, "NAMESPACE completed");
}

void ImapSession::cmd_logout(const std::string& tag) {
  send("* BYE Logging out");
  ok(tag, "LOGOUT completed");
  close();
}

void ImapSession::cmd_compress(const std::string& tag) {
  if (compression_active_) return no(tag, "[COMPRESSIONACTIVE] DEFLATE is already active");
  ok(tag, "DEFLATE active");
  compression_active_ = true;
  StartDeflate start;
  take_remaining_input(&start.compressed_input);
  act(std::move(start));
}

void ImapSession::cmd_idle(const std::string& tag) {
  pending_tag_ = tag;
  phase_ = Phase::idle;
  reader_.set_mode(ReaderMode::line);
  send("+ idling");
  act(IdleStart{flags_});
}

void ImapSession::on_idle_line(std::string_view line) {
  phase_ = Phase::command;
  reader_.set_mode(ReaderMode::command);
  idle_done_ = chars::iequals(line, "DONE");
  if (out_.action && std::holds_alternative<IdleStart>(*out_.action)) {
    // IDLE and its end came in one input: the shell never started polling.
    out_.action.reset();
    if (idle_done_) return ok(pending_tag_, "IDLE terminated");
    return bad(pending_tag_, "Expected DONE to end IDLE");
  }
  pending_ = Pending::idle_end;
  act(IdleEnd{});
}

Output ImapSession::idle_poll_result(std::string updates) {
  if (phase_ != Phase::idle || pending_ != Pending::none) return {};
  out_.bytes += updates;
  return take();
}

Output ImapSession::idle_ended(std::string last_updates) {
  if (pending_ != Pending::idle_end) return {};
  pending_ = Pending::none;
  out_.bytes += last_updates;
  if (idle_done_) {
    ok(pending_tag_, "IDLE terminated");
  } else {
    bad(pending_tag_, "Expected DONE to end IDLE");
  }
  process();
  return take();
}

}  // namespace hamail::mailsvc::imap

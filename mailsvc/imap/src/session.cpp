// ImapSession: the input loop, the state rules and the mailbox work round trip. Login
// and TLS are in session_auth.cpp, the commands the session answers itself in
// session_commands.cpp.
#include "hamail/mailsvc/imap/session.h"

#include <utility>

#include "hamail/base/invariant.h"

namespace hamail::mailsvc::imap {
namespace {

// Commands of the selected state only (RFC 9051 6.4).
bool selected_only(const CommandBody& body) {
  return std::holds_alternative<Check>(body) || std::holds_alternative<Close>(body) ||
         std::holds_alternative<Unselect>(body) || std::holds_alternative<Expunge>(body) ||
         std::holds_alternative<Copy>(body) || std::holds_alternative<Move>(body) ||
         std::holds_alternative<Fetch>(body) || std::holds_alternative<Store>(body) ||
         std::holds_alternative<Search>(body) || std::holds_alternative<Sort>(body) ||
         std::holds_alternative<Thread>(body);
}

}  // namespace

ImapSession::ImapSession(ImapConfig config)
    : config_(std::move(config)), reader_(config_.limits), tls_active_(config_.implicit_tls) {}

Output ImapSession::take() {
  Output o = std::move(out_);
  out_ = Output{};
  return o;
}

Output ImapSession::start() {
  send("* OK [CAPABILITY " + capabilities() + "] hamail IMAP ready");
  return take();
}

Output ImapSession::feed(std::string_view bytes) {
  if (state_ == ImapState::logout) return {};
  // Sent after STARTTLS but before the handshake: in clear, so never a command (the
  // STARTTLS command injection of CVE-2011-0411).
  if (pending_ == Pending::tls) return {};
  in_.append(bytes);
  process();
  if (state_ != ImapState::logout && in_.size() - pos_ > config_.max_buffered_input) {
    send("* BYE Too much pipelined input");
    close();
  }
  return take();
}

void ImapSession::process() {
  while (state_ != ImapState::logout && pending_ == Pending::none && pos_ < in_.size()) {
    std::size_t used = 0;
    auto event = reader_.read(std::string_view(in_).substr(pos_), used);
    pos_ += used;
    if (event) on_event(std::move(*event));
  }
  if (pos_ == in_.size()) {
    in_.clear();
    pos_ = 0;
  }
}

void ImapSession::on_event(ReaderEvent event) {
  if (auto* ready = std::get_if<CommandReady>(&event)) return on_command(std::move(ready->command));
  if (auto* line = std::get_if<LineReady>(&event)) {
    if (phase_ == Phase::idle) return on_idle_line(line->text);
    return on_sasl_line(line->text);
  }
  if (auto* more = std::get_if<ContinuationRequest>(&event)) {
    out_.bytes += more->reply;
    return;
  }
  if (auto* refused = std::get_if<LiteralRefused>(&event)) {
    out_.bytes += refused->reply;
    return;
  }
  out_.bytes += std::get<CloseConnection>(event).reply;
  close();
}

ParseOptions ImapSession::parse_options() const {
  ParseOptions options;
  if (flags_.utf8_accept || flags_.imap4rev2) options.mailbox_encoding = MailboxEncoding::utf8;
  return options;
}

void ImapSession::on_command(CommandBytes bytes) {
  std::string tag = bytes.tag;
  bad_sent_ = false;
  auto parsed = parse_command(std::move(bytes), parse_options());
  if (!parsed) return bad(tag, parsed.error());
  dispatch(std::move(parsed.value()));
  if (!bad_sent_) bad_count_ = 0;
}

void ImapSession::dispatch(Command command) {
  const std::string& tag = command.tag;
  const CommandBody& body = command.body;
  if (std::holds_alternative<Capability>(body)) return cmd_capability(tag);
  if (std::holds_alternative<Logout>(body)) return cmd_logout(tag);
  if (std::holds_alternative<Id>(body)) return cmd_id(tag);
  if (std::holds_alternative<Noop>(body) && state_ != ImapState::selected) return ok(tag, "NOOP completed");
  if (state_ == ImapState::not_authenticated) return not_authenticated_command(command);
  authenticated_command(command);
}

void ImapSession::not_authenticated_command(Command& command) {
  const std::string& tag = command.tag;
  if (std::holds_alternative<StartTls>(command.body)) return cmd_starttls(tag);
  if (auto* login = std::get_if<Login>(&command.body)) return cmd_login(tag, *login);
  if (auto* auth = std::get_if<Authenticate>(&command.body)) return cmd_authenticate(tag, *auth);
  bad(tag, "Please login first");
}

void ImapSession::authenticated_command(Command& command) {
  const std::string& tag = command.tag;
  const CommandBody& body = command.body;
  if (std::holds_alternative<StartTls>(body)) return cmd_starttls(tag);
  if (std::holds_alternative<Login>(body) || std::holds_alternative<Authenticate>(body))
    return bad(tag, "Already logged in");
  if (auto* enable = std::get_if<Enable>(&body)) return cmd_enable(tag, *enable);
  if (std::holds_alternative<Namespace>(body)) return cmd_namespace(tag);
  if (std::holds_alternative<Compress>(body)) return cmd_compress(tag);
  if (std::holds_alternative<Idle>(body)) return cmd_idle(tag);
  if (state_ != ImapState::selected && selected_only(body)) return bad(tag, "No mailbox selected");
  mailbox_work(std::move(command));
}

void ImapSession::mailbox_work(Command command) {
  pending_ = Pending::mailbox;
  pending_tag_ = command.tag;
  act(MailboxWork{MailboxRequest{std::move(command), flags_}});
}

Output ImapSession::mailbox_done(MailboxReply reply) {
  if (pending_ != Pending::mailbox) return {};
  pending_ = Pending::none;
  out_.bytes += reply.bytes;
  if (reply.condstore_now_on) flags_.condstore = true;
  switch (reply.selected) {
    case SelectedChange::none:
      break;
    case SelectedChange::selected:
    case SelectedChange::selected_read_only:
      state_ = ImapState::selected;
      read_only_ = reply.selected == SelectedChange::selected_read_only;
      break;
    case SelectedChange::deselected:
      state_ = ImapState::authenticated;
      read_only_ = false;
      break;
  }
  if (reply.bye) {
    close();
    return take();
  }
  process();
  return take();
}

void ImapSession::send(std::string_view line) {
  out_.bytes += line;
  out_.bytes += "\r\n";
}

void ImapSession::ok(const std::string& tag, std::string_view text) { send(tag + " OK " + std::string(text)); }

void ImapSession::no(const std::string& tag, std::string_view text) { send(tag + " NO " + std::string(text)); }

void ImapSession::bad(const std::string& tag, std::string_view text) {
  send(tag + " BAD " + std::string(text));
  bad_sent_ = true;
  if (++bad_count_ >= config_.max_bad_commands) {
    send("* BYE Too many invalid IMAP commands");
    close();
  }
}

void ImapSession::act(Action action) {
  HAMAIL_INVARIANT(!out_.action, "an IMAP session output carries at most one action");
  out_.action = std::move(action);
}

void ImapSession::take_remaining_input(std::string* into) {
  if (into) *into = in_.substr(pos_);
  in_.clear();
  pos_ = 0;
  reader_ = CommandReader(config_.limits);
}

void ImapSession::close() {
  state_ = ImapState::logout;
  pending_ = Pending::none;
  phase_ = Phase::command;
  out_.close = true;
  in_.clear();
  pos_ = 0;
}

}  // namespace hamail::mailsvc::imap

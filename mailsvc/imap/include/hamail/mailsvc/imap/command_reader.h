// CommandReader: IMAP's client-to-server framing (RFC 9051 2.2, RFC 7888), sans-IO: bytes
// in any split -> whole commands with their literals, continuation requests, refusals or
// a BYE. Every buffer it holds is bounded by ReaderLimits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "hamail/mailsvc/imap/command_bytes.h"

namespace hamail::mailsvc::imap {

struct ReaderLimits {
  std::size_t max_line = 64 * 1024;             // one line, CRLF included, literals not
  std::size_t max_literal = 64 * 1024;          // one literal of any command but APPEND
  std::size_t max_command = 256 * 1024;         // all lines and literals of one command ...
  std::uint64_t max_message = 64 * 1024 * 1024;  // ... plus, for APPEND, one message literal of this size
  std::size_t max_literals = 16;                // literals in one command
};

// The command is complete: parse it (parse_command).
struct CommandReady {
  CommandBytes command;
};
// A line read in ReaderMode::line (IDLE's "DONE", an AUTHENTICATE response), CRLF removed.
struct LineReady {
  std::string text;
};
// Send `reply` ("+ ..."): the client waits for it before sending the literal, which the
// reader now takes as part of the command.
struct ContinuationRequest {
  std::string reply;
};
// A synchronising literal the limits do not allow: send `reply` ("TAG NO [TOOBIG] ..." /
// "TAG BAD ..."). The command is dropped; the client will not send the literal.
struct LiteralRefused {
  std::string tag;
  std::string reply;
};
// Input the connection cannot survive (a line too long, a non-synchronising literal over
// the limits, whose bytes would otherwise be read as commands): send `reply`
// ("* BYE ...") and close. The reader takes nothing more.
struct CloseConnection {
  std::string reply;
};
using ReaderEvent = std::variant<CommandReady, LineReady, ContinuationRequest, LiteralRefused, CloseConnection>;

// What the next line is: a command (with literals) or a bare line.
enum class ReaderMode { command, line };

// One APPEND message is held whole while it arrives (at most max_message octets; the
// session streams it to the store once the command is complete). Per connection the
// reader holds at most max_command + max_message octets (APPEND) or max_command
// (anything else) plus max_line.
class CommandReader {
 public:
  explicit CommandReader(ReaderLimits limits = {});

  // Reads from `in` until one event is complete or `in` is used up; `used` is set to the
  // bytes taken (all of them when nothing came back). Bytes after an event stay with the
  // caller, who may change the mode before passing them again.
  std::optional<ReaderEvent> read(std::string_view in, std::size_t& used);

  // Only between events, outside a command (IDLE and AUTHENTICATE switch to `line` after
  // their command and back when they end).
  void set_mode(ReaderMode mode);
  ReaderMode mode() const { return mode_; }
  bool mid_command() const { return !line_.empty() || !command_.text.empty() || in_literal_; }
  bool closed() const { return closed_; }
  std::size_t buffered_bytes() const;  // held for the command in progress

 private:
  std::optional<ReaderEvent> line_complete();
  std::optional<ReaderEvent> literal_announced(std::string_view announcement, std::size_t begin);
  std::optional<ReaderEvent> refuse_literal(bool non_synchronizing, std::string why, bool append);
  ReaderEvent close(std::string text);
  void reset_command();

  ReaderLimits limits_;
  ReaderMode mode_ = ReaderMode::command;
  std::string line_;  // the line being read, bounded by max_line
  CommandBytes command_;
  std::size_t command_bytes_ = 0;  // text + literal octets so far
  bool append_ = false;            // the command is APPEND (may carry a message literal)
  bool in_literal_ = false;
  std::uint64_t literal_left_ = 0;
  bool closed_ = false;
};

}  // namespace hamail::mailsvc::imap

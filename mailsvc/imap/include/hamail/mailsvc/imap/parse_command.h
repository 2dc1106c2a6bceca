// parse_command: one assembled command (CommandReader) -> a typed Command, or an error
// naming what is wrong and where ("FETCH: unknown attribute 'BODDY' at column 14") for
// the session to answer "<tag> BAD <error>" (tag "*" when the tag itself is invalid).
#pragma once

#include "hamail/base/result.h"
#include "hamail/mailsvc/imap/command_bytes.h"
#include "hamail/mailsvc/imap/commands.h"
#include "hamail/mailsvc/imap/mailbox_name.h"

namespace hamail::mailsvc::imap {

struct ParseOptions {
  // modified_utf7 until the client enables IMAP4rev2 or UTF8=ACCEPT.
  MailboxEncoding mailbox_encoding = MailboxEncoding::modified_utf7;
};

inline constexpr int kMaxSearchDepth = 32;  // nested NOT/OR/parentheses in one SEARCH

// The error text is safe to send: printable ASCII, no CR or LF; the reply's tag is
// CommandBytes::tag (keep it before moving the bytes in). Literal data moves into the
// Command (pass the CommandBytes with std::move: an APPEND message is not copied).
Result<Command> parse_command(CommandBytes command, const ParseOptions& options = {});

}  // namespace hamail::mailsvc::imap

// The contract between the IMAP session (ImapSession, sans-IO) and the mailbox worker
// (imapd's shell, run on a pool thread, over mailsvc_store and mailsvc_mime): the session
// hands every mailbox command over as a MailboxRequest and sends the MailboxReply's bytes
// as they are; in the selected state the shell polls the worker for untagged updates.
#pragma once

#include <string>
#include <vector>

#include "hamail/mailsvc/imap/commands.h"

namespace hamail::mailsvc::imap {

// What the session negotiated that changes mailbox responses.
struct SessionFlags {
  bool condstore = false;    // CONDSTORE on (ENABLE, or implied by a command: RFC 7162 3.1): MODSEQ in FETCH
  bool qresync = false;      // QRESYNC enabled: VANISHED instead of EXPUNGE
  bool utf8_accept = false;  // UTF8=ACCEPT enabled: mailbox names as UTF-8 rather than modified UTF-7
  bool imap4rev2 = false;    // IMAP4rev2 enabled (rev2 responses: no RECENT, LIST's \NonExistent ...)
};

// A command the session does not answer itself: every command of the authenticated and
// selected states except IDLE, NAMESPACE, ENABLE, ID, CAPABILITY, COMPRESS and LOGOUT
// (NOOP and CHECK in the selected state come here too: they report the changes).
struct MailboxRequest {
  Command command;
  SessionFlags flags;
};

// What the session's selected state becomes after a reply.
enum class SelectedChange {
  none,                // unchanged
  selected,            // SELECT succeeded: selected state, read-write
  selected_read_only,  // EXAMINE succeeded (or SELECT of a read-only mailbox)
  deselected,          // CLOSE, UNSELECT, or a failed SELECT/EXAMINE (RFC 3501 6.3.1)
};

struct MailboxReply {
  std::string bytes;  // untagged responses, then the tagged one; CRLF lines, literals as needed
  SelectedChange selected = SelectedChange::none;
  bool condstore_now_on = false;  // the command turned CONDSTORE on (FETCH MODSEQ, CHANGEDSINCE ...)
  bool bye = false;               // "* BYE" is in bytes (the mailbox vanished, UIDVALIDITY changed): close
  // For the log (and the mail trace): the Maildir files whose whole message this reply sends
  // (FETCH BODY[], BODY.PEEK[], RFC822, BINARY[]) and those the command expunged; file names.
  std::vector<std::string> files_read;
  std::vector<std::string> files_expunged;
};

// An untagged-only poll (IDLE every second or so, and after a delivery): `bytes` holds
// EXISTS / EXPUNGE or VANISHED / FETCH FLAGS lines, or nothing.
struct MailboxPoll {
  SessionFlags flags;
};

}  // namespace hamail::mailsvc::imap

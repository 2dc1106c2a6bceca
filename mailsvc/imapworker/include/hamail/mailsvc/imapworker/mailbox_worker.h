// imapd's mailbox worker: runs one logged-in session's mailbox commands (a MailboxRequest
// from ImapSession) against the user's Maildir store and answers with the response bytes;
// keeps the selected mailbox, its sequence numbers and the updates not yet reported.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "hamail/mailsvc/imap/mailbox_work.h"
#include "hamail/mailsvc/imapworker/fetch_cursor.h"
#include "hamail/mailsvc/imapworker/worker_state.h"

namespace hamail::mailsvc::imapworker {

// One per session; not thread-safe (one pool thread at a time). Never throws out of
// run() or poll(): every failure is a tagged NO (or BYE) in the reply.
class MailboxWorker {
 public:
  explicit MailboxWorker(std::string maildir_root, WorkerLimits limits = {}) {
    state_.root = std::move(maildir_root);
    state_.limits = limits;
  }

  imap::MailboxReply run(const imap::MailboxRequest& request);

  // A reply that may come in parts, so that imapd can send a big answer while it makes
  // the rest, with bounded memory: while `more` is set, `reply.bytes` is a part of the
  // untagged responses and next_part() makes the next; the last part carries the tagged
  // response and the rest of the reply (selected, condstore_now_on, bye).
  struct Part {
    imap::MailboxReply reply;
    bool more = false;
  };
  // run(), except that a FETCH stops once a part holds `part_bytes` (at least one
  // message's response, whatever its size). Drops a FETCH left unfinished.
  Part run_in_parts(const imap::MailboxRequest& request, std::size_t part_bytes);
  // The next part of the FETCH run_in_parts() began; "* BAD" + nothing more if none.
  Part next_part(std::size_t part_bytes);
  // Untagged updates for IDLE: EXISTS, EXPUNGE / VANISHED, FETCH FLAGS; "" for none.
  std::string poll(const imap::MailboxPoll& poll);

  bool selected() const { return state_.mailbox.has_value(); }
  // The selected folder's directory ("" when none): what IDLE watches. Only between jobs.
  std::string selected_path() const { return state_.mailbox ? state_.mailbox->path() : std::string(); }

 private:
  WorkerState state_;
  std::optional<FetchCursor> fetch_;  // a FETCH answered in parts, until its last part
};

}  // namespace hamail::mailsvc::imapworker

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
  // Untagged updates for IDLE: EXISTS, EXPUNGE / VANISHED, FETCH FLAGS; "" for none.
  std::string poll(const imap::MailboxPoll& poll);

  bool selected() const { return state_.mailbox.has_value(); }
  // The selected folder's directory ("" when none): what IDLE watches. Only between jobs.
  std::string selected_path() const { return state_.mailbox ? state_.mailbox->path() : std::string(); }

 private:
  WorkerState state_;
};

}  // namespace hamail::mailsvc::imapworker

// What a MailboxWorker keeps between commands: the user's folders, the selected mailbox,
// the session's sequence numbers (its view) and the updates it has not been told yet.
// The command handlers (src/*.cpp) share it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hamail/mailsvc/store/mailbox.h"
#include "hamail/mailsvc/store/mailbox_tree.h"

namespace hamail::mailsvc::imapworker {

struct WorkerLimits {
  std::size_t max_message_bytes = 64u << 20;  // a message file is read at most this far
};

struct WorkerState {
  std::string root;  // the user's Maildir (INBOX)
  WorkerLimits limits;
  std::optional<store::MailboxTree> tree;  // opened at first use
  std::optional<store::Mailbox> mailbox;   // the selected one
  std::string mailbox_name;                // its UTF-8 name
  bool read_only = false;
  std::vector<std::uint32_t> view;      // sequence number n -> UID view[n-1], as the client knows them
  std::vector<std::uint32_t> expunged;  // UIDs expunged, not reported yet (still in view), ascending
  std::vector<std::uint32_t> changed;   // UIDs whose flags changed, not reported yet, ascending
  std::vector<std::uint32_t> saved;     // SEARCHRES "$": UIDs
  // The mailbox this session closed last (CLOSE, UNSELECT, another SELECT): selecting it
  // again reads only what changed since (refresh()), as Dovecot keeps its index open.
  // At most one mailbox is held, selected or closed: a SELECT of another drops it first.
  std::optional<store::Mailbox> closed;

  // Closes the selected mailbox, keeping it in `closed`.
  void close_selected() {
    std::optional<store::Mailbox> keep = std::move(mailbox);
    deselect();
    if (keep) closed = std::move(keep);
  }
  // Closes the selected mailbox and forgets it (errors, BYE, a DELETE or RENAME).
  void deselect() {
    mailbox.reset();
    closed.reset();
    mailbox_name.clear();
    read_only = false;
    view.clear();
    expunged.clear();
    changed.clear();
    saved.clear();
  }
};

}  // namespace hamail::mailsvc::imapworker

// The command handlers of MailboxWorker (one file per group) and the helpers they share:
// tagged replies, message sets against the view, flag rendering, pending updates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hamail/mailsvc/imap/mailbox_work.h"
#include "hamail/mailsvc/imapworker/fetch_cursor.h"
#include "hamail/mailsvc/imapworker/worker_state.h"

namespace hamail::mailsvc::imapworker {

using imap::MailboxReply;
using imap::SessionFlags;

// "TAG OK text\r\n" appended to reply.bytes; returns the reply.
MailboxReply& tagged(MailboxReply& reply, std::string_view tag, std::string_view status, std::string_view text);
// A store error as a tagged NO: the error's own [CODE] kept, else `code` put in front; the
// user's Maildir path is cut out of it (clients need not learn where mail lives).
MailboxReply& tagged_no(const WorkerState& st, MailboxReply& reply, std::string_view tag, std::string_view code, const std::string& error);

// The messages of `set` (sequence numbers, or UIDs when `uid`; "$" = the saved result),
// ascending, those not in the view skipped. Expunged-but-unreported ones are included.
std::vector<Numbered> resolve_set(const WorkerState& st, const imap::SequenceSet& set, bool uid);
std::uint32_t seq_of(const WorkerState& st, std::uint32_t uid);  // 0: not in the view

// "(\Seen $Forwarded)" of a message's stored flags.
std::string flag_list(const store::MessageFlags& flags);
// The mailbox name as the session's responses carry it: UTF-8 once UTF8=ACCEPT or IMAP4rev2
// is enabled (as the parser reads names then, mailbox_name.h), else modified UTF-7.
std::string wire_name(std::string_view utf8_name, const SessionFlags& flags);

// Catches up with the store and appends the untagged updates: EXPUNGE / VANISHED (only
// when `expunges_allowed`, RFC 3501 7.4.1), EXISTS, FETCH FLAGS. A vanished mailbox or a
// new UIDVALIDITY: "* BYE", reply.bye set, deselected.
void report_updates(WorkerState& st, const SessionFlags& flags, bool expunges_allowed, MailboxReply& reply);
// Marks `uids` expunged (pending until reported).
void note_expunged(WorkerState& st, const std::vector<std::uint32_t>& uids);

MailboxReply handle_select(WorkerState& st, const imap::Command& cmd, const imap::SelectArgs& args, bool examine,
                           const SessionFlags& flags);
MailboxReply handle_close(WorkerState& st, const imap::Command& cmd, bool expunge);
MailboxReply handle_noop(WorkerState& st, const imap::Command& cmd, const SessionFlags& flags);
MailboxReply handle_expunge(WorkerState& st, const imap::Command& cmd, const imap::Expunge& e, const SessionFlags& flags);
MailboxReply handle_fetch(WorkerState& st, const imap::Command& cmd, const imap::Fetch& f, const SessionFlags& flags);
// FETCH in parts: begin_fetch appends the updates and VANISHED to `reply` and sets \Seen;
// no cursor when the reply is already whole (BYE). continue_fetch appends the next
// messages' responses until `reply.bytes` holds at least `part_bytes` (one message at
// least); true when the set is done, the tagged reply appended.
std::optional<FetchCursor> begin_fetch(WorkerState& st, const imap::Command& cmd, const imap::Fetch& f,
                                       const SessionFlags& flags, MailboxReply& reply);
bool continue_fetch(WorkerState& st, FetchCursor& c, MailboxReply& reply, std::size_t part_bytes);
MailboxReply handle_store(WorkerState& st, const imap::Command& cmd, const imap::Store& s, const SessionFlags& flags);

// Group 2: folders, STATUS, APPEND, COPY/MOVE (folders.cpp, status.cpp, append.cpp, copy_move.cpp).
// Opens the user's folders at first use; an error for a tagged NO.
Result<store::MailboxTree*> folders(WorkerState& st);
bool is_dir(const std::string& path);
// The response code for a store error text: NONEXISTENT, ALREADYEXISTS, LIMIT, or `fallback`.
std::string code_for(const std::string& error, std::string_view fallback);
// The untagged updates (when selected), then the tagged status line.
MailboxReply& finish(WorkerState& st, const SessionFlags& flags, MailboxReply& reply, std::string_view tag,
                     std::string_view status, std::string_view text);
// "(MESSAGES 2 UIDNEXT 3)" for a mailbox's directory, or an error.
Result<std::string> status_items(const std::string& path, const std::vector<imap::StatusItem>& items);

MailboxReply handle_list(WorkerState& st, const imap::Command& cmd, const imap::List& l, const SessionFlags& flags);
MailboxReply handle_lsub(WorkerState& st, const imap::Command& cmd, const imap::Lsub& l, const SessionFlags& flags);
MailboxReply handle_create(WorkerState& st, const imap::Command& cmd, const imap::Create& c, const SessionFlags& flags);
MailboxReply handle_delete(WorkerState& st, const imap::Command& cmd, const imap::Delete& d, const SessionFlags& flags);
MailboxReply handle_rename(WorkerState& st, const imap::Command& cmd, const imap::Rename& r, const SessionFlags& flags);
MailboxReply handle_subscribe(WorkerState& st, const imap::Command& cmd, const std::string& name, bool subscribe,
                              const SessionFlags& flags);
MailboxReply handle_status(WorkerState& st, const imap::Command& cmd, const imap::Status& s, const SessionFlags& flags);
MailboxReply handle_append(WorkerState& st, const imap::Command& cmd, const imap::Append& a, const SessionFlags& flags);
MailboxReply handle_copy(WorkerState& st, const imap::Command& cmd, const imap::SequenceSet& set, bool uid,
                         const std::string& mailbox, bool move, const SessionFlags& flags);

// Group 3 (search.cpp, sort_thread.cpp).
MailboxReply handle_search(WorkerState& st, const imap::Command& cmd, const imap::Search& s, const SessionFlags& flags);
MailboxReply handle_sort(WorkerState& st, const imap::Command& cmd, const imap::Sort& s, const SessionFlags& flags);
MailboxReply handle_thread(WorkerState& st, const imap::Command& cmd, const imap::Thread& t, const SessionFlags& flags);

}  // namespace hamail::mailsvc::imapworker

// SELECT / EXAMINE (with CONDSTORE and QRESYNC), CLOSE, UNSELECT, NOOP / CHECK, EXPUNGE.
#include <algorithm>

#include "handlers.h"
#include "hamail/mailsvc/imap/sequence_set.h"

namespace hamail::mailsvc::imapworker {
namespace {

std::string system_and_keywords(const store::KeywordList& keywords) {
  std::string out = "\\Answered \\Flagged \\Deleted \\Seen \\Draft";
  for (char c = 'a'; c <= 'z'; ++c)
    if (const std::string* k = keywords.keyword_of(c)) out += " " + *k;
  return out;
}

// QRESYNC (RFC 7162 3.2.5.1): VANISHED (EARLIER) of what the client may still have,
// then FETCH of every message changed since its modseq.
void qresync_catch_up(WorkerState& st, const imap::QresyncParams& q, MailboxReply& reply) {
  store::Mailbox& mb = *st.mailbox;
  if (q.uid_validity != mb.uidvalidity()) return;
  std::uint32_t last = mb.next_uid() > 1 ? mb.next_uid() - 1 : 1;
  auto known = [&](std::uint32_t uid) { return !q.known_uids || q.known_uids->contains(uid, last); };
  std::vector<std::uint32_t> vanished;
  if (auto log = mb.expunged_since(q.modseq)) {
    for (std::uint32_t u : *log)
      if (known(u)) vanished.push_back(u);
  } else {
    // The log does not reach back: every UID of the client's range that is not here.
    std::vector<std::uint32_t> present = st.view;
    for (const auto& r : (q.known_uids ? *q.known_uids : imap::SequenceSet{{{1, last}}, false}).resolve(last))
      for (std::uint64_t u = std::max<std::uint32_t>(r.first, 1); u <= r.last && u < mb.next_uid(); ++u)
        if (!std::binary_search(present.begin(), present.end(), static_cast<std::uint32_t>(u)))
          vanished.push_back(static_cast<std::uint32_t>(u));
  }
  std::sort(vanished.begin(), vanished.end());
  vanished.erase(std::unique(vanished.begin(), vanished.end()), vanished.end());
  if (!vanished.empty()) reply.bytes += "* VANISHED (EARLIER) " + imap::format_sequence_set(vanished) + "\r\n";
  for (std::size_t i = 0; i < st.view.size(); ++i) {
    auto m = mb.message(st.view[i]);
    if (!m || m->modseq <= q.modseq || !known(m->uid)) continue;
    reply.bytes += "* " + std::to_string(i + 1) + " FETCH (UID " + std::to_string(m->uid) + " FLAGS " +
                   flag_list(m->flags) + " MODSEQ (" + std::to_string(m->modseq) + "))\r\n";
  }
}

// The file names of `uids` (before they are expunged), by UID.
std::vector<std::pair<std::uint32_t, std::string>> file_names(store::Mailbox& mb, const std::vector<std::uint32_t>& uids) {
  std::vector<std::pair<std::uint32_t, std::string>> out;
  for (std::uint32_t u : uids)
    if (auto p = mb.file_path(u)) out.emplace_back(u, p->substr(p->rfind('/') + 1));
  return out;
}

// The names of the UIDs in `removed`, for MailboxReply::files_expunged.
void note_files(const std::vector<std::pair<std::uint32_t, std::string>>& names,
                const std::vector<std::uint32_t>& removed, std::vector<std::string>& out) {
  std::vector<std::uint32_t> gone = removed;
  std::sort(gone.begin(), gone.end());
  for (const auto& [uid, name] : names)
    if (std::binary_search(gone.begin(), gone.end(), uid)) out.push_back(name);
}

}  // namespace

MailboxReply handle_select(WorkerState& st, const imap::Command& cmd, const imap::SelectArgs& args, bool examine,
                           const SessionFlags& flags) {
  MailboxReply reply;
  bool was_selected = st.mailbox.has_value();
  st.close_selected();
  if (was_selected) reply.bytes += "* OK [CLOSED] Previous mailbox closed\r\n";
  reply.selected = imap::SelectedChange::deselected;
  auto tree = folders(st);
  if (!tree) return tagged_no(st, reply, cmd.tag, "SERVERBUG", tree.error());
  auto path = (*tree)->path_of(args.mailbox);
  if (!path || !is_dir(*path + "/cur")) {
    st.deselect();
    return tagged(reply, cmd.tag, "NO", "[NONEXISTENT] Mailbox does not exist");
  }
  // The same mailbox again: catch up with what changed (its view becomes the mailbox as
  // it is now, as a fresh open's would); another one: opened and read whole.
  std::optional<store::Mailbox> mb = std::move(st.closed);
  st.deselect();
  if (!mb || mb->path() != *path) {
    mb.reset();
    auto opened = store::Mailbox::open(*path);
    if (!opened) return tagged_no(st, reply, cmd.tag, "SERVERBUG", opened.error());
    mb = std::move(*opened);
  }
  if (auto r = mb->refresh(); !r) return tagged_no(st, reply, cmd.tag, "SERVERBUG", r.error());
  st.mailbox = std::move(*mb);
  st.mailbox_name = args.mailbox;
  st.read_only = examine;
  st.view = st.mailbox->uids();
  bool condstore = flags.condstore || flags.qresync || args.condstore || args.qresync;
  reply.condstore_now_on = condstore && !flags.condstore;

  store::Mailbox& m = *st.mailbox;
  std::string all_flags = system_and_keywords(m.keywords());
  reply.bytes += "* FLAGS (" + all_flags + ")\r\n";
  reply.bytes += "* " + std::to_string(st.view.size()) + " EXISTS\r\n";
  if (!flags.imap4rev2) {
    reply.bytes += "* 0 RECENT\r\n";
    for (std::size_t i = 0; i < st.view.size(); ++i) {
      auto msg = m.message(st.view[i]);
      if (msg && !(msg->flags.system & store::kSeen)) {
        reply.bytes += "* OK [UNSEEN " + std::to_string(i + 1) + "] First unseen\r\n";
        break;
      }
    }
  }
  if (examine) {
    reply.bytes += "* OK [PERMANENTFLAGS ()] Read-only mailbox\r\n";
  } else {
    bool room = m.keywords().size() < store::KeywordList::kMaxKeywords;
    reply.bytes += "* OK [PERMANENTFLAGS (" + all_flags + (room ? " \\*" : "") + ")] Flags permitted\r\n";
  }
  reply.bytes += "* OK [UIDVALIDITY " + std::to_string(m.uidvalidity()) + "] UIDs valid\r\n";
  reply.bytes += "* OK [UIDNEXT " + std::to_string(m.next_uid()) + "] Predicted next UID\r\n";
  if (condstore) reply.bytes += "* OK [HIGHESTMODSEQ " + std::to_string(m.highest_modseq()) + "] Highest\r\n";
  if (args.qresync && flags.qresync) qresync_catch_up(st, *args.qresync, reply);
  reply.selected = examine ? imap::SelectedChange::selected_read_only : imap::SelectedChange::selected;
  return tagged(reply, cmd.tag, "OK",
                std::string(examine ? "[READ-ONLY] " : "[READ-WRITE] ") + imap::command_name(cmd) + " completed");
}

MailboxReply handle_close(WorkerState& st, const imap::Command& cmd, bool expunge) {
  MailboxReply reply;
  if (!st.mailbox) return tagged(reply, cmd.tag, "BAD", "No mailbox selected");
  if (expunge && !st.read_only) {
    (void)st.mailbox->refresh();
    std::vector<std::uint32_t> deleted;
    for (std::uint32_t u : st.mailbox->uids())
      if (auto m = st.mailbox->message(u); m && (m->flags.system & store::kDeleted)) deleted.push_back(u);
    if (!deleted.empty()) {
      auto names = file_names(*st.mailbox, deleted);
      if (auto r = st.mailbox->expunge(deleted); r) {
        note_files(names, *r, reply.files_expunged);
      } else {
        st.deselect();
        reply.selected = imap::SelectedChange::deselected;
        return tagged_no(st, reply, cmd.tag, "SERVERBUG", r.error());
      }
    }
  }
  st.close_selected();
  reply.selected = imap::SelectedChange::deselected;
  return tagged(reply, cmd.tag, "OK", imap::command_name(cmd) + " completed");
}

MailboxReply handle_noop(WorkerState& st, const imap::Command& cmd, const SessionFlags& flags) {
  MailboxReply reply;
  report_updates(st, flags, true, reply);
  if (reply.bye) return reply;
  return tagged(reply, cmd.tag, "OK", imap::command_name(cmd) + " completed");
}

MailboxReply handle_expunge(WorkerState& st, const imap::Command& cmd, const imap::Expunge& e,
                            const SessionFlags& flags) {
  MailboxReply reply;
  if (st.read_only) return tagged(reply, cmd.tag, "NO", "[READ-ONLY] Mailbox is read-only");
  report_updates(st, flags, true, reply);  // others' changes first
  if (reply.bye) return reply;
  std::vector<std::uint32_t> deleted;
  std::vector<Numbered> named;
  if (e.uids) named = resolve_set(st, *e.uids, true);
  auto by_uid = [](const Numbered& n, std::uint32_t u) { return n.uid < u; };
  for (std::uint32_t u : st.mailbox->uids()) {
    if (e.uids) {  // named is ascending by UID
      auto it = std::lower_bound(named.begin(), named.end(), u, by_uid);
      if (it == named.end() || it->uid != u) continue;
    }
    if (auto m = st.mailbox->message(u); m && (m->flags.system & store::kDeleted)) deleted.push_back(u);
  }
  std::string error;
  if (!deleted.empty()) {
    auto names = file_names(*st.mailbox, deleted);
    auto removed = st.mailbox->expunge(deleted);
    if (removed) {
      note_expunged(st, *removed);
      note_files(names, *removed, reply.files_expunged);
    } else {
      error = removed.error();
    }
  }
  report_updates(st, flags, true, reply);
  if (reply.bye) return reply;
  if (!error.empty()) return tagged_no(st, reply, cmd.tag, "SERVERBUG", error);
  return tagged(reply, cmd.tag, "OK", imap::command_name(cmd) + " completed");
}

}  // namespace hamail::mailsvc::imapworker

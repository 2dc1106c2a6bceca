// Untagged updates: what the store changed since the session last heard (other sessions,
// deliveries, our own expunges), told as EXPUNGE / VANISHED, EXISTS and FETCH FLAGS.
#include <algorithm>

#include "handlers.h"
#include "hamail/mailsvc/imap/sequence_set.h"

namespace hamail::mailsvc::imapworker {
namespace {

void insert_sorted(std::vector<std::uint32_t>& v, std::uint32_t x) {
  auto it = std::lower_bound(v.begin(), v.end(), x);
  if (it == v.end() || *it != x) v.insert(it, x);
}

void bye(WorkerState& st, MailboxReply& reply, std::string_view why) {
  reply.bytes.append("* BYE ").append(why).append("\r\n");
  reply.bye = true;
  reply.selected = imap::SelectedChange::deselected;
  st.deselect();
}

}  // namespace

void note_expunged(WorkerState& st, const std::vector<std::uint32_t>& uids) {
  for (std::uint32_t u : uids) {
    if (seq_of(st, u) == 0) continue;
    insert_sorted(st.expunged, u);
    auto c = std::lower_bound(st.changed.begin(), st.changed.end(), u);
    if (c != st.changed.end() && *c == u) st.changed.erase(c);
  }
}

void report_updates(WorkerState& st, const SessionFlags& flags, bool expunges_allowed, MailboxReply& reply) {
  if (!st.mailbox) return;
  auto changes = st.mailbox->refresh();
  if (!changes) return bye(st, reply, "Selected mailbox is gone or unreadable");
  if (changes->uidvalidity_changed) return bye(st, reply, "UIDVALIDITY changed: please select the mailbox again");
  note_expunged(st, changes->expunged);
  for (std::uint32_t u : changes->changed)
    if (seq_of(st, u) != 0) insert_sorted(st.changed, u);

  if (expunges_allowed && !st.expunged.empty()) {
    if (flags.qresync) {
      reply.bytes += "* VANISHED " + imap::format_sequence_set(st.expunged) + "\r\n";
    } else {
      // Highest first: every number sent is still valid when the client reads it.
      for (auto it = st.expunged.rbegin(); it != st.expunged.rend(); ++it)
        reply.bytes += "* " + std::to_string(seq_of(st, *it)) + " EXPUNGE\r\n";
    }
    std::vector<std::uint32_t> kept;
    kept.reserve(st.view.size());
    std::set_difference(st.view.begin(), st.view.end(), st.expunged.begin(), st.expunged.end(),
                        std::back_inserter(kept));
    st.view = std::move(kept);
    std::vector<std::uint32_t> saved;
    std::set_difference(st.saved.begin(), st.saved.end(), st.expunged.begin(), st.expunged.end(),
                        std::back_inserter(saved));
    st.saved = std::move(saved);
    st.expunged.clear();
  }
  bool grew = false;
  for (std::uint32_t u : changes->added) {
    if (!st.view.empty() && u <= st.view.back()) continue;
    st.view.push_back(u);
    grew = true;
  }
  if (grew) reply.bytes += "* " + std::to_string(st.view.size()) + " EXISTS\r\n";
  for (std::uint32_t u : st.changed) {
    auto m = st.mailbox->message(u);
    std::uint32_t seq = seq_of(st, u);
    if (!m || seq == 0) continue;
    reply.bytes += "* " + std::to_string(seq) + " FETCH (";
    if (flags.qresync) reply.bytes += "UID " + std::to_string(u) + " ";
    reply.bytes += "FLAGS " + flag_list(m->flags);
    if (flags.condstore || flags.qresync) reply.bytes += " MODSEQ (" + std::to_string(m->modseq) + ")";
    reply.bytes += ")\r\n";
  }
  st.changed.clear();
}

}  // namespace hamail::mailsvc::imapworker

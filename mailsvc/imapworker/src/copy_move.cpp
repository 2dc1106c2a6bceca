// COPY / MOVE and their UID forms (UIDPLUS [COPYUID], RFC 6851 MOVE: untagged OK
// [COPYUID], then EXPUNGE or VANISHED for the moved messages).
#include <algorithm>

#include "handlers.h"
#include "hamail/mailsvc/imap/commands.h"
#include "hamail/mailsvc/imap/sequence_set.h"

namespace hamail::mailsvc::imapworker {

MailboxReply handle_copy(WorkerState& st, const imap::Command& cmd, const imap::SequenceSet& set, bool uid,
                         const std::string& mailbox, bool move, const SessionFlags& flags) {
  MailboxReply reply;
  std::string name = imap::command_name(cmd);
  if (move && st.read_only) return tagged(reply, cmd.tag, "NO", "[READ-ONLY] Mailbox is read-only");
  auto tree = folders(st);
  if (!tree) return tagged_no(st, reply, cmd.tag, "SERVERBUG", tree.error());
  auto path = (*tree)->path_of(mailbox);
  if (!path || !is_dir(*path + "/cur")) return tagged(reply, cmd.tag, "NO", "[TRYCREATE] Mailbox does not exist");
  std::vector<std::uint32_t> uids;
  bool some_gone = false;
  for (const auto& n : resolve_set(st, set, uid)) {
    if (st.mailbox->message(n.uid)) uids.push_back(n.uid);
    else some_gone = true;
  }
  if (some_gone && !uid) return tagged(reply, cmd.tag, "NO", "[EXPUNGEISSUED] Some messages were expunged meanwhile");
  if (uids.empty()) return finish(st, flags, reply, cmd.tag, "OK", name + " completed (no messages)");
  auto dest = store::Mailbox::open(*path);
  if (!dest) return tagged_no(st, reply, cmd.tag, "SERVERBUG", dest.error());
  auto pairs = move ? st.mailbox->move(uids, *dest) : st.mailbox->copy(uids, *dest);
  if (!pairs) return tagged_no(st, reply, cmd.tag, code_for(pairs.error(), "SERVERBUG"), pairs.error());
  std::sort(pairs->begin(), pairs->end());
  std::vector<std::uint32_t> from, to;
  for (const auto& [s, d] : *pairs) {
    from.push_back(s);
    to.push_back(d);
  }
  std::string code = "[COPYUID " + std::to_string(dest->uidvalidity()) + " " + imap::format_sequence_set(from) + " " +
                     imap::format_sequence_set(to) + "]";
  if (!move) return finish(st, flags, reply, cmd.tag, "OK", code + " " + name + " completed");
  reply.bytes += "* OK " + code + " Moved\r\n";
  note_expunged(st, from);
  return finish(st, flags, reply, cmd.tag, "OK", name + " completed");
}

}  // namespace hamail::mailsvc::imapworker

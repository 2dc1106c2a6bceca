// STATUS (MESSAGES UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE HIGHESTMODSEQ, RECENT 0), also
// what LIST-STATUS answers per mailbox.
#include "handlers.h"
#include "hamail/mailsvc/imap/commands.h"

namespace hamail::mailsvc::imapworker {

Result<std::string> status_items(const std::string& path, const std::vector<imap::StatusItem>& items) {
  auto mb = store::Mailbox::open(path);
  if (!mb) return Error{mb.error()};
  std::vector<std::uint32_t> uids = mb->uids();
  auto count = [&](std::uint8_t flag, bool set) {
    std::size_t n = 0;
    for (std::uint32_t u : uids)
      if (auto m = mb->message(u); m && (((m->flags.system & flag) != 0) == set)) ++n;
    return n;
  };
  std::string out = "(";
  for (imap::StatusItem item : items) {
    if (out.size() > 1) out += ' ';
    switch (item) {
      case imap::StatusItem::messages: out += "MESSAGES " + std::to_string(uids.size()); break;
      case imap::StatusItem::recent: out += "RECENT 0"; break;
      case imap::StatusItem::uidnext: out += "UIDNEXT " + std::to_string(mb->next_uid()); break;
      case imap::StatusItem::uidvalidity: out += "UIDVALIDITY " + std::to_string(mb->uidvalidity()); break;
      case imap::StatusItem::unseen: out += "UNSEEN " + std::to_string(count(store::kSeen, false)); break;
      case imap::StatusItem::deleted: out += "DELETED " + std::to_string(count(store::kDeleted, true)); break;
      case imap::StatusItem::highestmodseq: out += "HIGHESTMODSEQ " + std::to_string(mb->highest_modseq()); break;
      case imap::StatusItem::size: {
        std::uint64_t total = 0;
        for (std::uint32_t u : uids)
          if (auto s = mb->size(u)) total += *s;  // one gone meanwhile is not counted
        out += "SIZE " + std::to_string(total);
        break;
      }
    }
  }
  return out + ")";
}

MailboxReply handle_status(WorkerState& st, const imap::Command& cmd, const imap::Status& s, const SessionFlags& flags) {
  MailboxReply reply;
  auto tree = folders(st);
  if (!tree) return tagged_no(st, reply, cmd.tag, "SERVERBUG", tree.error());
  auto path = (*tree)->path_of(s.mailbox);
  if (!path || !is_dir(*path + "/cur")) return tagged(reply, cmd.tag, "NO", "[NONEXISTENT] Mailbox does not exist");
  for (imap::StatusItem i : s.items)
    if (i == imap::StatusItem::highestmodseq && !flags.condstore) reply.condstore_now_on = true;
  auto items = status_items(*path, s.items);
  if (!items) return tagged_no(st, reply, cmd.tag, "SERVERBUG", items.error());
  reply.bytes += "* STATUS " + wire_name(s.mailbox, flags) + " " + *items + "\r\n";
  return finish(st, flags, reply, cmd.tag, "OK", "STATUS completed");
}

}  // namespace hamail::mailsvc::imapworker

// CREATE (with CREATE-SPECIAL-USE), DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE over MailboxTree.
#include "handlers.h"
#include "hamail/mailsvc/imap/commands.h"
#include "list_pattern.h"

namespace hamail::mailsvc::imapworker {
namespace {

// "a.b." -> "a.b" (RFC 3501 6.3.3: a trailing delimiter only says a children are planned).
std::string without_trailing_delimiter(std::string name) {
  while (name.size() > 1 && name.back() == kDelimiter) name.pop_back();
  return name;
}

bool is_inbox_name(const std::string& name) { return name == "INBOX"; }  // the parser made any case "INBOX"

}  // namespace

MailboxReply handle_create(WorkerState& st, const imap::Command& cmd, const imap::Create& c, const SessionFlags& flags) {
  MailboxReply reply;
  auto tree = folders(st);
  if (!tree) return tagged_no(st, reply, cmd.tag, "SERVERBUG", tree.error());
  std::string name = without_trailing_delimiter(c.mailbox);
  if (is_inbox_name(name)) return finish(st, flags, reply, cmd.tag, "NO", "[ALREADYEXISTS] INBOX exists already");
  if (c.special_use.size() > 1)
    return finish(st, flags, reply, cmd.tag, "NO", "[USEATTR] Only one special-use attribute per mailbox");
  Status s = (*tree)->create(name, c.special_use.empty() ? std::string() : c.special_use.front());
  if (!s) {
    tagged_no(st, reply, cmd.tag, code_for(s.message(), "CANNOT"), s.message());
    return reply;
  }
  return finish(st, flags, reply, cmd.tag, "OK", "CREATE completed");
}

MailboxReply handle_delete(WorkerState& st, const imap::Command& cmd, const imap::Delete& d, const SessionFlags& flags) {
  MailboxReply reply;
  st.closed.reset();  // a closed mailbox kept for a re-SELECT may be the one going
  auto tree = folders(st);
  if (!tree) return tagged_no(st, reply, cmd.tag, "SERVERBUG", tree.error());
  if (is_inbox_name(d.mailbox)) return finish(st, flags, reply, cmd.tag, "NO", "[CANNOT] INBOX cannot be deleted");
  bool deleting_selected = st.mailbox && st.mailbox_name == d.mailbox;
  Status s = (*tree)->remove(d.mailbox);
  if (!s) return tagged_no(st, reply, cmd.tag, code_for(s.message(), "CANNOT"), s.message());
  if (deleting_selected) {
    // Our own mailbox is gone: the session cannot go on with it.
    reply.bytes += "* BYE Selected mailbox was deleted\r\n";
    reply.bye = true;
    reply.selected = imap::SelectedChange::deselected;
    st.deselect();
    return tagged(reply, cmd.tag, "OK", "DELETE completed");
  }
  return finish(st, flags, reply, cmd.tag, "OK", "DELETE completed");
}

MailboxReply handle_rename(WorkerState& st, const imap::Command& cmd, const imap::Rename& r, const SessionFlags& flags) {
  MailboxReply reply;
  st.closed.reset();  // a closed mailbox kept for a re-SELECT may be the one moving
  auto tree = folders(st);
  if (!tree) return tagged_no(st, reply, cmd.tag, "SERVERBUG", tree.error());
  std::string to = without_trailing_delimiter(r.to);
  if (is_inbox_name(to)) return finish(st, flags, reply, cmd.tag, "NO", "[ALREADYEXISTS] INBOX exists already");
  Status s = (*tree)->rename(r.from, to);
  if (!s) return tagged_no(st, reply, cmd.tag, code_for(s.message(), "CANNOT"), s.message());
  return finish(st, flags, reply, cmd.tag, "OK", "RENAME completed");
}

MailboxReply handle_subscribe(WorkerState& st, const imap::Command& cmd, const std::string& name, bool subscribe,
                              const SessionFlags& flags) {
  MailboxReply reply;
  auto tree = folders(st);
  if (!tree) return tagged_no(st, reply, cmd.tag, "SERVERBUG", tree.error());
  Status s = (*tree)->set_subscribed(name, subscribe);
  if (!s) return tagged_no(st, reply, cmd.tag, code_for(s.message(), "CANNOT"), s.message());
  return finish(st, flags, reply, cmd.tag, "OK", subscribe ? "SUBSCRIBE completed" : "UNSUBSCRIBE completed");
}

}  // namespace hamail::mailsvc::imapworker

// APPEND (UIDPLUS [APPENDUID], [TRYCREATE] for a missing mailbox, flags and date kept).
#include <ctime>

#include "handlers.h"
#include "hamail/mailsvc/imap/commands.h"
#include "hamail/mailsvc/imap/response_text.h"

namespace hamail::mailsvc::imapworker {

MailboxReply handle_append(WorkerState& st, const imap::Command& cmd, const imap::Append& a, const SessionFlags& flags) {
  MailboxReply reply;
  auto tree = folders(st);
  if (!tree) return tagged_no(st, reply, cmd.tag, "SERVERBUG", tree.error());
  auto path = (*tree)->path_of(a.mailbox);
  if (!path || !is_dir(*path + "/cur")) return tagged(reply, cmd.tag, "NO", "[TRYCREATE] Mailbox does not exist");
  if (a.message.size() > st.limits.max_message_bytes)
    return tagged(reply, cmd.tag, "NO", "[TOOBIG] Message is larger than " + std::to_string(st.limits.max_message_bytes) + " octets");
  std::vector<std::string> names;
  for (const auto& f : a.flags)
    if (f.name != "\\Recent") names.push_back(f.name);
  auto wanted = store::flags_from_names(names);
  if (!wanted) return tagged(reply, cmd.tag, "BAD", imap::printable(wanted.error(), 200));
  std::int64_t date = a.internal_date ? a.internal_date->unix_seconds() : static_cast<std::int64_t>(std::time(nullptr));
  auto mb = store::Mailbox::open(*path);
  if (!mb) return tagged_no(st, reply, cmd.tag, "SERVERBUG", mb.error());
  auto uid = mb->append(a.message, *wanted, date);
  if (!uid) return tagged_no(st, reply, cmd.tag, code_for(uid.error(), "SERVERBUG"), uid.error());
  return finish(st, flags, reply, cmd.tag, "OK",
                "[APPENDUID " + std::to_string(mb->uidvalidity()) + " " + std::to_string(*uid) + "] APPEND completed");
}

}  // namespace hamail::mailsvc::imapworker

// STORE / UID STORE: +FLAGS, -FLAGS, FLAGS (.SILENT), UNCHANGEDSINCE -> [MODIFIED set].
#include <algorithm>

#include "handlers.h"
#include "hamail/mailsvc/imap/response_text.h"
#include "hamail/mailsvc/imap/sequence_set.h"

namespace hamail::mailsvc::imapworker {

MailboxReply handle_store(WorkerState& st, const imap::Command& cmd, const imap::Store& s, const SessionFlags& flags) {
  MailboxReply reply;
  report_updates(st, flags, false, reply);
  if (reply.bye) return reply;
  if (st.read_only) return tagged(reply, cmd.tag, "NO", "[READ-ONLY] Mailbox is read-only");
  std::vector<std::string> names;
  for (const auto& f : s.flags)
    if (f.name != "\\Recent") names.push_back(f.name);  // \Recent cannot be stored (RFC 3501 2.3.2)
  auto wanted = store::flags_from_names(names);
  if (!wanted) return tagged(reply, cmd.tag, "BAD", imap::printable(wanted.error(), 200));
  bool condstore = flags.condstore || flags.qresync;
  if (s.unchanged_since && !condstore) reply.condstore_now_on = condstore = true;

  std::vector<Numbered> set = resolve_set(st, s.set, s.uid);
  std::vector<std::uint32_t> uids;
  for (const auto& n : set)
    if (st.mailbox->message(n.uid)) uids.push_back(n.uid);
  store::FlagOp op = s.mode == imap::Store::Mode::add      ? store::FlagOp::add
                     : s.mode == imap::Store::Mode::remove ? store::FlagOp::remove
                                                           : store::FlagOp::set;
  auto result = st.mailbox->store_flags(uids, op, *wanted, s.unchanged_since);
  if (!result) {
    bool limit = result.error().find("too many keywords") != std::string::npos;
    return tagged_no(st, reply, cmd.tag, limit ? "LIMIT" : "SERVERBUG", result.error());
  }
  std::vector<std::uint32_t> failed = result->failed;
  std::sort(failed.begin(), failed.end());
  std::vector<std::uint32_t> modified;
  for (const auto& [uid, modseq] : result->modified) modified.push_back(uid);
  std::sort(modified.begin(), modified.end());
  for (const auto& n : set) {
    if (std::binary_search(failed.begin(), failed.end(), n.uid)) continue;
    auto m = st.mailbox->message(n.uid);
    if (!m) continue;
    bool changed = std::binary_search(modified.begin(), modified.end(), n.uid);
    // .SILENT: no FLAGS; with CONDSTORE a changed message still gets its MODSEQ (RFC 7162 3.1.3).
    if (s.silent && !(condstore && changed)) continue;
    std::string items;
    if (s.uid || flags.qresync) items += "UID " + std::to_string(n.uid);
    if (!s.silent) items += std::string(items.empty() ? "" : " ") + "FLAGS " + flag_list(m->flags);
    if (condstore) items += std::string(items.empty() ? "" : " ") + "MODSEQ (" + std::to_string(m->modseq) + ")";
    reply.bytes += "* " + std::to_string(n.seq) + " FETCH (" + items + ")\r\n";
  }
  if (!failed.empty()) {
    std::vector<std::uint32_t> numbers;
    for (std::uint32_t u : failed) numbers.push_back(s.uid ? u : seq_of(st, u));
    std::sort(numbers.begin(), numbers.end());
    return tagged(reply, cmd.tag, "OK",
                  "[MODIFIED " + imap::format_sequence_set(numbers) + "] Conditional STORE failed");
  }
  return tagged(reply, cmd.tag, "OK", imap::command_name(cmd) + " completed");
}

}  // namespace hamail::mailsvc::imapworker

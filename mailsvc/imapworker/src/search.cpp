// SEARCH / UID SEARCH: "* SEARCH ..." (with "(MODSEQ n)" for a MODSEQ key), ESEARCH
// RETURN (MIN MAX ALL COUNT SAVE) (RFC 4731, RFC 5182), BADCHARSET for other charsets.
#include <algorithm>
#include <optional>

#include "handlers.h"
#include "hamail/mailsvc/imap/response_text.h"
#include "hamail/mailsvc/imap/sequence_set.h"
#include "search_match.h"

namespace hamail::mailsvc::imapworker {

MailboxReply handle_search(WorkerState& st, const imap::Command& cmd, const imap::Search& s, const SessionFlags& flags) {
  MailboxReply reply;
  if (s.charset && !charset_supported(*s.charset)) {
    if (s.returns && s.returns->save) st.saved.clear();  // a failed SAVE leaves "$" empty (RFC 5182 2.1)
    return tagged(reply, cmd.tag, "NO", "[BADCHARSET (UTF-8 US-ASCII)] Charset not supported");
  }
  report_updates(st, flags, false, reply);
  if (reply.bye) return reply;
  bool modseq = uses_modseq(s.key);
  if (modseq && !flags.condstore) reply.condstore_now_on = true;

  std::vector<Numbered> found = search_view(st, s.key);
  std::vector<std::uint32_t> numbers;
  std::uint64_t highest = 0;
  for (const auto& n : found) {
    numbers.push_back(s.uid ? n.uid : n.seq);
    if (auto m = st.mailbox->message(n.uid)) highest = std::max(highest, m->modseq);
  }
  // IMAP4rev2 has no "* SEARCH": a plain SEARCH is answered as RETURN (ALL) (RFC 9051 6.4.4).
  std::optional<imap::SearchReturn> returns = s.returns;
  if (!returns && flags.imap4rev2) returns = imap::SearchReturn{.all = true};
  if (!returns) {
    reply.bytes += "* SEARCH";
    for (std::uint32_t x : numbers) reply.bytes += " " + std::to_string(x);
    if (modseq && !numbers.empty()) reply.bytes += " (MODSEQ " + std::to_string(highest) + ")";
    reply.bytes += "\r\n";
    return tagged(reply, cmd.tag, "OK", imap::command_name(cmd) + " completed");
  }
  imap::SearchReturn r = *returns;
  if (!r.min && !r.max && !r.count && !r.all && !r.save) r.all = true;  // "RETURN ()"
  if (r.save) {
    // SAVE with only MIN and/or MAX keeps just those (RFC 5182 2.4); else every match.
    st.saved.clear();
    if ((r.min || r.max) && !r.all && !r.count) {
      if (!found.empty() && r.min) st.saved.push_back(found.front().uid);
      if (!found.empty() && r.max) st.saved.push_back(found.back().uid);
    } else {
      for (const auto& n : found) st.saved.push_back(n.uid);
    }
    std::sort(st.saved.begin(), st.saved.end());
    st.saved.erase(std::unique(st.saved.begin(), st.saved.end()), st.saved.end());
  }
  if (r.min || r.max || r.all || r.count) {
    std::string line = "* ESEARCH (TAG " + imap::imap_string(cmd.tag, false) + ")";
    if (s.uid) line += " UID";
    if (r.min && !numbers.empty()) line += " MIN " + std::to_string(numbers.front());
    if (r.max && !numbers.empty()) line += " MAX " + std::to_string(numbers.back());
    if (r.all && !numbers.empty()) line += " ALL " + imap::format_sequence_set(numbers);
    if (r.count) line += " COUNT " + std::to_string(numbers.size());
    if (modseq && !numbers.empty()) line += " MODSEQ " + std::to_string(highest);
    reply.bytes += line + "\r\n";
  }
  return tagged(reply, cmd.tag, "OK", imap::command_name(cmd) + " completed");
}

}  // namespace hamail::mailsvc::imapworker

// Shared helpers of the command handlers: tagged replies, sets, flags, names.
#include <sys/stat.h>

#include <algorithm>

#include "handlers.h"
#include "hamail/mailsvc/imap/response_text.h"
#include "hamail/mailsvc/imap/sequence_set.h"

namespace hamail::mailsvc::imapworker {

MailboxReply& tagged(MailboxReply& reply, std::string_view tag, std::string_view status, std::string_view text) {
  reply.bytes.append(tag).append(" ").append(status).append(" ").append(text).append("\r\n");
  return reply;
}

MailboxReply& tagged_no(const WorkerState& st, MailboxReply& reply, std::string_view tag, std::string_view code,
                        const std::string& error) {
  std::string scrubbed = error;
  if (!st.root.empty())
    for (std::size_t p = scrubbed.find(st.root); p != std::string::npos; p = scrubbed.find(st.root, p))
      scrubbed.replace(p, st.root.size(), "~");
  std::string text = imap::printable(scrubbed, 200);
  if (!(text.size() > 1 && text.front() == '[') && !code.empty()) text = "[" + std::string(code) + "] " + text;
  return tagged(reply, tag, "NO", text);
}

std::uint32_t seq_of(const WorkerState& st, std::uint32_t uid) {
  auto it = std::lower_bound(st.view.begin(), st.view.end(), uid);
  return it != st.view.end() && *it == uid ? static_cast<std::uint32_t>(it - st.view.begin() + 1) : 0;
}

std::vector<Numbered> resolve_set(const WorkerState& st, const imap::SequenceSet& set, bool uid) {
  std::vector<Numbered> out;
  if (set.saved_result) {
    for (std::uint32_t u : st.saved)
      if (std::uint32_t s = seq_of(st, u)) out.push_back({s, u});
    return out;
  }
  if (uid) {
    std::uint32_t largest = st.view.empty() ? (st.mailbox ? st.mailbox->next_uid() : 1) : st.view.back();
    for (const auto& r : set.resolve(largest)) {
      auto it = std::lower_bound(st.view.begin(), st.view.end(), r.first);
      for (; it != st.view.end() && *it <= r.last; ++it)
        out.push_back({static_cast<std::uint32_t>(it - st.view.begin() + 1), *it});
    }
    return out;
  }
  auto count = static_cast<std::uint32_t>(st.view.size());
  for (const auto& r : set.resolve(count))
    for (std::uint64_t s = std::max<std::uint32_t>(r.first, 1); s <= r.last && s <= count; ++s)  // "*" of none: 0
      out.push_back({static_cast<std::uint32_t>(s), st.view[s - 1]});
  return out;
}

std::string flag_list(const store::MessageFlags& flags) {
  std::string out = "(";
  for (const auto& n : store::flag_names(flags)) {
    if (out.size() > 1) out += ' ';
    out += n;
  }
  return out + ")";
}

std::string wire_name(std::string_view utf8_name, const SessionFlags& flags) {
  return imap::imap_mailbox(utf8_name, flags.utf8_accept || flags.imap4rev2 ? imap::MailboxEncoding::utf8
                                                                               : imap::MailboxEncoding::modified_utf7);
}

Result<store::MailboxTree*> folders(WorkerState& st) {
  if (!st.tree) {
    auto tree = store::MailboxTree::open(st.root);
    if (!tree) return Error{tree.error()};
    st.tree = std::move(*tree);
  }
  return &*st.tree;
}

bool is_dir(const std::string& path) {
  struct stat sb {};
  return ::stat(path.c_str(), &sb) == 0 && S_ISDIR(sb.st_mode);
}

std::string code_for(const std::string& error, std::string_view fallback) {
  if (error.find("does not exist") != std::string::npos) return "NONEXISTENT";
  if (error.find("exists already") != std::string::npos) return "ALREADYEXISTS";
  if (error.find("too many keywords") != std::string::npos) return "LIMIT";
  return std::string(fallback);
}

MailboxReply& finish(WorkerState& st, const SessionFlags& flags, MailboxReply& reply, std::string_view tag,
                     std::string_view status, std::string_view text) {
  report_updates(st, flags, true, reply);
  if (reply.bye) return reply;
  return tagged(reply, tag, status, text);
}

}  // namespace hamail::mailsvc::imapworker

// THREAD (RFC 5256): ORDEREDSUBJECT and REFERENCES over the messages' thread keys (pure:
// the session reads the keys with sort_keys.h), and the thread list as IMAP writes it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hamail::mailsvc::mime {

struct ThreadInput {
  std::uint32_t number = 0;                 // sequence number or UID, as the answer names them
  std::optional<std::string> message_id;    // "<id@host>"
  std::vector<std::string> references;      // References: msg-ids in order
  std::optional<std::string> in_reply_to;   // used when there are no references
  std::string base_subject;                 // base_subject() of the decoded Subject; compared as is
                                            // (imapworker passes it ASCII-upper-cased: i;ascii-casemap)
  bool reply_or_forward = false;            // base_subject()'s flag
  std::int64_t sent_date = 0;               // sent_date(), or the internal date when absent
};

// number 0 is a placeholder for a message that is referred to but not in the set.
struct ThreadNode {
  std::uint32_t number = 0;
  std::vector<ThreadNode> children;
  friend bool operator==(const ThreadNode&, const ThreadNode&) = default;
};

std::vector<ThreadNode> thread_ordered_subject(const std::vector<ThreadInput>& messages);
std::vector<ThreadNode> thread_references(const std::vector<ThreadInput>& messages);

// "(1 2)(3 (4)(5))": a single child continues its parent's list, several children are
// each in parentheses, a placeholder writes only its children.
std::string format_threads(const std::vector<ThreadNode>& threads);

}  // namespace hamail::mailsvc::mime

// Sequence sets (RFC 9051 sequence-set, RFC 5182 "$"): the messages a command names by
// sequence number or UID, kept as written ("*" = the largest number in use), and the
// compact form responses use ("1:5,7").
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::mailsvc::imap {

inline constexpr std::uint32_t kStar = 0;  // "*" in a SequenceRange (0 is never a message number)

// first:last as written; first may be above last ("5:2" = "2:5"); a lone number has first == last.
struct SequenceRange {
  std::uint32_t first = 0;
  std::uint32_t last = 0;
  friend bool operator==(const SequenceRange&, const SequenceRange&) = default;
};

struct SequenceSet {
  std::vector<SequenceRange> ranges;  // empty when saved_result
  bool saved_result = false;          // "$": the result saved by SEARCH RETURN (SAVE)

  bool has_star() const;
  // The set with "*" standing for `largest` (the message count, or the last UID; for UIDs
  // in an empty mailbox RFC 9051 says UIDNEXT), as ranges from 1 up, sorted, overlaps
  // merged. Numbers that do not exist stay: callers skip them.
  std::vector<SequenceRange> resolve(std::uint32_t largest) const;
  bool contains(std::uint32_t n, std::uint32_t largest) const;
  friend bool operator==(const SequenceSet&, const SequenceSet&) = default;
};

// The whole of `text` as a sequence set ("1:5,7,9:*", "$"); the error says what is wrong.
Result<SequenceSet> parse_sequence_set(std::string_view text);
// Back to text as written ("$", "1:5,7:*").
std::string to_string(const SequenceSet& set);
// `numbers` as a sequence set, in their order, each run of consecutive ascending numbers
// as one range: {1,2,3,4,5,7} -> "1:5,7"; {304,319,320} -> "304,319:320" (the order
// UIDPLUS's COPYUID needs). Empty for no numbers.
std::string format_sequence_set(std::span<const std::uint32_t> numbers);

}  // namespace hamail::mailsvc::imap

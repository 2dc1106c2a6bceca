// LIST patterns (RFC 3501 6.3.8): "*" matches anything, "%" anything but the hierarchy
// delimiter "."; "INBOX" at the start of a pattern matches in any case.
#pragma once

#include <string>
#include <string_view>

namespace hamail::mailsvc::imapworker {

inline constexpr char kDelimiter = '.';

// reference + pattern as one pattern, a leading "inbox" (any case) made "INBOX".
std::string canonical_pattern(std::string_view reference, std::string_view pattern);
// Whether `name` (UTF-8, "INBOX" upper case) matches a canonical pattern; O(len^2) at most.
bool pattern_matches(std::string_view pattern, std::string_view name);

}  // namespace hamail::mailsvc::imapworker

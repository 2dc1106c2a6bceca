// Line-level helpers for text that outbound/ writes into messages: untrusted text made
// into one bounded line (never cutting a UTF-8 sequence), and word folding so no line
// passes a width, and none ever passes the 998-octet limit of RFC 5322 2.1.1.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hamail::mailsvc::outbound {

// The longest prefix of s, at most max octets, that does not end inside a UTF-8 sequence.
std::size_t utf8_cut(std::string_view s, std::size_t max);

// Control octets (CR, LF, TAB, ...) become spaces, runs of spaces one space, both ends
// trimmed; longer than max_octets (>= 4): cut and "..." appended, within max_octets.
std::string one_line(std::string_view text, std::size_t max_octets);

// `text` (as one_line gives it) as lines without line ends: the first begins with
// first_prefix, the others with next_prefix (" " for a folded header field). Breaks at
// spaces to stay within `width` where it can; a word that would pass hard_limit is cut.
// Prefixes must be shorter than hard_limit / 2.
std::vector<std::string> fold_words(std::string_view first_prefix, std::string_view text,
                                    std::string_view next_prefix, std::size_t width, std::size_t hard_limit);

}  // namespace hamail::mailsvc::outbound

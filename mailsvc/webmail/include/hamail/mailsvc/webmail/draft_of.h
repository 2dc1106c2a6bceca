// Which stored message a draft answers or forwards, kept in the draft itself as the header
// "X-Hamail-Draft-Of: answer|forward UID FOLDER" (FOLDER percent-encoded, 7-bit): written
// only into the Drafts copy, read back when the draft is edited, never sent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hamail::mailsvc::webmail {

inline constexpr std::string_view kDraftOfHeader = "X-Hamail-Draft-Of";

struct DraftOf {
  std::string folder;
  std::uint32_t uid = 0;
  bool forward = false;
};

std::string draft_of_value(const DraftOf& of);
// Nothing for a value this code did not write (a draft from another client stays a draft).
std::optional<DraftOf> parse_draft_of(std::string_view value);

}  // namespace hamail::mailsvc::webmail

// A message's IMAP flags as the store keeps them: the system flags (\Seen S, \Answered R,
// \Flagged F, \Deleted T, \Draft D) and keywords (letters a..z via the mailbox's
// KeywordList), mapped to and from the Maildir ":2," info letters.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/mailsvc/store/keyword_list.h"

namespace hamail::mailsvc::store {

enum SystemFlag : std::uint8_t {
  kSeen = 1,
  kAnswered = 2,
  kFlagged = 4,
  kDeleted = 8,
  kDraft = 16,
};

struct MessageFlags {
  std::uint8_t system = 0;            // SystemFlag bits
  std::vector<std::string> keywords;  // no duplicates (ignoring case)
  bool operator==(const MessageFlags&) const = default;
};

enum class FlagOp { set, add, remove };

// "\Seen" in any case -> kSeen; nullopt for anything else (\Recent is no stored flag).
std::optional<SystemFlag> system_flag_named(std::string_view name);
const char* system_flag_name(SystemFlag f);  // "\Seen"

// IMAP flag names ("\Seen", "$Forwarded") -> MessageFlags; an unknown "\X" or a bad
// keyword is an error naming it.
Result<MessageFlags> flags_from_names(const std::vector<std::string>& names);
std::vector<std::string> flag_names(const MessageFlags& flags);  // system flags first

// Maildir info letters -> flags: lowercase letters through `keywords` (unknown ones
// dropped, as Dovecot does); uppercase letters other than D F R S T are not IMAP flags.
MessageFlags flags_from_letters(std::string_view letters, const KeywordList& keywords);

// The new info letters of a message with `letters` after `op` with `flags`: uppercase
// letters that are no IMAP flag (P, ...) are kept; new keywords are added to `keywords`
// (a 27th is an error). Sorted, no duplicates.
Result<std::string> apply_flags(std::string_view letters, FlagOp op, const MessageFlags& flags,
                                KeywordList& keywords);

}  // namespace hamail::mailsvc::store

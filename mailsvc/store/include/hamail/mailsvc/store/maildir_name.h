// A Maildir file name split into its stable base and its info suffix ":2,FLAGS".
// The base never changes once delivered, which is what the UID map keys on; the
// flags (sorted ASCII letters: D F P R S T ...) change as the message is read.
#pragma once

#include <string>
#include <string_view>

#include "hamail/base/result.h"

namespace hamail::mailsvc::store {

struct MaildirName {
  std::string base;   // everything before the first ':'
  std::string flags;  // the letters after ":2," (empty when there is no info)
};

MaildirName split_name(std::string_view name);

// base + ":2," + flags (flags sorted, duplicates dropped).
std::string join_name(std::string_view base, std::string_view flags);

// A name as it may appear in new/ or cur/: not empty, no '/', no leading '.', no space
// or control character (the UID file is line- and space-separated).
Status check_message_name(std::string_view name);

// Sorted, de-duplicated flags; an error names a character that is not a letter.
Result<std::string> normalize_flags(std::string_view flags);

}  // namespace hamail::mailsvc::store

// The two per-user lists beside the folders, sans-IO: `subscriptions` (one folder
// name per line, modified UTF-7 with '.', Dovecot's classic format) and
// `hamail-special-use` (lines "\Sent Sent": an RFC 6154 attribute, a space, the name).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::mailsvc::store {

// UTF-8 names in file order, duplicates dropped; a line that does not decode is an
// error naming file:line. A Dovecot "V\t2" file is refused (convert it with doveadm).
Result<std::vector<std::string>> parse_subscriptions(std::string_view text, const std::string& file);
std::string serialize_subscriptions(const std::vector<std::string>& names);

using SpecialUse = std::pair<std::string, std::string>;  // (attribute "\Sent", UTF-8 name)

// The attributes a folder may be given: \Archive \Drafts \Junk \Sent \Trash (\All and
// \Flagged are virtual folders this store does not have). "\sent" -> "\Sent"; else empty.
std::string canonical_special_use(std::string_view attribute);

Result<std::vector<SpecialUse>> parse_special_use(std::string_view text, const std::string& file);
std::string serialize_special_use(const std::vector<SpecialUse>& uses);

}  // namespace hamail::mailsvc::store

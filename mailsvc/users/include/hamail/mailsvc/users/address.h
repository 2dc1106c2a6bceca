// Mail addresses and domain names as the user database stores them: lower-cased,
// "local@domain", no characters that would break the passwd-file or aliases syntax
// (':', ',', '#', spaces). Errors say what is wrong with which address.
#pragma once

#include <string>
#include <string_view>

#include "hamail/base/result.h"

namespace hamail::mailsvc::users {

// "Alice@Example.ORG" -> "alice@example.org"; an error explains a bad one.
Result<std::string> normalize_address(std::string_view address);

// "Example.ORG" -> "example.org": dot-separated labels of letters, digits and '-'.
Result<std::string> normalize_domain(std::string_view domain);

// The part after '@' of a normalized address.
std::string_view domain_of(std::string_view address);

}  // namespace hamail::mailsvc::users

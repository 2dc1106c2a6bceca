// Secrets as text for webmail's session ids and CSRF tokens: random bytes the shell drew
// (getrandom) written as lowercase hex, and a comparison whose time does not depend on
// where two strings first differ.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace hamail::mailsvc::webmail {

// 256 bits: the size of a session id and of a CSRF token.
using SecretBytes = std::array<std::uint8_t, 32>;

// 64 lowercase hex digits.
std::string hex_token(const SecretBytes& bytes);

// Equal strings; the time depends only on the lengths.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace hamail::mailsvc::webmail

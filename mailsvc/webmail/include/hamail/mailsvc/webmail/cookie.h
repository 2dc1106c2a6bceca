// The session cookie of webmail: the Set-Cookie values that give and take it back
// (Secure, HttpOnly, SameSite=Strict, Path=/), and the value of one cookie in a request's
// Cookie field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hamail::mailsvc::webmail {

inline constexpr std::string_view kSessionCookie = "hamail_session";

// "hamail_session=ID; Path=/; Max-Age=N; Secure; HttpOnly; SameSite=Strict"
std::string session_cookie(std::string_view id, std::int64_t max_age_seconds);
// The same cookie, empty and expired: the browser drops it.
std::string clear_session_cookie();

// The value of cookie `name` in a Cookie field ("a=1; hamail_session=ID"), or nullopt when
// it is absent or present more than once (a cookie planted for a parent domain next to
// ours must not be picked by chance).
std::optional<std::string_view> cookie_value(std::string_view cookie_field, std::string_view name);

}  // namespace hamail::mailsvc::webmail

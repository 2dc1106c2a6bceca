#include "hamail/mailsvc/webmail/cookie.h"

namespace hamail::mailsvc::webmail {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string session_cookie(std::string_view id, std::int64_t max_age_seconds) {
  std::string out(kSessionCookie);
  out += '=';
  out += id;
  out += "; Path=/; Max-Age=";
  out += std::to_string(max_age_seconds);
  out += "; Secure; HttpOnly; SameSite=Strict";
  return out;
}

std::string clear_session_cookie() { return session_cookie("", 0); }

std::optional<std::string_view> cookie_value(std::string_view cookie_field, std::string_view name) {
  std::optional<std::string_view> found;
  while (!cookie_field.empty()) {
    std::size_t semi = cookie_field.find(';');
    std::string_view pair = trim(cookie_field.substr(0, semi));
    cookie_field = semi == std::string_view::npos ? std::string_view() : cookie_field.substr(semi + 1);
    std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos || trim(pair.substr(0, eq)) != name) continue;
    if (found) return std::nullopt;
    std::string_view value = trim(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    found = value;
  }
  return found;
}

}  // namespace hamail::mailsvc::webmail

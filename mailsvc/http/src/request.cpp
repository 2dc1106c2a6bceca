#include "hamail/mailsvc/http/request.h"

#include <cctype>

namespace hamail::mailsvc::http {

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

static std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    if (equals_ignore_case(trim(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

std::optional<std::string_view> HttpRequest::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (equals_ignore_case(n, name)) return std::string_view(v);
  return std::nullopt;
}

std::size_t HttpRequest::header_count(std::string_view name) const {
  std::size_t n = 0;
  for (const auto& h : headers) n += equals_ignore_case(h.first, name) ? 1 : 0;
  return n;
}

bool HttpRequest::keep_alive() const {
  bool close = false, keep = false;
  for (const auto& [n, v] : headers) {
    if (!equals_ignore_case(n, "Connection")) continue;
    close = close || has_token(v, "close");
    keep = keep || has_token(v, "keep-alive");
  }
  if (close) return false;
  return version.minor >= 1 || keep;
}

}  // namespace hamail::mailsvc::http

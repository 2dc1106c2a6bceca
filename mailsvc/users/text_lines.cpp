#include "hamail/mailsvc/users/text_lines.h"

namespace hamail::mailsvc::users {

std::vector<TextLine> split_lines(std::string_view text) {
  std::vector<TextLine> out;
  std::size_t pos = 0, n = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back({++n, line});
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_comment_or_blank(std::string_view line) {
  line = trim(line);
  return line.empty() || line.front() == '#';
}

std::string quote_line(std::string_view line) {
  if (line.size() <= 80) return std::string(line);
  return std::string(line.substr(0, 80)) + "...";
}

}  // namespace hamail::mailsvc::users

#include "hamail/mailsvc/pop3/stuffing.h"

namespace hamail::mailsvc::pop3 {

std::string dot_stuff(std::string_view message, std::optional<std::uint64_t> top_body_lines) {
  std::string out;
  out.reserve(message.size() + message.size() / 32 + 2);
  bool in_body = false;
  std::uint64_t body_lines = 0;
  std::size_t pos = 0;
  while (pos < message.size()) {
    std::size_t nl = message.find('\n', pos);
    std::string_view line = message.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? message.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (top_body_lines && in_body) {
      if (body_lines >= *top_body_lines) break;
      ++body_lines;
    }
    if (!line.empty() && line.front() == '.') out += '.';
    out += line;
    out += "\r\n";
    if (line.empty()) in_body = true;  // the blank line ends the header section
  }
  return out;
}

}  // namespace hamail::mailsvc::pop3

#include "hamail/mailsvc/smtp/reply.h"

namespace hamail::mailsvc::smtp {

std::string Reply::format() const {
  std::string out;
  std::string code_text = std::to_string(code);
  std::size_t n = lines.empty() ? 1 : lines.size();
  for (std::size_t i = 0; i < n; ++i) {
    out += code_text;
    out += i + 1 < n ? '-' : ' ';
    if (!enhanced.empty()) {
      out += enhanced;
      out += ' ';
    }
    if (i < lines.size()) out += lines[i];
    out += "\r\n";
  }
  return out;
}

Reply reply(int code, std::string_view enhanced, std::string_view text) {
  return Reply{code, std::string(enhanced), {std::string(text)}};
}

}  // namespace hamail::mailsvc::smtp

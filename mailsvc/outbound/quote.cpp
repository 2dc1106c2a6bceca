#include "hamail/mailsvc/outbound/quote.h"

#include <cstdio>

namespace hamail::mailsvc::outbound {

std::string quoted(std::string_view text) {
  constexpr std::size_t kShown = 80;
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < kShown; ++i) {
    auto u = static_cast<unsigned char>(text[i]);
    if (u < 0x20 || u >= 0x7f || u == '"' || u == '\\') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += static_cast<char>(u);
    }
  }
  if (text.size() > kShown) out += "...";
  out += '"';
  return out;
}

}  // namespace hamail::mailsvc::outbound

// One SMTP reply: a code, an enhanced status code (RFC 3463; empty for 220/221 of
// greeting-style replies, EHLO/HELO and 3xx), and one or more text lines, formatted
// as "250-first\r\n250 last\r\n" on the wire.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hamail::mailsvc::smtp {

struct Reply {
  int code = 250;
  std::string enhanced;             // "2.0.0"; empty: no enhanced code on this reply
  std::vector<std::string> lines;   // at least one

  bool is_error() const { return code >= 400; }
  std::string format() const;
};

Reply reply(int code, std::string_view enhanced, std::string_view text);

}  // namespace hamail::mailsvc::smtp

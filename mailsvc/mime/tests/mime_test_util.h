// Test helpers: reading a test message, and IMAP answers compared as values (a string as
// quoted or literal is the same string, RFC 3501 4.3).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace hamail::mailsvc::mime::test {

inline std::string read_data(const std::string& name) {
  std::ifstream in(std::string(MIME_TEST_DATA) + "/" + name, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every string written as "..." with only \ and " escaped, literals included; the rest
// as it stands. Unreadable input gives "<bad>" so the comparison fails.
inline std::string canonical(const std::string& text) {
  std::string out;
  std::size_t i = 0;
  auto quote = [&](const std::string& s) {
    out += '"';
    for (char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  };
  while (i < text.size()) {
    char c = text[i];
    if (c == '"') {
      std::string s;
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\') ++i;
        if (i < text.size()) s += text[i];
      }
      ++i;
      quote(s);
    } else if (c == '{') {
      std::size_t close = text.find('}', i);
      if (close == std::string::npos || text.compare(close + 1, 2, "\r\n") != 0) return "<bad>";
      std::size_t n = std::stoul(text.substr(i + 1, close - i - 1));
      if (close + 3 + n > text.size()) return "<bad>";
      quote(text.substr(close + 3, n));
      i = close + 3 + n;
    } else {
      out += c;
      ++i;
    }
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace hamail::mailsvc::mime::test

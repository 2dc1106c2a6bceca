#include "hamail/mailsvc/trace/logfmt.h"

namespace hamail::mailsvc::trace {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Error at(std::size_t column, const std::string& what) {
  return Error{"column " + std::to_string(column + 1) + ": " + what};
}

}  // namespace

Result<std::vector<LogField>> parse_logfmt(std::string_view line) {
  std::vector<LogField> fields;
  std::size_t i = 0;
  while (i < line.size()) {
    if (line[i] == ' ') {
      ++i;
      continue;
    }
    if (fields.size() == kMaxFields) return at(i, "more than " + std::to_string(kMaxFields) + " fields");
    std::size_t key_start = i;
    while (i < line.size() && line[i] != '=' && line[i] != ' ' && line[i] != '"') ++i;
    if (i == key_start || i == line.size() || line[i] != '=') return at(key_start, "expected key=value");
    LogField f{std::string(line.substr(key_start, i - key_start)), {}};
    ++i;  // '='
    if (i < line.size() && line[i] == '"') {
      std::size_t open = i++;
      bool closed = false;
      while (i < line.size()) {
        char c = line[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c != '\\') {
          f.value += c;
          continue;
        }
        if (i == line.size()) break;
        char e = line[i++];
        switch (e) {
          case '"': f.value += '"'; break;
          case '\\': f.value += '\\'; break;
          case 'n': f.value += '\n'; break;
          case 'r': f.value += '\r'; break;
          case 't': f.value += '\t'; break;
          case 'x': {
            int hi = i + 1 < line.size() ? hex_digit(line[i]) : -1;
            int lo = hi >= 0 ? hex_digit(line[i + 1]) : -1;
            if (lo < 0) return at(i - 2, "bad \\x escape");
            f.value += static_cast<char>(hi * 16 + lo);
            i += 2;
            break;
          }
          default: return at(i - 2, std::string("unknown escape \\") + e);
        }
      }
      if (!closed) return at(open, "unterminated quoted value");
      if (i < line.size() && line[i] != ' ') return at(i, "expected a space after a quoted value");
    } else {
      std::size_t v = i;
      while (i < line.size() && line[i] != ' ') ++i;
      f.value = std::string(line.substr(v, i - v));
      if (f.value.find('"') != std::string::npos) return at(v, "a quote inside an unquoted value");
    }
    fields.push_back(std::move(f));
  }
  return fields;
}

}  // namespace hamail::mailsvc::trace

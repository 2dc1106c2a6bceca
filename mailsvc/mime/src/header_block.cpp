#include "header_block.h"

#include <cctype>

namespace hamail::mailsvc::mime {

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

std::string unfold(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c != '\r' && c != '\n') out.push_back(c);
  }
  return std::string(trim(out));
}

namespace {

// The end of the line starting at `pos` (after its LF), or `end`.
std::size_t line_end(std::string_view bytes, std::size_t pos, std::size_t end) {
  std::size_t lf = bytes.find('\n', pos);
  return (lf == std::string_view::npos || lf >= end) ? end : lf + 1;
}

std::size_t content_end(std::string_view bytes, std::size_t line_begin, std::size_t next) {
  std::size_t e = next;
  if (e > line_begin && bytes[e - 1] == '\n') --e;
  if (e > line_begin && bytes[e - 1] == '\r') --e;
  return e;
}

}  // namespace

HeaderBlock read_header_block(std::string_view bytes, std::size_t begin, std::size_t end) {
  HeaderBlock block;
  block.body_begin = end;
  std::size_t pos = begin;
  while (pos < end) {
    std::size_t next = line_end(bytes, pos, end);
    std::size_t text_end = content_end(bytes, pos, next);
    if (text_end == pos) {  // the blank line
      block.body_begin = next;
      block.ended = true;
      return block;
    }
    char first = bytes[pos];
    if ((first == ' ' || first == '\t') && !block.fields.empty()) {
      HeaderField& f = block.fields.back();
      f.value.append("\r\n").append(bytes.substr(pos, text_end - pos));
      f.end = next;
    } else {
      std::string_view line = bytes.substr(pos, text_end - pos);
      std::size_t colon = line.find(':');
      // A line without a colon is kept as a field named by the whole line, with no value,
      // so its continuations stay with it (as Dovecot).
      bool named = colon != std::string_view::npos && colon > 0;
      HeaderField f;
      f.name = std::string(named ? trim(line.substr(0, colon)) : line);
      if (named) f.value = std::string(line.substr(colon + 1));
      f.begin = pos;
      f.end = next;
      block.fields.push_back(std::move(f));
    }
    pos = next;
  }
  return block;
}

}  // namespace hamail::mailsvc::mime

#include "hamail/mailsvc/webmail/draft_of.h"

#include <charconv>

namespace hamail::mailsvc::webmail {

namespace {

bool plain(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-' || c == '/';
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string draft_of_value(const DraftOf& of) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = of.forward ? "forward " : "answer ";
  out += std::to_string(of.uid);
  out += ' ';
  for (unsigned char c : of.folder) {
    if (plain(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::optional<DraftOf> parse_draft_of(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  DraftOf of;
  std::size_t sp = value.find(' ');
  if (sp == std::string_view::npos) return std::nullopt;
  std::string_view kind = value.substr(0, sp);
  if (kind == "forward") {
    of.forward = true;
  } else if (kind != "answer") {
    return std::nullopt;
  }
  value.remove_prefix(sp + 1);
  sp = value.find(' ');
  if (sp == std::string_view::npos) return std::nullopt;
  std::string_view uid = value.substr(0, sp);
  auto [end, ec] = std::from_chars(uid.data(), uid.data() + uid.size(), of.uid);
  if (ec != std::errc() || end != uid.data() + uid.size() || of.uid == 0) return std::nullopt;
  value.remove_prefix(sp + 1);
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '%') {
      if (i + 2 >= value.size()) return std::nullopt;
      int hi = hex(value[i + 1]), lo = hex(value[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      of.folder += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (plain(static_cast<unsigned char>(value[i]))) {
      of.folder += value[i];
    } else {
      return std::nullopt;
    }
  }
  if (of.folder.empty()) return std::nullopt;
  return of;
}

}  // namespace hamail::mailsvc::webmail

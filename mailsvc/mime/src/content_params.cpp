#include "content_params.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>

#include "header_block.h"

namespace hamail::mailsvc::mime {
namespace {

class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  bool done() {
    skip_cfws();
    return pos_ >= s_.size();
  }
  char peek() { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void skip() { ++pos_; }
  void skip_cfws() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        ++pos_;
      } else if (c == '(') {
        int depth = 0;
        for (; pos_ < s_.size(); ++pos_) {
          if (s_[pos_] == '\\') { ++pos_; continue; }
          if (s_[pos_] == '(') ++depth;
          if (s_[pos_] == ')' && --depth == 0) { ++pos_; break; }
        }
      } else {
        return;
      }
    }
  }
  // A token up to a tspecial or space (RFC 2045 5.1); '/' allowed when `slash`.
  std::string token(bool slash) {
    skip_cfws();
    std::size_t start = pos_;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == ';' || c == '=' || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '"' || c == '(') break;
      if (c == '/' && !slash) break;
      ++pos_;
    }
    return std::string(s_.substr(start, pos_ - start));
  }
  bool unterminated = false;  // the last quoted string had no closing quote
  std::string quoted() {  // at '"'
    std::string out;
    unterminated = false;
    ++pos_;
    while (pos_ < s_.size() && s_[pos_] != '"') {
      if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) ++pos_;
      if (s_[pos_] != '\r' && s_[pos_] != '\n') out.push_back(s_[pos_]);
      ++pos_;
    }
    if (pos_ < s_.size()) ++pos_;
    else unterminated = true;
    return out;
  }
  void skip_to_semicolon() {
    while (pos_ < s_.size() && s_[pos_] != ';') ++pos_;
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

struct Continued {
  std::map<unsigned, std::string> pieces;
  bool extended = false;
  std::size_t first_seen = 0;
  std::string name;  // as first written
};

// "name*3*" -> base "name", index 3, extended; false when the name is not an RFC 2231 one.
bool split_2231(const std::string& name, std::string& base, unsigned& index, bool& extended, bool& numbered) {
  std::size_t star = name.find('*');
  if (star == std::string::npos || star == 0) return false;
  base = name.substr(0, star);
  std::string rest = name.substr(star + 1);
  if (rest.empty()) {  // name*=charset'lang'value
    extended = true;
    numbered = false;
    index = 0;
    return true;
  }
  extended = rest.back() == '*';
  if (extended) rest.pop_back();
  if (rest.empty()) return false;
  for (char c : rest) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  if (rest.size() > 4) return false;
  numbered = true;
  index = static_cast<unsigned>(std::strtoul(rest.c_str(), nullptr, 10));
  return true;
}

}  // namespace

ContentValue parse_content_value(std::string_view unfolded) {
  ContentValue out;
  Reader r(unfolded);
  out.value = r.token(true);
  std::vector<Param> plain;
  std::map<std::string, Continued> continued;
  std::size_t seen = 0;
  while (!r.done()) {
    if (r.peek() != ';') {
      r.skip_to_semicolon();
      continue;
    }
    r.skip();
    if (r.done()) break;
    std::string name = r.token(false);
    r.skip_cfws();
    if (name.empty() || r.peek() != '=') {
      out.malformed = true;
      r.skip_to_semicolon();
      continue;
    }
    r.skip();
    r.skip_cfws();
    bool quoted = r.peek() == '"';
    std::string value = quoted ? r.quoted() : r.token(true);
    if (quoted && r.unterminated) {  // as Dovecot: a parameter without its closing quote is dropped
      out.malformed = true;
      break;
    }
    std::string base;
    unsigned index = 0;
    bool extended = false, numbered = false;
    if (split_2231(name, base, index, extended, numbered)) {
      Continued& c = continued[lower(base)];
      if (c.pieces.empty()) c.name = base;
      if (c.pieces.empty()) c.first_seen = seen++;
      c.pieces.emplace(index, std::move(value));
      c.extended = c.extended || extended;
    } else {
      plain.emplace_back(std::move(name), std::move(value));
    }
  }
  out.params = std::move(plain);
  std::vector<std::pair<std::size_t, Param>> joined;
  for (auto& [key, c] : continued) {
    std::string value;
    for (auto& [i, piece] : c.pieces) value += piece;
    joined.push_back({c.first_seen, Param{c.extended ? c.name + "*" : c.name, std::move(value)}});
  }
  std::sort(joined.begin(), joined.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [order, p] : joined) out.params.push_back(std::move(p));
  return out;
}

}  // namespace hamail::mailsvc::mime

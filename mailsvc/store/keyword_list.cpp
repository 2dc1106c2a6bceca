#include "hamail/mailsvc/store/keyword_list.h"

#include <charconv>

namespace hamail::mailsvc::store {

namespace {

bool same_keyword(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

Status check_keyword(std::string_view keyword) {
  if (keyword.empty()) return Error{"empty keyword"};
  for (char c : keyword) {
    auto u = static_cast<unsigned char>(c);
    if (u <= ' ' || u == 0x7f || u >= 0x80 || std::string_view("(){%*\"\\]").find(c) != std::string_view::npos) {
      return Error{"bad keyword '" + std::string(keyword) + "': not an IMAP atom"};
    }
  }
  return Status::ok();
}

Result<KeywordList> KeywordList::parse(std::string_view text, const std::string& file) {
  KeywordList k;
  std::size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (line.empty()) continue;
    auto err = [&](const std::string& what) { return Error{file + ":" + std::to_string(line_no) + ": " + what}; };
    auto sp = line.find(' ');
    std::size_t idx = 0;
    auto [p, ec] = std::from_chars(line.data(), line.data() + (sp == std::string_view::npos ? 0 : sp), idx);
    std::string_view name = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
    if (sp == std::string_view::npos || sp == 0 || ec != std::errc() || p != line.data() + sp || !check_keyword(name)) {
      return err("expected 'INDEX KEYWORD', got '" + std::string(line.substr(0, 80)) + "'");
    }
    if (idx >= kMaxKeywords) return err("index " + std::to_string(idx) + " is not below 26");
    if (!k.names_[idx].empty()) return err("index " + std::to_string(idx) + " given twice");
    if (k.letter_of(name)) return err("keyword '" + std::string(name) + "' given twice");
    k.names_[idx] = std::string(name);
  }
  return k;
}

std::string KeywordList::serialize() const {
  std::string out;
  for (std::size_t i = 0; i < kMaxKeywords; ++i) {
    if (!names_[i].empty()) out += std::to_string(i) + " " + names_[i] + "\n";
  }
  return out;
}

std::optional<char> KeywordList::letter_of(std::string_view keyword) const {
  for (std::size_t i = 0; i < kMaxKeywords; ++i) {
    if (!names_[i].empty() && same_keyword(names_[i], keyword)) return static_cast<char>('a' + i);
  }
  return std::nullopt;
}

const std::string* KeywordList::keyword_of(char letter) const {
  if (letter < 'a' || letter > 'z') return nullptr;
  const std::string& n = names_[static_cast<std::size_t>(letter - 'a')];
  return n.empty() ? nullptr : &n;
}

Result<char> KeywordList::add(std::string_view keyword) {
  if (Status s = check_keyword(keyword); !s) return Error{s.message()};
  if (auto l = letter_of(keyword)) return *l;
  for (std::size_t i = 0; i < kMaxKeywords; ++i) {
    if (names_[i].empty()) {
      names_[i] = std::string(keyword);
      return static_cast<char>('a' + i);
    }
  }
  return Error{"too many keywords in this mailbox (at most 26): cannot add '" + std::string(keyword) + "'"};
}

std::size_t KeywordList::size() const {
  std::size_t n = 0;
  for (const auto& s : names_) n += s.empty() ? 0 : 1;
  return n;
}

}  // namespace hamail::mailsvc::store

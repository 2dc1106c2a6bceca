#include "hamail/mailsvc/store/message_flags.h"

#include <algorithm>
#include <array>

namespace hamail::mailsvc::store {

namespace {

struct SystemFlagInfo {
  SystemFlag flag;
  const char* name;
  char letter;
};
constexpr std::array<SystemFlagInfo, 5> kSystem{{{kSeen, "\\Seen", 'S'},
                                                 {kAnswered, "\\Answered", 'R'},
                                                 {kFlagged, "\\Flagged", 'F'},
                                                 {kDeleted, "\\Deleted", 'T'},
                                                 {kDraft, "\\Draft", 'D'}}};

bool equal_nocase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto l = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
           return l(x) == l(y);
         });
}

const SystemFlagInfo* by_letter(char c) {
  for (const auto& s : kSystem) {
    if (s.letter == c) return &s;
  }
  return nullptr;
}

}  // namespace

std::optional<SystemFlag> system_flag_named(std::string_view name) {
  for (const auto& s : kSystem) {
    if (equal_nocase(s.name, name)) return s.flag;
  }
  return std::nullopt;
}

const char* system_flag_name(SystemFlag f) {
  for (const auto& s : kSystem) {
    if (s.flag == f) return s.name;
  }
  return "";
}

Result<MessageFlags> flags_from_names(const std::vector<std::string>& names) {
  MessageFlags out;
  for (const auto& n : names) {
    if (!n.empty() && n[0] == '\\') {
      auto f = system_flag_named(n);
      if (!f) return Error{"unknown system flag '" + n + "'"};
      out.system |= *f;
      continue;
    }
    if (Status s = check_keyword(n); !s) return Error{s.message()};
    bool dup = std::any_of(out.keywords.begin(), out.keywords.end(), [&](auto& k) { return equal_nocase(k, n); });
    if (!dup) out.keywords.push_back(n);
  }
  return out;
}

std::vector<std::string> flag_names(const MessageFlags& flags) {
  std::vector<std::string> out;
  for (const auto& s : kSystem) {
    if (flags.system & s.flag) out.emplace_back(s.name);
  }
  out.insert(out.end(), flags.keywords.begin(), flags.keywords.end());
  return out;
}

MessageFlags flags_from_letters(std::string_view letters, const KeywordList& keywords) {
  MessageFlags out;
  for (char c : letters) {
    if (const auto* s = by_letter(c)) {
      out.system |= s->flag;
    } else if (const std::string* k = keywords.keyword_of(c)) {
      if (std::find(out.keywords.begin(), out.keywords.end(), *k) == out.keywords.end()) out.keywords.push_back(*k);
    }
  }
  return out;
}

Result<std::string> apply_flags(std::string_view letters, FlagOp op, const MessageFlags& flags,
                                KeywordList& keywords) {
  std::string wanted;  // the letters `flags` stands for
  for (const auto& s : kSystem) {
    if (flags.system & s.flag) wanted += s.letter;
  }
  for (const auto& k : flags.keywords) {
    if (op == FlagOp::remove) {  // removing a keyword the mailbox never had takes no letter
      if (auto l = keywords.letter_of(k)) wanted += *l;
      continue;
    }
    auto l = keywords.add(k);
    if (!l) return Error{l.error()};
    wanted += *l;
  }
  std::string out;
  for (char c : letters) {
    bool imap_flag = by_letter(c) || (c >= 'a' && c <= 'z');
    bool listed = wanted.find(c) != std::string::npos;
    if (!imap_flag || (op == FlagOp::add) || (op == FlagOp::remove && !listed)) out += c;
  }
  if (op != FlagOp::remove) out += wanted;
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace hamail::mailsvc::store

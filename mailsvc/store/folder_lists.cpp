#include "hamail/mailsvc/store/folder_lists.h"

#include <algorithm>
#include <array>

#include "hamail/mailsvc/imap/mailbox_name.h"

namespace hamail::mailsvc::store {

namespace {

template <class Fn>
Status for_each_line(std::string_view text, const std::string& file, Fn fn) {
  std::size_t pos = 0, line_no = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (line.empty()) continue;
    if (auto err = fn(line); !err.empty()) return Error{file + ":" + std::to_string(line_no) + ": " + err};
  }
  return Status::ok();
}

}  // namespace

Result<std::vector<std::string>> parse_subscriptions(std::string_view text, const std::string& file) {
  std::vector<std::string> out;
  if (text.starts_with("V\t")) return Error{file + ":1: Dovecot's version 2 format is not read (one name per line is)"};
  Status s = for_each_line(text, file, [&](std::string_view line) -> std::string {
    auto name = imap::decode_mailbox_name(line, imap::MailboxEncoding::modified_utf7);
    if (!name) return "'" + std::string(line.substr(0, 80)) + "': " + name.error();
    if (std::find(out.begin(), out.end(), *name) == out.end()) out.push_back(std::move(*name));
    return "";
  });
  if (!s) return Error{s.message()};
  return out;
}

std::string serialize_subscriptions(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += imap::encode_mailbox_name(n, imap::MailboxEncoding::modified_utf7) + "\n";
  return out;
}

std::string canonical_special_use(std::string_view attribute) {
  static constexpr std::array<std::string_view, 5> kKnown{"\\Archive", "\\Drafts", "\\Junk", "\\Sent", "\\Trash"};
  for (auto k : kKnown) {
    if (k.size() == attribute.size() &&
        std::equal(k.begin(), k.end(), attribute.begin(), [](char a, char b) {
          auto l = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
          return l(a) == l(b);
        })) {
      return std::string(k);
    }
  }
  return "";
}

Result<std::vector<SpecialUse>> parse_special_use(std::string_view text, const std::string& file) {
  std::vector<SpecialUse> out;
  Status s = for_each_line(text, file, [&](std::string_view line) -> std::string {
    auto sp = line.find(' ');
    std::string attr = canonical_special_use(line.substr(0, sp));
    if (sp == std::string_view::npos || attr.empty()) {
      return "expected '\\Attribute NAME', got '" + std::string(line.substr(0, 80)) + "'";
    }
    auto name = imap::decode_mailbox_utf7(line.substr(sp + 1));
    if (!name) return "'" + std::string(line.substr(0, 80)) + "': " + name.error();
    out.emplace_back(std::move(attr), std::move(*name));
    return "";
  });
  if (!s) return Error{s.message()};
  return out;
}

std::string serialize_special_use(const std::vector<SpecialUse>& uses) {
  std::string out;
  for (const auto& [attr, name] : uses) out += attr + " " + imap::encode_mailbox_utf7(name) + "\n";
  return out;
}

}  // namespace hamail::mailsvc::store

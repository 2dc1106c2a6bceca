#include "hamail/mailsvc/store/maildir_name.h"

#include <algorithm>

namespace hamail::mailsvc::store {

MaildirName split_name(std::string_view name) {
  auto colon = name.find(':');
  if (colon == std::string_view::npos) return {std::string(name), ""};
  std::string_view info = name.substr(colon + 1);
  MaildirName out{std::string(name.substr(0, colon)), ""};
  if (info.substr(0, 2) == "2,") out.flags = std::string(info.substr(2));
  return out;
}

std::string join_name(std::string_view base, std::string_view flags) {
  std::string f(flags);
  std::sort(f.begin(), f.end());
  f.erase(std::unique(f.begin(), f.end()), f.end());
  return std::string(base) + ":2," + f;
}

Status check_message_name(std::string_view name) {
  if (name.empty()) return Error{"empty message name"};
  if (name.front() == '.') return Error{"bad message name '" + std::string(name) + "': starts with '.'"};
  for (char c : name) {
    if (c == '/' || static_cast<unsigned char>(c) <= ' ') {
      return Error{"bad message name '" + std::string(name) + "': contains '/', a space or a control character"};
    }
  }
  return Status::ok();
}

Result<std::string> normalize_flags(std::string_view flags) {
  std::string f;
  for (char c : flags) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
      return Error{"bad Maildir flag '" + std::string(1, c) + "' in '" + std::string(flags) + "': flags are letters"};
    }
    f += c;
  }
  std::sort(f.begin(), f.end());
  f.erase(std::unique(f.begin(), f.end()), f.end());
  return f;
}

}  // namespace hamail::mailsvc::store

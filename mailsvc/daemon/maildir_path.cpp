#include "hamail/mailsvc/daemon/maildir_path.h"

#include <algorithm>
#include <cctype>

namespace hamail::mailsvc::daemon {

namespace {

bool safe_component(std::string_view s) {
  if (s.empty() || s.front() == '.') return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c > ' ' && c < 0x7f && c != '/'; });
}

}  // namespace

std::optional<std::string> maildir_path(const std::string& mail_root, std::string_view address) {
  std::string a(address);
  for (char& c : a) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto at = a.rfind('@');
  if (at == std::string::npos) return std::nullopt;
  std::string local = a.substr(0, at), domain = a.substr(at + 1);
  if (!safe_component(local) || !safe_component(domain)) return std::nullopt;
  return mail_root + "/maildirs/" + domain + "/" + local + "/Maildir";
}

}  // namespace hamail::mailsvc::daemon

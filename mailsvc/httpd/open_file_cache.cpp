#include "hamail/mailsvc/httpd/open_file_cache.h"

namespace hamail::mailsvc::httpd {

void OpenFileCache::enter(std::time_t now) {
  if (now == second_) return;
  files_.clear();
  second_ = now;
}

std::optional<Opened> OpenFileCache::find(const std::string& relative, std::time_t now) {
  enter(now);
  auto it = files_.find(relative);
  if (it == files_.end()) return std::nullopt;
  return it->second;
}

void OpenFileCache::remember(const std::string& relative, const Opened& opened, std::time_t now) {
  enter(now);
  if (!S_ISREG(opened.st.st_mode) || files_.size() >= kMaxFiles) return;
  files_.emplace(relative, opened);
}

}  // namespace hamail::mailsvc::httpd

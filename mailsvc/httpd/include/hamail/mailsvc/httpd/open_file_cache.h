// Regular files StaticSite opened during the current second, reused until the clock's
// second changes: a busy site skips openat2 + fstat + close for a file it serves again and
// again, and a file changed on disk is served as it was for at most the rest of that second.
#pragma once

#include <cstddef>
#include <ctime>
#include <optional>
#include <string>
#include <unordered_map>

#include "hamail/mailsvc/httpd/beneath_root.h"

namespace hamail::mailsvc::httpd {

class OpenFileCache {
 public:
  static constexpr std::size_t kMaxFiles = 64;  // descriptors held at most (per site)

  // The file opened as `relative` in second `now`, if any. A new second empties the cache
  // (the descriptors close once no answer still sends them).
  std::optional<Opened> find(const std::string& relative, std::time_t now);
  // Remembers a regular file opened in second `now`; nothing else, and nothing when full.
  void remember(const std::string& relative, const Opened& opened, std::time_t now);
  std::size_t size() const { return files_.size(); }

 private:
  void enter(std::time_t now);

  std::time_t second_ = 0;
  std::unordered_map<std::string, Opened> files_;
};

}  // namespace hamail::mailsvc::httpd

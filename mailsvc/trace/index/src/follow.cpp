#include "hamail/mailsvc/traceindex/follow.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <set>

namespace hamail::mailsvc::traceindex {

std::vector<LogSource> log_sources(const std::vector<std::string>& operands, const std::string& default_node) {
  std::vector<LogSource> out;
  for (const auto& op : operands) {
    auto eq = op.find('=');
    bool named = eq != std::string::npos && eq > 0 && op.find('/') > eq;
    LogSource s{named ? op.substr(0, eq) : default_node, named ? op.substr(eq + 1) : op};
    std::error_code ec;
    auto abs = std::filesystem::absolute(s.path, ec);
    if (!ec && s.path != "-") s.path = abs.lexically_normal().string();
    out.push_back(std::move(s));
  }
  return out;
}

int follow(const std::vector<LogSource>& sources, const std::atomic<bool>& stop,
           const std::function<int(const std::vector<LogSource>&)>& index_all, std::ostream& err) {
  int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) err << "mailsvc-trace: inotify: " << std::strerror(errno) << "; checking every second\n";
  std::set<std::string> dirs;
  for (const auto& s : sources) dirs.insert(std::filesystem::path(s.path).parent_path().string());
  for (const auto& d : dirs)
    if (fd >= 0 && ::inotify_add_watch(fd, d.c_str(), IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE) < 0)
      err << "mailsvc-trace: " << d << ": inotify: " << std::strerror(errno) << "; checking every second\n";
  int rc = 0;
  while (!stop.load()) {
    rc = index_all(sources);
    if (stop.load()) break;
    struct pollfd p {fd, POLLIN, 0};
    int n = ::poll(fd >= 0 ? &p : nullptr, fd >= 0 ? 1 : 0, 1000);
    if (n > 0) {
      char buf[4096];
      while (::read(fd, buf, sizeof buf) > 0) {
      }
    }
  }
  if (fd >= 0) ::close(fd);
  return rc;
}

}  // namespace hamail::mailsvc::traceindex

// Tail-following log files: index what is there, then wait for the files' directories to
// change (inotify, at most 1 s, so a missed event costs a second) and index again, until
// asked to stop. Only reads the files: a daemon never waits for the indexer.
#pragma once

#include <atomic>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>


namespace hamail::mailsvc::traceindex {

struct LogSource {
  std::string node;
  std::string path;  // absolute
};

// "NODE=FILE" or "FILE" (on `default_node`), paths made absolute; "-" is standard input.
std::vector<LogSource> log_sources(const std::vector<std::string>& operands, const std::string& default_node);

// Calls `index_all` now and after each change until `stop`; returns its last exit code.
int follow(const std::vector<LogSource>& sources, const std::atomic<bool>& stop,
           const std::function<int(const std::vector<LogSource>&)>& index_all, std::ostream& err);

}  // namespace hamail::mailsvc::traceindex

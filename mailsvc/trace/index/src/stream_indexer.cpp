#include "hamail/mailsvc/traceindex/stream_indexer.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "hamail/mailsvc/trace/event_parser.h"
#include "hamail/mailsvc/traceindex/log_file.h"

namespace hamail::mailsvc::traceindex {

Result<IndexReport> index_stream(TraceDb& db, int fd, const std::string& name, const std::string& node,
                                 const BadLineSink& bad, const std::atomic<bool>& stop, std::size_t batch_lines) {
  IndexReport report;
  std::vector<KeyedEvent> events;
  std::size_t pending_lines = 0;
  std::string buffer;
  bool skipping = false;  // inside a line over kMaxLine
  std::uint64_t line_no = 0;
  auto flush = [&]() -> Status {
    if (pending_lines == 0) return Status::ok();
    auto added = db.ingest(node, events, "", {});
    if (!added) return Error{name + ": " + added.error()};
    report.added += *added;
    events.clear();
    pending_lines = 0;
    return Status::ok();
  };
  auto take_line = [&](std::string_view line) {
    ++line_no;
    ++report.lines;
    ++pending_lines;
    auto parsed = trace::parse_trace_line(line);
    if (!parsed) {
      ++report.bad;
      if (bad) bad(name + ":" + std::to_string(line_no) + ": " + parsed.error());
    } else if (*parsed) {
      ++report.events;
      events.push_back({trace::record_key(line), std::move(**parsed)});
    }
  };
  char chunk[64 * 1024];
  while (!stop.load()) {
    struct pollfd p {fd, POLLIN, 0};
    int ready = ::poll(&p, 1, 1000);
    if (ready < 0 && errno != EINTR) return Error{name + ": " + std::strerror(errno)};
    if (ready <= 0) {  // a pause: what was read goes in now
      if (auto s = flush(); !s) return Error{s.message()};
      continue;
    }
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return Error{name + ": " + std::strerror(errno)};
    }
    if (n == 0) break;
    buffer.append(chunk, static_cast<std::size_t>(n));
    std::size_t head = 0;
    for (auto nl = buffer.find('\n'); nl != std::string::npos; nl = buffer.find('\n', head)) {
      if (skipping) {
        skipping = false;
        ++line_no;
      } else if (nl - head > kMaxLine) {
        ++report.bad;
        if (bad) bad(name + ":" + std::to_string(++line_no) + ": longer than " + std::to_string(kMaxLine) + " bytes; skipped");
      } else {
        take_line(std::string_view(buffer).substr(head, nl - head));
      }
      head = nl + 1;
      if (pending_lines >= batch_lines)
        if (auto s = flush(); !s) return Error{s.message()};
    }
    buffer.erase(0, head);
    if (buffer.size() > kMaxLine && !skipping) {
      ++report.bad;
      if (bad) bad(name + ":" + std::to_string(line_no + 1) + ": longer than " + std::to_string(kMaxLine) + " bytes; skipped");
      skipping = true;
    }
    if (skipping) buffer.clear();
  }
  if (!buffer.empty() && !skipping && !stop.load()) take_line(buffer);  // a last line without '\n'
  if (auto s = flush(); !s) return Error{s.message()};
  return report;
}

}  // namespace hamail::mailsvc::traceindex

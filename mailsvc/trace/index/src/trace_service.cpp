#include "hamail/mailsvc/traceindex/trace_service.h"

#include <sched.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <filesystem>
#include <optional>
#include <sstream>

#include "hamail/base/program_options.h"
#include "hamail/mailsvc/daemon/account.h"
#include "hamail/mailsvc/daemon/config_file.h"
#include "hamail/mailsvc/traceindex/follow.h"
#include "hamail/mailsvc/traceindex/indexer.h"
#include "hamail/mailsvc/traceindex/trace_cli.h"

namespace hamail::mailsvc::traceindex {
namespace {

constexpr std::size_t kMaxLogs = 32;

void read_service(config::MapReader& top, TraceServiceConfig& c) {
  c.db = top.absolute_path("db").value_or(kDefaultTraceDb);
  c.node = top.string("node").value_or("");
  c.user = top.string("user").value_or("");
  auto logs = top.string_list("logs", config::Need::required);
  if (!logs) return;
  if (logs->empty() || logs->size() > kMaxLogs) {
    top.sink().add(top.child("logs"), top.key_path("logs"), "1 to " + std::to_string(kMaxLogs) + " log files");
    return;
  }
  for (const auto& p : *logs) {
    if (p.empty() || p[0] != '/') {
      top.sink().add(top.child("logs"), top.key_path("logs"), "'" + p + "' is not an absolute path");
      return;
    }
  }
  c.logs = *logs;
}

// The index's directory, made and given to the account the service runs as.
Status prepare_directory(const std::string& db, const std::optional<daemon::Account>& account) {
  std::filesystem::path dir = std::filesystem::path(db).parent_path();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error{dir.string() + ": cannot create the index's directory: " + ec.message()};
  if (account && ::chown(dir.c_str(), account->uid, account->gid) != 0)
    return Error{dir.string() + ": cannot give the index's directory to " + account->name};
  return Status::ok();
}

// The follower must never slow the mail path: it takes the CPU and the disk only when the
// daemons leave them idle (SCHED_IDLE; the idle I/O class where the disk's scheduler has
// classes), falls behind during a burst and catches up after it (its logs keep everything).
// A failure is logged and the follower runs at normal priority.
void yield_to_the_mail_path(const Logger& log) {
  struct sched_param none {};
  if (::sched_setscheduler(0, SCHED_IDLE, &none) != 0)
    log.warning("idle_priority_failed").kv("what", "SCHED_IDLE").kv("error", std::strerror(errno));
  constexpr int kIoprioWhoProcess = 1, kIoprioClassIdle = 3, kIoprioClassShift = 13;
  if (::syscall(SYS_ioprio_set, kIoprioWhoProcess, 0, kIoprioClassIdle << kIoprioClassShift) != 0)
    log.warning("idle_priority_failed").kv("what", "ioprio idle class").kv("error", std::strerror(errno));
}

}  // namespace

Result<TraceServiceConfig> parse_trace_service_config(const std::string& text, const std::string& file) {
  TraceServiceConfig c;
  if (Status s = daemon::parse_config_text(text, file, [&](config::MapReader& top) { read_service(top, c); }); !s)
    return Error{s.message()};
  return c;
}

Result<TraceServiceConfig> load_trace_service_config(const std::string& path) {
  TraceServiceConfig c;
  if (Status s = daemon::read_config_file(path, [&](config::MapReader& top) { read_service(top, c); }); !s)
    return Error{s.message()};
  return c;
}

int run_trace_service(const TraceServiceConfig& cfg, const std::atomic<bool>& stop, const Logger& log) {
  std::optional<daemon::Account> account;
  if (!cfg.user.empty()) {
    auto a = daemon::lookup_account(cfg.user);
    if (!a) {
      log.error("startup_failed").kv("error", "user: " + a.error());
      return 1;
    }
    account = *a;
  }
  if (Status s = prepare_directory(cfg.db, account); !s) {
    log.error("startup_failed").kv("error", s.message());
    return 1;
  }
  if (account && ::geteuid() == 0) {
    if (Status s = daemon::switch_to(*account); !s) {
      log.error("startup_failed").kv("error", s.message());
      return 1;
    }
  }
  yield_to_the_mail_path(log);
  auto db = TraceDb::open(cfg.db);
  if (!db) {
    log.error("startup_failed").kv("error", db.error());
    return 1;
  }
  auto sources = log_sources(cfg.logs, node_name_or_hostname(cfg.node));
  log.info("started").kv("db", cfg.db).kv("node", sources.front().node).kv("logs", static_cast<unsigned long>(sources.size()));
  auto index_all = [&](const std::vector<LogSource>& all) {
    int rc = 0;
    for (const auto& src : all) {
      struct stat st {};
      if (::stat(src.path.c_str(), &st) != 0) continue;  // its daemon has not written it yet
      std::size_t shown = 0;
      auto report = index_file(*db, src.path, src.node, [&](const std::string& what) {
        if (shown++ < 20) log.warning("bad_line").kv("error", what);
      });
      if (!report) {
        log.error("index_failed").kv("file", src.path).kv("error", report.error());
        rc = 1;
        continue;
      }
      if (report->added || report->restarted)
        log.info("indexed").kv("file", src.path).kv("records", static_cast<unsigned long>(report->added))
            .kv("restarted", report->restarted);
    }
    return rc;
  };
  std::ostringstream inotify_notes;
  follow(sources, stop, index_all, inotify_notes);
  if (!inotify_notes.str().empty()) log.warning("inotify").kv("note", inotify_notes.str());
  index_all(sources);  // the daemons stopped before this resource: their last records
  log.info("stopped");
  return 0;
}

}  // namespace hamail::mailsvc::traceindex

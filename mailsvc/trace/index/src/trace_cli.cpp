#include "hamail/mailsvc/traceindex/trace_cli.h"

#include <ostream>

#include "hamail/base/program_options.h"
#include "hamail/base/version.h"
#include "hamail/mailsvc/traceindex/follow.h"
#include "hamail/mailsvc/traceindex/indexer.h"
#include "hamail/mailsvc/traceindex/stream_indexer.h"
#include "hamail/mailsvc/traceindex/trace_service.h"

namespace hamail::mailsvc::traceindex {
namespace {

struct CliArgs {
  std::string db = kDefaultTraceDb, node, user, command, config;
  trace::TraceQuery query;
  std::string limit;
  bool user_given = false;
  std::vector<std::string> operands;
  bool help = false, version = false, check = false, db_given = false;
};

Result<CliArgs> parse(const std::vector<std::string>& args) {
  CliArgs a;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& s = args[i];
    std::string* dst = nullptr;
    if (s == "--help" || s == "-h") a.help = true;
    else if (s == "--version") a.version = true;
    else if (s == "--db") {
      dst = &a.db;
      a.db_given = true;
    }
    else if (s == "--config") dst = &a.config;
    else if (s == "--check") a.check = true;
    else if (s == "--node") dst = &a.node;
    else if (s == "--user") {
      dst = &a.user;
      a.user_given = true;
    }
    else if (s == "--from") dst = &a.query.from;
    else if (s == "--to") dst = &a.query.to;
    else if (s == "--status") dst = &a.query.status;
    else if (s == "--since") dst = &a.query.since;
    else if (s == "--until") dst = &a.query.until;
    else if (s == "--limit") dst = &a.limit;
    else if (s.size() > 1 && s[0] == '-') return Error{"unknown option " + s};
    else if (a.command.empty()) a.command = s;
    else a.operands.push_back(s);
    if (dst) {
      if (i + 1 == args.size()) return Error{s + " needs a value"};
      *dst = args[++i];
    }
  }
  if (a.help || a.version) return a;
  if (!a.config.empty()) {
    if (!a.command.empty() || a.db_given || a.user_given)
      return Error{"--config runs the follower of that file: no command, --db or --user with it"};
    return a;
  }
  if (a.check) return Error{"--check goes with --config"};
  if (a.command.empty()) return Error{"no command"};
  if (a.user_given && a.user.find('@') == std::string::npos) return Error{"--user: a mail address (user@domain)"};
  a.query.from = trace::normalize_address(a.query.from);
  a.query.to = trace::normalize_address(a.query.to);
  for (const std::string* t : {&a.query.since, &a.query.until})
    if (!t->empty())
      if (auto st = trace::check_time_prefix(*t); !st) return Error{st.message()};
  if (!a.query.status.empty() && !trace::known_status(a.query.status)) return Error{"unknown status " + a.query.status};
  if (!a.limit.empty()) {
    if (a.limit.find_first_not_of("0123456789") != std::string::npos || a.limit.size() > 5)
      return Error{"--limit: a number from 1 to " + std::to_string(trace::kMaxQueryLimit)};
    a.query.limit = std::stoul(a.limit);
  }
  return a;
}

trace::Viewer viewer_of(const CliArgs& a) {
  return a.user.empty() ? trace::Viewer::administrator() : trace::Viewer::user(a.user);
}

void print(std::ostream& out, const std::vector<trace::MessageTrace>& found) {
  for (std::size_t i = 0; i < found.size(); ++i) out << (i ? "\n" : "") << trace::format_trace(found[i]);
}

int index_once(TraceDb& db, const std::vector<LogSource>& sources, std::ostream& out, std::ostream& err,
               const std::atomic<bool>& stop) {
  int rc = 0;
  for (const auto& src : sources) {
    std::size_t shown = 0;
    auto on_bad = [&](const std::string& what) {
      if (shown++ < 20) err << "mailsvc-trace: " << what << "\n";
    };
    auto report = src.path == "-" ? index_stream(db, 0, "stdin", src.node, on_bad, stop)
                                  : index_file(db, src.path, src.node, on_bad);
    if (!report) {
      err << "mailsvc-trace: " << report.error() << "\n";
      rc = 1;
      continue;
    }
    out << (src.path == "-" ? std::string("stdin") : src.path) << ": " << report->lines << " lines, " << report->events << " trace records, " << report->added
        << " new, " << report->bad << " bad" << (report->restarted ? " (rotated or truncated: read from the start)" : "")
        << "\n";
  }
  return rc;
}

}  // namespace

std::string trace_cli_usage() {
  return "Usage: mailsvc-trace [--db FILE] COMMAND ...\n"
         "The mail trace: follows each message through smtpd, delivery and POP3 retrieval across both\n"
         "nodes' logs, indexed in an SQLite file (default " + std::string(kDefaultTraceDb) + ").\n"
         "  index LOG...         read the logs into the index, from where the last run stopped\n"
         "  follow LOG...        the same, then keep reading what the daemons append (until SIGTERM)\n"
         "  show ID              the timeline of a message: ID is a queue id or a Message-ID\n"
         "  search [--from A] [--to A] [--status S] [--since T] [--until T] [--limit N]\n"
         "                       messages matching all of these, each with its timeline\n"
         "  stats [--since T] [--until T]   per hour: received, rejected, deferred, bounced; queue size\n"
         "  LOG                  a log file, or NODE=FILE for a file written on NODE; - (NODE=-) reads\n"
         "                       standard input to its end (the daemons log to journald:\n"
         "                       journalctl -o cat -f -u hamail-smtpd | mailsvc-trace follow node1=-)\n"
         "  --db FILE            the index file (created when missing)\n"
         "  --node NAME          the node of LOG files given without NODE= (default: this host's name)\n"
         "  --user ADDR          show only mail to or from ADDR (as that user sees it); default: all\n"
         "  T                    UTC, YYYY-MM-DD[THH[:MM[:SS]]]; --until is exclusive\n"
         "  S                    queued, deferred, delivered, bounced, partly_bounced, rejected, deleted\n"
         "  --config FILE        follow the logs FILE names into its index, logging in logfmt (the\n"
         "                       cluster resource ocf:hamail:mailsvc service=trace runs this)\n"
         "  --check              with --config: check FILE and exit\n"
         "  --help               print this help and exit\n"
         "  --version            print the version and exit\n"
         "Exit status: 0 ok, 1 failed or nothing found, 2 usage.\n";
}

int run_trace_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                  const std::atomic<bool>& stop) {
  auto a = parse(args);
  if (!a) {
    err << "mailsvc-trace: " << a.error() << "\n" << trace_cli_usage();
    return 2;
  }
  if (a->help) {
    out << trace_cli_usage();
    return 0;
  }
  if (a->version) {
    out << version_text("mailsvc-trace");
    return 0;
  }
  if (!a->config.empty()) {
    auto cfg = load_trace_service_config(a->config);
    if (!cfg) {
      err << cfg.error() << "\n";  // "FILE:LINE:COL: key: what", as the daemons' --check says it
      return 2;
    }
    if (a->check) return 0;
    Logger log("trace");
    return run_trace_service(*cfg, stop, log);
  }
  const std::string& cmd = a->command;
  bool takes_logs = cmd == "index" || cmd == "follow";
  if (!takes_logs && cmd != "show" && cmd != "search" && cmd != "stats") {
    err << "mailsvc-trace: unknown command " << cmd << "\n" << trace_cli_usage();
    return 2;
  }
  if ((takes_logs && a->operands.empty()) || (cmd == "show" && a->operands.size() != 1) ||
      ((cmd == "search" || cmd == "stats") && !a->operands.empty())) {
    err << "mailsvc-trace: " << cmd << ": wrong arguments\n" << trace_cli_usage();
    return 2;
  }
  auto db = TraceDb::open(a->db);
  if (!db) {
    err << "mailsvc-trace: " << db.error() << "\n";
    return 1;
  }
  if (takes_logs) {
    auto sources = log_sources(a->operands, node_name_or_hostname(a->node));
    std::size_t stdin_count = 0;
    for (const auto& s : sources) stdin_count += s.path == "-" ? 1 : 0;
    if (stdin_count > 1 || (cmd == "follow" && stdin_count == 1 && sources.size() > 1)) {
      err << "mailsvc-trace: standard input (-) once, and alone with follow\n" << trace_cli_usage();
      return 2;
    }
    // A pipe is followed by reading it to its end.
    if (cmd == "index" || stdin_count == 1) return index_once(*db, sources, out, err, stop);
    return follow(sources, stop, [&](const std::vector<LogSource>& s) { return index_once(*db, s, out, err, stop); },
                  err);
  }
  if (cmd == "stats") {
    auto hours = db->hourly_counts(a->query.since, a->query.until);
    auto queued = db->queue_size();
    if (!hours || !queued) {
      err << "mailsvc-trace: " << (!hours ? hours.error() : queued.error()) << "\n";
      return 1;
    }
    out << "hour (UTC)     received rejected deferred bounced\n";
    for (const auto& h : *hours)
      out << h.hour << "  " << h.received << " " << h.rejected << " " << h.deferred << " " << h.bounced << "\n";
    out << "queue size: " << *queued << "\n";
    return 0;
  }
  auto found = cmd == "show" ? db->show(a->operands[0], viewer_of(*a)) : db->find(a->query, viewer_of(*a));
  if (!found) {
    err << "mailsvc-trace: " << found.error() << "\n";
    return 1;
  }
  if (found->empty()) {
    err << "mailsvc-trace: " << (cmd == "show" ? a->operands[0] + ": no such message" : "no message matches") << "\n";
    return 1;
  }
  print(out, *found);
  return 0;
}

}  // namespace hamail::mailsvc::traceindex

#include "hamail/mailsvc/traceindex/trace_service.h"

#include <sched.h>

#include <gtest/gtest.h>

#include <sstream>
#include <thread>

#include "../../tests/trace_lines.h"
#include "hamail/mailsvc/traceindex/trace_cli.h"
#include "temp_dir.h"

namespace hamail::mailsvc::traceindex {
namespace {

using namespace trace::testing;
using testing::TempDir;

TEST(TraceService, ConfigNamesTheIndexAndTheLogs) {
  auto c = parse_trace_service_config("db: /srv/mail/trace/t.db\nnode: node1\nuser: mail\n"
                                      "logs: [/var/log/hamail/smtpd.log, /var/log/hamail/pop3d.log]\n",
                                      "trace.yaml");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->db, "/srv/mail/trace/t.db");
  EXPECT_EQ(c->node, "node1");
  EXPECT_EQ(c->user, "mail");
  EXPECT_EQ(c->logs, (std::vector<std::string>{"/var/log/hamail/smtpd.log", "/var/log/hamail/pop3d.log"}));
  c = parse_trace_service_config("logs: [/var/log/hamail/smtpd.log]\n", "trace.yaml");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->db, kDefaultTraceDb);
}

TEST(TraceService, BadConfigsNameFileLineAndKey) {
  auto c = parse_trace_service_config("db: /x/t.db\n", "trace.yaml");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().find("logs"), std::string::npos) << c.error();
  c = parse_trace_service_config("db: /x/t.db\nlogs: [smtpd.log]\n", "trace.yaml");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().find("trace.yaml:2:"), std::string::npos) << c.error();
  EXPECT_NE(c.error().find("'smtpd.log' is not an absolute path"), std::string::npos) << c.error();
  c = parse_trace_service_config("db: relative.db\nlogs: [/a.log]\n", "trace.yaml");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().find("trace.yaml:1:"), std::string::npos) << c.error();
  c = parse_trace_service_config("logs: [/a.log]\nlog: x\n", "trace.yaml");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().find("log"), std::string::npos) << c.error();
}

// Stopped at once (SIGTERM before the first change): it still reads what the daemons
// wrote before they stopped; a log that does not exist yet is no error.
TEST(TraceService, AtTheStopTheLastRecordsAreIndexed) {
  TempDir dir;
  dir.append("smtpd.log",
             queued("2026-12-05T10:00:00.100Z", "Q1", "<m1@x>", "alice@example.org", "bob@example.org") + "\n");
  TraceServiceConfig cfg;
  cfg.db = dir.file("trace/t.db");  // its directory is made
  cfg.node = "node2";
  cfg.logs = {dir.file("smtpd.log"), dir.file("imapd.log")};
  std::atomic<bool> stop{true};
  Logger log("trace");
  log.set_stderr(false);
  // On a thread of its own: the service takes the idle CPU class for the thread that runs it.
  int rc = -1, policy = -1;
  std::thread service([&] {
    rc = run_trace_service(cfg, stop, log);
    policy = ::sched_getscheduler(0);
  });
  service.join();
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(policy, SCHED_IDLE) << "the follower yields the CPU to the mail daemons";
  std::ostringstream out, err;
  std::atomic<bool> no{false};
  EXPECT_EQ(run_trace_cli({"--db", cfg.db, "show", "Q1"}, out, err, no), 0) << err.str();
  EXPECT_NE(out.str().find("node2  received"), std::string::npos) << out.str();
}

TEST(TraceService, TheCliChecksTheConfig) {
  TempDir dir;
  dir.append("good.yaml", "db: " + dir.file("t.db") + "\nlogs: [/var/log/hamail/smtpd.log]\n");
  dir.append("bad.yaml", "logs: [x.log]\n");
  std::ostringstream out, err;
  std::atomic<bool> stop{false};
  EXPECT_EQ(run_trace_cli({"--config", dir.file("good.yaml"), "--check"}, out, err, stop), 0) << err.str();
  EXPECT_EQ(run_trace_cli({"--config", dir.file("bad.yaml"), "--check"}, out, err, stop), 2);
  EXPECT_NE(err.str().find("bad.yaml:1:"), std::string::npos) << err.str();
  EXPECT_EQ(run_trace_cli({"--config", dir.file("good.yaml"), "show", "Q1"}, out, err, stop), 2);
  EXPECT_EQ(run_trace_cli({"--check", "show", "Q1"}, out, err, stop), 2);
}

}  // namespace
}  // namespace hamail::mailsvc::traceindex

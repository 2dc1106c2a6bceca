#include "hamail/mailsvc/traceindex/trace_cli.h"

#include <gtest/gtest.h>

#include <sstream>

#include "../../tests/trace_lines.h"
#include "temp_dir.h"

namespace hamail::mailsvc::traceindex {
namespace {

using namespace trace::testing;
using testing::TempDir;

struct CliRun {
  int rc;
  std::string out, err;
};

CliRun cli(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  std::atomic<bool> stop{false};
  int rc = run_trace_cli(args, out, err, stop);
  return {rc, out.str(), err.str()};
}

TEST(TraceCli, IndexShowSearchStats) {
  TempDir dir;
  dir.append("smtpd.log",
             queued("2026-12-05T10:00:00.100Z", "Q1", "<m1@x>", "alice@example.org", "bob@example.org") + "\n" +
                 delivered_local("2026-12-05T10:00:00.200Z", "Q1", "<m1@x>", "alice@example.org", "bob@example.org",
                                 "1.M1.h") + "\nnot a record\n");
  dir.append("pop3d.log", retrieved("2026-12-05T10:01:00.000Z", "bob@example.org", "1.M1.h") + "\n");
  const std::string db = dir.file("t.db");
  CliRun r = cli({"--db", db, "index", "node1=" + dir.file("smtpd.log"), "--node", "node2", dir.file("pop3d.log")});
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(r.out.find("smtpd.log: 3 lines, 2 trace records, 2 new, 1 bad"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find(dir.file("smtpd.log") + ":3: not a log record"), std::string::npos) << r.err;

  r = cli({"--db", db, "show", "<m1@x>"});
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(r.out.find("queue_id Q1"), std::string::npos) << r.out;
  auto received = r.out.find("node1  received"), delivered = r.out.find("node1  delivered"),
       retrieved_at = r.out.find("node2  retrieved  <bob@example.org>");
  EXPECT_LT(received, delivered) << r.out;
  EXPECT_LT(delivered, retrieved_at) << r.out;
  EXPECT_NE(retrieved_at, std::string::npos) << r.out;

  r = cli({"--db", db, "--user", "mallory@example.org", "show", "Q1"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("Q1: no such message"), std::string::npos) << r.err;
  r = cli({"--db", db, "search", "--to", "BOB@example.org", "--status", "delivered", "--user", "bob@example.org"});
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(r.out.find("queue_id Q1"), std::string::npos) << r.out;
  r = cli({"--db", db, "stats"});
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(r.out.find("2026-12-05T10  1 0 0 0"), std::string::npos) << r.out;
}

TEST(TraceCli, UsageErrors) {
  EXPECT_EQ(cli({}).rc, 2);
  EXPECT_EQ(cli({"frobnicate"}).rc, 2);
  EXPECT_EQ(cli({"index"}).rc, 2);
  EXPECT_EQ(cli({"show"}).rc, 2);
  CliRun r = cli({"search", "--since", "yesterday"});
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err.find("'yesterday': expected YYYY-MM-DD"), std::string::npos) << r.err;
  EXPECT_EQ(cli({"search", "--status", "lost"}).rc, 2);
  EXPECT_EQ(cli({"--user", "", "search"}).rc, 2);  // never "no user" = everything
  EXPECT_EQ(cli({"--help"}).rc, 0);
}

TEST(TraceCli, StandardInputOnceAndAloneWithFollow) {
  TempDir dir;
  EXPECT_EQ(cli({"--db", dir.file("t.db"), "index", "-", "n2=-"}).rc, 2);
  EXPECT_EQ(cli({"--db", dir.file("t.db"), "follow", "-", dir.file("a.log")}).rc, 2);
}

TEST(TraceCli, UnreadableLogFails) {
  TempDir dir;
  CliRun r = cli({"--db", dir.file("t.db"), "index", dir.file("missing.log")});
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find(dir.file("missing.log")), std::string::npos) << r.err;
}

}  // namespace
}  // namespace hamail::mailsvc::traceindex

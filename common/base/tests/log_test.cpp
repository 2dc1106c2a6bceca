#include "hamail/base/log.h"

#include <gtest/gtest.h>

#include <ctime>

namespace hamail {
namespace {

TEST(LogfmtValue, PlainValueIsUnquoted) { EXPECT_EQ(logfmt_value("node2"), "node2"); }

TEST(LogfmtValue, SpacesQuotesAndNewlinesAreEscaped) {
  EXPECT_EQ(logfmt_value("a b"), "\"a b\"");
  EXPECT_EQ(logfmt_value("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(logfmt_value("x\ny"), "\"x\\ny\"");
  EXPECT_EQ(logfmt_value("k=v"), "\"k=v\"");
  EXPECT_EQ(logfmt_value(""), "\"\"");
}

// utc_timestamp reuses the formatted second: the text must still be the clock's, with a
// zero-padded millisecond part, on the first call and on later ones in the same second.
TEST(UtcTimestamp, IsTheClocksUtcTimeWithMilliseconds) {
  for (int i = 0; i < 3; ++i) {
    std::time_t before = std::time(nullptr);
    std::string ts = utc_timestamp();
    std::time_t after = std::time(nullptr);
    ASSERT_EQ(ts.size(), 24u) << ts;  // 2026-12-05T22:53:28.695Z
    EXPECT_EQ(ts[4], '-');
    EXPECT_EQ(ts[10], 'T');
    EXPECT_EQ(ts[19], '.');
    EXPECT_EQ(ts[23], 'Z');
    for (int d : {20, 21, 22}) EXPECT_TRUE(ts[d] >= '0' && ts[d] <= '9') << ts;
    std::tm tm{};
    ASSERT_NE(strptime(ts.substr(0, 19).c_str(), "%Y-%m-%dT%H:%M:%S", &tm), nullptr) << ts;
    std::time_t parsed = timegm(&tm);
    EXPECT_GE(parsed, before) << ts;
    EXPECT_LE(parsed, after) << ts;
  }
}

TEST(Logger, RecordHasTimestampLevelComponentEventAndFields) {
  Logger log("hacored");
  log.set_stderr(false);
  std::vector<std::string> lines;
  log.set_capture(&lines);
  log.info("node_lost").kv("node", "node2").kv("members", 1).kv("reason", "token timeout");
  ASSERT_EQ(lines.size(), 1u);
  const std::string& l = lines[0];
  EXPECT_EQ(l.rfind("ts=", 0), 0u) << l;
  EXPECT_NE(l.find(" level=info component=hacored event=node_lost node=node2 members=1 reason=\"token timeout\""),
            std::string::npos)
      << l;
}

TEST(Logger, RecordsBelowMinimumLevelAreDropped) {
  Logger log("x", LogLevel::warning);
  log.set_stderr(false);
  std::vector<std::string> lines;
  log.set_capture(&lines);
  log.info("ignored").kv("a", 1);
  log.error("kept");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("event=kept"), std::string::npos);
}

TEST(Logger, FileSinkAppendsLines) {
  std::string path = ::testing::TempDir() + "/log_test_sink.log";
  std::remove(path.c_str());
  {
    Logger log("x");
    log.set_stderr(false);
    std::string err;
    ASSERT_TRUE(log.add_file(path, &err)) << err;
    log.info("one");
    log.info("two");
  }
  std::FILE* f = std::fopen(path.c_str(), "r");
  ASSERT_NE(f, nullptr);
  char buf[512] = {};
  size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  std::string content(buf, n);
  EXPECT_NE(content.find("event=one\n"), std::string::npos);
  EXPECT_NE(content.find("event=two\n"), std::string::npos);
}

TEST(Logger, UnopenableFileIsAnErrorNamingThePath) {
  Logger log("x");
  std::string err;
  EXPECT_FALSE(log.add_file("/nonexistent-dir/x.log", &err));
  EXPECT_NE(err.find("/nonexistent-dir/x.log"), std::string::npos);
}

}  // namespace
}  // namespace hamail

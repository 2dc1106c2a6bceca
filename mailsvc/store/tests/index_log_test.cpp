// The hamail-uids.log codec (index_log.h): round trip, the tie to one index text, torn
// tails at every length, bad lines with file:line, the strict record format.
#include "hamail/mailsvc/store/index_log.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace hamail::mailsvc::store {
namespace {

const IndexLogTie kTie = tie_of_index_text("hamail-uids v2 7 4 9 0\n1 9 F a\n");

std::string log_with(const std::vector<IndexLogRecord>& records) {
  std::string out = index_log_header(kTie);
  for (const auto& r : records) append_index_log_record(r, out);
  return out;
}

const std::vector<IndexLogRecord> kRecords = {{10, {{1, "S"}}}, {11, {{1, ""}, {3, "FSa"}}}, {12, {{2, "T"}}}};

TEST(IndexLog, RoundTripsAndSaysWhichIndexItExtends) {
  std::string text = log_with(kRecords);
  EXPECT_TRUE(text.starts_with("hamail-uids-log v1 " + std::to_string(kTie.index_bytes) + " ")) << text;
  EXPECT_NE(text.find("\n11 1 - 3 FSa #"), std::string::npos) << text;
  auto parsed = parse_index_log(text, kTie, "L");
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_TRUE(parsed->belongs);
  EXPECT_EQ(parsed->body.records, kRecords);
  EXPECT_FALSE(parsed->body.torn_tail);
  EXPECT_EQ(parsed->header_bytes + parsed->body.used_bytes, text.size());
  EXPECT_EQ(parsed->body.lines, 3u);
}

TEST(IndexLog, AnotherIndexsLogIsNeverApplied) {
  std::string text = log_with(kRecords);
  for (const IndexLogTie& other : {tie_of_index_text("hamail-uids v2 7 4 9 0\n1 9 S a\n"),
                                   IndexLogTie{kTie.index_bytes + 1, kTie.index_hash},
                                   IndexLogTie{kTie.index_bytes, kTie.index_hash ^ 1}}) {
    auto parsed = parse_index_log(text, other, "L");
    ASSERT_TRUE(parsed) << parsed.error();
    EXPECT_FALSE(parsed->belongs);
    EXPECT_TRUE(parsed->body.records.empty());
  }
}

TEST(IndexLog, TornTailAtEveryLengthGivesTheWholeRecordsBeforeIt) {
  std::string text = log_with(kRecords);
  std::vector<std::size_t> ends;  // where each line ends (after '\n')
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') ends.push_back(i + 1);
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    auto parsed = parse_index_log(std::string_view(text).substr(0, cut), kTie, "L");
    ASSERT_TRUE(parsed) << cut << ": " << parsed.error();
    std::size_t whole = 0;
    while (whole < ends.size() && ends[whole] <= cut) ++whole;  // complete lines, header included
    if (whole == 0) {
      EXPECT_FALSE(parsed->belongs) << cut;
      EXPECT_EQ(parsed->body.torn_tail, cut > 0) << cut;
      continue;
    }
    ASSERT_TRUE(parsed->belongs) << cut;
    EXPECT_EQ(parsed->body.records, std::vector<IndexLogRecord>(kRecords.begin(), kRecords.begin() + (whole - 1)))
        << cut;
    EXPECT_EQ(parsed->body.torn_tail, cut != ends[whole - 1]) << cut;
    EXPECT_EQ(parsed->header_bytes + parsed->body.used_bytes, ends[whole - 1]) << cut;
  }
}

TEST(IndexLog, ZerosOrAGarbledLastLineAreATornTail) {
  std::string text = log_with(kRecords);
  std::string zeros = text + std::string(100, '\0');
  auto parsed = parse_index_log(zeros, kTie, "L");
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(parsed->body.records, kRecords);
  EXPECT_TRUE(parsed->body.torn_tail);
  std::string garbled = text;
  garbled[garbled.size() - 14] = '9';  // a digit in the last record: its check fails
  parsed = parse_index_log(garbled, kTie, "L");
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(parsed->body.records.size(), 2u);
  EXPECT_TRUE(parsed->body.torn_tail);
}

TEST(IndexLog, BadLineBeforeOthersIsAnErrorWithFileAndLine) {
  std::string text = log_with(kRecords);
  std::size_t second = text.find('\n', text.find('\n') + 1) + 1;  // line 3
  std::string bad = text;
  bad[second] = bad[second] == '1' ? '2' : '1';  // 11 -> 21: the check no longer matches
  auto parsed = parse_index_log(bad, kTie, "/m/hamail-uids.log");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error(), "/m/hamail-uids.log:3: check value does not match the line");
  EXPECT_FALSE(parse_index_log("hamail-uids-log v2 1 0000000000000000\n", kTie, "L"));
  auto header = parse_index_log("hamail-uids v2 1 2 3 0\n", kTie, "/m/L");
  ASSERT_FALSE(header);
  EXPECT_TRUE(header.error().starts_with("/m/L:1: expected header 'hamail-uids-log v1")) << header.error();
}

TEST(IndexLog, RecordFormatIsStrict) {
  // Each line carries a correct check value, so only its format can make it bad.
  auto with_check = [](const std::string& body) {
    std::uint32_t h = 0x811c9dc5u;
    for (unsigned char c : body) h = (h ^ c) * 0x01000193u;
    char hex[9];
    std::snprintf(hex, sizeof hex, "%08x", h);
    return body + " #" + hex + "\n";
  };
  std::string ok = with_check("5 1 S");
  auto good = parse_index_log_records(ok + ok, 2, "L");
  ASSERT_TRUE(good) << good.error();
  EXPECT_EQ(good->records.size(), 2u);
  for (const char* body : {"5 1 S 2", "5  1 S", " 5 1 S", "05 1 S", "0 1 S", "5 0 S", "5 1 SF", "5 1 SS", "5 1 S1",
                           "5 2 S 1 F", "5 2 S 2 F", "5", "x 1 S", "5 1 -S"}) {
    auto parsed = parse_index_log_records(with_check(body) + ok, 2, "L");
    ASSERT_FALSE(parsed) << body;
    EXPECT_TRUE(parsed.error().starts_with("L:2: ")) << body << ": " << parsed.error();
  }
}

}  // namespace
}  // namespace hamail::mailsvc::store

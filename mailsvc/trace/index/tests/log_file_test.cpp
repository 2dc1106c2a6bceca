#include "hamail/mailsvc/traceindex/log_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>

#include "temp_dir.h"

namespace hamail::mailsvc::traceindex {
namespace {

using testing::TempDir;

std::vector<std::string> texts(const LogBatch& b) {
  std::vector<std::string> out;
  for (const auto& l : b.lines) out.push_back(l.text);
  return out;
}

TEST(LogFile, HandsOutCompleteLinesOnlyAndResumesFromThePosition) {
  TempDir dir;
  dir.append("a.log", "one\ntwo\nthr");
  auto f = LogFile::open(dir.file("a.log"), std::nullopt);
  ASSERT_TRUE(f) << f.error();
  auto b = f->next(100);
  ASSERT_TRUE(b);
  EXPECT_EQ(texts(*b), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(b->lines[1].number, 2u);
  EXPECT_EQ(b->end.offset, 8u);
  EXPECT_EQ(b->end.line, 2u);

  dir.append("a.log", "ee\nfour\n");
  auto again = LogFile::open(dir.file("a.log"), b->end);  // as after a restart
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->restarted());
  auto c = again->next(100);
  ASSERT_TRUE(c);
  EXPECT_EQ(texts(*c), (std::vector<std::string>{"three", "four"}));
  EXPECT_EQ(c->lines[0].number, 3u);
  auto d = again->next(100);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->lines.empty());
}

TEST(LogFile, BatchesAreBounded) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 10; ++i) text += "line" + std::to_string(i) + "\n";
  dir.append("a.log", text);
  auto f = LogFile::open(dir.file("a.log"), std::nullopt);
  ASSERT_TRUE(f);
  auto b1 = f->next(4), b2 = f->next(4), b3 = f->next(4);
  ASSERT_TRUE(b1 && b2 && b3);
  EXPECT_EQ(b1->lines.size(), 4u);
  EXPECT_EQ(b2->lines.size(), 4u);
  EXPECT_EQ(texts(*b3), (std::vector<std::string>{"line8", "line9"}));
  EXPECT_EQ(b3->end.offset, text.size());
}

TEST(LogFile, RotatedOrTruncatedFileIsReadFromTheStart) {
  TempDir dir;
  dir.append("a.log", "old1\nold2\n");
  auto f = LogFile::open(dir.file("a.log"), std::nullopt);
  ASSERT_TRUE(f);
  auto b = f->next(100);
  ASSERT_TRUE(b);
  FilePosition saved = b->end;

  // Rotation: the file is renamed away and a new one (another inode) takes its name.
  ASSERT_EQ(std::rename(dir.file("a.log").c_str(), dir.file("a.log.1").c_str()), 0);
  dir.append("a.log", "new1\n");
  auto rotated = LogFile::open(dir.file("a.log"), saved);
  ASSERT_TRUE(rotated);
  EXPECT_TRUE(rotated->restarted());
  auto r = rotated->next(100);
  ASSERT_TRUE(r);
  EXPECT_EQ(texts(*r), (std::vector<std::string>{"new1"}));

  // Truncation (copytruncate): the same inode, shorter than the saved offset.
  ASSERT_EQ(::truncate(dir.file("a.log.1").c_str(), 0), 0);
  dir.append("a.log.1", "x\n");
  auto truncated = LogFile::open(dir.file("a.log.1"), saved);
  ASSERT_TRUE(truncated);
  EXPECT_TRUE(truncated->restarted());
  auto t = truncated->next(100);
  ASSERT_TRUE(t);
  EXPECT_EQ(texts(*t), (std::vector<std::string>{"x"}));
}

TEST(LogFile, OverlongLineIsSkippedWithAnErrorNamingIt) {
  TempDir dir;
  dir.append("a.log", "first\n" + std::string(kMaxLine + 10, 'z') + "\nafter\n");
  auto f = LogFile::open(dir.file("a.log"), std::nullopt);
  ASSERT_TRUE(f);
  std::vector<std::string> lines, errors;
  for (int i = 0; i < 5; ++i) {
    auto b = f->next(100);
    ASSERT_TRUE(b);
    for (auto& t : texts(*b)) lines.push_back(t);
    for (auto& e : b->errors) errors.push_back(e);
  }
  EXPECT_EQ(lines, (std::vector<std::string>{"first", "after"}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].rfind("line 2: longer than", 0), 0u) << errors[0];
}

TEST(LogFile, MissingFileIsAnErrorNamingIt) {
  auto f = LogFile::open("/nonexistent/x.log", std::nullopt);
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().find("/nonexistent/x.log"), std::string::npos);
}

}  // namespace
}  // namespace hamail::mailsvc::traceindex

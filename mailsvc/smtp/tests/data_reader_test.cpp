// The DATA phase: dot-unstuffing, the CRLF.CRLF end only, bare LF and CR stored as CRLF,
// the size limit, and the same result for every split of the input.
#include "hamail/mailsvc/smtp/data_reader.h"

#include <gtest/gtest.h>

#include <string>

namespace hamail::mailsvc::smtp {
namespace {

struct Read {
  bool ended = false;
  std::size_t consumed = 0;
  std::string data;
};

Read read_all(std::string_view in, std::uint64_t max = 1 << 20) {
  DataReader r(max);
  Read out;
  for (char c : in) {
    ++out.consumed;
    if (r.push(c)) {
      out.ended = true;
      break;
    }
  }
  out.data = r.data();
  return out;
}

TEST(SmtpDataReader, EndsAtDotLine) {
  auto r = read_all("Subject: x\r\n\r\nhello\r\n.\r\nMAIL FROM");
  EXPECT_TRUE(r.ended);
  EXPECT_EQ(r.data, "Subject: x\r\n\r\nhello\r\n");
  EXPECT_EQ(r.consumed, std::string("Subject: x\r\n\r\nhello\r\n.\r\n").size());
}

TEST(SmtpDataReader, EmptyMessage) {
  auto r = read_all(".\r\n");
  EXPECT_TRUE(r.ended);
  EXPECT_EQ(r.data, "");
}

TEST(SmtpDataReader, Unstuffing) {
  auto r = read_all("..\r\n...x\r\n.y\r\na.b\r\n.\r\n");
  EXPECT_TRUE(r.ended);
  EXPECT_EQ(r.data, ".\r\n..x\r\ny\r\na.b\r\n");
}

TEST(SmtpDataReader, NoSmugglingWithBareLf) {
  // None of these ends the message; all bytes are kept (bare LF stored as CRLF).
  auto r = read_all("a\n.\nb\r\n.\nc\n.\r\nd\r\n.\r\n");
  EXPECT_TRUE(r.ended);
  EXPECT_EQ(r.data, "a\r\n.\r\nb\r\n.\r\nc\r\n.\r\nd\r\n");
}

TEST(SmtpDataReader, BareCrIsStoredAsCrlf) {
  // Nothing ends the message early and no bare CR is stored (none reaches a relay), but
  // no byte is lost either: each bare CR becomes a line end.
  DataReader r(1 << 20);
  bool ended = false;
  for (char c : std::string_view("a\rb\r\r\n.\rx\r\n\r.\r\ny\r\n.\r\n")) ended = r.push(c);
  EXPECT_TRUE(ended);
  EXPECT_EQ(r.data(), "a\r\nb\r\n\r\n.\r\nx\r\n\r\n.\r\ny\r\n");
  EXPECT_EQ(r.bare_cr_count(), 4u);
  EXPECT_EQ(r.data().find("\r\r"), std::string::npos);
}

TEST(SmtpDataReader, NotEndedWithoutFinalCrlf) {
  EXPECT_FALSE(read_all("abc\r\n.").ended);
  EXPECT_FALSE(read_all("abc\r\n.\r").ended);
  EXPECT_FALSE(read_all("abc.\r\n").ended);
}

TEST(SmtpDataReader, SizeLimitCountsButDoesNotKeep) {
  DataReader r(5);
  std::string in = "0123456789\r\n.\r\n";
  bool ended = false;
  for (char c : in) ended = r.push(c);
  EXPECT_TRUE(ended);
  EXPECT_TRUE(r.too_big());
  EXPECT_EQ(r.size(), 12u);
  EXPECT_EQ(r.data().size(), 5u);
}

TEST(SmtpDataReader, ExactlyAtLimitIsFine) {
  DataReader r(7);
  for (char c : std::string("hello\r\n.\r\n")) r.push(c);
  EXPECT_FALSE(r.too_big());
  EXPECT_EQ(r.data(), "hello\r\n");
}

TEST(SmtpDataReader, PushSomeIsPushByteByByte) {
  // The fast path for runs of text gives exactly what single pushes give, for every
  // input of the other tests, every split and a small hold.
  const std::string inputs[] = {"Subject: x\r\n\r\nhello\r\n.\r\nMAIL FROM", "..\r\n...x\r\n.y\r\na.b\r\n.\r\n",
                                "a\n.\nb\r\n.\nc\n.\r\nd\r\n.\r\n", "a\rb\r\r\n.\rx\r\n\r.\r\ny\r\n.\r\n",
                                std::string(5000, 'z') + "\r\n.\r\n", "abc\r\n."};
  for (const auto& in : inputs) {
    for (std::uint64_t max : {std::uint64_t{1} << 20, std::uint64_t{7}}) {
      DataReader one(max);
      std::size_t one_used = 0;
      bool one_ended = false;
      for (char c : in) {
        ++one_used;
        if (one.push(c)) {
          one_ended = true;
          break;
        }
      }
      for (std::size_t hold : {std::size_t{1}, std::size_t{3}, std::size_t{100}, std::size_t{1} << 20}) {
        DataReader many(max);
        std::string got;
        std::size_t pos = 0;
        bool ended = false;
        while (!ended && pos < in.size()) {
          std::size_t used = 0;
          ended = many.push_some(std::string_view(in).substr(pos), hold, used);
          pos += used;
          EXPECT_LE(many.data().size(), hold + 3) << in;  // one push writes at most 4 bytes (".\r\nx")
          got += many.take_data();
        }
        EXPECT_EQ(ended, one_ended) << in;
        EXPECT_EQ(pos, one_used) << in;
        EXPECT_EQ(got, one.data()) << in << " hold " << hold;
        EXPECT_EQ(many.size(), one.size());
      }
    }
  }
}

}  // namespace
}  // namespace hamail::mailsvc::smtp

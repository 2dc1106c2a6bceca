// CommandReader: commands and literals framed from any split of the input, continuation
// requests, the limits (line, literal size, literal count, command size) and what each
// overrun does (refusal without reading, or BYE), line mode, bounded buffering.
#include "hamail/mailsvc/imap/command_reader.h"

#include <gtest/gtest.h>

#include <random>

#include "imap_test_util.h"

namespace hamail::mailsvc::imap {
namespace {

using namespace std::string_literals;
using test::read_all;
using Events = std::vector<std::string>;

ReaderLimits small_limits() {
  ReaderLimits l;
  l.max_line = 64;
  l.max_literal = 10;
  l.max_command = 100;
  l.max_message = 1000;
  l.max_literals = 3;
  return l;
}

TEST(CommandReader, CommandsOneByOne) {
  CommandReader r;
  EXPECT_EQ(read_all(r, "a1 NOOP\r\na2 CAPABILITY\r\nb3 LOGOUT\n"),
            (Events{"command a1 a1 NOOP", "command a2 a2 CAPABILITY", "command b3 b3 LOGOUT"}));
}

TEST(CommandReader, StopsAfterEachEventSoTheModeCanChange) {
  CommandReader r;
  std::string in = "a1 IDLE\r\nDONE\r\na2 NOOP\r\n";
  std::size_t used = 0;
  auto e = r.read(in, used);
  ASSERT_TRUE(e);
  EXPECT_EQ(test::describe_event(*e), "command a1 a1 IDLE");
  EXPECT_EQ(used, 9u);
  r.set_mode(ReaderMode::line);
  EXPECT_EQ(read_all(r, in.substr(used, 6)), (Events{"line DONE"}));
  r.set_mode(ReaderMode::command);
  EXPECT_EQ(read_all(r, in.substr(used + 6)), (Events{"command a2 a2 NOOP"}));
}

TEST(CommandReader, SynchronisingLiteralsAskToContinue) {
  CommandReader r;
  EXPECT_EQ(read_all(r, "a LOGIN {5}\r\nalice {6}\r\nsecret\r\n"),
            (Events{"continue", "continue", "command a a LOGIN {5} {6} [8-11:alice] [12-15:secret]"}));
}

TEST(CommandReader, NonSynchronisingAndBinaryLiterals) {
  CommandReader r;
  EXPECT_EQ(read_all(r, "a APPEND INBOX ~{3+}\r\n\0\1\2\r\n"s),
            (Events{"command a a APPEND INBOX ~{3+} [15-20 bin nonsync:\0\1\2]"s}));
  EXPECT_EQ(read_all(r, "b LOGIN {1+}\r\nx {0}\r\n\r\n"),
            (Events{"continue", "command b b LOGIN {1+} {0} [8-12 nonsync:x] [13-16:]"}));
}

TEST(CommandReader, LiteralDataIsNeverFramed) {
  CommandReader r;
  // CRLFs, a tag-like line and a literal announcement inside the data.
  EXPECT_EQ(read_all(r, "a LOGIN {12+}\r\nx\r\nb {3}\r\n\r\n y\r\n"),
            (Events{"command a a LOGIN {12+} y [8-13 nonsync:x\r\nb {3}\r\n\r\n]"}));
}

TEST(CommandReader, SynchronisingLiteralOverTheLimitIsRefusedUnread) {
  CommandReader r(small_limits());
  EXPECT_EQ(read_all(r, "a1 LOGIN {11}\r\na2 NOOP\r\n"),
            (Events{"refused a1 NO [TOOBIG] literal {11} is over the limit of 10 octets\r\n", "command a2 a2 NOOP"}));
  EXPECT_FALSE(r.mid_command());
}

TEST(CommandReader, AppendMayCarryAMessageUpToMaxMessage) {
  CommandReader r(small_limits());
  std::string message(1000, 'm');
  auto events = read_all(r, "a APPEND INBOX {1000+}\r\n" + message + "\r\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0], "command a a APPEND INBOX {1000+} [15-22 nonsync:" + message + "]");
  EXPECT_EQ(read_all(r, "b append INBOX {1001}\r\n"),
            (Events{"refused b NO [TOOBIG] literal {1001} is over the limit of 1000 octets\r\n"}));
}

TEST(CommandReader, NonSynchronisingLiteralOverTheLimitClosesTheConnection) {
  CommandReader r(small_limits());
  EXPECT_EQ(read_all(r, "a LOGIN {11+}\r\nsecret-data\r\nb NOOP\r\n"),
            (Events{"close * BYE [TOOBIG] non-synchronising literal {11+} is over the limit of 10 octets\r\n"}));
  EXPECT_TRUE(r.closed());
  std::size_t used = 0;
  EXPECT_FALSE(r.read("c NOOP\r\n", used));
  EXPECT_EQ(used, 8u);
  EXPECT_EQ(r.buffered_bytes(), 0u);
}

TEST(CommandReader, HugeLiteralSizesSaturate) {
  CommandReader r;
  EXPECT_EQ(read_all(r, "a LOGIN {99999999999999999999999999}\r\n"),
            (Events{"refused a NO [TOOBIG] literal {99999999999999999999999999} is over the limit of 65536 octets\r\n"}));
  EXPECT_EQ(read_all(r, "a LOGIN {18446744073709551616+}\r\n").at(0).substr(0, 21), "close * BYE [TOOBIG] ");
}

TEST(CommandReader, TooManyLiterals) {
  CommandReader r(small_limits());
  EXPECT_EQ(read_all(r, "a X {1}\r\n1 {1}\r\n2 {1}\r\n3 {1}\r\nb NOOP\r\n"),
            (Events{"continue", "continue", "continue", "refused a BAD more than 3 literals in one command\r\n",
                    "command b b NOOP"}));
  EXPECT_EQ(read_all(r, "a X {1+}\r\n1 {1+}\r\n2 {1+}\r\n3 {1+}\r\n4\r\n"),
            (Events{"close * BYE non-synchronising more than 3 literals in one command\r\n"}));
}

TEST(CommandReader, CommandSizeCountsLinesAndLiterals) {
  CommandReader r(small_limits());  // 100 octets per command
  std::string line(50, 'x');
  EXPECT_EQ(read_all(r, "a " + line + " {10}\r\n0123456789 " + std::string(40, 'y') + " {10}\r\n"),
            (Events{"continue", "refused a NO [TOOBIG] literal {10} makes the command longer than 100 octets\r\n"}));
}

TEST(CommandReader, LineTooLongCloses) {
  CommandReader r(small_limits());  // 64 octets per line, CRLF included
  std::string ok = "a " + std::string(60, 'x') + "\r\n";
  ASSERT_EQ(ok.size(), 64u);
  EXPECT_EQ(read_all(r, ok), (Events{"command a " + ok.substr(0, 62)}));
  EXPECT_EQ(read_all(r, "a " + std::string(61, 'x') + "\r\n"),
            (Events{"close * BYE line is longer than 64 octets\r\n"}));
  // Without a line end the reader gives up as soon as the limit is passed.
  CommandReader r2(small_limits());
  EXPECT_EQ(read_all(r2, std::string(65, 'x')), (Events{"close * BYE line is longer than 64 octets\r\n"}));
}

TEST(CommandReader, InvalidTagsAreStar) {
  CommandReader r(small_limits());
  EXPECT_EQ(read_all(r, "a+b LOGIN {11}\r\n* NOOP\r\n\r\n"),
            (Events{"refused * NO [TOOBIG] literal {11} is over the limit of 10 octets\r\n", "command * * NOOP",
                    "command * "}));
}

TEST(CommandReader, LineModeTakesLinesAsTheyAre) {
  CommandReader r(small_limits());
  r.set_mode(ReaderMode::line);
  EXPECT_EQ(read_all(r, "dGVzdA== {5}\r\n\r\nDONE\n"), (Events{"line dGVzdA== {5}", "line ", "line DONE"}));
  EXPECT_EQ(read_all(r, std::string(70, 'A') + "\r\n"), (Events{"close * BYE line is longer than 64 octets\r\n"}));
}

TEST(CommandReaderDeathTest, ModeChangesOnlyBetweenCommands) {
  CommandReader r;
  std::size_t used = 0;
  EXPECT_FALSE(r.read("a NOOP", used));
  EXPECT_DEATH(r.set_mode(ReaderMode::line), "reader mode changes only between commands");
}

const std::string kTranscript =
    "a1 LOGIN {5}\r\nalice {6+}\r\nsecret\r\n"
    "a2 SELECT INBOX\r\n"
    "a3 APPEND Sent (\\Seen) {12}\r\nline1\r\nline2\r\n"
    "a4 SEARCH CHARSET UTF-8 SUBJECT {4+}\r\n\xc3\xa9t\xc3\r\n"
    "a5 LOGIN {0}\r\n {0+}\r\n\r\n"
    "a6 FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (From)])\n";

TEST(CommandReader, EverySplitGivesTheSameEvents) {
  CommandReader whole;
  Events expected = read_all(whole, kTranscript);
  ASSERT_EQ(expected.size(), 9u);
  for (std::size_t chunk = 1; chunk <= 13; ++chunk) {
    CommandReader r;
    EXPECT_EQ(read_all(r, kTranscript, chunk), expected) << "chunk " << chunk;
  }
  for (std::size_t cut = 0; cut <= kTranscript.size(); ++cut) {
    CommandReader r;
    Events got = read_all(r, kTranscript.substr(0, cut));
    Events rest = read_all(r, kTranscript.substr(cut));
    got.insert(got.end(), rest.begin(), rest.end());
    EXPECT_EQ(got, expected) << "cut at " << cut;
  }
}

TEST(CommandReader, BufferingStaysWithinTheLimitsWhateverComes) {
  ReaderLimits limits = small_limits();
  std::mt19937 rng(7);
  const std::string pieces[] = {"a ", "APPEND ", "x", "{5}\r\n", "{9+}\r\n", "{1000+}\r\n", "\r\n", "\n",
                                std::string(40, 'y'), "~{3}\r\n", " ", "{0}\r\n"};
  for (int round = 0; round < 200; ++round) {
    CommandReader r(limits);
    for (int i = 0; i < 300 && !r.closed(); ++i) {
      const std::string& p = pieces[rng() % std::size(pieces)];
      std::string_view in = p;
      while (!in.empty()) {
        std::size_t used = 0;
        (void)r.read(in, used);
        in.remove_prefix(used);
        ASSERT_LE(r.buffered_bytes(), limits.max_line + limits.max_command + limits.max_message);
      }
    }
  }
}

}  // namespace
}  // namespace hamail::mailsvc::imap

// The value types and response helpers: sequence sets (parse, resolve, compress), dates
// and date-times (parse, check, Unix time, format), strings as quoted or literal, flag
// lists, printable error text.
#include <gtest/gtest.h>

#include "hamail/mailsvc/imap/date_time.h"
#include "hamail/mailsvc/imap/flags.h"
#include "hamail/mailsvc/imap/response_text.h"
#include "hamail/mailsvc/imap/sequence_set.h"

namespace hamail::mailsvc::imap {
namespace {

using Ranges = std::vector<SequenceRange>;

TEST(SequenceSet, ParseAndPrint) {
  auto s = parse_sequence_set("1:5,7,*:9,3");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->ranges, (Ranges{{1, 5}, {7, 7}, {kStar, 9}, {3, 3}}));
  EXPECT_TRUE(s->has_star());
  EXPECT_EQ(to_string(*s), "1:5,7,*:9,3");
  EXPECT_EQ(to_string(*parse_sequence_set("$")), "$");
  EXPECT_EQ(parse_sequence_set("4294967295")->ranges, (Ranges{{4294967295u, 4294967295u}}));
  for (const char* bad : {"", ",", "1,", ":", "1:", "0", "01", "1:0", "a", "$,1", "**", "1::2", "4294967296", "-1"})
    EXPECT_FALSE(parse_sequence_set(bad)) << bad;
}

TEST(SequenceSet, ResolveAndContains) {
  SequenceSet s = *parse_sequence_set("7:5,2,3,10:*,1");
  EXPECT_EQ(s.resolve(12), (Ranges{{1, 3}, {5, 7}, {10, 12}}));
  EXPECT_EQ(s.resolve(8), (Ranges{{1, 3}, {5, 10}}));  // "10:*" with 8 messages is 8:10
  EXPECT_EQ(s.resolve(0), (Ranges{{1, 10}}));  // "10:*" is "0:10": nothing there exists
  EXPECT_EQ(parse_sequence_set("*")->resolve(0), Ranges{});
  EXPECT_TRUE(s.contains(6, 12));
  EXPECT_FALSE(s.contains(4, 12));
  EXPECT_TRUE(s.contains(12, 12));
  EXPECT_FALSE(s.contains(13, 12));
  EXPECT_TRUE(parse_sequence_set("559:*")->contains(100, 100));  // RFC 9051 6.4.9: includes the last UID
}

TEST(SequenceSet, Compression) {
  std::vector<std::uint32_t> uids = {1, 2, 3, 4, 5, 7};
  EXPECT_EQ(format_sequence_set(uids), "1:5,7");
  uids = {304, 319, 320};
  EXPECT_EQ(format_sequence_set(uids), "304,319:320");
  uids = {5, 4, 3};  // the order is kept (COPYUID pairs source and destination UIDs)
  EXPECT_EQ(format_sequence_set(uids), "5,4,3");
  uids = {4294967294u, 4294967295u, 1};
  EXPECT_EQ(format_sequence_set(uids), "4294967294:4294967295,1");
  EXPECT_EQ(format_sequence_set({}), "");
}

TEST(DateTime, ParseDates) {
  EXPECT_EQ(*parse_date("1-Feb-1994"), (Date{1994, 2, 1}));
  EXPECT_EQ(*parse_date("29-feb-2000"), (Date{2000, 2, 29}));
  EXPECT_EQ(parse_date("29-Feb-1900").error(), "bad date '29-Feb-1900': no such day in that month");
  EXPECT_EQ(parse_date("0-Jan-2000").error(), "bad date '0-Jan-2000': no such day in that month");
  EXPECT_FALSE(parse_date("1-Jan-2000x"));
  EXPECT_FALSE(parse_date("123-Jan-2000"));
  EXPECT_FALSE(parse_date("1 Jan 2000"));
  EXPECT_EQ(Date{}.days_since_epoch(), 0);
  EXPECT_EQ((Date{2000, 3, 1}).days_since_epoch(), 11017);
  EXPECT_EQ((Date{1969, 12, 31}).days_since_epoch(), -1);
}

TEST(DateTime, ParseDateTimes) {
  auto t = parse_date_time("17-Jul-1996 02:44:25 -0700");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->zone_minutes, -420);
  EXPECT_EQ(t->unix_seconds(), 837596665);
  t = parse_date_time(" 7-Jul-1996 02:44:25 +0130");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->date.day, 7);
  EXPECT_EQ(t->zone_minutes, 90);
  for (const char* bad : {"17-Jul-1996 24:00:00 +0000", "17-Jul-1996 02:60:00 +0000", "17-Jul-1996 02:44:25 +0060",
                          "17-Jul-1996 02:44:25", "17-Jul-1996 2:44:25 +0000", "17-Jul-1996 02:44:25 0700",
                          "7-Jul-1996 02:44:25 +0000", "17-Jul-1996 02:44:25 +0000 ", "31-Jun-1996 02:44:25 +0000"})
    EXPECT_FALSE(parse_date_time(bad)) << bad;
}

TEST(DateTime, Format) {
  EXPECT_EQ(format_date_time(837596665, -420), "17-Jul-1996 02:44:25 -0700");
  EXPECT_EQ(format_date_time(837596665, 0), "17-Jul-1996 09:44:25 +0000");
  EXPECT_EQ(format_date_time(0, 90), "01-Jan-1970 01:30:00 +0130");
  EXPECT_EQ(format_date_time(-1, 0), "31-Dec-1969 23:59:59 +0000");
  EXPECT_EQ(format_date_time(951782400, 0), "29-Feb-2000 00:00:00 +0000");
  for (std::int64_t s : {0LL, 837596665LL, 4102444799LL, -86401LL}) {
    auto back = parse_date_time(format_date_time(s, -330));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->unix_seconds(), s);
  }
}

TEST(ResponseText, Strings) {
  EXPECT_EQ(imap_string("hello world", false), "\"hello world\"");
  EXPECT_EQ(imap_string("say \"hi\" \\o/", false), "\"say \\\"hi\\\" \\\\o/\"");
  EXPECT_EQ(imap_string("", false), "\"\"");
  EXPECT_EQ(imap_string("two\r\nlines", false), "{10}\r\ntwo\r\nlines");
  EXPECT_EQ(imap_string("caf\xc3\xa9", false), "{5}\r\ncaf\xc3\xa9");
  EXPECT_EQ(imap_string("caf\xc3\xa9", true), "\"caf\xc3\xa9\"");
  EXPECT_EQ(imap_string("bad\xff", true), "{4}\r\nbad\xff");
  EXPECT_EQ(imap_string(std::string(1024, 'x'), false).size(), 1026u);
  EXPECT_EQ(imap_string(std::string(1025, 'x'), false).substr(0, 8), "{1025}\r\n");
  EXPECT_EQ(imap_nstring(std::nullopt, false), "NIL");
  EXPECT_EQ(imap_nstring(std::string("NIL"), false), "\"NIL\"");
  EXPECT_EQ(imap_mailbox("Entw\xc3\xbcrfe", MailboxEncoding::modified_utf7), "\"Entw&APw-rfe\"");
  EXPECT_EQ(imap_mailbox("Entw\xc3\xbcrfe", MailboxEncoding::utf8), "\"Entw\xc3\xbcrfe\"");
}

TEST(ResponseText, FlagsAndPrintable) {
  std::vector<Flag> flags = {{"\\Seen"}, {"$Forwarded"}};
  EXPECT_EQ(render_flag_list(flags), "(\\Seen $Forwarded)");
  EXPECT_EQ(render_flag_list({}), "()");
  EXPECT_EQ(canonical_system_flag("\\SEEN"), "\\Seen");
  EXPECT_EQ(canonical_system_flag("\\recent"), "\\Recent");
  EXPECT_EQ(canonical_system_flag("\\Sent"), "");
  EXPECT_TRUE(Flag{"\\Draft"}.system());
  EXPECT_FALSE(Flag{"Draft"}.system());
  EXPECT_EQ(printable("a\r\nb\x80"), "a??b?");
  EXPECT_EQ(printable("abcdef", 3), "abc...");
}

}  // namespace
}  // namespace hamail::mailsvc::imap

// parse_command for SEARCH (every RFC 3501 key, nested NOT/OR/lists, CHARSET, ESEARCH
// RETURN, MODSEQ, the depth bound), SORT and THREAD.
#include <gtest/gtest.h>

#include "hamail/mailsvc/imap/parse_command.h"
#include "imap_test_util.h"

namespace hamail::mailsvc::imap {
namespace {

using test::error_of;
using test::parsed;

std::string tree(std::string_view wire) { return describe(parsed<Search>(wire).key); }

TEST(ParseSearch, EveryRfc3501Key) {
  EXPECT_EQ(tree("a SEARCH ALL ANSWERED DELETED DRAFT FLAGGED RECENT SEEN NEW OLD\r\n"),
            "AND(ALL,FLAG \\Answered,FLAG \\Deleted,FLAG \\Draft,FLAG \\Flagged,FLAG \\Recent,FLAG \\Seen,"
            "AND(FLAG \\Recent,NOFLAG \\Seen),NOFLAG \\Recent)");
  EXPECT_EQ(tree("a SEARCH UNANSWERED UNDELETED UNDRAFT UNFLAGGED UNSEEN KEYWORD $Junk UNKEYWORD work\r\n"),
            "AND(NOFLAG \\Answered,NOFLAG \\Deleted,NOFLAG \\Draft,NOFLAG \\Flagged,NOFLAG \\Seen,FLAG $Junk,"
            "NOFLAG work)");
  EXPECT_EQ(tree("a SEARCH BCC a CC b FROM \"Smith\" SUBJECT {5}\r\nhi yo TO d HEADER X-Spam yes\r\n"),
            "AND(HEADER Bcc \"a\",HEADER Cc \"b\",HEADER From \"Smith\",HEADER Subject \"hi yo\",HEADER To \"d\","
            "HEADER X-Spam \"yes\")");
  EXPECT_EQ(tree("a SEARCH BODY x TEXT \"y z\" LARGER 1024 SMALLER 10\r\n"),
            "AND(BODY \"x\",TEXT \"y z\",LARGER 1024,SMALLER 10)");
  EXPECT_EQ(tree("a SEARCH BEFORE 1-Feb-1994 ON \"01-feb-1994\" SINCE 29-Feb-2024 SENTBEFORE 1-Jan-2000 "
                 "SENTON 31-Dec-1999 SENTSINCE 2-Mar-2001\r\n"),
            "AND(BEFORE 1-Feb-1994,ON 1-Feb-1994,SINCE 29-Feb-2024,SENTBEFORE 1-Jan-2000,SENTON 31-Dec-1999,"
            "SENTSINCE 2-Mar-2001)");
  EXPECT_EQ(tree("a SEARCH UID 1:5,7 2:* $\r\n"), "AND(UID 1:5,7,SET 2:*,SET $)");
}

TEST(ParseSearch, NestedOrNotAndLists) {
  EXPECT_EQ(tree("a SEARCH OR FROM a (NOT SEEN LARGER 5)\r\n"),
            "AND(OR(HEADER From \"a\",AND(NOT(FLAG \\Seen),LARGER 5)))");
  EXPECT_EQ(tree("a SEARCH NOT OR NOT DELETED OR SEEN (FLAGGED ANSWERED) UID 3\r\n"),
            "AND(NOT(OR(NOT(FLAG \\Deleted),OR(FLAG \\Seen,AND(FLAG \\Flagged,FLAG \\Answered)))),UID 3)");
  EXPECT_EQ(tree("a SEARCH ((((ALL))))\r\n"), "AND(AND(AND(AND(AND(ALL)))))");
  SearchKey k = parsed<Search>("a SEARCH OR SEEN NOT DRAFT\r\n").key;
  const auto& top = std::get<SearchAnd>(k.node);
  ASSERT_EQ(top.keys.size(), 1u);
  const auto& orkey = std::get<SearchOr>(top.keys[0].node);
  EXPECT_EQ(std::get<SearchFlag>(orkey.keys[0].node).flag.name, "\\Seen");
  EXPECT_EQ(std::get<SearchFlag>(std::get<SearchNot>(orkey.keys[1].node).key[0].node).flag.name, "\\Draft");
}

TEST(ParseSearch, NestingIsBounded) {
  std::string deep = "a SEARCH ";
  for (int i = 0; i < kMaxSearchDepth - 1; ++i) deep += "NOT ";
  EXPECT_TRUE(test::parse(deep + "ALL\r\n"));
  EXPECT_EQ(error_of(deep + "NOT ALL\r\n"), "SEARCH: search keys nested deeper than 32 at column 138");
  std::string parens = "a SEARCH " + std::string(20000, '(');  // would overflow the stack unbounded
  EXPECT_EQ(error_of(parens + "\r\n").substr(0, 42), "SEARCH: search keys nested deeper than 32 ");
}

TEST(ParseSearch, CharsetAndReturn) {
  Search s = parsed<Search>("a UID SEARCH RETURN (MIN COUNT) CHARSET utf-8 TEXT {2}\r\n\xc3\xa9\r\n");
  EXPECT_TRUE(s.uid);
  EXPECT_EQ(s.charset, "UTF-8");
  ASSERT_TRUE(s.returns);
  EXPECT_TRUE(s.returns->min && s.returns->count && !s.returns->max && !s.returns->all && !s.returns->save);
  EXPECT_EQ(describe(s.key), "AND(TEXT \"\xc3\xa9\")");
  s = parsed<Search>("a SEARCH RETURN () ALL\r\n");
  EXPECT_TRUE(s.returns && s.returns->all);
  s = parsed<Search>("a SEARCH RETURN (SAVE) CHARSET \"US-ASCII\" 1:3\r\n");
  EXPECT_TRUE(s.returns->save && !s.returns->all);
  EXPECT_EQ(s.charset, "US-ASCII");
  EXPECT_FALSE(parsed<Search>("a SEARCH ALL\r\n").returns);
  EXPECT_EQ(error_of("a SEARCH RETURN (FIRST) ALL\r\n"), "SEARCH: unknown RETURN option 'FIRST' at column 18");
  EXPECT_EQ(error_of("a SEARCH CHARSET UTF-8\r\n"), "SEARCH: expected a space at the end of the command");
}

TEST(ParseSearch, ModSeq) {
  EXPECT_EQ(tree("a SEARCH MODSEQ 620162338\r\n"), "AND(MODSEQ 620162338)");
  EXPECT_EQ(tree("a SEARCH MODSEQ \"/flags/\\\\draft\" all 620162338\r\n"),
            "AND(MODSEQ \"/flags/\\draft\" ALL 620162338)");
  EXPECT_EQ(error_of("a SEARCH MODSEQ \"/x\" all 1\r\n"), "SEARCH: the entry name must start with /flags/ at column 17");
  EXPECT_EQ(error_of("a SEARCH MODSEQ \"/flags/x\" mine 1\r\n"),
            "SEARCH: the entry type must be priv, shared or all at column 28");
}

TEST(ParseSearch, Malformed) {
  EXPECT_EQ(error_of("a SEARCH\r\n"), "SEARCH: expected a space at the end of the command");
  EXPECT_EQ(error_of("a SEARCH SENDER x\r\n"), "SEARCH: unknown search key 'SENDER' at column 10");
  EXPECT_EQ(error_of("a SEARCH FROM\r\n"), "SEARCH: expected a space at the end of the command");
  EXPECT_EQ(error_of("a SEARCH OR SEEN\r\n"), "SEARCH: expected a space at the end of the command");
  EXPECT_EQ(error_of("a SEARCH ()\r\n"), "SEARCH: expected a search key at column 11");
  EXPECT_EQ(error_of("a SEARCH (SEEN\r\n"), "SEARCH: expected ')' closing a list of search keys at the end of the command");
  EXPECT_EQ(error_of("a SEARCH SEEN)\r\n"), "SEARCH: unexpected ')' at column 14");
  EXPECT_EQ(error_of("a SEARCH BEFORE 30-Feb-2024\r\n"), "SEARCH: bad date '30-Feb-2024': no such day in that month at column 17");
  EXPECT_EQ(error_of("a SEARCH SINCE 1-Foo-2024\r\n"),
            "SEARCH: bad date '1-Foo-2024': unknown month (Jan, Feb, ... Dec) at column 16");
  EXPECT_EQ(error_of("a SEARCH SINCE 1-Jan-24\r\n"), "SEARCH: bad date '1-Jan-24': expected dd-Mon-yyyy at column 16");
  EXPECT_EQ(error_of("a SEARCH LARGER -1\r\n"), "SEARCH: expected a size in octets (a number) at column 17");
  EXPECT_EQ(error_of("a SEARCH KEYWORD \\Seen\r\n"), "SEARCH: expected a keyword at column 18");
  EXPECT_EQ(error_of("a SEARCH SEEN  ALL\r\n"), "SEARCH: expected a search key at column 15");
  EXPECT_EQ(error_of("a SEARCH 1:2:3\r\n"),
            "SEARCH: bad sequence set '1:2:3': '1:2:3' is not a number from 1 to 4294967295, '*' or a range of them at column 10");
}

TEST(ParseSortThread, Sort) {
  Sort s = parsed<Sort>("a UID SORT (REVERSE DATE subject ARRIVAL CC FROM SIZE REVERSE TO) UTF-8 SINCE 1-Feb-1994 OR SEEN DRAFT\r\n");
  EXPECT_TRUE(s.uid);
  ASSERT_EQ(s.criteria.size(), 7u);
  EXPECT_EQ(s.criteria[0].key, SortKey::date);
  EXPECT_TRUE(s.criteria[0].reverse);
  EXPECT_EQ(s.criteria[1].key, SortKey::subject);
  EXPECT_FALSE(s.criteria[1].reverse);
  EXPECT_EQ(s.criteria[6].key, SortKey::to);
  EXPECT_TRUE(s.criteria[6].reverse);
  EXPECT_EQ(s.charset, "UTF-8");
  EXPECT_EQ(describe(s.key), "AND(SINCE 1-Feb-1994,OR(FLAG \\Seen,FLAG \\Draft))");
  EXPECT_EQ(error_of("a SORT (NAME) UTF-8 ALL\r\n"), "SORT: unknown sort key 'NAME' at column 9");
  EXPECT_EQ(error_of("a SORT () UTF-8 ALL\r\n"), "SORT: expected a sort key at column 9");
  EXPECT_EQ(error_of("a SORT (DATE) ALL\r\n"), "SORT: expected a space at the end of the command");
  EXPECT_EQ(error_of("a SORT (REVERSE) UTF-8 ALL\r\n"), "SORT: expected a space instead of ')' at column 16");
}

TEST(ParseSortThread, Thread) {
  Thread t = parsed<Thread>("a THREAD ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000\r\n");
  EXPECT_EQ(t.algorithm, ThreadAlgorithm::ordered_subject);
  EXPECT_FALSE(t.uid);
  EXPECT_EQ(parsed<Thread>("a UID THREAD references US-ASCII ALL\r\n").algorithm, ThreadAlgorithm::references);
  EXPECT_EQ(error_of("a THREAD REFS UTF-8 ALL\r\n"), "THREAD: unknown threading algorithm 'REFS' at column 10");
  EXPECT_EQ(error_of("a THREAD REFERENCES\r\n"), "THREAD: expected a space at the end of the command");
}

}  // namespace
}  // namespace hamail::mailsvc::imap

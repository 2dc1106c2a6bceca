// parse_command for LIST (RFC 3501 and RFC 5258 LIST-EXTENDED with SPECIAL-USE and
// LIST-STATUS) and LSUB.
#include <gtest/gtest.h>

#include "hamail/mailsvc/imap/parse_command.h"
#include "imap_test_util.h"

namespace hamail::mailsvc::imap {
namespace {

using test::error_of;
using test::parsed;

TEST(ParseList, Basic) {
  List l = parsed<List>("a LIST \"\" *\r\n");
  EXPECT_EQ(l.reference, "");
  EXPECT_EQ(l.patterns, (std::vector<std::string>{"*"}));
  EXPECT_FALSE(l.extended);
  l = parsed<List>("a LIST ~/Mail/ %]x\r\n");
  EXPECT_EQ(l.reference, "~/Mail/");
  EXPECT_EQ(l.patterns, (std::vector<std::string>{"%]x"}));
  l = parsed<List>("a list \"\" \"&ZeVnLIqe-/%\"\r\n");
  EXPECT_EQ(l.patterns, (std::vector<std::string>{"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e/%"}));
  EXPECT_EQ(parsed<List>("a LIST \"\" &ZeVnLIqe-*\r\n").patterns.at(0), "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e*");
  EXPECT_EQ(parsed<List>("a LIST \"\" {1}\r\n%\r\n").patterns.at(0), "%");
}

TEST(ParseList, Extended) {
  List l = parsed<List>("a LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (INBOX \"Sent\" %/%) RETURN (CHILDREN SPECIAL-USE "
                        "STATUS (MESSAGES UNSEEN) SUBSCRIBED)\r\n");
  EXPECT_TRUE(l.extended);
  EXPECT_TRUE(l.selection.subscribed && l.selection.recursive_match && !l.selection.remote && !l.selection.special_use);
  EXPECT_EQ(l.patterns, (std::vector<std::string>{"INBOX", "Sent", "%/%"}));
  EXPECT_TRUE(l.returns.children && l.returns.special_use && l.returns.subscribed);
  ASSERT_TRUE(l.returns.status);
  EXPECT_EQ(*l.returns.status, (std::vector<StatusItem>{StatusItem::messages, StatusItem::unseen}));
  l = parsed<List>("a LIST (SPECIAL-USE REMOTE) \"\" *\r\n");
  EXPECT_TRUE(l.extended && l.selection.special_use && l.selection.remote);
  l = parsed<List>("a LIST () \"\" % RETURN ()\r\n");
  EXPECT_TRUE(l.extended);
  EXPECT_FALSE(l.returns.status);
  EXPECT_TRUE(parsed<List>("a LIST \"\" % RETURN (CHILDREN)\r\n").returns.children);
}

TEST(ParseList, Malformed) {
  EXPECT_EQ(error_of("a LIST (RECURSIVEMATCH) \"\" %\r\n"),
            "LIST: RECURSIVEMATCH needs another selection option (SUBSCRIBED or SPECIAL-USE) at column 8");
  EXPECT_EQ(error_of("a LIST (FAVOURITES) \"\" %\r\n"), "LIST: unknown selection option 'FAVOURITES' at column 9");
  EXPECT_EQ(error_of("a LIST \"\" % RETURN (COLOUR)\r\n"), "LIST: unknown return option 'COLOUR' at column 21");
  EXPECT_EQ(error_of("a LIST \"\" % (CHILDREN)\r\n"), "LIST: expected RETURN (options) after the mailbox pattern at column 13");
  EXPECT_EQ(error_of("a LIST \"\" % RETURN (STATUS ())\r\n"), "LIST: expected a status item at column 29");
  EXPECT_EQ(error_of("a LIST \"\" ()\r\n"), "LIST: expected a mailbox pattern at column 12");
  EXPECT_EQ(error_of("a LIST \"\"\r\n"), "LIST: expected a space at the end of the command");
  EXPECT_EQ(error_of("a LIST \"\" &Jjo\r\n"),
            "LIST: mailbox name is not modified UTF-7: '&' without its closing '-' at column 11");
}

TEST(ParseList, Lsub) {
  Lsub l = parsed<Lsub>("a LSUB \"#news.\" \"comp.mail.*\"\r\n");
  EXPECT_EQ(l.reference, "#news.");
  EXPECT_EQ(l.pattern, "comp.mail.*");
  EXPECT_EQ(parsed<Lsub>("a LSUB \"\" %\r\n").pattern, "%");
  EXPECT_EQ(error_of("a LSUB \"\" (%)\r\n"), "LSUB: expected a mailbox pattern at column 11");
}

}  // namespace
}  // namespace hamail::mailsvc::imap

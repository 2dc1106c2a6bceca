// parse_command for the connection and mailbox commands: every command's happy path and
// its malformed forms, the error texts (what, where, safe to send), tags, UID forms.
#include "hamail/mailsvc/imap/parse_command.h"

#include <gtest/gtest.h>

#include <set>

#include "imap_test_util.h"

namespace hamail::mailsvc::imap {
namespace {

using namespace std::string_literals;
using test::error_of;
using test::parse;
using test::parsed;

TEST(ParseCommand, ArgumentlessCommandsInAnyCase) {
  EXPECT_EQ(command_name(*parse("a CAPABILITY\r\n")), "CAPABILITY");
  EXPECT_EQ(command_name(*parse("a noop\r\n")), "NOOP");
  EXPECT_EQ(command_name(*parse("a LogOut\r\n")), "LOGOUT");
  EXPECT_EQ(command_name(*parse("a STARTTLS\r\n")), "STARTTLS");
  EXPECT_EQ(command_name(*parse("a IDLE\r\n")), "IDLE");
  EXPECT_EQ(command_name(*parse("a NAMESPACE\r\n")), "NAMESPACE");
  EXPECT_EQ(command_name(*parse("a CHECK\r\n")), "CHECK");
  EXPECT_EQ(command_name(*parse("a CLOSE\r\n")), "CLOSE");
  EXPECT_EQ(command_name(*parse("a UNSELECT\r\n")), "UNSELECT");
  EXPECT_EQ(command_name(*parse("a EXPUNGE\r\n")), "EXPUNGE");
  EXPECT_EQ(error_of("a NOOP now\r\n"), "NOOP: unexpected ' now' at column 7");
  EXPECT_EQ(error_of("a CAPABILITY \r\n"), "CAPABILITY: unexpected ' ' at column 13");
}

// command_name() follows CommandBody's order: every alternative once, by its wire name.
TEST(ParseCommand, EveryCommandHasItsName) {
  const std::vector<std::pair<std::string, std::string>> commands = {
      {"CAPABILITY", ""}, {"NOOP", ""}, {"LOGOUT", ""}, {"ID", " NIL"}, {"ENABLE", " X"}, {"STARTTLS", ""},
      {"AUTHENTICATE", " PLAIN"}, {"LOGIN", " a b"}, {"SELECT", " a"}, {"EXAMINE", " a"}, {"CREATE", " a"},
      {"DELETE", " a"}, {"RENAME", " a b"}, {"SUBSCRIBE", " a"}, {"UNSUBSCRIBE", " a"}, {"LIST", " \"\" *"},
      {"LSUB", " \"\" *"}, {"STATUS", " a (SIZE)"}, {"APPEND", " a {1+}\r\nx"}, {"IDLE", ""}, {"NAMESPACE", ""},
      {"COMPRESS", " DEFLATE"}, {"CHECK", ""}, {"CLOSE", ""}, {"UNSELECT", ""}, {"EXPUNGE", ""},
      {"COPY", " 1 a"}, {"MOVE", " 1 a"}, {"FETCH", " 1 UID"}, {"STORE", " 1 FLAGS x"}, {"SEARCH", " ALL"},
      {"SORT", " (DATE) UTF-8 ALL"}, {"THREAD", " REFERENCES UTF-8 ALL"}, {"UID COPY", " 1 a"},
      {"UID MOVE", " 1 a"}, {"UID FETCH", " 1 UID"}, {"UID STORE", " 1 FLAGS x"}, {"UID SEARCH", " ALL"},
      {"UID SORT", " (DATE) UTF-8 ALL"}, {"UID THREAD", " REFERENCES UTF-8 ALL"}, {"UID EXPUNGE", " 1"},
  };
  std::set<std::size_t> kinds;
  for (const auto& [name, args] : commands) {
    auto c = parse("t " + name + args + "\r\n");
    ASSERT_TRUE(c) << name << ": " << c.error();
    EXPECT_EQ(command_name(*c), name);
    kinds.insert(c->body.index());
  }
  EXPECT_EQ(kinds.size(), std::variant_size_v<CommandBody>);
}

TEST(ParseCommand, Tags) {
  auto c = parse("A-1.x]y NOOP\r\n");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->tag, "A-1.x]y");
  EXPECT_EQ(error_of("a+1 NOOP\r\n"),
            "invalid tag 'a+1' (letters, digits and most punctuation; not + ( ) { % * \" \\ or controls) at column 1");
  EXPECT_EQ(error_of("* NOOP\r\n").substr(0, 13), "invalid tag '");
  EXPECT_EQ(error_of("\r\n"), "empty command line at the end of the command");
  EXPECT_EQ(error_of("abc\r\n"), "a command name must follow the tag at the end of the command");
  EXPECT_EQ(error_of("abc  NOOP\r\n"), "expected a command name at column 5");
  // The reader names an invalid tag "*", the tag a BAD answer uses.
  EXPECT_EQ(test::assemble("(x NOOP\r\n").tag, "*");
}

TEST(ParseCommand, UnknownCommandsAndUidForms) {
  EXPECT_EQ(error_of("a FETCHX 1 FLAGS\r\n"), "unknown command 'FETCHX' at column 3");
  EXPECT_EQ(error_of("a UID NOOP\r\n"), "unknown command 'UID NOOP' at column 7");
  EXPECT_EQ(error_of("a UID\r\n"), "expected a space at the end of the command");
  EXPECT_EQ(command_name(*parse("a uid expunge 1:3\r\n")), "UID EXPUNGE");
  EXPECT_EQ(to_string(*parsed<Expunge>("a UID EXPUNGE 1:3,7\r\n").uids), "1:3,7");
  EXPECT_FALSE(parsed<Expunge>("a EXPUNGE\r\n").uids);
  EXPECT_EQ(error_of("a UID EXPUNGE\r\n"), "UID EXPUNGE: expected a space at the end of the command");
}

TEST(ParseCommand, ErrorsAreSafeToSend) {
  EXPECT_EQ(error_of("a FETCH 1 (BODDY\x01\xff\r\n"), "FETCH: unknown attribute 'BODDY' at column 12");
  EXPECT_EQ(error_of("a NOOP \x01\xff\r\n"), "NOOP: unexpected ' ?\?' at column 7");
  for (char c : error_of("a LOGIN " + std::string(300, 'x') + "\x7f\r\n")) EXPECT_TRUE(c >= 0x20 && c < 0x7f);
}

TEST(ParseCommand, Login) {
  Login l = parsed<Login>("a LOGIN alice \"p a\\\"s\\\\s\"\r\n");
  EXPECT_EQ(l.user, "alice");
  EXPECT_EQ(l.password, "p a\"s\\s");
  l = parsed<Login>("a LOGIN {5}\r\nal ce {3+}\r\n\"x]\r\n");
  EXPECT_EQ(l.user, "al ce");
  EXPECT_EQ(l.password, "\"x]");
  EXPECT_EQ(parsed<Login>("a login user]x pw\r\n").user, "user]x");
  EXPECT_EQ(error_of("a LOGIN alice\r\n"), "LOGIN: expected a space at the end of the command");
  EXPECT_EQ(error_of("a LOGIN alice (pw)\r\n"), "LOGIN: expected the password at column 15");
  EXPECT_EQ(error_of("a LOGIN \"alice\r\n"), "LOGIN: unterminated quoted string for the user name at column 9");
  EXPECT_EQ(error_of("a LOGIN \"a\\lice\" x\r\n"),
            "LOGIN: in a quoted string '\\' may only escape '\"' or '\\' at column 11");
  EXPECT_EQ(error_of("a LOGIN {3}\r\na\0b x\r\n"s), "LOGIN: the user name contains a NUL octet at column 9");
  EXPECT_EQ(error_of("a LOGIN ~{3}\r\nabc x\r\n"), "LOGIN: a literal8 ~{N} is not allowed for the user name at column 9");
  EXPECT_EQ(error_of("a LOGIN {3} x\r\n"), "LOGIN: expected the user name (a literal {N} must end its line) at column 9");
  EXPECT_EQ(error_of("a LOGIN \"\xff\" x\r\n"), "LOGIN: the user name is not valid UTF-8 at column 9");
  EXPECT_EQ(parsed<Login>("a LOGIN \"j\xc3\xb6rg\" x\r\n").user, "j\xc3\xb6rg");
}

TEST(ParseCommand, Authenticate) {
  Authenticate a = parsed<Authenticate>("a AUTHENTICATE plain\r\n");
  EXPECT_EQ(a.mechanism, "PLAIN");
  EXPECT_FALSE(a.initial_response);
  a = parsed<Authenticate>("a AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==\r\n");
  EXPECT_EQ(a.initial_response, "AGFsaWNlAHNlY3JldA==");
  EXPECT_EQ(parsed<Authenticate>("a AUTHENTICATE PLAIN =\r\n").initial_response, "=");
  EXPECT_EQ(error_of("a AUTHENTICATE PLAIN abc\r\n"), "AUTHENTICATE: the initial response is not base64 at column 22");
  EXPECT_EQ(error_of("a AUTHENTICATE PLAIN a=bc\r\n"), "AUTHENTICATE: the initial response is not base64 at column 22");
  EXPECT_EQ(error_of("a AUTHENTICATE\r\n"), "AUTHENTICATE: expected a space at the end of the command");
}

TEST(ParseCommand, IdEnableCompress) {
  Id id = parsed<Id>("a ID (\"name\" \"sodr\" \"version\" NIL)\r\n");
  ASSERT_TRUE(id.fields);
  ASSERT_EQ(id.fields->size(), 2u);
  EXPECT_EQ(id.fields->at(0).first, "name");
  EXPECT_EQ(id.fields->at(0).second, "sodr");
  EXPECT_FALSE(id.fields->at(1).second);
  EXPECT_FALSE(parsed<Id>("a ID NIL\r\n").fields);
  EXPECT_TRUE(parsed<Id>("a ID ()\r\n").fields->empty());
  EXPECT_EQ(error_of("a ID (\"name\")\r\n"), "ID: expected a space instead of ')' at column 13");
  std::string many = "a ID (";
  for (int i = 0; i < 31; ++i) many += (i ? " " : "") + std::string("\"f\" \"v\"");
  EXPECT_EQ(error_of(many + ")\r\n"), "ID: more than 30 ID fields at column 247");

  EXPECT_EQ(parsed<Enable>("a ENABLE condstore UTF8=ACCEPT\r\n").capabilities,
            (std::vector<std::string>{"CONDSTORE", "UTF8=ACCEPT"}));
  EXPECT_EQ(error_of("a ENABLE\r\n"), "ENABLE: expected a space at the end of the command");

  (void)parsed<Compress>("a COMPRESS deflate\r\n");
  EXPECT_EQ(error_of("a COMPRESS LZ4\r\n"), "COMPRESS: unknown compression algorithm 'LZ4' (DEFLATE is supported) at column 12");
}

TEST(ParseCommand, SelectAndExamine) {
  Select s = parsed<Select>("a SELECT inbox\r\n");
  EXPECT_EQ(s.mailbox, "INBOX");
  EXPECT_FALSE(s.condstore);
  EXPECT_TRUE(parsed<Examine>("a EXAMINE Sent (CONDSTORE)\r\n").condstore);
  s = parsed<Select>("a SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))\r\n");
  ASSERT_TRUE(s.qresync);
  EXPECT_EQ(s.qresync->uid_validity, 67890007u);
  EXPECT_EQ(s.qresync->modseq, 20050715194045000u);
  EXPECT_EQ(to_string(*s.qresync->known_uids), "41,43:211,214:541");
  EXPECT_FALSE(s.qresync->sequence_match);
  s = parsed<Select>("a SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500,9000 9990:9999)))\r\n");
  ASSERT_TRUE(s.qresync && s.qresync->sequence_match);
  EXPECT_EQ(to_string(s.qresync->sequence_match->first), "5000,7500,9000");
  EXPECT_EQ(to_string(s.qresync->sequence_match->second), "9990:9999");
  s = parsed<Select>("a SELECT INBOX (CONDSTORE QRESYNC (1 2 (1 3)))\r\n");
  EXPECT_TRUE(s.condstore && s.qresync && !s.qresync->known_uids && s.qresync->sequence_match);
  EXPECT_EQ(error_of("a SELECT INBOX (QRESYNC (0 5))\r\n"), "SELECT: the UIDVALIDITY must not be 0 at column 26");
  EXPECT_EQ(error_of("a SELECT INBOX (QRESYNC (1 5 1:*))\r\n"),
            "SELECT: the known UIDs may not contain '*' or '$' at column 30");
  EXPECT_EQ(error_of("a SELECT INBOX (FAST)\r\n"), "SELECT: unknown parameter 'FAST' at column 17");
  EXPECT_EQ(error_of("a SELECT INBOX ()\r\n"), "SELECT: expected a parameter at column 17");
  EXPECT_EQ(error_of("a SELECT\r\n"), "SELECT: expected a space at the end of the command");
}

TEST(ParseCommand, MailboxCommands) {
  EXPECT_EQ(parsed<Create>("a CREATE Archive/2024\r\n").mailbox, "Archive/2024");
  EXPECT_EQ(parsed<Create>("a CREATE Junk (USE (\\junk))\r\n").special_use, (std::vector<std::string>{"\\Junk"}));
  EXPECT_EQ(error_of("a CREATE Junk (USE (\\Spam))\r\n"), "CREATE: unknown special-use attribute '\\Spam' at column 21");
  EXPECT_EQ(parsed<Delete>("a DELETE \"Old mail\"\r\n").mailbox, "Old mail");
  Rename r = parsed<Rename>("a RENAME INBOX Old\r\n");
  EXPECT_EQ(r.from, "INBOX");
  EXPECT_EQ(r.to, "Old");
  EXPECT_EQ(error_of("a RENAME Only\r\n"), "RENAME: expected a space at the end of the command");
  EXPECT_EQ(parsed<Subscribe>("a SUBSCRIBE &AOk-t&AOk-\r\n").mailbox, "\xc3\xa9t\xc3\xa9");
  EXPECT_EQ(parsed<Unsubscribe>("a UNSUBSCRIBE {4}\r\nInBo\r\n").mailbox, "InBo");
  EXPECT_EQ(parsed<Unsubscribe>("a UNSUBSCRIBE {5}\r\nInBoX\r\n").mailbox, "INBOX");
}

TEST(ParseCommand, MailboxNamesFollowTheEncoding) {
  EXPECT_EQ(error_of("a SELECT \"\xc3\xa9t\xc3\xa9\"\r\n"),
            "SELECT: mailbox name is not modified UTF-7: a byte that is not printable ASCII at offset 0 at column 10");
  EXPECT_EQ(error_of("a SELECT &Jjo!\r\n"), "SELECT: mailbox name is not modified UTF-7: '&' without its closing '-' at column 10");
  ParseOptions utf8{MailboxEncoding::utf8};
  EXPECT_EQ(parsed<Select>("a SELECT \"\xc3\xa9t\xc3\xa9\"\r\n", utf8).mailbox, "\xc3\xa9t\xc3\xa9");
  EXPECT_EQ(parsed<Select>("a SELECT &AOk-\r\n", utf8).mailbox, "&AOk-");
  EXPECT_EQ(error_of("a SELECT {2}\r\n\xc3\x28\r\n", utf8), "SELECT: mailbox name is not valid UTF-8 at column 10");
}

TEST(ParseCommand, Status) {
  Status s = parsed<Status>("a STATUS blurdybloop (UIDNEXT MESSAGES unseen DELETED SIZE HIGHESTMODSEQ RECENT UIDVALIDITY)\r\n");
  EXPECT_EQ(s.mailbox, "blurdybloop");
  EXPECT_EQ(s.items, (std::vector<StatusItem>{StatusItem::uidnext, StatusItem::messages, StatusItem::unseen,
                                              StatusItem::deleted, StatusItem::size, StatusItem::highestmodseq,
                                              StatusItem::recent, StatusItem::uidvalidity}));
  EXPECT_EQ(error_of("a STATUS x ()\r\n"), "STATUS: expected a status item at column 13");
  EXPECT_EQ(error_of("a STATUS x (MESSAGES FOO)\r\n"), "STATUS: unknown status item 'FOO' at column 22");
  EXPECT_EQ(error_of("a STATUS x (MESSAGES\r\n"), "STATUS: expected ')' closing status items at the end of the command");
}

TEST(ParseCommand, Append) {
  Append a = parsed<Append>("a APPEND saved-messages (\\Seen $Forwarded) \"17-Jul-1996 02:44:25 -0700\" {10}\r\nhello\r\nyou\r\n");
  EXPECT_EQ(a.mailbox, "saved-messages");
  EXPECT_EQ(a.flags, (std::vector<Flag>{{"\\Seen"}, {"$Forwarded"}}));
  ASSERT_TRUE(a.internal_date);
  EXPECT_EQ(a.internal_date->unix_seconds(), 837596665);
  EXPECT_EQ(a.message, "hello\r\nyou");
  EXPECT_FALSE(a.binary);
  a = parsed<Append>("a APPEND INBOX ~{3+}\r\na\0b\r\n"s);
  EXPECT_TRUE(a.binary);
  EXPECT_EQ(a.message, "a\0b"s);
  a = parsed<Append>("a APPEND INBOX () {0+}\r\n\r\n");
  EXPECT_TRUE(a.flags.empty());
  EXPECT_EQ(a.message, "");
  EXPECT_EQ(error_of("a APPEND INBOX {3+}\r\na\0b\r\n"s),
            "APPEND: the message contains a NUL octet (send it as a literal8 ~{N}) at column 16");
  EXPECT_EQ(error_of("a APPEND INBOX \"hello\"\r\n"),
            "APPEND: bad date-time 'hello': expected \"dd-Mon-yyyy hh:mm:ss +zzzz\" at column 16");
  EXPECT_EQ(error_of("a APPEND INBOX hello\r\n"), "APPEND: expected the message (a literal {N} must end its line) at column 16");
  EXPECT_EQ(error_of("a APPEND INBOX (\\Recent) {1+}\r\nx\r\n"), "APPEND: \\Recent cannot be set by a client at column 17");
  EXPECT_EQ(error_of("a APPEND INBOX (\\Important) {1+}\r\nx\r\n"),
            "APPEND: unknown system flag '\\Important' at column 17");
  EXPECT_EQ(error_of("a APPEND INBOX {1+}\r\nx {1+}\r\ny\r\n"), "APPEND: unexpected ' {1+}' at column 20");
}

}  // namespace
}  // namespace hamail::mailsvc::imap

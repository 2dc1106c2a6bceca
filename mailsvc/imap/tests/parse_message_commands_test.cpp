// parse_command for the selected-state commands: FETCH (macros, sections, partials,
// BINARY, modifiers), STORE, COPY, MOVE, their UID forms and malformed variants.
#include <gtest/gtest.h>

#include "hamail/mailsvc/imap/parse_command.h"
#include "imap_test_util.h"

namespace hamail::mailsvc::imap {
namespace {

using test::error_of;
using test::parsed;
using Kind = FetchItem::Kind;

std::vector<std::string> names(const Fetch& f) {
  std::vector<std::string> out;
  for (const FetchItem& i : f.items) out.push_back(response_name(i));
  return out;
}

TEST(ParseFetch, Macros) {
  EXPECT_EQ(names(parsed<Fetch>("a FETCH 1 ALL\r\n")),
            (std::vector<std::string>{"FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"}));
  EXPECT_EQ(names(parsed<Fetch>("a FETCH 1 fast\r\n")), (std::vector<std::string>{"FLAGS", "INTERNALDATE", "RFC822.SIZE"}));
  EXPECT_EQ(names(parsed<Fetch>("a FETCH 1 FULL\r\n")),
            (std::vector<std::string>{"FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY"}));
  EXPECT_EQ(error_of("a FETCH 1 (ALL)\r\n"), "FETCH: unknown attribute 'ALL' at column 12");
}

TEST(ParseFetch, PlainAttributes) {
  Fetch f = parsed<Fetch>(
      "a UID FETCH 1:* (ENVELOPE FLAGS INTERNALDATE RFC822 RFC822.HEADER RFC822.SIZE RFC822.TEXT BODY BODYSTRUCTURE "
      "UID MODSEQ)\r\n");
  EXPECT_TRUE(f.uid);
  EXPECT_EQ(to_string(f.set), "1:*");
  EXPECT_EQ(names(f), (std::vector<std::string>{"ENVELOPE", "FLAGS", "INTERNALDATE", "RFC822", "RFC822.HEADER",
                                                "RFC822.SIZE", "RFC822.TEXT", "BODY", "BODYSTRUCTURE", "UID",
                                                "MODSEQ"}));
  EXPECT_EQ(parsed<Fetch>("a FETCH 2 uid\r\n").items.at(0).kind, Kind::uid);
}

TEST(ParseFetch, Sections) {
  Fetch f = parsed<Fetch>(
      "a FETCH 1 (BODY[] BODY.PEEK[HEADER] BODY[TEXT] BODY[1.2.3] BODY[4.MIME] BODY[1.HEADER.FIELDS (From To)] "
      "body.peek[header.fields.not (\"X-Spam\" {4}\r\nDate)] BODY[]<0.2048> BODY[1.TEXT]<100.1>)\r\n");
  ASSERT_EQ(f.items.size(), 9u);
  EXPECT_EQ(names(f), (std::vector<std::string>{"BODY[]", "BODY[HEADER]", "BODY[TEXT]", "BODY[1.2.3]", "BODY[4.MIME]",
                                                "BODY[1.HEADER.FIELDS (From To)]", "BODY[HEADER.FIELDS.NOT (X-Spam Date)]",
                                                "BODY[]<0>", "BODY[1.TEXT]<100>"}));
  EXPECT_FALSE(f.items[0].peek);
  EXPECT_TRUE(f.items[1].peek);
  EXPECT_EQ(f.items[3].section.part, (std::vector<std::uint32_t>{1, 2, 3}));
  EXPECT_EQ(f.items[5].section.text, SectionText::header_fields);
  EXPECT_EQ(f.items[5].section.fields, (std::vector<std::string>{"From", "To"}));
  EXPECT_EQ(f.items[6].section.text, SectionText::header_fields_not);
  EXPECT_EQ(f.items[7].partial, (Partial{0, 2048}));
  EXPECT_EQ(f.items[8].partial, (Partial{100, 1}));
}

TEST(ParseFetch, MalformedSections) {
  EXPECT_EQ(error_of("a FETCH 1 BODY[MIME]\r\n"), "FETCH: MIME needs a part number (BODY[1.MIME]) at column 16");
  EXPECT_EQ(error_of("a FETCH 1 BODY[0]\r\n"), "FETCH: a part number must not be 0 at column 16");
  EXPECT_EQ(error_of("a FETCH 1 BODY[1.]\r\n"),
            "FETCH: expected HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT, TEXT or MIME at column 18");
  EXPECT_EQ(error_of("a FETCH 1 BODY[HEADERS]\r\n"), "FETCH: unknown section 'HEADERS' at column 16");
  EXPECT_EQ(error_of("a FETCH 1 BODY[HEADER.FIELDS ()]\r\n"), "FETCH: expected a header field name at column 31");
  EXPECT_EQ(error_of("a FETCH 1 BODY[HEADER.FIELDS]\r\n"), "FETCH: expected a space instead of ']' at column 29");
  EXPECT_EQ(error_of("a FETCH 1 BODY[TEXT\r\n"), "FETCH: expected ']' closing the section at the end of the command");
  EXPECT_EQ(error_of("a FETCH 1 BODY.PEEK\r\n"), "FETCH: expected '[' opening a section at the end of the command");
  EXPECT_EQ(error_of("a FETCH 1 BODY[]<5>\r\n"), "FETCH: expected '.' between the partial's offset and length instead of '>' at column 19");
  EXPECT_EQ(error_of("a FETCH 1 BODY[]<5.0>\r\n"), "FETCH: the partial's length must not be 0 at column 20");
  EXPECT_EQ(error_of("a FETCH 1 BODY[]<1.99999999999999999999>\r\n"), "FETCH: the partial's length is too large at column 20");
  EXPECT_EQ(error_of("a FETCH 1 (FLAGS\r\n"), "FETCH: expected ')' closing fetch attributes at the end of the command");
  EXPECT_EQ(error_of("a FETCH 1 ()\r\n"), "FETCH: expected a fetch attribute at column 12");
  EXPECT_EQ(error_of("a FETCH 1 FLAGS UID\r\n"), "FETCH: expected '(' opening FETCH modifiers instead of 'U' at column 17");
}

TEST(ParseFetch, Binary) {
  Fetch f = parsed<Fetch>("a FETCH 1 (BINARY[] BINARY.PEEK[1.2]<0.100> BINARY.SIZE[3])\r\n");
  EXPECT_EQ(names(f), (std::vector<std::string>{"BINARY[]", "BINARY[1.2]<0>", "BINARY.SIZE[3]"}));
  EXPECT_EQ(f.items[0].kind, Kind::binary);
  EXPECT_TRUE(f.items[1].peek);
  EXPECT_EQ(f.items[2].kind, Kind::binary_size);
  EXPECT_EQ(error_of("a FETCH 1 BINARY[1.TEXT]\r\n"), "FETCH: a BINARY section holds part numbers only at column 20");
  EXPECT_EQ(error_of("a FETCH 1 BINARY[HEADER]\r\n"), "FETCH: a BINARY section holds part numbers only at column 18");
  EXPECT_EQ(error_of("a FETCH 1 BINARY.SIZE[1]<0.1>\r\n"), "FETCH: unexpected '<0.1>' at column 25");
}

TEST(ParseFetch, Modifiers) {
  Fetch f = parsed<Fetch>("a UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n");
  EXPECT_EQ(f.changed_since, 12345u);
  EXPECT_TRUE(f.vanished);
  EXPECT_EQ(parsed<Fetch>("a FETCH 1 FLAGS (CHANGEDSINCE 1)\r\n").changed_since, 1u);
  EXPECT_EQ(error_of("a FETCH 1 FLAGS (VANISHED CHANGEDSINCE 1)\r\n"),
            "FETCH: VANISHED needs UID FETCH and CHANGEDSINCE at column 17");
  EXPECT_EQ(error_of("a UID FETCH 1 FLAGS (VANISHED)\r\n"),
            "UID FETCH: VANISHED needs UID FETCH and CHANGEDSINCE at column 21");
  EXPECT_EQ(error_of("a FETCH 1 FLAGS (CHANGEDSINCE 0)\r\n"),
            "FETCH: the CHANGEDSINCE mod-sequence must not be 0 at column 31");
  EXPECT_EQ(error_of("a FETCH 1 FLAGS (CHANGEDSINCE 9223372036854775808)\r\n"),
            "FETCH: the CHANGEDSINCE mod-sequence is too large at column 31");
  EXPECT_EQ(error_of("a FETCH 1 FLAGS (PARTIAL 1:5)\r\n"), "FETCH: unknown modifier 'PARTIAL' at column 18");
}

TEST(ParseFetch, SequenceSets) {
  EXPECT_EQ(to_string(parsed<Fetch>("a FETCH 2,4:7,9,12:* FLAGS\r\n").set), "2,4:7,9,12:*");
  EXPECT_TRUE(parsed<Fetch>("a FETCH $ FLAGS\r\n").set.saved_result);
  EXPECT_EQ(error_of("a FETCH 0 FLAGS\r\n"),
            "FETCH: bad sequence set '0': '0' is not a number from 1 to 4294967295, '*' or a range of them at column 9");
  EXPECT_EQ(error_of("a FETCH 1,,2 FLAGS\r\n"), "FETCH: bad sequence set '1,,2': an empty element at column 9");
  EXPECT_EQ(error_of("a FETCH 4294967296 FLAGS\r\n").substr(0, 41), "FETCH: bad sequence set '4294967296': '42");
  EXPECT_EQ(error_of("a FETCH FLAGS\r\n"), "FETCH: expected the messages (a sequence set) at column 9");
  EXPECT_EQ(error_of("a FETCH 1\r\n"), "FETCH: expected a space at the end of the command");
}

TEST(ParseStore, FlagsAndModes) {
  Store s = parsed<Store>("a STORE 2:4 +FLAGS (\\Deleted)\r\n");
  EXPECT_EQ(s.mode, Store::Mode::add);
  EXPECT_FALSE(s.silent);
  EXPECT_EQ(s.flags, (std::vector<Flag>{{"\\Deleted"}}));
  s = parsed<Store>("a UID STORE 1 -flags.silent \\seen $Junk NonJunk\r\n");
  EXPECT_TRUE(s.uid);
  EXPECT_EQ(s.mode, Store::Mode::remove);
  EXPECT_TRUE(s.silent);
  EXPECT_EQ(s.flags, (std::vector<Flag>{{"\\Seen"}, {"$Junk"}, {"NonJunk"}}));
  s = parsed<Store>("a STORE 1 FLAGS ()\r\n");
  EXPECT_EQ(s.mode, Store::Mode::replace);
  EXPECT_TRUE(s.flags.empty());
  s = parsed<Store>("a STORE 7 (UNCHANGEDSINCE 0) FLAGS.SILENT (\\Answered)\r\n");
  EXPECT_EQ(s.unchanged_since, 0u);
  EXPECT_TRUE(s.silent);
}

TEST(ParseStore, Malformed) {
  EXPECT_EQ(error_of("a STORE 1 FLAG (\\Seen)\r\n"), "STORE: expected FLAGS, +FLAGS or -FLAGS (.SILENT), not 'FLAG' at column 11");
  EXPECT_EQ(error_of("a STORE 1 +FLAGS.LOUD (\\Seen)\r\n"),
            "STORE: expected FLAGS, +FLAGS or -FLAGS (.SILENT), not '+FLAGS.LOUD' at column 11");
  EXPECT_EQ(error_of("a STORE 1 +FLAGS (\\Recent)\r\n"), "STORE: \\Recent cannot be set by a client at column 19");
  EXPECT_EQ(error_of("a STORE 1 +FLAGS (\\Sent)\r\n"), "STORE: unknown system flag '\\Sent' at column 19");
  EXPECT_EQ(error_of("a STORE 1 +FLAGS\r\n"), "STORE: expected a space at the end of the command");
  EXPECT_EQ(error_of("a STORE 1 +FLAGS (a b\r\n"), "STORE: expected ')' closing the flags at the end of the command");
  EXPECT_EQ(error_of("a STORE 1 (UNCHANGEDSINCE) FLAGS x\r\n"), "STORE: expected a space instead of ')' at column 26");
  EXPECT_EQ(error_of("a STORE 1 (NOPE 1) FLAGS x\r\n"), "STORE: unknown modifier 'NOPE' at column 12");
  EXPECT_EQ(error_of("a STORE 1 FLAGS (\"quoted\")\r\n"), "STORE: expected a flag at column 18");
}

TEST(ParseCopyMove, SetAndMailbox) {
  Copy c = parsed<Copy>("a COPY 2:4 MEETING\r\n");
  EXPECT_FALSE(c.uid);
  EXPECT_EQ(to_string(c.set), "2:4");
  EXPECT_EQ(c.mailbox, "MEETING");
  Move m = parsed<Move>("a UID MOVE 42,* \"Deleted Items\"\r\n");
  EXPECT_TRUE(m.uid);
  EXPECT_EQ(m.mailbox, "Deleted Items");
  EXPECT_EQ(test::parse("a UID MOVE 1 x\r\n").value().tag, "a");
  EXPECT_EQ(command_name(test::parse("a UID MOVE 1 x\r\n").value()), "UID MOVE");
  EXPECT_EQ(error_of("a COPY 1\r\n"), "COPY: expected a space at the end of the command");
  EXPECT_EQ(error_of("a MOVE x y\r\n"), "MOVE: expected the messages (a sequence set) at column 8");
}

}  // namespace
}  // namespace hamail::mailsvc::imap

// The message webmail sends: headers (Date, Message-ID, encoded words, folding, no Bcc
// unless kept), the text as 7bit or quoted-printable, attachments in base64 under
// multipart/mixed; and the JSON reader refusing header injection, bad addresses, sizes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hamail/mailsvc/webmail/header_encoding.h"
#include "hamail/mailsvc/webmail/message_builder.h"
#include "hamail/mailsvc/webmail/outgoing_mail_json.h"
#include "hamail/mailsvc/wire/base64.h"

namespace hamail::mailsvc::webmail {
namespace {

using json = nlohmann::json;

MessageStamp stamp() {
  return MessageStamp{{"", "alice@example.org"}, 1796464800, "<abc@mail.example.org>", "b0undary"};
}

OutgoingMail parsed(const json& j, bool send = true) {
  auto r = parse_outgoing_mail(j.dump(), send);
  EXPECT_TRUE(std::holds_alternative<OutgoingMail>(r)) << std::get<RouteError>(r).message;
  return std::get<OutgoingMail>(r);
}

RouteError refused(const json& j) {
  auto r = parse_outgoing_mail(j.dump(), true);
  EXPECT_TRUE(std::holds_alternative<RouteError>(r)) << j.dump();
  return std::holds_alternative<RouteError>(r) ? std::get<RouteError>(r) : RouteError{};
}

std::string header_block(const std::string& msg) { return msg.substr(0, msg.find("\r\n\r\n") + 2); }

TEST(OutgoingMailJson, ReadsRecipientsAsListsOrCommaStrings) {
  OutgoingMail m = parsed({{"to", "Bob <bob@example.net>, \"Doe, J\" <j@example.net>"},
                           {"cc", json::array({"carol@example.net"})},
                           {"bcc", "dave@example.net"},
                           {"subject", "hi"},
                           {"text", "body"}});
  ASSERT_EQ(m.to.size(), 2u);
  EXPECT_EQ(m.to[0].name, "Bob");
  EXPECT_EQ(m.to[0].address, "bob@example.net");
  EXPECT_EQ(m.to[1].name, "Doe, J");
  EXPECT_EQ(m.cc.at(0).address, "carol@example.net");
  EXPECT_EQ(m.bcc.at(0).address, "dave@example.net");
}

TEST(OutgoingMailJson, LineBreaksInAnyHeaderFieldAreRefusedByName) {
  json base{{"to", "bob@example.net"}, {"subject", "hi"}, {"text", "multi\nline body is fine"}};
  EXPECT_TRUE(std::holds_alternative<OutgoingMail>(parse_outgoing_mail(base.dump(), true)));
  for (const char* field : {"subject", "in_reply_to", "references"}) {
    json j = base;
    j[field] = "x\r\nBcc: victim@example.net";
    RouteError e = refused(j);
    EXPECT_EQ(e.status, 400);
    EXPECT_NE(e.message.find(field), std::string::npos) << e.message;
  }
  for (const char* field : {"to", "cc", "bcc"}) {
    json j = base;
    j[field] = "bob@example.net\nBcc: victim@example.net";
    EXPECT_NE(refused(j).message.find(field), std::string::npos);
  }
  json j = base;
  j["attachments"] = json::array({{{"filename", "a\r\nX: y"}, {"data", "QQ=="}}});
  EXPECT_NE(refused(j).message.find("filename"), std::string::npos);
}

TEST(OutgoingMailJson, AddressesAreChecked) {
  EXPECT_NE(refused({{"to", "not an address"}}).message.find("to"), std::string::npos);
  EXPECT_NE(refused({{"to", "a@b.example, <>"}}).message.find("to"), std::string::npos);
  EXPECT_NE(refused({{"cc", "Eve \"x\" <e@example.net>"}, {"to", "b@example.net"}}).message.find("cc"),
            std::string::npos);
  EXPECT_NE(refused({{"subject", "no one"}}).message.find("no recipient"), std::string::npos);
  auto draft = parse_outgoing_mail(json{{"subject", "later"}}.dump(), false);  // a draft may have none
  EXPECT_TRUE(std::holds_alternative<OutgoingMail>(draft));
}

TEST(OutgoingMailJson, AttachmentsAreDecodedAndBounded) {
  OutgoingMail m = parsed({{"to", "b@example.net"},
                           {"attachments", json::array({{{"filename", "a.txt"}, {"content_type", "text/plain"},
                                                         {"data", wire::base64_encode("hello")}},
                                                        {{"folder", "INBOX"}, {"uid", 7}, {"part", 2}}})}});
  ASSERT_EQ(m.attachments.size(), 1u);
  EXPECT_EQ(m.attachments[0].bytes, "hello");
  ASSERT_EQ(m.attachment_refs.size(), 1u);
  EXPECT_EQ(m.attachment_refs[0].uid, 7u);
  EXPECT_EQ(refused({{"to", "b@example.net"}, {"attachments", json::array({{{"data", "!!"}}})}}).status, 400);
  EXPECT_EQ(refused({{"to", "b@example.net"}, {"attachments", json::array({{{"filename", "../x"}, {"data", ""}}})}})
                .status,
            400);
  json many = json::array();
  for (int i = 0; i < 21; ++i) many.push_back({{"filename", "f"}, {"data", "QQ=="}});
  EXPECT_EQ(refused({{"to", "b@example.net"}, {"attachments", many}}).status, 400);
  std::string big = wire::base64_encode(std::string((1u << 19) + 1, 'x'));  // two: just over 1 MiB
  json two{{"to", "b@example.net"}, {"attachments", json::array({{{"data", big}}, {{"data", big}}})}};
  auto r = parse_outgoing_mail(two.dump(), true, 1u << 20);
  ASSERT_TRUE(std::holds_alternative<RouteError>(r));
  EXPECT_NE(std::get<RouteError>(r).message.find("more than 1 MiB"), std::string::npos);
  EXPECT_TRUE(std::holds_alternative<OutgoingMail>(parse_outgoing_mail(two.dump(), true, 2u << 20)));
}

TEST(HeaderEncoding, NonAsciiBecomesEncodedWordsOfWholeCharacters) {
  EXPECT_EQ(encode_header_text("plain"), "plain");
  EXPECT_EQ(encode_header_text("caf\xc3\xa9"), "=?UTF-8?B?" + wire::base64_encode("caf\xc3\xa9") + "?=");
  std::string long_text;
  for (int i = 0; i < 40; ++i) long_text += "\xc3\xa9";  // 80 octets: two words
  std::string enc = encode_header_text(long_text);
  std::size_t sp = enc.find(' ');
  ASSERT_NE(sp, std::string::npos);
  EXPECT_LE(sp, 75u);
  auto first = wire::base64_decode(enc.substr(10, sp - 12));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->size() % 2, 0u);  // no character cut in two
  EXPECT_EQ(format_address({"J\xc3\xb6rg", "j@example.net"}), encode_header_text("J\xc3\xb6rg") + " <j@example.net>");
  EXPECT_EQ(format_address({"Doe, J", "j@example.net"}), "\"Doe, J\" <j@example.net>");
  EXPECT_EQ(mime_parameter("filename", "r\xc3\xa9sum\xc3\xa9.pdf"), "filename*=UTF-8''r%C3%A9sum%C3%A9.pdf");
}

TEST(MessageBuilder, PlainTextMessageHasTheHeadersAndNoBcc) {
  OutgoingMail m = parsed({{"to", "Bob <bob@example.net>"},
                           {"bcc", "secret@example.net"},
                           {"subject", "hello"},
                           {"text", "line one\nline two"},
                           {"in_reply_to", "<orig@x>"},
                           {"references", "<a@x> <orig@x>"}});
  std::string msg = build_message(m, stamp(), BccHeader::omit);
  std::string h = header_block(msg);
  EXPECT_NE(h.find("Date: Sat, 5 Dec 2026 10:00:00 +0000\r\n"), std::string::npos) << h;
  EXPECT_NE(h.find("From: alice@example.org\r\n"), std::string::npos);
  EXPECT_NE(h.find("To: Bob <bob@example.net>\r\n"), std::string::npos);
  EXPECT_NE(h.find("Message-ID: <abc@mail.example.org>\r\n"), std::string::npos);
  EXPECT_NE(h.find("In-Reply-To: <orig@x>\r\n"), std::string::npos);
  EXPECT_NE(h.find("References: <a@x> <orig@x>\r\n"), std::string::npos);
  EXPECT_NE(h.find("Content-Transfer-Encoding: 7bit"), std::string::npos);
  EXPECT_EQ(msg.find("secret@example.net"), std::string::npos);
  EXPECT_TRUE(msg.ends_with("\r\n\r\nline one\r\nline two\r\n"));
  EXPECT_NE(build_message(m, stamp(), BccHeader::keep).find("Bcc: secret@example.net\r\n"), std::string::npos);
}

TEST(MessageBuilder, Utf8SubjectAndTextAreEncoded) {
  OutgoingMail m = parsed({{"to", "bob@example.net"}, {"subject", "\xc3\xa9t\xc3\xa9"}, {"text", "caf\xc3\xa9 = ok"}});
  std::string msg = build_message(m, stamp(), BccHeader::omit);
  EXPECT_NE(msg.find("Subject: =?UTF-8?B?" + wire::base64_encode("\xc3\xa9t\xc3\xa9") + "?=\r\n"), std::string::npos);
  EXPECT_NE(msg.find("quoted-printable\r\n\r\ncaf=C3=A9 =3D ok\r\n"), std::string::npos) << msg;
  for (char c : msg) EXPECT_LT(static_cast<unsigned char>(c), 0x80);
}

TEST(MessageBuilder, QuotedPrintableKeepsLinesShort) {
  std::string long_line(300, 'a');
  std::string qp = quoted_printable(long_line + "\r\nend \r\n");
  std::size_t pos = 0;
  while (pos < qp.size()) {
    std::size_t end = qp.find("\r\n", pos);
    EXPECT_LE(end - pos, 76u);
    pos = end + 2;
  }
  EXPECT_NE(qp.find("end=20\r\n"), std::string::npos);  // trailing space encoded
}

TEST(MessageBuilder, AttachmentsGoInBase64UnderMultipartMixed) {
  std::string bytes(200, '\x01');
  OutgoingMail m = parsed({{"to", "bob@example.net"},
                           {"subject", "files"},
                           {"text", "see attached"},
                           {"attachments", json::array({{{"filename", "r\xc3\xa9sum\xc3\xa9.bin"},
                                                         {"content_type", "application/x-thing"},
                                                         {"data", wire::base64_encode(bytes)}}})}});
  std::string msg = build_message(m, stamp(), BccHeader::omit);
  EXPECT_NE(msg.find("Content-Type: multipart/mixed; boundary=\"=_b0undary\"\r\n"), std::string::npos);
  EXPECT_NE(msg.find("--=_b0undary\r\nContent-Type: text/plain; charset=UTF-8"), std::string::npos);
  EXPECT_NE(msg.find("Content-Disposition: attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.bin"), std::string::npos);
  std::size_t body = msg.find("base64\r\n\r\n");
  ASSERT_NE(body, std::string::npos);
  std::size_t end = msg.find("--=_b0undary--\r\n");
  ASSERT_NE(end, std::string::npos);
  std::string b64 = msg.substr(body + 10, end - body - 10);
  std::string joined;
  for (char c : b64)
    if (c != '\r' && c != '\n') joined += c;
  EXPECT_EQ(wire::base64_decode(joined).value(), bytes);
  EXPECT_EQ(b64.find('\n'), 77u);  // lines of 76
}

TEST(MessageBuilder, LongAddressListsAreFolded) {
  json to = json::array();
  for (int i = 0; i < 10; ++i) to.push_back("person" + std::to_string(i) + "@example.net");
  std::string h = header_block(build_message(parsed({{"to", to}}), stamp(), BccHeader::omit));
  std::size_t pos = 0;
  while (pos < h.size()) {
    std::size_t end = h.find("\r\n", pos);
    EXPECT_LE(end - pos, 78u) << h.substr(pos, end - pos);
    pos = end + 2;
  }
  EXPECT_NE(h.find("\r\n person"), std::string::npos);
}

}  // namespace
}  // namespace hamail::mailsvc::webmail

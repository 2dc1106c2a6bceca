// Modified UTF-7 (RFC 3501 5.1.3): RFC 3501's examples, what the strict decoder refuses,
// round trips of both directions; UTF-8 validation; mailbox names per encoding.
#include "hamail/mailsvc/imap/mailbox_name.h"

#include <gtest/gtest.h>

#include <random>

namespace hamail::mailsvc::imap {
namespace {

std::string decoded(std::string_view wire) {
  auto r = decode_mailbox_utf7(wire);
  EXPECT_TRUE(r) << wire << ": " << r.error();
  return r ? *r : std::string();
}

std::string refused(std::string_view wire) {
  auto r = decode_mailbox_utf7(wire);
  EXPECT_FALSE(r) << wire << " decoded as " << *r;
  return r ? std::string() : r.error();
}

TEST(ModifiedUtf7, Rfc3501Examples) {
  // "~peter/mail/台北/日本語"
  const std::string utf8 = "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e";
  EXPECT_EQ(decoded("~peter/mail/&U,BTFw-/&ZeVnLIqe-"), utf8);
  EXPECT_EQ(encode_mailbox_utf7(utf8), "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
  // "☺!"
  EXPECT_EQ(decoded("&Jjo-!"), "\xe2\x98\xba!");
  EXPECT_EQ(encode_mailbox_utf7("\xe2\x98\xba!"), "&Jjo-!");
  EXPECT_EQ(refused("&Jjo!"), "not modified UTF-7: '&' without its closing '-'");
  // "台北日本語": one shift, not two adjacent ones.
  EXPECT_EQ(refused("&U,BTFw-&ZeVnLIqe-"), "not modified UTF-7: two adjacent shifted sequences");
  EXPECT_EQ(decoded("&U,BTF2XlZyyKng-"), "\xe5\x8f\xb0\xe5\x8c\x97\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
  EXPECT_EQ(encode_mailbox_utf7("\xe5\x8f\xb0\xe5\x8c\x97\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"), "&U,BTF2XlZyyKng-");
}

TEST(ModifiedUtf7, AmpersandAndAscii) {
  EXPECT_EQ(decoded("Tom &- Jerry"), "Tom & Jerry");
  EXPECT_EQ(encode_mailbox_utf7("Tom & Jerry"), "Tom &- Jerry");
  EXPECT_EQ(decoded("&-&-"), "&&");
  EXPECT_EQ(decoded(""), "");
  EXPECT_EQ(encode_mailbox_utf7("\xc3\xa9&"), "&AOk-&-");
  EXPECT_EQ(decoded("&AOk-&-"), "\xc3\xa9&");
}

TEST(ModifiedUtf7, SurrogatePairs) {
  // U+1F600 (an emoji) is a UTF-16 surrogate pair.
  EXPECT_EQ(encode_mailbox_utf7("\xf0\x9f\x98\x80"), "&2D3eAA-");
  EXPECT_EQ(decoded("&2D3eAA-"), "\xf0\x9f\x98\x80");
  EXPECT_EQ(refused("&2D0-"), "not modified UTF-7: a UTF-16 high surrogate at the end of a shift");
  EXPECT_EQ(refused("&3gA-"), "not modified UTF-7: a UTF-16 low surrogate without its high half");
  EXPECT_EQ(refused("&2D3YPQ-"), "not modified UTF-7: a UTF-16 high surrogate without its low half");
}

TEST(ModifiedUtf7, StrictRefusals) {
  EXPECT_EQ(refused("caf\xc3\xa9"), "not modified UTF-7: a byte that is not printable ASCII at offset 3");
  EXPECT_EQ(refused("a\tb"), "not modified UTF-7: a byte that is not printable ASCII at offset 1");
  // Found by the fuzzer: a control byte inside a shift must not reach the error text.
  EXPECT_EQ(refused("&A\x01-"), "not modified UTF-7: a byte that is not printable ASCII at offset 2");
  EXPECT_EQ(refused("&AGE-"), "not modified UTF-7: base64 for the printable character 'a'");
  EXPECT_EQ(refused("&ACY-"), "not modified UTF-7: base64 for the printable character '&'");
  EXPECT_EQ(refused("&AAk-"), "not modified UTF-7: a control character");
  EXPECT_EQ(refused("&U/BTFw-"), "not modified UTF-7: '/' is not modified base64");
  EXPECT_EQ(refused("&AOk=-"), "not modified UTF-7: '=' is not modified base64");
  EXPECT_EQ(refused("&AOl-"), "not modified UTF-7: stray bits at the end of a shift");
  EXPECT_EQ(refused("&AOkA-"), "not modified UTF-7: stray bits at the end of a shift");
}

// Every valid name decodes and encodes back to itself; every UTF-8 text without
// control characters encodes and decodes back to itself.
TEST(ModifiedUtf7, RoundTrips) {
  std::mt19937 rng(3);
  const char32_t samples[] = {'a', '&', '-', ' ', '~', '/', 0xE9, 0x263A, 0x65E5, 0xFFFD, 0x1F600, 0x10FFFF, 0x80, 0x7FF};
  for (int round = 0; round < 2000; ++round) {
    std::string utf8;
    for (std::size_t n = rng() % 8; n > 0; --n) {
      char32_t cp = samples[rng() % std::size(samples)];
      // UTF-8 by hand: 1-4 bytes
      if (cp < 0x80) utf8 += static_cast<char>(cp);
      else if (cp < 0x800) utf8 += {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))};
      else if (cp < 0x10000)
        utf8 += {static_cast<char>(0xE0 | (cp >> 12)), static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
                 static_cast<char>(0x80 | (cp & 0x3F))};
      else
        utf8 += {static_cast<char>(0xF0 | (cp >> 18)), static_cast<char>(0x80 | ((cp >> 12) & 0x3F)),
                 static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), static_cast<char>(0x80 | (cp & 0x3F))};
    }
    ASSERT_TRUE(valid_utf8(utf8));
    std::string wire = encode_mailbox_utf7(utf8);
    ASSERT_EQ(decoded(wire), utf8) << wire;
    ASSERT_EQ(encode_mailbox_utf7(decoded(wire)), wire);
  }
}

TEST(ModifiedUtf7, InvalidUtf8IsEncodedAsReplacementCharacters) {
  EXPECT_EQ(encode_mailbox_utf7("a\xff" "b"), "a&,,0-b");
}

TEST(Utf8, Validation) {
  EXPECT_TRUE(valid_utf8("plain"));
  EXPECT_TRUE(valid_utf8("\xc3\xa9\xe2\x98\xba\xf0\x9f\x98\x80"));
  EXPECT_FALSE(valid_utf8("\xc0\xaf"));              // overlong "/"
  EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));          // a surrogate
  EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80"));      // above U+10FFFF
  EXPECT_FALSE(valid_utf8("\xe2\x98"));              // cut short
  EXPECT_FALSE(valid_utf8("\x80"));
  EXPECT_FALSE(valid_utf8("\xf8\x88\x80\x80\x80"));  // 5 bytes
}

TEST(MailboxName, PerEncoding) {
  EXPECT_EQ(*decode_mailbox_name("inbox", MailboxEncoding::modified_utf7), "INBOX");
  EXPECT_EQ(*decode_mailbox_name("InBoX", MailboxEncoding::utf8), "INBOX");
  EXPECT_EQ(*decode_mailbox_name("INBOX.sub", MailboxEncoding::utf8), "INBOX.sub");
  EXPECT_EQ(*decode_mailbox_name("&AOk-", MailboxEncoding::modified_utf7), "\xc3\xa9");
  EXPECT_EQ(decode_mailbox_name("a\x01", MailboxEncoding::utf8).error(), "mailbox name contains a control character");
  EXPECT_EQ(encode_mailbox_name("\xc3\xa9", MailboxEncoding::modified_utf7), "&AOk-");
  EXPECT_EQ(encode_mailbox_name("\xc3\xa9", MailboxEncoding::utf8), "\xc3\xa9");
}

}  // namespace
}  // namespace hamail::mailsvc::imap

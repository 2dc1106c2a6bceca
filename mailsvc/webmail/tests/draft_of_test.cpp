// A draft remembers what it answers: X-Hamail-Draft-Of written only into the Drafts copy
// (with Bcc), never into the sent message or the Sent copy; its value read back (folder
// names with spaces, '%' and UTF-8), foreign or broken values ignored; the message view's JSON.
#include "hamail/mailsvc/webmail/draft_of.h"

#include <gtest/gtest.h>

#include "hamail/mailsvc/webmail/api_views.h"
#include "hamail/mailsvc/webmail/message_builder.h"

namespace hamail::mailsvc::webmail {
namespace {

OutgoingMail reply_mail() {
  OutgoingMail m;
  m.to.push_back({"", "bob@example.net"});
  m.bcc.push_back({"", "secret@example.net"});
  m.subject = "Re: hello";
  m.text = "hi";
  m.in_reply_to = "<orig@x>";
  m.references = "<orig@x>";
  m.reply_folder = "Lists/Caf\xc3\xa9 100%";
  m.reply_uid = 42;
  m.forward = true;
  return m;
}

MessageStamp stamp() { return MessageStamp{{"", "alice@example.org"}, 1796464800, "<abc@h>", "b0undary"}; }

TEST(DraftOf, OnlyTheDraftsCopyNamesTheOriginal) {
  OutgoingMail m = reply_mail();
  std::string draft = build_message(m, stamp(), BccHeader::draft);
  std::string head = draft.substr(0, draft.find("\r\n\r\n") + 2);
  EXPECT_NE(head.find("Bcc: secret@example.net\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("In-Reply-To: <orig@x>\r\n"), std::string::npos);
  EXPECT_NE(head.find("X-Hamail-Draft-Of: forward 42 Lists/Caf%C3%A9%20100%25\r\n"), std::string::npos) << head;
  EXPECT_EQ(build_message(m, stamp(), BccHeader::keep).find("X-Hamail-Draft-Of"), std::string::npos);
  std::string sent = build_message(m, stamp(), BccHeader::omit);
  EXPECT_EQ(sent.find("X-Hamail-Draft-Of"), std::string::npos);
  EXPECT_EQ(sent.find("secret@example.net"), std::string::npos);
  m.reply_uid = 0;  // a new message: nothing to remember
  EXPECT_EQ(build_message(m, stamp(), BccHeader::draft).find("X-Hamail-Draft-Of"), std::string::npos);
}

TEST(DraftOf, ValuesRoundTripAndForeignOnesAreIgnored) {
  DraftOf of{"Lists/Caf\xc3\xa9 100%", 42, true};
  auto back = parse_draft_of(draft_of_value(of));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->folder, of.folder);
  EXPECT_EQ(back->uid, 42u);
  EXPECT_TRUE(back->forward);
  auto answer = parse_draft_of(" answer 7 INBOX ");
  ASSERT_TRUE(answer);
  EXPECT_FALSE(answer->forward);
  EXPECT_EQ(answer->folder, "INBOX");
  for (const char* bad : {"", "answer", "answer 7", "reply 7 INBOX", "answer 0 INBOX", "answer x INBOX",
                          "answer 99999999999 INBOX", "answer 7 IN BOX", "answer 7 A%4", "answer 7 A%zz"})
    EXPECT_FALSE(parse_draft_of(bad)) << bad;
}

TEST(DraftOf, TheMessageViewGivesWhatAnEditedDraftNeeds) {
  MessageView v;
  v.bcc = "secret@example.net";
  v.in_reply_to = "<orig@x>";
  v.references = "<a@x> <orig@x>";
  v.draft_of = "answer 9 INBOX";
  auto j = message_json(v);
  EXPECT_EQ(j["bcc"], "secret@example.net");
  EXPECT_EQ(j["in_reply_to"], "<orig@x>");
  EXPECT_EQ(j["references"], "<a@x> <orig@x>");
  EXPECT_EQ(j["reply_to_message"]["folder"], "INBOX");
  EXPECT_EQ(j["reply_to_message"]["uid"], 9);
  EXPECT_EQ(j["reply_to_message"]["forward"], false);
  v.draft_of.clear();
  EXPECT_FALSE(message_json(v).contains("reply_to_message"));
}

}  // namespace
}  // namespace hamail::mailsvc::webmail

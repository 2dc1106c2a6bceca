// StoreMailAccess::message on a multipart/related mail: its image parts with a Content-ID
// come as inline images (id without brackets, type lowercased, bytes decoded), a part of
// another type or without an id does not; the HTML keeps its cid: (the core inlines it).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "../../../store/tests/temp_dir.h"
#include "hamail/mailsvc/daemon/maildir_path.h"
#include "hamail/mailsvc/store/maildir.h"
#include "hamail/mailsvc/store/mailbox_tree.h"
#include "hamail/mailsvc/webmailbackend/store_mail_access.h"

namespace hamail::mailsvc::webmailbackend {
namespace {

const char* kRelated =
    "From: carol@example.net\r\nTo: alice@example.org\r\nSubject: logo\r\nMIME-Version: 1.0\r\n"
    "Content-Type: multipart/related; boundary=r\r\n\r\n"
    "--r\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p><img src=\"cid:logo@example.net\"></p>\r\n"
    "--r\r\nContent-Type: IMAGE/PNG\r\nContent-ID: <logo@example.net>\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    "iVBORw==\r\n"
    "--r\r\nContent-Type: application/pdf\r\nContent-ID: <doc@example.net>\r\n\r\nPDF\r\n"
    "--r\r\nContent-Type: image/gif\r\n\r\nGIF89a\r\n--r--\r\n";

TEST(InlineImages, ImagePartsWithAContentId) {
  testing::TempDir dir;
  const std::string user = "alice@example.org";
  std::filesystem::create_directories(dir / "etc");
  std::ofstream(dir / "etc/domains") << "example.org\n";
  std::ofstream(dir / "etc/passwd") << user + ":x\n";
  std::string maildir = *daemon::maildir_path(dir.path(), user);
  std::filesystem::create_directories(std::filesystem::path(maildir).parent_path());
  ASSERT_TRUE(store::MailboxTree::open(maildir).is_ok());
  auto md = store::Maildir::open(maildir);
  ASSERT_TRUE(md.is_ok());
  ASSERT_TRUE(md->deliver(kRelated).is_ok());
  StoreMailAccess mail(dir.path());
  auto m = mail.message(user, "INBOX", 1);
  ASSERT_TRUE(m.is_ok()) << m.error();
  ASSERT_TRUE(m->has_value());
  const webmail::MessageView& v = **m;
  ASSERT_TRUE(v.html_body);
  EXPECT_NE(v.html_body->find("cid:logo@example.net"), std::string::npos);
  ASSERT_EQ(v.inline_images.size(), 1u);
  EXPECT_EQ(v.inline_images[0].content_id, "logo@example.net");
  EXPECT_EQ(v.inline_images[0].content_type, "image/png");
  EXPECT_EQ(v.inline_images[0].bytes, "\x89PNG");
  EXPECT_EQ(v.attachments.size(), 3u);  // still downloadable
}

}  // namespace
}  // namespace hamail::mailsvc::webmailbackend

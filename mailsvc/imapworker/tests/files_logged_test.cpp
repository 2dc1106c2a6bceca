// MailboxReply::files_read / files_expunged: the Maildir files a FETCH sent whole and an
// EXPUNGE or CLOSE removed, which imapd logs (message_read, message_deleted) for the mail trace.
#include "worker_fixture.h"

namespace hamail::mailsvc::imapworker {
namespace {

using testing::kHello;
using testing::kLunch;
using testing::WorkerTest;

class FilesLoggedTest : public WorkerTest {
 protected:
  std::string file_of(std::uint32_t uid) {
    auto mb = store::Mailbox::open(root_);
    EXPECT_TRUE(mb) << mb.error();
    auto p = mb->file_path(uid);
    EXPECT_TRUE(p) << p.error();
    return p ? base(*p) : "";
  }
  // The name without its directory and its flags (":2,S" changes as flags do).
  static std::string base(const std::string& name) {
    std::string file = name.substr(name.rfind('/') + 1);
    return file.substr(0, file.find(':'));
  }
  static std::vector<std::string> bases(const std::vector<std::string>& names) {
    std::vector<std::string> out;
    for (const auto& n : names) out.push_back(base(n));
    return out;
  }
};

TEST_F(FilesLoggedTest, AWholeMessageFetchedNamesItsFile) {
  std::uint32_t hello = add(kHello), lunch = add(kLunch);
  const std::string hello_file = file_of(hello), lunch_file = file_of(lunch);
  MailboxWorker w(root_);
  run(w, "A1 SELECT INBOX");
  for (const char* partial : {"A2 FETCH 1:2 (FLAGS ENVELOPE BODYSTRUCTURE RFC822.SIZE)", "A3 FETCH 1 BODY.PEEK[HEADER]",
                              "A4 FETCH 1 BODY.PEEK[TEXT]", "A5 FETCH 1 BODY.PEEK[]<0.10>", "A6 FETCH 1 BODY.PEEK[1]"}) {
    auto reply = run_reply(w, partial);
    EXPECT_NE(reply.bytes.find(" OK FETCH completed"), std::string::npos) << reply.bytes;
    EXPECT_TRUE(reply.files_read.empty()) << partial;
  }
  EXPECT_EQ(bases(run_reply(w, "A7 FETCH 2 BODY.PEEK[]").files_read), std::vector<std::string>{lunch_file});
  EXPECT_EQ(bases(run_reply(w, "A8 FETCH 1:2 RFC822").files_read), (std::vector<std::string>{hello_file, lunch_file}));
  EXPECT_EQ(bases(run_reply(w, "A9 UID FETCH " + std::to_string(hello) + " BINARY.PEEK[]").files_read),
            std::vector<std::string>{hello_file});
}

TEST_F(FilesLoggedTest, ExpungeAndCloseNameTheFilesRemoved) {
  std::uint32_t hello = add(kHello, store::kDeleted), lunch = add(kLunch), third = add(kLunch);
  const std::string hello_file = file_of(hello), third_file = file_of(third);
  (void)lunch;
  MailboxWorker w(root_);
  run(w, "A1 SELECT INBOX");
  auto reply = run_reply(w, "A2 EXPUNGE");
  EXPECT_NE(reply.bytes.find("* 1 EXPUNGE"), std::string::npos) << reply.bytes;
  EXPECT_EQ(bases(reply.files_expunged), std::vector<std::string>{hello_file});
  EXPECT_TRUE(run_reply(w, "A3 EXPUNGE").files_expunged.empty());  // nothing marked
  run(w, "A4 STORE 2 +FLAGS (\\Deleted)");
  EXPECT_EQ(bases(run_reply(w, "A5 CLOSE").files_expunged), std::vector<std::string>{third_file});
}

}  // namespace
}  // namespace hamail::mailsvc::imapworker

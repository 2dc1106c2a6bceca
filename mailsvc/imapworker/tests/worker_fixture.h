// A test fixture for MailboxWorker: a fresh user Maildir in a temporary directory, messages
// appended with given flags and dates, and commands run from their IMAP text.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "imap_test_util.h"
#include "hamail/mailsvc/imapworker/mailbox_worker.h"
#include "hamail/mailsvc/store/mailbox.h"
#include "hamail/mailsvc/store/mailbox_tree.h"
#include "temp_dir.h"

namespace hamail::mailsvc::imapworker::testing {

inline const std::string kHello =
    "From: Alice <alice@example.org>\r\nTo: bob@example.org\r\nSubject: Hello\r\n"
    "Date: Mon, 7 Feb 1994 21:52:25 -0800\r\nMessage-ID: <1@example.org>\r\n\r\nHello Bob\r\n";
inline const std::string kLunch =
    "From: Carol <carol@example.org>\r\nTo: bob@example.org\r\nSubject: Re: Lunch\r\n"
    "Date: Tue, 8 Feb 1994 12:00:00 +0000\r\nMessage-ID: <2@example.org>\r\n\r\nSee you at noon, big lunch\r\n";

class WorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    root_ = dir_ / "Maildir";
    auto tree = store::MailboxTree::open(root_);
    ASSERT_TRUE(tree) << tree.error();
  }

  // Appends to `folder` ("INBOX" = the root); returns the UID.
  std::uint32_t add(const std::string& message, std::uint8_t system_flags = 0, std::int64_t date = 760686745,
                    const std::string& folder = "INBOX") {
    auto tree = store::MailboxTree::open(root_);
    EXPECT_TRUE(tree);
    auto path = tree->path_of(folder);
    EXPECT_TRUE(path);
    auto mb = store::Mailbox::open(*path);
    EXPECT_TRUE(mb) << mb.error();
    store::MessageFlags flags;
    flags.system = system_flags;
    auto uid = mb->append(message, flags, date);
    EXPECT_TRUE(uid) << uid.error();
    return uid ? *uid : 0;
  }

  static imap::MailboxReply run_reply(MailboxWorker& w, const std::string& text, imap::SessionFlags flags = {}) {
    // Through the real reader and parser; literals inline ("{5+}\r\nhello").
    imap::ParseOptions options;
    if (flags.utf8_accept) options.mailbox_encoding = imap::MailboxEncoding::utf8;
    auto cmd = imap::test::parse(text + "\r\n", options);
    EXPECT_TRUE(cmd) << cmd.error();
    if (!cmd) return {};
    return w.run({*cmd, flags});
  }
  static std::string run(MailboxWorker& w, const std::string& text, imap::SessionFlags flags = {}) {
    return run_reply(w, text, flags).bytes;
  }

  std::uint32_t uidvalidity() {
    auto mb = store::Mailbox::open(root_);
    return mb ? mb->uidvalidity() : 0;
  }

  mailsvc::testing::TempDir dir_;
  std::string root_;
};

}  // namespace hamail::mailsvc::imapworker::testing

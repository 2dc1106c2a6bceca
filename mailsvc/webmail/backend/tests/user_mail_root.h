// A temporary mail_root with one user (password "secret") and an empty Maildir tree, as
// the backend tests start from; deliver() drops a message into INBOX's new/.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "../../../store/tests/temp_dir.h"
#include "hamail/mailsvc/daemon/maildir_path.h"
#include "hamail/mailsvc/store/maildir.h"
#include "hamail/mailsvc/store/mailbox_tree.h"
#include "hamail/mailsvc/users/password_hash.h"

namespace hamail::mailsvc::webmailbackend::testing_support {

struct UserMailRoot {
  mailsvc::testing::TempDir dir;
  std::string maildir;

  // Call from SetUp (ASSERTs inside).
  void create(const std::string& user) {
    std::filesystem::create_directories(dir / "etc");
    std::ofstream(dir / "etc/domains") << "example.org\n";
    std::ofstream(dir / "etc/passwd") << user + ":" + *users::hash_password(users::Scheme::Sha512Crypt, "secret") + "\n";
    maildir = *daemon::maildir_path(dir.path(), user);
    std::filesystem::create_directories(std::filesystem::path(maildir).parent_path());
    ASSERT_TRUE(store::MailboxTree::open(maildir).is_ok());
  }

  void deliver(const std::string& message) const {
    auto md = store::Maildir::open(maildir);
    ASSERT_TRUE(md.is_ok());
    ASSERT_TRUE(md->deliver(message).is_ok());
  }
};

}  // namespace hamail::mailsvc::webmailbackend::testing_support

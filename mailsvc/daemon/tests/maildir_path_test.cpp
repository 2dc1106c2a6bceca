#include <gtest/gtest.h>

#include "hamail/mailsvc/daemon/maildir_path.h"

namespace hamail::mailsvc::daemon {
namespace {

TEST(MaildirPath, AnAddressNamesItsMaildirLowerCased) {
  EXPECT_EQ(maildir_path("/srv/mail", "Alice@Example.ORG"), "/srv/mail/maildirs/example.org/alice/Maildir");
  EXPECT_EQ(maildir_path("/m", "a.b+tag@x"), "/m/maildirs/x/a.b+tag/Maildir");
  // The last '@' splits: a quoted local part with '@' keeps it.
  EXPECT_EQ(maildir_path("/m", "\"a@b\"@x.org"), "/m/maildirs/x.org/\"a@b\"/Maildir");
}

TEST(MaildirPath, NamesThatCouldLeaveMailRootGetNothing) {
  for (const char* bad : {"alice", "@example.org", "alice@", "../x@example.org", "alice@..", ".alice@example.org",
                          "alice@.example.org", "a/b@example.org", "alice@exa/mple.org", "al ice@example.org",
                          "alice@example.org\n", "al\x7f" "ice@example.org"})
    EXPECT_FALSE(maildir_path("/srv/mail", bad)) << bad;
}

}  // namespace
}  // namespace hamail::mailsvc::daemon

// The unprivileged account a mail daemon runs as (`user:`, default mail): looked up in
// the passwd database, and the switch to it once the ports are bound and the keys read
// (groups, gid, uid; irreversible, checked). Postfix's mail_owner, Dovecot's vmail user.
#pragma once

#include <sys/types.h>

#include <string>

#include "hamail/base/result.h"

namespace hamail::mailsvc::daemon {

struct Account {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
};

// "user: no such user 'x' on this host (...)"; an account with uid 0 is refused.
Result<Account> lookup_account(const std::string& name);

// Root only: supplementary groups from the group database, then gid and uid (real,
// effective, saved); afterwards regaining root must fail, else this is an error.
Status switch_to(const Account& account);

}  // namespace hamail::mailsvc::daemon

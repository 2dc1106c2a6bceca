// What a mail daemon started as root does to mail_root before it gives up root, so that
// its account (`user:`) can work there afterwards: mail_root made (0755), the user
// database directory readable by the account's group (root keeps writing it), the
// directories the daemon writes (queue/, maildirs/) owned by the account, an existing
// tree taken over once when its top directory belongs to someone else.
#pragma once

#include <string>
#include <vector>

#include "hamail/base/log.h"
#include "hamail/base/result.h"
#include "hamail/mailsvc/daemon/account.h"

namespace hamail::mailsvc::daemon {

struct MailRootLayout {
  std::string mail_root;
  std::string users_dir;                // read-only for the account: group = its gid, g+r(x)
  std::vector<std::string> owned_dirs;  // written by the account: owned by it, whole trees
};

// Root only. Missing directories are made (mail_root and its missing parents 0755,
// users_dir root:gid 0750, owned dirs account 0700). users_dir and the regular files
// directly in it get the account's group and g+r (logged user_db_group_set when changed).
// An owned dir whose owner is not the account is chowned with everything under it
// (symlinks never followed, files with several hard links left alone and counted;
// logged mail_store_chowned): the one-time take-over of a store written by root.
Status prepare_mail_root(const MailRootLayout& layout, const Account& account, const Logger& log);

// As the account: it can search mail_root, read the user database directory and write
// the owned dirs that exist. The error names the path and the user.
Status check_mail_root_access(const MailRootLayout& layout, const Account& account);

}  // namespace hamail::mailsvc::daemon

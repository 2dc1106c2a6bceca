#include "hamail/mailsvc/daemon/account.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace hamail::mailsvc::daemon {

Result<Account> lookup_account(const std::string& name) {
  long hint = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buf(hint > 0 ? static_cast<std::size_t>(hint) : 16384);
  passwd pw{};
  passwd* found = nullptr;
  int rc;
  while ((rc = ::getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found)) == ERANGE && buf.size() < (1u << 20))
    buf.resize(buf.size() * 2);
  if (rc != 0) return Error{"user: cannot look up '" + name + "': " + std::strerror(rc)};
  if (!found)
    return Error{"user: no such user '" + name + "' on this host (create it, e.g. `useradd --system --no-create-home " +
                 "--shell /usr/sbin/nologin " + name + "`, the same uid on every node, or name another one)"};
  if (pw.pw_uid == 0)
    return Error{"user: '" + name + "' has uid 0: the mail daemons give up root after binding their ports; " +
                 "name an unprivileged user such as mail"};
  return Account{name, pw.pw_uid, pw.pw_gid};
}

Status switch_to(const Account& a) {
  auto failed = [&](const char* what) {
    return Error{std::string("user: cannot switch to '") + a.name + "' (uid " + std::to_string(a.uid) + "): " + what +
                 ": " + std::strerror(errno)};
  };
  if (::initgroups(a.name.c_str(), a.gid) != 0) return failed("initgroups");
  if (::setresgid(a.gid, a.gid, a.gid) != 0) return failed("setresgid");
  if (::setresuid(a.uid, a.uid, a.uid) != 0) return failed("setresuid");
  uid_t r = 0, e = 0, s = 0;
  if (::getresuid(&r, &e, &s) != 0 || r != a.uid || e != a.uid || s != a.uid || ::setuid(0) == 0)
    return Error{"user: switching to '" + a.name + "' did not take: root could be regained"};
  return Status::ok();
}

}  // namespace hamail::mailsvc::daemon

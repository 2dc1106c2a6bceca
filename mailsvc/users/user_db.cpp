#include "hamail/mailsvc/users/user_db.h"

#include "hamail/mailsvc/users/address.h"
#include "hamail/mailsvc/users/password_hash.h"

namespace hamail::mailsvc::users {

Result<UserDb> UserDb::load(const std::string& dir) {
  UserDbPaths p(dir);
  auto u = PasswdFile::load(p.passwd());
  if (!u) return Error{u.error()};
  auto a = AliasFile::load(p.aliases());
  if (!a) return Error{a.error()};
  auto d = DomainList::load(p.domains());
  if (!d) return Error{d.error()};
  return UserDb{std::move(*u), std::move(*a), std::move(*d)};
}

Result<bool> UserDb::authenticate(std::string_view address, std::string_view password) const {
  auto a = normalize_address(address);
  const PasswdEntry* e = a ? users.find(*a) : nullptr;
  if (!e) {
    // Spend about the same time as a real check, so timing does not reveal users.
    (void)verify_password("{SHA512-CRYPT}$6$hamailnouser$", password);
    return false;
  }
  auto ok = verify_password(e->password, password);
  if (!ok) return Error{"user '" + e->user + "': " + ok.error()};
  return *ok;
}

}  // namespace hamail::mailsvc::users

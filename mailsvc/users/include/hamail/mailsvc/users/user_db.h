// The user database directory the servers and mailsvc-admin share: DIR/passwd (users),
// DIR/aliases, DIR/domains. load() reads all three; authenticate() looks a user up
// and checks a password (unknown user and wrong password give the same false).
#pragma once

#include <string>
#include <string_view>

#include "hamail/base/result.h"
#include "hamail/mailsvc/users/aliases.h"
#include "hamail/mailsvc/users/domains.h"
#include "hamail/mailsvc/users/passwd_file.h"

namespace hamail::mailsvc::users {

struct UserDbPaths {
  explicit UserDbPaths(std::string dir) : dir(std::move(dir)) {}
  std::string dir;
  std::string passwd() const { return dir + "/passwd"; }
  std::string aliases() const { return dir + "/aliases"; }
  std::string domains() const { return dir + "/domains"; }
  std::string lock() const { return dir + "/.mailsvc-admin.lock"; }
};

struct UserDb {
  PasswdFile users;
  AliasFile aliases;
  DomainList domains;

  static Result<UserDb> load(const std::string& dir);

  // True only for a known user with the right password. Errors: a bad stored hash.
  Result<bool> authenticate(std::string_view address, std::string_view password) const;
};

}  // namespace hamail::mailsvc::users

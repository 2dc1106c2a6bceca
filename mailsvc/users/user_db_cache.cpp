#include "hamail/mailsvc/users/user_db_cache.h"

namespace hamail::mailsvc::users {

std::array<UserDbCache::Stamp, 3> UserDbCache::stamps() const {
  UserDbPaths p(dir_);
  std::array<Stamp, 3> out{};
  const std::string paths[3] = {p.passwd(), p.aliases(), p.domains()};
  for (int i = 0; i < 3; ++i) {
    struct stat st {};
    if (::stat(paths[i].c_str(), &st) != 0) continue;
    out[i] = Stamp{true, st.st_ino, st.st_size, st.st_mtim};
  }
  return out;
}

Result<std::shared_ptr<const UserDb>> UserDbCache::get() const {
  auto now = stamps();
  std::lock_guard lock(mutex_);
  if (db_ && now == loaded_) return db_;
  auto db = UserDb::load(dir_);
  if (!db) return Error{db.error()};
  // Stamps taken before the load: a change during it is picked up by the next call.
  db_ = std::make_shared<const UserDb>(std::move(*db));
  loaded_ = now;
  return db_;
}

}  // namespace hamail::mailsvc::users

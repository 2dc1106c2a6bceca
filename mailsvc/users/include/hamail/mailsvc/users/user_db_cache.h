// The user database as the servers read it: loaded again only when one of its three
// files changed (inode, size or mtime; mailsvc-admin replaces files by rename, so every
// change is seen at the next lookup). Safe to share between pool threads.
#pragma once

#include <sys/stat.h>

#include <array>
#include <memory>
#include <mutex>
#include <string>

#include "hamail/base/result.h"
#include "hamail/mailsvc/users/user_db.h"

namespace hamail::mailsvc::users {

class UserDbCache {
 public:
  explicit UserDbCache(std::string dir) : dir_(std::move(dir)) {}

  // The current database; a file that cannot be read or parsed is an error naming it.
  Result<std::shared_ptr<const UserDb>> get() const;

 private:
  struct Stamp {
    bool exists = false;
    ino_t ino = 0;
    off_t size = 0;
    timespec mtime{};
    bool operator==(const Stamp& o) const {
      return exists == o.exists && ino == o.ino && size == o.size && mtime.tv_sec == o.mtime.tv_sec &&
             mtime.tv_nsec == o.mtime.tv_nsec;
    }
  };
  std::array<Stamp, 3> stamps() const;

  std::string dir_;
  mutable std::mutex mutex_;
  mutable std::shared_ptr<const UserDb> db_;
  mutable std::array<Stamp, 3> loaded_{};
};

}  // namespace hamail::mailsvc::users

// The users file in Dovecot's passwd-file format, one user a line:
//   user@domain:{SCHEME}hash:uid:gid:gecos:home:shell:extra_fields
// (trailing fields may be left out). Comments and blank lines survive a rewrite.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::mailsvc::users {

struct PasswdEntry {
  std::string user;      // normalized address
  std::string password;  // "{SCHEME}hash"
  std::string uid, gid, gecos, home, shell, extra;
};

class PasswdFile {
 public:
  static constexpr std::size_t kMaxFileBytes = 16u << 20;

  // file names the source in errors: "<file>:<line>: ...". Never crashes on bad input.
  static Result<PasswdFile> parse(std::string_view text, const std::string& file);
  // A missing file is an empty user list.
  static Result<PasswdFile> load(const std::string& path);
  std::string serialize() const;

  const PasswdEntry* find(std::string_view user) const;
  std::vector<const PasswdEntry*> entries() const;
  Status add(PasswdEntry e);                        // error if the user exists
  Status remove(std::string_view user);             // error if absent
  Status set_password(std::string_view user, std::string password);

 private:
  struct Line {
    std::string raw;                   // comments and blank lines, kept as they were
    std::optional<PasswdEntry> entry;
  };
  PasswdEntry* find_mut(std::string_view user);
  std::vector<Line> lines_;
};

}  // namespace hamail::mailsvc::users

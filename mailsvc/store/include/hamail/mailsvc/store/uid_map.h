// The per-mailbox UID map, sans-IO: UIDVALIDITY, the next UID and one "uid base" line
// per message, keyed on the base of the file name so a flag change keeps the UID.
// Text form (the `hamail-uids` file): "hamail-uids v1 UIDVALIDITY NEXTUID\n" + lines.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::mailsvc::store {

struct UidEntry {
  std::uint32_t uid = 0;
  std::string base;
  bool operator==(const UidEntry&) const = default;
};

class UidMap {
 public:
  static UidMap fresh(std::uint32_t uidvalidity);
  // file names the source in errors: "<file>:<line>: ...".
  static Result<UidMap> parse(std::string_view text, const std::string& file);
  std::string serialize() const;

  // Forgets bases no longer present; gives present bases without a UID new UIDs in
  // the given order (pass them oldest first). Returns whether anything changed. If
  // UIDs would run out, starts over with uidvalidity + 1 (clients must resync).
  bool sync(const std::vector<std::string>& present_bases);

  std::optional<std::uint32_t> uid_of(const std::string& base) const;
  std::uint32_t uidvalidity() const { return uidvalidity_; }
  std::uint32_t next_uid() const { return next_uid_; }
  const std::vector<UidEntry>& entries() const { return entries_; }  // ascending uid

 private:
  std::uint32_t uidvalidity_ = 1;
  std::uint32_t next_uid_ = 1;
  std::vector<UidEntry> entries_;
  std::unordered_map<std::string, std::uint32_t> by_base_;
};

}  // namespace hamail::mailsvc::store

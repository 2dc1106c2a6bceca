// The local domains list: one domain a line, '#' comments. Mail for these domains is
// delivered here (to users or aliases); anything else is remote.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::mailsvc::users {

class DomainList {
 public:
  static constexpr std::size_t kMaxFileBytes = 1u << 20;

  static Result<DomainList> parse(std::string_view text, const std::string& file);
  static Result<DomainList> load(const std::string& path);  // missing file = no domains
  std::string serialize() const;

  bool contains(std::string_view domain) const;  // domain must be normalized
  const std::vector<std::string>& domains() const { return domains_; }
  Status add(const std::string& domain);          // error if present
  Status remove(std::string_view domain);          // error if absent

 private:
  std::vector<std::string> domains_;  // normalized, file order
};

}  // namespace hamail::mailsvc::users

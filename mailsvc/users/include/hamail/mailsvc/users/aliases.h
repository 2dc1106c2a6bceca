// The aliases file, one alias a line: "alias@domain: target1@domain, target2@other".
// expand() follows aliases to final addresses with a depth bound; a loop is an error
// naming it. An alias listing itself ("a@x: a@x, b@y") also delivers to its own mailbox.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::mailsvc::users {

struct AliasEntry {
  std::string alias;                 // normalized address
  std::vector<std::string> targets;  // normalized addresses, no duplicates
};

class AliasFile {
 public:
  static constexpr std::size_t kMaxFileBytes = 16u << 20;
  static constexpr int kDefaultMaxDepth = 8;
  static constexpr std::size_t kMaxExpansion = 1000;

  static Result<AliasFile> parse(std::string_view text, const std::string& file);
  static Result<AliasFile> load(const std::string& path);  // missing file = no aliases
  std::string serialize() const;

  const AliasEntry* find(std::string_view alias) const;
  const std::vector<AliasEntry>& entries() const { return entries_; }
  // Adds targets to the alias (created if new); targets already there are ignored.
  Status add(const std::string& alias, const std::vector<std::string>& targets);
  // Removes one target (the alias goes when its last target goes), or the whole alias.
  Status remove(std::string_view alias, std::string_view target = {});

  // Final addresses for address (itself when it is no alias), in first-seen order.
  // Errors: "alias loop: a@x -> b@x -> a@x", a chain deeper than max_depth, or more
  // than kMaxExpansion addresses.
  Result<std::vector<std::string>> expand(std::string_view address, int max_depth = kDefaultMaxDepth) const;

 private:
  std::vector<AliasEntry> entries_;  // file order (comments are not kept)
};

}  // namespace hamail::mailsvc::users

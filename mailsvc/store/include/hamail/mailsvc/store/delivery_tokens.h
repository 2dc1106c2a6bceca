// Finding deliveries again by their token (the 'D' field of a unique name, see
// unique_name.h): which of some tokens a Maildir holds in new/ or cur/, in one pass over
// each directory however many tokens are asked for, and removing tmp/ leftovers of them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "hamail/base/result.h"

namespace hamail::mailsvc::store {

struct DeliveryTokenScan {
  std::unordered_map<std::uint64_t, std::string> found;  // token -> "new/NAME" or "cur/NAME"
  std::size_t tmp_removed = 0;                           // uncommitted leftovers removed from tmp/
};

// Reads new/ then cur/ of `maildir` (that order: a file moved new/ -> cur/ meanwhile is
// seen in one of them) and tmp/. Every token must belong to a delivery nobody is making
// now (its maker crashed): a tmp/ file carrying one was never committed and is removed.
// A missing Maildir or subdirectory holds nothing; other errors name the directory.
Result<DeliveryTokenScan> find_delivery_tokens(const std::string& maildir,
                                               const std::unordered_set<std::uint64_t>& tokens);

}  // namespace hamail::mailsvc::store

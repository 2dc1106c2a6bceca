#include "hamail/mailsvc/store/delivery_tokens.h"

#include <unistd.h>

#include <vector>

#include "hamail/mailsvc/store/fs.h"
#include "hamail/mailsvc/store/unique_name.h"

namespace hamail::mailsvc::store {

namespace {

bool wanted(std::string_view name, const std::unordered_set<std::uint64_t>& tokens, std::uint64_t* token) {
  if (name.empty() || name[0] == '.') return false;
  auto t = delivery_token_of(name);
  if (!t || !tokens.count(*t)) return false;
  *token = *t;
  return true;
}

}  // namespace

Result<DeliveryTokenScan> find_delivery_tokens(const std::string& maildir,
                                               const std::unordered_set<std::uint64_t>& tokens) {
  DeliveryTokenScan scan;
  if (tokens.empty()) return scan;
  for (const char* sub : {"new", "cur"}) {
    Status s = for_each_name(maildir + "/" + sub, true, [&](std::string_view name) {
      std::uint64_t t = 0;
      if (wanted(name, tokens, &t)) scan.found.emplace(t, std::string(sub) + "/" + std::string(name));
    });
    if (!s) return Error{s.message()};
  }
  std::vector<std::string> leftovers;
  Status s = for_each_name(maildir + "/tmp", true, [&](std::string_view name) {
    std::uint64_t t = 0;
    if (wanted(name, tokens, &t)) leftovers.emplace_back(name);
  });
  if (!s) return Error{s.message()};
  for (const auto& name : leftovers) {
    std::string p = maildir + "/tmp/" + name;
    if (::unlink(p.c_str()) == 0) ++scan.tmp_removed;
  }
  return scan;
}

}  // namespace hamail::mailsvc::store

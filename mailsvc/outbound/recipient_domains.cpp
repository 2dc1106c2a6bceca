#include "hamail/mailsvc/outbound/recipient_domains.h"

#include <cctype>
#include <unordered_map>
#include <unordered_set>

namespace hamail::mailsvc::outbound {

std::string domain_of_address(std::string_view address) {
  auto at = address.rfind('@');
  if (at == std::string_view::npos) return {};
  std::string d;
  d.reserve(address.size() - at - 1);
  for (char c : address.substr(at + 1)) d += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return d;
}

std::vector<DomainGroup> group_by_domain(const std::vector<std::string>& addresses) {
  std::vector<DomainGroup> groups;
  std::unordered_map<std::string, std::size_t> index;
  std::unordered_set<std::string> seen;
  for (const auto& a : addresses) {
    if (!seen.insert(a).second) continue;
    std::string d = domain_of_address(a);
    auto [it, added] = index.emplace(d, groups.size());
    if (added) groups.push_back({std::move(d), {}});
    groups[it->second].addresses.push_back(a);
  }
  return groups;
}

}  // namespace hamail::mailsvc::outbound

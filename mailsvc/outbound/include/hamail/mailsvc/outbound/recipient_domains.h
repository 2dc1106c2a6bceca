// A message's remote recipients grouped by destination domain, so each domain gets one
// lookup and one SMTP transaction with all its RCPT TOs. Pure; order is first-seen, so
// the result (and the log) follows the envelope.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hamail::mailsvc::outbound {

// The lower-cased part after the last '@' ("Bob@Example.ORG" -> "example.org"); "" when
// there is no '@'.
std::string domain_of_address(std::string_view address);

struct DomainGroup {
  std::string domain;                  // lower-cased
  std::vector<std::string> addresses;  // as given, in envelope order, each once
};

// Groups in the order their domain first appears; an address given twice is kept once.
std::vector<DomainGroup> group_by_domain(const std::vector<std::string>& addresses);

}  // namespace hamail::mailsvc::outbound

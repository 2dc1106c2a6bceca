// An address-list header (RFC 5322 3.4) read the way ENVELOPE reports it: each address's
// display name, source route, mailbox and host as written (encoded words not decoded,
// quotes removed), group starts and ends as RFC 3501 7.4.2 marks them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hamail::mailsvc::mime {

struct EnvelopeAddress {
  std::optional<std::string> name;
  std::optional<std::string> route;    // "@a,@b" of an obsolete source route
  std::optional<std::string> mailbox;  // group start: the group's name; group end: none
  std::optional<std::string> host;     // none for a group start or end
};

// Bounded: at most 1000 addresses are read.
std::vector<EnvelopeAddress> read_address_list(std::string_view unfolded);

}  // namespace hamail::mailsvc::mime

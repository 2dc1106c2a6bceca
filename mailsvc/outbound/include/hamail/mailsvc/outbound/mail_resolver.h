// Blocking DNS lookups for mail routing (RFC 5321 5.1, RFC 7505): a domain's MX hosts in
// preference order, each with its IPv4 then IPv6 addresses, or one host's addresses.
// Thread-safe (a private resolver state per call): smtpd runs it on libuv's thread pool.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hamail/mailsvc/outbound/dns_query.h"
#include "hamail/mailsvc/outbound/next_hop.h"

namespace hamail::mailsvc::outbound {

struct MailHost {
  std::string name;                    // MX target, the domain (implicit MX), or the IP itself
  int preference = 0;
  std::vector<std::string> addresses;  // numeric IPv4 first, then IPv6; never empty
};

enum class LookupFailure {
  temporary,  // defer and retry (SERVFAIL, timeout, no usable address yet)
  permanent,  // bounce (NXDOMAIN, null MX, invalid domain name)
};

struct LookupError {
  LookupFailure kind = LookupFailure::temporary;
  std::string message;  // names the domain or host and the reason
};

// Hosts to try in order, or why there are none: exactly one of the two is non-empty.
struct MailRoute {
  std::vector<MailHost> hosts;
  std::optional<LookupError> error;
  bool ok() const { return !error.has_value(); }
};

class MailResolver {
 public:
  static constexpr std::size_t kMaxMailHosts = 10;         // MX hosts kept (lowest preference first)
  static constexpr std::size_t kMaxAddressesPerHost = 8;   // A first, then AAAA
  static constexpr std::size_t kMaxCnameChain = 8;         // names followed per question

  // `server`: ask this name server only (else /etc/resolv.conf). timeout_s per try
  // (clamped to 1..30), attempts per question (1..5); the worst case is about
  // 2 * (kMaxMailHosts + 1) questions.
  explicit MailResolver(std::optional<DnsServerOverride> server = {}, int timeout_s = 5, int attempts = 2);

  // The MX hosts of `domain` (an address literal "[192.0.2.1]" is its own host). Equal
  // preferences keep the order received, or are shuffled when tie_seed != 0 (pass a
  // random value to spread load, a fixed one in tests). No MX records: the implicit MX
  // (the domain's own addresses, preference 0). Permanent: invalid name, NXDOMAIN, null
  // MX. Temporary: server failure, timeout, no host with an address.
  MailRoute lookup_mail_hosts(std::string_view domain, std::uint64_t tie_seed = 0) const;

  // One host, preference 0, with its A then AAAA addresses; an IP (bare or bracketed)
  // needs no query. Permanent: invalid name, NXDOMAIN. Temporary: the rest.
  MailRoute lookup_addresses(std::string_view host) const;

  // mx_lookup ? lookup_mail_hosts : lookup_addresses. For a relay hop (relay_host) a
  // permanent failure becomes temporary: a broken relay_host is a configuration error,
  // so mail waits for the fix instead of bouncing. Messages then start "relay_host X: ".
  MailRoute lookup_next_hop(const NextHop& hop, std::uint64_t tie_seed = 0) const;

 private:
  std::optional<DnsServerOverride> server_;
  int timeout_s_;
  int attempts_;
};

}  // namespace hamail::mailsvc::outbound

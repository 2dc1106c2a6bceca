#include "hamail/mailsvc/outbound/mail_resolver.h"

#include <algorithm>
#include <unordered_set>
#include <utility>

#include "hamail/mailsvc/outbound/domain_name.h"
#include "hamail/mailsvc/outbound/quote.h"

namespace hamail::mailsvc::outbound {
namespace {

constexpr std::size_t kMaxReasons = 3;  // per-host failures named in a "no usable host" message

MailRoute fail(LookupFailure kind, std::string message) {
  MailRoute r;
  r.error = LookupError{kind, std::move(message)};
  return r;
}

MailRoute one_host(std::string name, std::vector<std::string> addresses) {
  MailRoute r;
  r.hosts.push_back(MailHost{std::move(name), 0, std::move(addresses)});
  return r;
}

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// The records of `type` that `name` leads to: CNAMEs in an answer are followed to the
// records of their target; an answer that stops at a CNAME makes us ask for the target.
// At most kMaxCnameChain names in all, so a loop ends.
DnsAnswer query_following_cnames(DnsQuerier& q, const std::string& name, std::uint16_t type) {
  std::string asked = name;
  std::size_t names = 1;
  for (;;) {
    DnsAnswer a = q.query(asked, type);
    if (a.status != DnsStatus::answer) return a;
    std::string current = asked;
    for (;;) {
      DnsAnswer found;
      found.status = DnsStatus::answer;
      for (const auto& r : a.records)
        if (r.type == type && r.owner == current) found.records.push_back(r);
      if (!found.records.empty()) return found;
      auto cname = std::find_if(a.records.begin(), a.records.end(), [&](const DnsRecord& r) {
        return r.type == kDnsTypeCname && r.owner == current;
      });
      if (cname == a.records.end()) break;
      if (++names > MailResolver::kMaxCnameChain) {
        DnsAnswer loop;
        loop.reason = "CNAME chain from " + name + " longer than " + std::to_string(MailResolver::kMaxCnameChain) +
                      " names (a loop?)";
        return loop;
      }
      current = cname->value;
    }
    if (current == asked || current.empty()) {
      DnsAnswer none;
      none.status = DnsStatus::nodata;
      return none;
    }
    asked = current;  // the answer ended at a CNAME: ask for its target
  }
}

struct HostAddresses {
  std::vector<std::string> addresses;
  DnsStatus status = DnsStatus::failed;  // answer when addresses were found
  std::string reason;
};

// A then AAAA of a checked host name (AAAA is not asked when A says NXDOMAIN).
HostAddresses resolve_host(DnsQuerier& q, const std::string& host) {
  HostAddresses h;
  DnsAnswer a = query_following_cnames(q, host, kDnsTypeA);
  if (a.status == DnsStatus::nxdomain) {
    h.status = DnsStatus::nxdomain;
    h.reason = "host " + host + " does not exist (NXDOMAIN)";
    return h;
  }
  DnsAnswer aaaa = query_following_cnames(q, host, kDnsTypeAaaa);
  std::unordered_set<std::string> seen;
  for (const DnsAnswer* ans : {&a, &aaaa})
    for (const auto& r : ans->records)
      if (h.addresses.size() < MailResolver::kMaxAddressesPerHost && seen.insert(r.value).second)
        h.addresses.push_back(r.value);
  if (!h.addresses.empty()) {
    h.status = DnsStatus::answer;
    return h;
  }
  if (a.status == DnsStatus::failed) {
    h.reason = "A lookup for " + host + ": " + a.reason;
  } else if (aaaa.status == DnsStatus::failed) {
    h.reason = "AAAA lookup for " + host + ": " + aaaa.reason;
  } else if (aaaa.status == DnsStatus::nxdomain) {
    h.status = DnsStatus::nxdomain;
    h.reason = "host " + host + " does not exist (NXDOMAIN)";
  } else {
    h.status = DnsStatus::nodata;
    h.reason = "host " + host + " has no A or AAAA record";
  }
  return h;
}

struct Mx {
  std::uint16_t preference;
  std::string target;
};

// Lowest preference first; ties in the order received, or shuffled by `seed` (!= 0).
void order_mx(std::vector<Mx>& mx, std::uint64_t seed) {
  std::stable_sort(mx.begin(), mx.end(), [](const Mx& a, const Mx& b) { return a.preference < b.preference; });
  if (seed == 0) return;
  std::uint64_t state = seed;
  for (std::size_t begin = 0; begin < mx.size();) {
    std::size_t end = begin + 1;
    while (end < mx.size() && mx[end].preference == mx[begin].preference) ++end;
    for (std::size_t i = end - 1; i > begin; --i) {
      std::size_t j = begin + static_cast<std::size_t>(splitmix64(state) % (i - begin + 1));
      std::swap(mx[i], mx[j]);
    }
    begin = end;
  }
}

}  // namespace

MailResolver::MailResolver(std::optional<DnsServerOverride> server, int timeout_s, int attempts)
    : server_(std::move(server)), timeout_s_(timeout_s), attempts_(attempts) {}

MailRoute MailResolver::lookup_mail_hosts(std::string_view domain, std::uint64_t tie_seed) const {
  if (!domain.empty() && domain.front() == '[') {
    auto ip = parse_address_literal(domain);
    if (!ip) return fail(LookupFailure::permanent, "bad address literal " + quoted(domain));
    return one_host(*ip, {*ip});
  }
  auto name = normalize_domain_name(domain);
  if (!name) return fail(LookupFailure::permanent, name.error());
  const std::string& d = *name;

  DnsQuerier q(server_, timeout_s_, attempts_);
  if (!q.init_error().empty()) return fail(LookupFailure::temporary, "MX lookup for " + d + ": " + q.init_error());

  DnsAnswer mx_answer = query_following_cnames(q, d, kDnsTypeMx);
  switch (mx_answer.status) {
    case DnsStatus::nxdomain:
      return fail(LookupFailure::permanent, "domain " + d + " does not exist (NXDOMAIN)");
    case DnsStatus::failed:
      return fail(LookupFailure::temporary, "MX lookup for " + d + " failed: " + mx_answer.reason);
    case DnsStatus::nodata: {
      HostAddresses h = resolve_host(q, d);
      if (h.status == DnsStatus::answer) return one_host(d, std::move(h.addresses));
      return fail(LookupFailure::temporary, "domain " + d + " has no MX record and no usable address: " + h.reason);
    }
    case DnsStatus::answer:
      break;
  }

  std::vector<Mx> mx;
  for (auto& r : mx_answer.records)
    if (!r.value.empty()) mx.push_back(Mx{r.preference, std::move(r.value)});
  if (mx.empty())  // only "." targets
    return fail(LookupFailure::permanent, "domain " + d + " does not accept mail (null MX, RFC 7505)");
  order_mx(mx, tie_seed);

  MailRoute route;
  std::vector<std::string> reasons;
  std::unordered_set<std::string> tried;
  std::size_t failed = 0;
  for (const auto& m : mx) {
    if (tried.size() >= kMaxMailHosts) break;
    if (!tried.insert(m.target).second) continue;
    std::string why;
    if (auto target = normalize_domain_name(m.target); !target) {
      why = "MX target: " + target.error();
    } else if (HostAddresses h = resolve_host(q, *target); h.status == DnsStatus::answer) {
      route.hosts.push_back(MailHost{*target, m.preference, std::move(h.addresses)});
      continue;
    } else {
      why = h.reason;
    }
    ++failed;
    if (reasons.size() < kMaxReasons) reasons.push_back(std::move(why));
  }
  if (!route.hosts.empty()) return route;
  std::string msg = "no MX host of " + d + " has a usable address: ";
  for (std::size_t i = 0; i < reasons.size(); ++i) msg += (i ? "; " : "") + reasons[i];
  if (failed > reasons.size()) msg += "; and " + std::to_string(failed - reasons.size()) + " more";
  return fail(LookupFailure::temporary, std::move(msg));
}

MailRoute MailResolver::lookup_addresses(std::string_view host) const {
  if (auto ip = parse_ip_address(host)) return one_host(*ip, {*ip});
  if (!host.empty() && host.front() == '[') {
    if (auto ip = parse_address_literal(host)) return one_host(*ip, {*ip});
  }
  auto name = normalize_domain_name(host);
  if (!name) return fail(LookupFailure::permanent, name.error());
  DnsQuerier q(server_, timeout_s_, attempts_);
  if (!q.init_error().empty())
    return fail(LookupFailure::temporary, "address lookup for " + *name + ": " + q.init_error());
  HostAddresses h = resolve_host(q, *name);
  switch (h.status) {
    case DnsStatus::answer: return one_host(*name, std::move(h.addresses));
    case DnsStatus::nxdomain: return fail(LookupFailure::permanent, h.reason);
    case DnsStatus::nodata: return fail(LookupFailure::temporary, h.reason);
    case DnsStatus::failed: break;
  }
  return fail(LookupFailure::temporary, "no usable address for " + *name + ": " + h.reason);
}

MailRoute MailResolver::lookup_next_hop(const NextHop& hop, std::uint64_t tie_seed) const {
  MailRoute r = hop.mx_lookup ? lookup_mail_hosts(hop.host, tie_seed) : lookup_addresses(hop.host);
  if (hop.relay && r.error) {
    r.error->kind = LookupFailure::temporary;
    r.error->message = "relay_host " + hop.to_string() + ": " + r.error->message;
  }
  return r;
}

}  // namespace hamail::mailsvc::outbound

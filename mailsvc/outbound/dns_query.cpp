#include "hamail/mailsvc/outbound/dns_query.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <system_error>

#include "hamail/mailsvc/outbound/quote.h"

namespace hamail::mailsvc::outbound {
namespace {

constexpr std::size_t kAnswerBuffer = 65536;  // the largest DNS message (TCP fallback)

std::string canonical_name(const char* name) {
  std::string out;
  for (const char* p = name; *p; ++p) out += static_cast<char>(std::tolower(static_cast<unsigned char>(*p)));
  while (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

// glibc reports SERVFAIL/REFUSED and a timeout alike (TRY_AGAIN, errno ETIMEDOUT once
// any server was tried), so the time taken tells them apart: a timeout takes at least
// one full try (`retrans` seconds); a failure answer comes back sooner.
std::string failure_reason(int h_error, int err, std::chrono::steady_clock::duration took, int retrans_s) {
  switch (h_error) {
    case TRY_AGAIN:
      if (took >= std::chrono::seconds(retrans_s))
        return "timed out (no answer from the name server within " + std::to_string(retrans_s) + " s)";
      if (err == ETIMEDOUT || err == ECONNREFUSED)
        return "server failure (SERVFAIL or REFUSED from the name server, or it is unreachable)";
      if (err != 0) return "server failure: " + std::error_code(err, std::generic_category()).message();
      return "server failure (try again)";
    case NO_RECOVERY:
      return "non-recoverable name server error (FORMERR, NOTIMP or REFUSED)";
    default:
      return "resolver error " + std::to_string(h_error);
  }
}

}  // namespace

DnsQuerier::DnsQuerier(const std::optional<DnsServerOverride>& server, int timeout_s, int attempts)
    : state_(std::make_unique<struct __res_state>()) {
  if (server) {
    // Checked before res_ninit: a bad override must never fall back to resolv.conf.
    in_addr a{};
    if (::inet_pton(AF_INET, server->ip.c_str(), &a) != 1) {
      init_error_ = "DNS server override " + quoted(server->ip) + " is not an IPv4 address";
      return;
    }
  }
  if (res_ninit(state_.get()) != 0) {
    init_error_ = "res_ninit failed: cannot load the resolver configuration (/etc/resolv.conf)";
    return;
  }
  initialized_ = true;
  state_->retrans = std::clamp(timeout_s, 1, 30);
  state_->retry = std::clamp(attempts, 1, 5);
  if (server) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(server->port);
    ::inet_pton(AF_INET, server->ip.c_str(), &sa.sin_addr);
    // sin_family != 0 makes glibc use nsaddr_list[0] even where resolv.conf had IPv6.
    state_->nsaddr_list[0] = sa;
    state_->nscount = 1;
    state_->options &= ~static_cast<unsigned long>(RES_USEVC | RES_ROTATE);
#ifdef RES_NORELOAD
    state_->options |= RES_NORELOAD;  // a changed resolv.conf must not replace the override
#endif
  }
  buffer_.resize(kAnswerBuffer);
}

DnsQuerier::~DnsQuerier() {
  if (initialized_) res_nclose(state_.get());
}

DnsAnswer DnsQuerier::query(const std::string& name, std::uint16_t type) {
  DnsAnswer out;
  if (!init_error_.empty()) {
    out.reason = init_error_;
    return out;
  }
  errno = 0;
  const auto start = std::chrono::steady_clock::now();
  int n = res_nquery(state_.get(), name.c_str(), ns_c_in, type, buffer_.data(), static_cast<int>(buffer_.size()));
  const int err = errno;
  if (n < 0) {
    switch (state_->res_h_errno) {
      case HOST_NOT_FOUND: out.status = DnsStatus::nxdomain; break;
      case NO_DATA: out.status = DnsStatus::nodata; break;
      default:
        out.reason = failure_reason(state_->res_h_errno, err, std::chrono::steady_clock::now() - start,
                                    state_->retrans);
        break;
    }
    return out;
  }
  n = std::min(n, static_cast<int>(buffer_.size()));
  ns_msg msg;
  if (ns_initparse(buffer_.data(), n, &msg) < 0) {
    out.reason = "malformed answer";
    return out;
  }
  const int count = ns_msg_count(msg, ns_s_an);
  for (int i = 0; i < count && out.records.size() < DnsAnswer::kMaxRecords; ++i) {
    ns_rr rr;
    if (ns_parserr(&msg, ns_s_an, i, &rr) < 0) {
      out.records.clear();
      out.reason = "malformed answer record";
      return out;
    }
    if (ns_rr_class(rr) != ns_c_in) continue;
    DnsRecord rec;
    rec.type = ns_rr_type(rr);
    const unsigned char* rdata = ns_rr_rdata(rr);
    const int rdlen = ns_rr_rdlen(rr);
    char text[NS_MAXDNAME];
    switch (rec.type) {
      case kDnsTypeA:
        if (rdlen != 4 || !::inet_ntop(AF_INET, rdata, text, sizeof text)) continue;
        rec.value = text;
        break;
      case kDnsTypeAaaa:
        if (rdlen != 16 || !::inet_ntop(AF_INET6, rdata, text, sizeof text)) continue;
        rec.value = text;
        break;
      case kDnsTypeMx:
        if (rdlen < 3) continue;
        rec.preference = static_cast<std::uint16_t>(ns_get16(rdata));
        if (ns_name_uncompress(ns_msg_base(msg), ns_msg_end(msg), rdata + 2, text, sizeof text) < 0) continue;
        rec.value = canonical_name(text);
        break;
      case kDnsTypeCname:
        if (ns_name_uncompress(ns_msg_base(msg), ns_msg_end(msg), rdata, text, sizeof text) < 0) continue;
        rec.value = canonical_name(text);
        break;
      default:
        continue;
    }
    rec.owner = canonical_name(ns_rr_name(rr));
    out.records.push_back(std::move(rec));
  }
  out.status = DnsStatus::answer;
  return out;
}

}  // namespace hamail::mailsvc::outbound

// One DNS question at a time through glibc's reentrant resolver (res_ninit + res_nquery,
// answers read with ns_initparse/ns_parserr) on a private struct __res_state, so queries
// on different threads share nothing. Used by MailResolver; answers are bounded.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct __res_state;  // glibc <resolv.h>, kept out of this header (it defines many macros)

namespace hamail::mailsvc::outbound {

// A name server to ask instead of those in /etc/resolv.conf (tests, the lab). IPv4 only;
// queries go over UDP to exactly this address.
struct DnsServerOverride {
  std::string ip;
  std::uint16_t port = 53;
};

inline constexpr std::uint16_t kDnsTypeA = 1;
inline constexpr std::uint16_t kDnsTypeCname = 5;
inline constexpr std::uint16_t kDnsTypeMx = 15;
inline constexpr std::uint16_t kDnsTypeAaaa = 28;

// One class-IN record of the answer section (other types are dropped).
struct DnsRecord {
  std::string owner;              // lower case, no trailing dot
  std::uint16_t type = 0;         // kDnsType*
  std::uint16_t preference = 0;   // MX only
  std::string value;              // MX/CNAME target (lower case, no trailing dot, "" = the root);
                                  // A/AAAA: numeric text
};

enum class DnsStatus {
  answer,    // NOERROR with records (maybe only CNAMEs or other owners)
  nxdomain,  // the name does not exist
  nodata,    // the name exists, no record of that type
  failed,    // SERVFAIL, timeout, network or malformed answer: try again later
};

struct DnsAnswer {
  DnsStatus status = DnsStatus::failed;
  std::vector<DnsRecord> records;  // status == answer only; at most kMaxRecords
  std::string reason;              // failed: "timed out (...)", "server failure (...)", ...
  static constexpr std::size_t kMaxRecords = 64;
};

class DnsQuerier {
 public:
  // timeout_s per try (1..30), attempts (1..5). Reads /etc/resolv.conf unless `server`.
  DnsQuerier(const std::optional<DnsServerOverride>& server, int timeout_s, int attempts);
  ~DnsQuerier();
  DnsQuerier(const DnsQuerier&) = delete;
  DnsQuerier& operator=(const DnsQuerier&) = delete;

  // Empty when ready; else why no query can be made (every query then fails with it).
  const std::string& init_error() const { return init_error_; }

  // `name` must be a checked domain name (normalize_domain_name). No search list.
  DnsAnswer query(const std::string& name, std::uint16_t type);

 private:
  std::unique_ptr<struct __res_state> state_;
  bool initialized_ = false;
  std::string init_error_;
  std::vector<unsigned char> buffer_;
};

}  // namespace hamail::mailsvc::outbound

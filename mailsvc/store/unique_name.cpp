#include "hamail/mailsvc/store/unique_name.h"

#include <cstdio>

namespace hamail::mailsvc::store {

UniqueNameGenerator::UniqueNameGenerator(std::string host, std::int64_t pid)
    : host_(escape_host(host)), pid_(pid) {}

std::string UniqueNameGenerator::escape_host(const std::string& host) {
  std::string out;
  for (char c : host) {
    if (c == '/') out += "\\057";
    else if (c == ':') out += "\\072";
    else out += c;
  }
  return out.empty() ? "localhost" : out;
}

std::string UniqueNameGenerator::next(std::int64_t secs, std::int64_t usecs, std::uint64_t random) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "%lld.M%lldP%lldQ%lluR%016llx.", static_cast<long long>(secs),
                static_cast<long long>(usecs), static_cast<long long>(pid_),
                static_cast<unsigned long long>(++counter_), static_cast<unsigned long long>(random));
  return buf + host_;
}

}  // namespace hamail::mailsvc::store

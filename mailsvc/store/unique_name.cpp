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

std::string UniqueNameGenerator::next(std::int64_t secs, std::int64_t usecs, std::uint64_t random,
                                      std::optional<std::uint64_t> token) {
  char buf[160];
  int n = std::snprintf(buf, sizeof buf, "%lld.M%lldP%lldQ%lluR%016llx", static_cast<long long>(secs),
                        static_cast<long long>(usecs), static_cast<long long>(pid_),
                        static_cast<unsigned long long>(++counter_), static_cast<unsigned long long>(random));
  if (token) {
    std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), "D%016llx",
                  static_cast<unsigned long long>(*token));
  }
  return std::string(buf) + "." + host_;
}

std::optional<std::uint64_t> delivery_token_of(std::string_view name) {
  constexpr std::size_t kDigits = 16;
  auto first = name.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  auto second = name.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  std::string_view unique = name.substr(first + 1, second - first - 1);
  if (unique.size() < kDigits + 1 || unique[unique.size() - kDigits - 1] != 'D') return std::nullopt;
  std::uint64_t v = 0;
  for (char c : unique.substr(unique.size() - kDigits)) {
    if (c >= '0' && c <= '9') v = v << 4 | static_cast<std::uint64_t>(c - '0');
    else if (c >= 'a' && c <= 'f') v = v << 4 | static_cast<std::uint64_t>(c - 'a' + 10);
    else return std::nullopt;
  }
  return v;
}

}  // namespace hamail::mailsvc::store

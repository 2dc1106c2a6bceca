#include "hamail/mailsvc/http/byte_range.h"

#include <charconv>
#include <string>

namespace hamail::mailsvc::http {

namespace {

std::optional<std::uint64_t> number(std::string_view s) {
  std::uint64_t v = 0;
  if (s.empty() || s.size() > 19) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

RangeDecision decide_range(std::optional<std::string_view> field, std::uint64_t size) {
  RangeDecision whole;
  if (!field) return whole;
  std::string_view f = trim(*field);
  if (!f.starts_with("bytes=")) return whole;
  f.remove_prefix(6);
  f = trim(f);
  if (f.find(',') != std::string_view::npos) return whole;  // several ranges: the whole file
  std::size_t dash = f.find('-');
  if (dash == std::string_view::npos) return whole;
  std::string_view a = trim(f.substr(0, dash)), b = trim(f.substr(dash + 1));
  RangeDecision d{RangeKind::partial, {}};
  if (a.empty()) {  // suffix: the last N bytes
    auto n = number(b);
    if (!n) return whole;
    if (*n == 0 || size == 0) return RangeDecision{RangeKind::unsatisfiable, {}};
    std::uint64_t len = *n < size ? *n : size;
    d.range = {size - len, len};
    return d;
  }
  auto first = number(a);
  if (!first) return whole;
  std::optional<std::uint64_t> last;
  if (!b.empty()) {
    last = number(b);
    if (!last || *last < *first) return whole;
  }
  if (*first >= size) return RangeDecision{RangeKind::unsatisfiable, {}};
  std::uint64_t end = last && *last < size - 1 ? *last : size - 1;
  d.range = {*first, end - *first + 1};
  return d;
}

std::string content_range(const RangeDecision& d, std::uint64_t size) {
  if (d.kind == RangeKind::unsatisfiable) return "bytes */" + std::to_string(size);
  return "bytes " + std::to_string(d.range.first) + "-" + std::to_string(d.range.first + d.range.length - 1) + "/" +
         std::to_string(size);
}

}  // namespace hamail::mailsvc::http

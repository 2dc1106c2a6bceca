// The Range request field for one file (RFC 9110 section 14): a single byte range is
// served (206); several ranges or a malformed field are ignored (200, the whole file);
// a range beyond the end is 416.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hamail::mailsvc::http {

struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t length = 0;
};

enum class RangeKind { whole, partial, unsatisfiable };

struct RangeDecision {
  RangeKind kind = RangeKind::whole;
  ByteRange range;  // for partial
};

RangeDecision decide_range(std::optional<std::string_view> range_field, std::uint64_t size);
// "bytes 0-99/1234" for partial content, "bytes */1234" for 416.
std::string content_range(const RangeDecision& d, std::uint64_t size);

}  // namespace hamail::mailsvc::http

// Reading one logfmt line (what hamail::Logger writes: `key=value`, values quoted with
// \" \\ \n \r \t \xNN escapes when needed) back into its fields, in order. Sans-IO.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::mailsvc::trace {

struct LogField {
  std::string key;
  std::string value;
};

// The fields of `line` (no trailing newline). An error says what is wrong and where
// (column); at most kMaxFields fields.
inline constexpr std::size_t kMaxFields = 64;
Result<std::vector<LogField>> parse_logfmt(std::string_view line);

}  // namespace hamail::mailsvc::trace

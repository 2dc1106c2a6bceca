// LIST pattern matching: a table over (pattern position, name position), no backtracking.
#include "list_pattern.h"

#include <strings.h>

#include <vector>

namespace hamail::mailsvc::imapworker {

std::string canonical_pattern(std::string_view reference, std::string_view pattern) {
  std::string p = std::string(reference) + std::string(pattern);
  if (p.size() >= 5 && ::strncasecmp(p.c_str(), "INBOX", 5) == 0 && (p.size() == 5 || p[5] == kDelimiter))
    for (int i = 0; i < 5; ++i) p[i] = "INBOX"[i];
  return p;
}

bool pattern_matches(std::string_view pattern, std::string_view name) {
  // row[j]: pattern[0, i) matches name[0, j).
  std::vector<char> row(name.size() + 1, 0), next(name.size() + 1, 0);
  row[0] = 1;
  for (char c : pattern) {
    std::fill(next.begin(), next.end(), 0);
    for (std::size_t j = 0; j <= name.size(); ++j) {
      if (c == '*' || c == '%') {
        // Zero characters, or one more (not the delimiter for %).
        bool here = row[j] || (j > 0 && next[j - 1] && (c == '*' || name[j - 1] != kDelimiter));
        next[j] = here;
      } else {
        next[j] = j > 0 && row[j - 1] && name[j - 1] == c;
      }
    }
    std::swap(row, next);
  }
  return row[name.size()];
}

}  // namespace hamail::mailsvc::imapworker

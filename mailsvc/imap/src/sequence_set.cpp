#include "hamail/mailsvc/imap/sequence_set.h"

#include <algorithm>
#include <charconv>

#include "hamail/mailsvc/imap/response_text.h"

namespace hamail::mailsvc::imap {
namespace {

// seq-number = nz-number / "*" (nz-number: no leading zero, at most 4294967295)
bool parse_seq_number(std::string_view s, std::uint32_t& out) {
  if (s == "*") {
    out = kStar;
    return true;
  }
  if (s.empty() || s.front() < '1' || s.front() > '9' || s.size() > 10) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

std::string number_text(std::uint32_t n) { return n == kStar ? "*" : std::to_string(n); }

SequenceRange ordered(SequenceRange r, std::uint32_t largest) {
  std::uint32_t a = r.first == kStar ? largest : r.first;
  std::uint32_t b = r.last == kStar ? largest : r.last;
  return {std::max<std::uint32_t>(1, std::min(a, b)), std::max(a, b)};
}

}  // namespace

Result<SequenceSet> parse_sequence_set(std::string_view text) {
  SequenceSet set;
  if (text == "$") {
    set.saved_result = true;
    return set;
  }
  auto bad = [&](std::string_view why) {
    return Error{"bad sequence set '" + printable(text, 40) + "': " + std::string(why)};
  };
  if (text.empty()) return bad("empty");
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t comma = text.find(',', pos);
    std::string_view item = text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    std::size_t colon = item.find(':');
    SequenceRange r;
    std::string_view first = item.substr(0, colon);
    std::string_view last = colon == std::string_view::npos ? first : item.substr(colon + 1);
    if (item.empty()) return bad("an empty element");
    if (!parse_seq_number(first, r.first) || !parse_seq_number(last, r.last))
      return bad("'" + printable(item, 30) + "' is not a number from 1 to 4294967295, '*' or a range of them");
    set.ranges.push_back(r);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return set;
}

bool SequenceSet::has_star() const {
  return std::any_of(ranges.begin(), ranges.end(), [](const SequenceRange& r) {
    return r.first == kStar || r.last == kStar;
  });
}

std::vector<SequenceRange> SequenceSet::resolve(std::uint32_t largest) const {
  std::vector<SequenceRange> out;
  out.reserve(ranges.size());
  for (const SequenceRange& r : ranges) {
    SequenceRange o = ordered(r, largest);
    if (o.last >= o.first) out.push_back(o);
  }
  std::sort(out.begin(), out.end(), [](const SequenceRange& a, const SequenceRange& b) { return a.first < b.first; });
  std::vector<SequenceRange> merged;
  for (const SequenceRange& r : out) {
    if (!merged.empty() && (r.first <= merged.back().last || r.first - 1 == merged.back().last))
      merged.back().last = std::max(merged.back().last, r.last);
    else
      merged.push_back(r);
  }
  return merged;
}

bool SequenceSet::contains(std::uint32_t n, std::uint32_t largest) const {
  return std::any_of(ranges.begin(), ranges.end(), [&](const SequenceRange& r) {
    SequenceRange o = ordered(r, largest);
    return n >= o.first && n <= o.last;
  });
}

std::string to_string(const SequenceSet& set) {
  if (set.saved_result) return "$";
  std::string out;
  for (const SequenceRange& r : set.ranges) {
    if (!out.empty()) out += ',';
    out += number_text(r.first);
    if (r.last != r.first) out += ':' + number_text(r.last);
  }
  return out;
}

std::string format_sequence_set(std::span<const std::uint32_t> numbers) {
  std::string out;
  std::size_t i = 0;
  while (i < numbers.size()) {
    std::size_t j = i;
    while (j + 1 < numbers.size() && numbers[j] != UINT32_MAX && numbers[j + 1] == numbers[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(numbers[i]);
    if (j > i) out += ':' + std::to_string(numbers[j]);
    i = j + 1;
  }
  return out;
}

}  // namespace hamail::mailsvc::imap

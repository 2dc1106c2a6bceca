#include "hamail/hacore/cli/since.h"

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <string>

namespace hamail::hactl {

namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// Reads exactly `n` digits at `pos`.
bool take_digits(std::string_view s, std::size_t& pos, std::size_t n, int& out) {
  if (pos + n > s.size() || !all_digits(s.substr(pos, n))) return false;
  out = std::atoi(std::string(s.substr(pos, n)).c_str());
  pos += n;
  return true;
}

bool take_char(std::string_view s, std::size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

// "1h30m", "10m", "90s", "250ms", "2d" -> milliseconds.
std::optional<std::int64_t> parse_duration(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::int64_t total = 0;
  std::size_t pos = 0;
  while (pos < s.size()) {
    std::size_t start = pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) ++pos;
    if (pos == start || pos - start > 9) return std::nullopt;
    std::int64_t n = std::atoll(std::string(s.substr(start, pos - start)).c_str());
    std::int64_t unit = 0;
    if (s.substr(pos, 2) == "ms") unit = 1, pos += 2;
    else if (pos < s.size() && s[pos] == 's') unit = 1000, ++pos;
    else if (pos < s.size() && s[pos] == 'm') unit = 60'000, ++pos;
    else if (pos < s.size() && s[pos] == 'h') unit = 3'600'000, ++pos;
    else if (pos < s.size() && s[pos] == 'd') unit = 86'400'000, ++pos;
    else return std::nullopt;
    total += n * unit;
  }
  return total;
}

// YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|(+|-)HH:MM]; no zone means UTC (what events print).
std::optional<std::int64_t> parse_iso(std::string_view s) {
  std::size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0;
  if (!take_digits(s, pos, 4, y) || !take_char(s, pos, '-') || !take_digits(s, pos, 2, mo) ||
      !take_char(s, pos, '-') || !take_digits(s, pos, 2, d))
    return std::nullopt;
  if (take_char(s, pos, 'T') || take_char(s, pos, ' ')) {
    if (!take_digits(s, pos, 2, h) || !take_char(s, pos, ':') || !take_digits(s, pos, 2, mi)) return std::nullopt;
    if (take_char(s, pos, ':')) {
      if (!take_digits(s, pos, 2, sec)) return std::nullopt;
      if (take_char(s, pos, '.')) {
        std::size_t start = pos;
        while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) ++pos;
        std::string frac(s.substr(start, pos - start));
        if (frac.empty()) return std::nullopt;
        frac = (frac + "000").substr(0, 3);
        ms = std::atoi(frac.c_str());
      }
    }
  }
  std::int64_t offset_min = 0;
  if (take_char(s, pos, 'Z')) {
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    int oh = 0, om = 0;
    if (!take_digits(s, pos, 2, oh)) return std::nullopt;
    take_char(s, pos, ':');
    if (!take_digits(s, pos, 2, om)) return std::nullopt;
    offset_min = sign * (oh * 60 + om);
  }
  if (pos != s.size()) return std::nullopt;
  using namespace std::chrono;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  auto tp = sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec} + milliseconds{ms} - minutes{offset_min};
  return duration_cast<milliseconds>(tp.time_since_epoch()).count();
}

}  // namespace

Result<std::int64_t> resolve_since(std::string_view text, std::int64_t now_ms) {
  if (all_digits(text)) {
    if (text.size() > 15) return Error{"--since '" + std::string(text) + "': epoch milliseconds out of range"};
    return static_cast<std::int64_t>(std::atoll(std::string(text).c_str()));
  }
  if (auto d = parse_duration(text)) return std::max<std::int64_t>(0, now_ms - *d);
  if (auto t = parse_iso(text)) return *t;
  return Error{"--since '" + std::string(text) +
               "': expected an ISO time (2026-11-26T14:08:51Z), a duration back from now (10m, 1h, 2d) "
               "or epoch milliseconds"};
}

Result<std::int64_t> parse_seconds(std::string_view text) {
  std::string s(text);
  if (!s.empty() && s.back() == 's') s.pop_back();
  char* end = nullptr;
  double v = s.empty() ? NAN : std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v) || v <= 0 || v > 86400)
    return Error{"--timeout needs a number of seconds between 0 and 86400 (e.g. 30 or 0.5), got '" + std::string(text) + "'"};
  return static_cast<std::int64_t>(std::llround(v * 1000));
}

}  // namespace hamail::hactl

#include "hamail/mailsvc/imap/date_time.h"

#include <array>
#include <cstdio>

#include "chars.h"
#include "hamail/mailsvc/imap/response_text.h"

namespace hamail::mailsvc::imap {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[static_cast<std::size_t>(m - 1)];
}

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant's method).
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2;
  std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  std::int64_t yoe = y - era * 400;
  std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, int& m, int& d) {
  z += 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  std::int64_t doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = yoe + era * 400 + (m <= 2);
}

// `n` digits at s[pos], advancing pos; -1 when they are not all digits.
int digits(std::string_view s, std::size_t& pos, std::size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!chars::digit(s[pos + i])) return -1;
    v = v * 10 + (s[pos + i] - '0');
  }
  pos += n;
  return v;
}

// "-Mon-yyyy" after the day; checks the day against the month.
Result<Date> month_and_year(std::string_view s, std::size_t& pos, int day) {
  auto bad = [&](std::string_view why) { return Error{"bad date '" + printable(s, 40) + "': " + std::string(why)}; };
  if (pos + 9 > s.size() || s[pos] != '-' || s[pos + 4] != '-') return bad("expected dd-Mon-yyyy");
  Date date;
  date.month = 0;
  for (std::size_t i = 0; i < kMonths.size(); ++i)
    if (chars::iequals(kMonths[i], s.substr(pos + 1, 3))) date.month = static_cast<int>(i + 1);
  if (date.month == 0) return bad("unknown month (Jan, Feb, ... Dec)");
  pos += 5;
  date.year = digits(s, pos, 4);
  if (date.year < 0) return bad("the year needs 4 digits");
  if (day < 1 || day > days_in_month(date.year, date.month)) return bad("no such day in that month");
  date.day = day;
  return date;
}

}  // namespace

std::int64_t Date::days_since_epoch() const { return days_from_civil(year, month, day); }

std::int64_t DateTime::unix_seconds() const {
  return date.days_since_epoch() * 86400 + hour * 3600 + minute * 60 + second - zone_minutes * 60;
}

Result<Date> parse_date(std::string_view text) {
  std::size_t pos = 0;
  int day = digits(text, pos, 2);
  if (day < 0) {
    pos = 0;
    day = digits(text, pos, 1);
  }
  if (day < 0) return Error{"bad date '" + printable(text, 40) + "': expected d-Mon-yyyy"};
  auto date = month_and_year(text, pos, day);
  if (date && pos != text.size()) return Error{"bad date '" + printable(text, 40) + "': text after the year"};
  return date;
}

Result<DateTime> parse_date_time(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return Error{"bad date-time '" + printable(text, 40) + "': " + std::string(why)};
  };
  std::size_t pos = 0;
  int day = -1;
  if (text.size() >= 2 && text[0] == ' ') {
    pos = 1;
    day = digits(text, pos, 1);
  } else {
    day = digits(text, pos, 2);
  }
  if (day < 0) return bad("expected \"dd-Mon-yyyy hh:mm:ss +zzzz\"");
  auto date = month_and_year(text, pos, day);
  if (!date) return Error{date.error()};
  DateTime t;
  t.date = *date;
  if (text.size() != pos + 15 || text[pos] != ' ' || text[pos + 3] != ':' || text[pos + 6] != ':' ||
      text[pos + 9] != ' ' || (text[pos + 10] != '+' && text[pos + 10] != '-'))
    return bad("expected \"dd-Mon-yyyy hh:mm:ss +zzzz\"");
  std::size_t p = pos + 1;
  t.hour = digits(text, p, 2);
  ++p;
  t.minute = digits(text, p, 2);
  ++p;
  t.second = digits(text, p, 2);
  p += 2;
  int zh = digits(text, p, 2);
  int zm = digits(text, p, 2);
  if (t.hour < 0 || t.minute < 0 || t.second < 0 || zh < 0 || zm < 0) return bad("expected digits");
  if (t.hour > 23 || t.minute > 59 || t.second > 60) return bad("no such time of day");
  if (zm > 59) return bad("no such zone offset");
  t.zone_minutes = (zh * 60 + zm) * (text[pos + 10] == '-' ? -1 : 1);
  return t;
}

std::string format_date_time(std::int64_t unix_seconds, int zone_minutes) {
  std::int64_t local = unix_seconds + static_cast<std::int64_t>(zone_minutes) * 60;
  std::int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
  std::int64_t secs = local - days * 86400;
  std::int64_t y = 0;
  int m = 1;
  int d = 1;
  civil_from_days(days, y, m, d);
  int zone = zone_minutes < 0 ? -zone_minutes : zone_minutes;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%02d-%s-%04lld %02d:%02d:%02d %c%02d%02d", d,
                kMonths[static_cast<std::size_t>(m - 1)].data(), static_cast<long long>(y),
                static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60),
                zone_minutes < 0 ? '-' : '+', zone / 60 % 100, zone % 60);
  return buf;
}

}  // namespace hamail::mailsvc::imap

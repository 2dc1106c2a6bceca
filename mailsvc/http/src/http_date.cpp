#include "hamail/mailsvc/http/http_date.h"

#include <cstdio>
#include <cstring>

namespace hamail::mailsvc::http {

namespace {

constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

int month_index(const char* m) {
  for (int i = 0; i < 12; ++i)
    if (std::strncmp(m, kMonths[i], 3) == 0) return i;
  return -1;
}

std::optional<std::time_t> to_time(int year, int month, int day, int h, int m, int s) {
  if (month < 0 || day < 1 || day > 31 || h > 23 || m > 59 || s > 60 || year < 1970) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month;
  tm.tm_mday = day;
  tm.tm_hour = h;
  tm.tm_min = m;
  tm.tm_sec = s;
  return timegm(&tm);
}

}  // namespace

std::string format_http_date(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday], tm.tm_mday,
                kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::optional<std::time_t> parse_http_date(std::string_view text) {
  if (text.size() > 64) return std::nullopt;
  std::string s(text);
  char wd[16] = {}, mon[4] = {}, tz[4] = {};
  int day = 0, year = 0, h = 0, m = 0, sec = 0, used = 0;
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  if (std::sscanf(s.c_str(), "%3s, %2d %3s %4d %2d:%2d:%2d %3s%n", wd, &day, mon, &year, &h, &m, &sec, tz, &used) == 8 &&
      used == static_cast<int>(s.size()) && std::strcmp(tz, "GMT") == 0)
    return to_time(year, month_index(mon), day, h, m, sec);
  // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
  if (std::sscanf(s.c_str(), "%15[A-Za-z], %2d-%3s-%2d %2d:%2d:%2d %3s%n", wd, &day, mon, &year, &h, &m, &sec, tz,
                  &used) == 8 &&
      used == static_cast<int>(s.size()) && std::strcmp(tz, "GMT") == 0)
    return to_time(year + (year < 70 ? 2000 : 1900), month_index(mon), day, h, m, sec);
  // asctime: "Sun Nov  6 08:49:37 1994"
  if (std::sscanf(s.c_str(), "%3s %3s %2d %2d:%2d:%2d %4d%n", wd, mon, &day, &h, &m, &sec, &year, &used) == 7 &&
      used == static_cast<int>(s.size()))
    return to_time(year, month_index(mon), day, h, m, sec);
  return std::nullopt;
}

}  // namespace hamail::mailsvc::http

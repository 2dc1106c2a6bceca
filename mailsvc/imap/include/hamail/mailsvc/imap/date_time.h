// IMAP's dates (RFC 9051: date "1-Feb-1994" for SEARCH, date-time "17-Jul-1996 02:44:25
// -0700" for APPEND and INTERNALDATE): checked values, conversion to Unix time, and the
// response form.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hamail/base/result.h"

namespace hamail::mailsvc::imap {

struct Date {
  int year = 1970;  // 4 digits
  int month = 1;    // 1-12
  int day = 1;      // 1-31, valid for the month
  std::int64_t days_since_epoch() const;  // 1970-01-01 = 0
  friend bool operator==(const Date&, const Date&) = default;
};

struct DateTime {
  Date date;
  int hour = 0;
  int minute = 0;
  int second = 0;        // 0-60 (a leap second is taken as written)
  int zone_minutes = 0;  // east of UTC: "-0700" = -420
  std::int64_t unix_seconds() const;
  friend bool operator==(const DateTime&, const DateTime&) = default;
};

// "1-Feb-1994" / "01-Feb-1994" (month names in any case).
Result<Date> parse_date(std::string_view text);
// "17-Jul-1996 02:44:25 -0700" / " 7-Jul-1996 ..." (the text between the DQUOTEs).
Result<DateTime> parse_date_time(std::string_view text);
// The date-time text of `unix_seconds` seen from `zone_minutes` east of UTC, without the
// DQUOTEs: "17-Jul-1996 02:44:25 -0700" (the day always has 2 digits).
std::string format_date_time(std::int64_t unix_seconds, int zone_minutes);

}  // namespace hamail::mailsvc::imap

#include "hamail/mailsvc/smtp/headers.h"

#include <cctype>
#include <cstdio>

namespace hamail::mailsvc::smtp {
namespace {

// Days since 1970-01-01 to a civil date (H. Hinnant's algorithm, proleptic Gregorian).
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

// "Name:" or the obsolete "Name :" at the start of a header line, case-insensitive.
bool field_named(std::string_view line, std::string_view name) {
  if (line.size() <= name.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(line[i])) != std::tolower(static_cast<unsigned char>(name[i])))
      return false;
  std::size_t i = name.size();
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return i < line.size() && line[i] == ':';
}

// Text for a header field: every control character (CR, LF, NUL, TAB, ...) becomes '?',
// so no field can be ended, folded or cut short by what a client sent.
std::string field_text(std::string_view s) {
  std::string out(s);
  for (char& ch : out) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) ch = '?';
  }
  return out;
}

}  // namespace

std::string format_rfc5322_date(std::int64_t unix_seconds, int utc_offset_minutes) {
  static constexpr const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::int64_t local = unix_seconds + static_cast<std::int64_t>(utc_offset_minutes) * 60;
  std::int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  std::int64_t secs = local - days * 86400;
  std::int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  int wd = static_cast<int>(((days % 7) + 7) % 7);
  int off = utc_offset_minutes < 0 ? -utc_offset_minutes : utc_offset_minutes;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %u %s %lld %02d:%02d:%02d %c%02d%02d", kDays[wd], d, kMonths[m - 1],
                static_cast<long long>(y), static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                static_cast<int>(secs % 60), utc_offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
  return buf;
}

std::string with_protocol(const Envelope& e) {
  if (!e.esmtp) return "SMTP";
  std::string p = e.smtputf8 ? "UTF8SMTP" : "ESMTP";
  if (e.tls) p += 'S';
  if (!e.auth_user.empty()) p += 'A';
  return p;
}

std::string received_header(const Envelope& e, const ReceivedInfo& info) {
  // The session refuses control characters; this holds whatever the caller passes.
  std::string out = "Received: from " + field_text(e.helo) + " (" +
                    field_text(info.client_rdns.empty() ? "unknown" : info.client_rdns) + " [" +
                    field_text(info.client_ip) + "])\r\n";
  out += "\tby " + field_text(info.server_host) + " (hamail) with " + with_protocol(e) + " id " +
         field_text(info.queue_id);
  if (e.recipients.size() == 1) out += "\r\n\tfor <" + field_text(e.recipients.front()) + ">";
  out += "; " + format_rfc5322_date(info.unix_seconds, info.utc_offset_minutes) + "\r\n";
  return out;
}

std::string make_message_id(std::string_view queue_id, std::string_view host) {
  return "<" + std::string(queue_id) + "@" + std::string(host) + ">";
}

HeaderPresence scan_headers(std::string_view message) {
  HeaderPresence p;
  std::size_t pos = 0;
  while (pos < message.size()) {
    std::size_t end = message.find('\n', pos);
    std::string_view line = message.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;  // end of the header section
    if (line.front() != ' ' && line.front() != '\t') {  // not a continuation line
      p.message_id = p.message_id || field_named(line, "Message-ID");
      p.date = p.date || field_named(line, "Date");
    }
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return p;
}

std::string add_missing_submission_headers(std::string_view message, std::string_view message_id,
                                           std::string_view date) {
  HeaderPresence p = scan_headers(message);
  std::string out;
  out.reserve(message.size() + 128);
  if (!p.message_id) out += "Message-ID: " + std::string(message_id) + "\r\n";
  if (!p.date) out += "Date: " + std::string(date) + "\r\n";
  out += message;
  return out;
}

}  // namespace hamail::mailsvc::smtp

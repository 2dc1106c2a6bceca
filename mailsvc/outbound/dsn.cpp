#include "hamail/mailsvc/outbound/dsn.h"

#include <cctype>
#include <cstdio>

#include "hamail/mailsvc/smtp/headers.h"
#include "hamail/mailsvc/outbound/mail_text.h"

namespace hamail::mailsvc::outbound {
namespace {

constexpr std::size_t kWidth = 78;              // preferred line width (RFC 5322 2.1.1)
constexpr std::size_t kHardLine = 998;          // the limit, without CRLF
constexpr std::size_t kMaxValue = 2000;         // a field value or diagnostic after cleaning
constexpr std::size_t kMaxAddress = 512;
constexpr std::size_t kMaxHeaderSection = 64 * 1024;
constexpr std::size_t kMaxRecipients = 1000;    // listed; more are counted
constexpr unsigned kBoundaryAttempts = 16;

const char* const kCrlf = "\r\n";

bool has_8bit(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) & 0x80) return true;
  return false;
}

std::string ascii_only(std::string s) {
  for (auto& c : s)
    if (static_cast<unsigned char>(c) & 0x80) c = '?';
  return s;
}

// "Name: value", folded at spaces (continuation lines start with a space).
void add_field(std::string& out, std::string_view name, std::string_view value) {
  std::string prefix = std::string(name) + ": ";
  for (const auto& line : fold_words(prefix, one_line(value, kMaxValue), " ", kWidth, kHardLine)) {
    out += line;
    out += kCrlf;
  }
}

// A paragraph of plain text, wrapped; later lines indented by `indent`.
void add_paragraph(std::string& out, std::string_view first_prefix, std::string_view text, std::string_view indent) {
  for (const auto& line : fold_words(first_prefix, one_line(text, kMaxValue), indent, 76, kHardLine)) {
    out += line;
    out += kCrlf;
  }
}

bool valid_status(std::string_view s) {
  // class "." subject "." detail: [245] "." 1*3DIGIT "." 1*3DIGIT (RFC 3463)
  if (s.size() < 5 || (s[0] != '2' && s[0] != '4' && s[0] != '5') || s[1] != '.') return false;
  std::size_t i = 2;
  for (int part = 0; part < 2; ++part) {
    std::size_t digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
    if (digits < 1 || digits > 3) return false;
    if (part == 0) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
  }
  return i == s.size();
}

// "smtp; text" -> ("smtp", "text"); no "type;" prefix -> ("", whole).
std::pair<std::string_view, std::string_view> split_diagnostic(std::string_view d) {
  auto semi = d.find(';');
  if (semi == std::string_view::npos || semi == 0 || semi > 32) return {{}, d};
  for (char c : d.substr(0, semi))
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return {{}, d};
  std::string_view rest = d.substr(semi + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  return {d.substr(0, semi), rest};
}

// "mx.example.net[192.0.2.1]:25" -> "mx.example.net"; "[192.0.2.1]:25" -> "[192.0.2.1]".
std::string mta_name(std::string_view remote) {
  auto open = remote.find('[');
  if (open == std::string_view::npos) {
    auto colon = remote.find(':');
    return std::string(remote.substr(0, colon));
  }
  if (open > 0) return std::string(remote.substr(0, open));
  auto close = remote.find(']');
  return std::string(remote.substr(0, close == std::string_view::npos ? remote.size() : close + 1));
}

std::string strip_angles(std::string s) {
  std::string out;
  for (char c : s)
    if (c != '<' && c != '>') out += c;
  return out;
}

// "<x@y>" when the text is one, else "".
std::string msg_id_or_empty(std::string_view id) {
  std::string s = one_line(id, kMaxAddress);
  if (s.size() < 3 || s.front() != '<' || s.back() != '>' || s.find(' ') != std::string::npos) return {};
  return s;
}

// Header section of the message: lines up to the first empty one, CRLF, each at most
// 998 octets, no NUL or lone CR, at most kMaxHeaderSection octets (whole lines).
std::string header_section(std::string_view msg) {
  std::string out;
  std::size_t pos = 0;
  while (pos < msg.size()) {
    std::size_t end = msg.find('\n', pos);
    if (end == std::string_view::npos) end = msg.size();
    std::string_view line = msg.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    line = line.substr(0, utf8_cut(line, kHardLine));
    if (out.size() + line.size() + 2 > kMaxHeaderSection) break;
    for (char c : line) out += (c == '\r' || c == '\0') ? ' ' : c;
    out += kCrlf;
  }
  return out;
}

std::string date(const BounceInput& in, std::int64_t unix_seconds) {
  return smtp::format_rfc5322_date(unix_seconds, in.utc_offset_minutes);
}

std::string notification_part(const BounceInput& in, const std::string& host) {
  std::string t;
  t += "This is the mail system at host " + host + ".\r\n\r\n";
  std::string what = "Your message";
  if (auto id = msg_id_or_empty(in.original_message_id); !id.empty()) what += " " + id;
  what += " could not be delivered to one or more recipients. The reasons are below; the header section of "
          "your message is attached.";
  add_paragraph(t, "", what, "");
  t += kCrlf;
  add_paragraph(t, "", "If you need help, forward this report to your postmaster. Please include the whole report.",
                "");
  std::size_t listed = 0;
  for (const auto& r : in.recipients) {
    if (listed++ == kMaxRecipients) break;
    std::string reason;
    if (!r.remote_mta.empty()) reason = "host " + r.remote_mta + " said: ";
    std::string_view diag = split_diagnostic(r.diagnostic).second;
    reason += diag.empty() ? "delivery failed (status " + std::string(valid_status(r.status) ? r.status : "5.0.0") + ")"
                          : std::string(diag);
    t += kCrlf;
    add_paragraph(t, "<" + one_line(strip_angles(r.address), kMaxAddress) + ">: ", reason, "    ");
  }
  if (in.recipients.size() > kMaxRecipients)
    t += "\r\n... and " + std::to_string(in.recipients.size() - kMaxRecipients) + " more recipients.\r\n";
  std::string part = "Content-Description: Notification\r\nContent-Type: text/plain; charset=utf-8\r\n";
  if (has_8bit(t)) part += "Content-Transfer-Encoding: 8bit\r\n";
  return part + kCrlf + t;
}

std::string status_part(const BounceInput& in, const std::string& host) {
  std::string s = "Content-Description: Delivery report\r\nContent-Type: message/delivery-status\r\n\r\n";
  add_field(s, "Reporting-MTA", "dns; " + host);
  if (!in.original_queue_id.empty()) add_field(s, "X-Hamail-Queue-ID", ascii_only(in.original_queue_id));
  add_field(s, "Arrival-Date", date(in, in.arrival_unix));
  std::size_t listed = 0;
  for (const auto& r : in.recipients) {
    if (listed++ == kMaxRecipients) break;
    s += kCrlf;
    add_field(s, "Final-Recipient", "rfc822; " + ascii_only(one_line(strip_angles(r.address), kMaxAddress)));
    add_field(s, "Action", "failed");
    add_field(s, "Status", valid_status(r.status) ? r.status : "5.0.0");
    if (std::string mta = one_line(mta_name(r.remote_mta), kMaxAddress); !mta.empty())
      add_field(s, "Remote-MTA", "dns; " + ascii_only(mta));
    if (std::string diag = one_line(r.diagnostic, kMaxValue); !diag.empty()) {
      if (split_diagnostic(diag).first.empty()) diag = "x-hamail; " + diag;
      add_field(s, "Diagnostic-Code", ascii_only(diag));
    }
    if (r.last_attempt_unix > 0) add_field(s, "Last-Attempt-Date", date(in, r.last_attempt_unix));
  }
  return s;
}

std::string headers_part(const BounceInput& in) {
  std::string h = header_section(in.original_message);
  std::string part = "Content-Description: Undelivered Message Headers\r\nContent-Type: text/rfc822-headers\r\n";
  if (has_8bit(h)) part += "Content-Transfer-Encoding: 8bit\r\n";
  return part + kCrlf + h;
}

// Every occurrence of `b` replaced by "?" ('?' is not a boundary character here, so no
// new occurrence can form).
void scrub(std::string& s, const std::string& b) {
  std::string out;
  std::size_t pos = 0;
  for (;;) {
    std::size_t hit = s.find(b, pos);
    if (hit == std::string::npos) break;
    out.append(s, pos, hit - pos);
    out += '?';
    pos = hit + b.size();
  }
  if (pos == 0) return;
  out.append(s, pos, std::string::npos);
  s = std::move(out);
}

}  // namespace

std::string dsn_boundary_candidate(std::string_view seed, unsigned attempt) {
  std::string clean;
  for (char c : seed)
    if (clean.size() < 24 && std::isalnum(static_cast<unsigned char>(c))) clean += c;
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a over the seed and the attempt
  auto mix = [&](unsigned char b) {
    h ^= b;
    h *= 0x100000001b3ULL;
  };
  for (char c : seed) mix(static_cast<unsigned char>(c));
  for (int i = 0; i < 4; ++i) mix(static_cast<unsigned char>(attempt >> (8 * i)));
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return "=_hamail_" + clean + "_" + hex;
}

std::string diagnostic_for_smtp_reply(std::string_view reply_text) {
  return "smtp; " + one_line(reply_text, 900 - 6);
}

std::string build_bounce(const BounceInput& in) {
  std::string host = ascii_only(one_line(in.reporting_host, 255));
  if (host.empty()) host = "localhost";
  std::string parts[3] = {notification_part(in, host), status_part(in, host), headers_part(in)};

  std::string boundary;
  for (unsigned attempt = 0; attempt < kBoundaryAttempts; ++attempt) {
    boundary = dsn_boundary_candidate(in.boundary_seed, attempt);
    bool clash = false;
    for (const auto& p : parts) clash = clash || p.find(boundary) != std::string::npos;
    if (!clash) break;
    if (attempt + 1 == kBoundaryAttempts)
      for (auto& p : parts) scrub(p, boundary);
  }

  std::string m;
  add_field(m, "Date", date(in, in.now_unix));
  add_field(m, "From", "Mail Delivery System <MAILER-DAEMON@" + host + ">");
  add_field(m, "To", "<" + one_line(strip_angles(in.original_from), kMaxAddress) + ">");
  add_field(m, "Subject", "Undelivered Mail Returned to Sender");
  if (std::string id = one_line(in.bounce_message_id, kMaxAddress); !id.empty())
    add_field(m, "Message-ID", id.front() == '<' ? id : "<" + strip_angles(id) + ">");
  if (auto ref = msg_id_or_empty(in.original_message_id); !ref.empty()) add_field(m, "References", ref);
  add_field(m, "Auto-Submitted", "auto-replied");
  add_field(m, "MIME-Version", "1.0");
  add_field(m, "Content-Type", "multipart/report; report-type=delivery-status; boundary=\"" + boundary + "\"");
  bool eight_bit = false;
  for (const auto& p : parts) eight_bit = eight_bit || has_8bit(p);
  if (eight_bit) add_field(m, "Content-Transfer-Encoding", "8bit");
  m += kCrlf;
  m += "This is a MIME-encapsulated message.\r\n";
  for (const auto& p : parts) {
    m += "\r\n--" + boundary + "\r\n";
    m += p;
  }
  m += "\r\n--" + boundary + "--\r\n";
  return m;
}

}  // namespace hamail::mailsvc::outbound

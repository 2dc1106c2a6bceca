// Message flags (RFC 9051 2.3.2): the system flags (\Seen, \Answered, \Flagged, \Deleted,
// \Draft, and \Recent for rev1 responses) and keywords ($Forwarded, Junk, ...), as they are
// read from commands and rendered in responses.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace hamail::mailsvc::imap {

struct Flag {
  std::string name;  // "\Seen" (a system flag, in this canonical case) or a keyword as written
  bool system() const { return !name.empty() && name.front() == '\\'; }
  friend bool operator==(const Flag&, const Flag&) = default;
};

// The canonical spelling of a system flag written in any case ("\SEEN" -> "\Seen"),
// including \Recent; empty when `name` is no system flag RFC 9051 knows.
std::string_view canonical_system_flag(std::string_view name);

// "(\Seen $Forwarded)"; "()" for none.
std::string render_flag_list(std::span<const Flag> flags);

}  // namespace hamail::mailsvc::imap

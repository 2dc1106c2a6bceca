#include "hamail/mailsvc/imap/flags.h"

#include <array>

#include "chars.h"

namespace hamail::mailsvc::imap {

std::string_view canonical_system_flag(std::string_view name) {
  static constexpr std::array<std::string_view, 6> kSystem = {"\\Answered", "\\Flagged", "\\Deleted",
                                                              "\\Seen",     "\\Draft",   "\\Recent"};
  for (std::string_view f : kSystem)
    if (chars::iequals(f, name)) return f;
  return {};
}

std::string render_flag_list(std::span<const Flag> flags) {
  std::string out = "(";
  for (const Flag& f : flags) {
    if (out.size() > 1) out += ' ';
    out += f.name;
  }
  out += ')';
  return out;
}

}  // namespace hamail::mailsvc::imap

// HAMAIL_INVARIANT(cond, what): a fact that must never be false (never two Primaries,
// a group active on at most one node, ...). Checked in every build, release included: a
// broken invariant logs one line naming it (file:line, the condition, `what`) and aborts,
// because going on would risk data. Not for bad input: that is an error value.
#pragma once

#include <string_view>

namespace hamail {

[[noreturn]] void invariant_failed(const char* file, int line, const char* condition, std::string_view what);

}  // namespace hamail

#define HAMAIL_INVARIANT(cond, what)                                                     \
  do {                                                                                   \
    if (!(cond)) [[unlikely]]                                                            \
      ::hamail::invariant_failed(__FILE__, __LINE__, #cond, (what));                     \
  } while (false)

// hactl's usage text: every command and option on one screen (printed by --help, and on
// stderr with exit 2 after a bad command line).
#pragma once

namespace hamail::hactl {

extern const char* const kUsage;

}  // namespace hamail::hactl

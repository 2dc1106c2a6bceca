// clip_utf8: text from outside (an agent's output, a peer's field, a key in a request)
// made safe to keep in an event, a message or a log line: valid UTF-8 (a bad byte becomes
// '?', so serializing it can never fail) and at most max_bytes long (cut at a character,
// "..." appended when cut).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hamail {

std::string clip_utf8(std::string_view text, std::size_t max_bytes);

}  // namespace hamail

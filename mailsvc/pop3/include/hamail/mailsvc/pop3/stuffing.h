// A stored message as a POP3 multi-line body (RFC 1939 3): CRLF line ends, a '.'
// added before lines that start with '.', and for TOP only the header section, the
// blank line and the first n body lines. The caller appends the ".\r\n" terminator.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hamail::mailsvc::pop3 {

std::string dot_stuff(std::string_view message, std::optional<std::uint64_t> top_body_lines = std::nullopt);

}  // namespace hamail::mailsvc::pop3

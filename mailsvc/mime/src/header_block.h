// Reading a header block (RFC 5322 2.2): its fields with their folding, and where the
// body starts. Used for a message's header and for each MIME part's header.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "hamail/mailsvc/mime/message.h"

namespace hamail::mailsvc::mime {

struct HeaderBlock {
  std::vector<HeaderField> fields;
  std::size_t body_begin = 0;  // after the blank line; `end` when there is none
  bool ended = false;          // the blank line was found
};

// The header starting at `begin` in bytes[begin, end) (CRLF line ends). A line without a
// colon is a field named by the whole line (no value); a header without a blank line
// takes the whole range.
HeaderBlock read_header_block(std::string_view bytes, std::size_t begin, std::size_t end);

bool equals_ignore_case(std::string_view a, std::string_view b);
std::string_view trim(std::string_view s);

}  // namespace hamail::mailsvc::mime

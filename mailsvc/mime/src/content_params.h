// Content-Type and Content-Disposition values (RFC 2045 5.1, RFC 2183, RFC 2231):
// "type/subtype; a=b" split into the type and its parameters as written, the way
// BODYSTRUCTURE reports them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hamail/mailsvc/mime/message.h"

namespace hamail::mailsvc::mime {

struct ContentValue {
  std::string value;  // "text/plain" or "attachment"; "" when unreadable
  std::vector<Param> params;
  bool malformed = false;  // a parameter without '=' or without its closing quote
};

// Comments are skipped, quoted strings unquoted, names kept as written; RFC 2231
// continuations (name*0, name*1*) are joined into "name" (or "name*" when a piece is
// extended, its charset'language'%XX text kept), after the plain parameters.
ContentValue parse_content_value(std::string_view unfolded);

}  // namespace hamail::mailsvc::mime

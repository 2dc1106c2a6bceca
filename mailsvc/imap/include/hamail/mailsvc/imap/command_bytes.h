// One IMAP command as CommandReader assembled it from the wire: its lines joined (line
// ends removed, each literal's "{N}" announcement kept) and the literals' data beside
// them, so the parser can read a literal where its announcement stands.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace hamail::mailsvc::imap {

struct Literal {
  std::size_t begin = 0;  // the announcement "{N}", "{N+}", "~{N}" is text[begin, end)
  std::size_t end = 0;
  bool binary = false;             // "~{N}" (literal8, RFC 3516)
  bool non_synchronizing = false;  // "{N+}" (RFC 7888)
  std::string data;
};

struct CommandBytes {
  std::string tag;   // the first word when it is a valid tag, else "*" (what a BAD reply names)
  std::string text;  // the command's lines without their CRLFs
  std::vector<Literal> literals;  // in order, each announced at the end of a line of `text`
};

}  // namespace hamail::mailsvc::imap

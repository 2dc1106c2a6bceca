// Replies as an SMTP client receives them (RFC 5321 4.2): ClientReplyParser frames
// bounded multi-line replies from the byte stream; ClientReply is the summary kept in
// delivery results and logs (code, RFC 3463 enhanced code, text).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::mailsvc::smtp {

struct ClientReply {
  int code = 0;
  std::string enhanced;  // "5.1.1", or empty when the reply carries none
  std::string text;      // the lines joined by " ", enhanced codes removed, bounded

  static constexpr std::size_t kMaxText = 1000;

  std::string to_string() const;  // "550 5.1.1 text"
};

// One complete reply as received: its code and the text of every line (after "ddd-"/"ddd ").
struct ReceivedReply {
  int code = 0;
  std::vector<std::string> lines;

  ClientReply summary() const;
};

// Feed bytes one at a time; a complete reply comes back from push(), or an error naming
// what was wrong (the parser is then unusable). Lines end at CRLF or a bare LF.
class ClientReplyParser {
 public:
  static constexpr std::size_t kMaxLine = 2048;         // octets incl. the line end
  static constexpr std::size_t kMaxLines = 100;
  static constexpr std::size_t kMaxReply = 64 * 1024;   // octets of one reply, all lines

  std::optional<Result<ReceivedReply>> push(char c);
  void reset() { *this = ClientReplyParser(); }

 private:
  std::optional<Result<ReceivedReply>> end_of_line();

  std::string line_;
  ReceivedReply reply_;
  std::size_t reply_octets_ = 0;
};

}  // namespace hamail::mailsvc::smtp

// Splits a byte stream into bounded text lines for the line-based mail protocols
// (SMTP commands, POP3 commands, SASL responses). Lines end at CRLF; a bare LF is
// accepted as a line end too and flagged, so callers can log or refuse it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace hamail::mailsvc::wire {

// One framed line, without its line end.
struct Line {
  std::string text;
  bool too_long = false;  // the line passed the limit; `text` is empty, the rest was discarded
  bool bare_lf = false;   // ended by LF alone instead of CRLF
};

// Feed bytes one at a time; a complete line comes back from push(). Memory is bounded
// by the limit: the bytes of an overlong line are dropped up to its LF, then one
// `too_long` line is reported so exactly one error reply is sent for it.
class LineFramer {
 public:
  // `max_line` counts the CRLF: RFC 5321 command lines are at most 1000 octets.
  explicit LineFramer(std::size_t max_line) : max_line_(max_line < 3 ? 3 : max_line) {}

  std::optional<Line> push(char c);
  // True while a line has started but not ended (used to keep framing across modes).
  bool mid_line() const { return !partial_.empty() || overflow_; }
  void reset() {
    partial_.clear();
    overflow_ = false;
  }

 private:
  std::size_t max_line_;
  std::string partial_;
  bool overflow_ = false;
};

}  // namespace hamail::mailsvc::wire

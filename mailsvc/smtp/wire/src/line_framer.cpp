#include "hamail/mailsvc/wire/line_framer.h"

#include <utility>

namespace hamail::mailsvc::wire {

std::optional<Line> LineFramer::push(char c) {
  if (c == '\n') {
    Line line;
    if (overflow_) {
      line.too_long = true;
    } else if (!partial_.empty() && partial_.back() == '\r') {
      partial_.pop_back();
      line.text = std::move(partial_);
    } else {
      line.text = std::move(partial_);
      line.bare_lf = true;
    }
    partial_.clear();
    overflow_ = false;
    return line;
  }
  if (overflow_) return std::nullopt;
  partial_.push_back(c);
  // The content may use max_line - 2 octets; one more byte is kept for a CR that
  // could be the start of the CRLF.
  std::size_t content = partial_.size() - (partial_.back() == '\r' ? 1 : 0);
  if (content + 2 > max_line_) {
    partial_.clear();
    overflow_ = true;
  }
  return std::nullopt;
}

}  // namespace hamail::mailsvc::wire

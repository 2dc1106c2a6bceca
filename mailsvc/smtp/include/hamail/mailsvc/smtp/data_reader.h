// The DATA phase byte by byte (RFC 5321 4.5.2): removes dot-stuffing and finds the
// end at CRLF.CRLF only, so "\n.\n" or "\r\n.\n" never ends a message early (no SMTP
// smuggling). A bare LF or a bare CR is stored as CRLF and does not start a line for dot
// rules, so a stored message has CRLF line ends only (nothing to smuggle on relaying).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hamail::mailsvc::smtp {

class DataReader {
 public:
  // Data beyond `max_size` octets is counted, not kept; the message is then refused.
  explicit DataReader(std::uint64_t max_size) : max_size_(max_size) {}

  // Returns true when this byte completed the terminating CRLF.CRLF.
  bool push(char c);
  // Many bytes at once, the same as pushing them one by one: stops after the terminating
  // CRLF.CRLF (returns true) or once data() holds at least `hold` bytes (or `in` is used
  // up); `used` gets the bytes consumed. Runs of ordinary text are copied in one go.
  bool push_some(std::string_view in, std::size_t hold, std::size_t& used);

  const std::string& data() const { return data_; }
  std::string take_data() { return std::move(data_); }
  std::uint64_t size() const { return size_; }  // octets after unstuffing, kept or not
  bool too_big() const { return size_ > max_size_; }
  std::uint64_t bare_lf_count() const { return bare_lf_; }
  std::uint64_t bare_cr_count() const { return bare_cr_; }

 private:
  enum class State { text, cr, dot, dot_cr };
  void emit(char c);
  void emit_run(std::string_view run);
  void text_byte(char c);
  void bare_cr();

  std::uint64_t max_size_;
  std::string data_;
  std::uint64_t size_ = 0;
  std::uint64_t bare_lf_ = 0;
  std::uint64_t bare_cr_ = 0;
  State state_ = State::text;
  bool line_start_ = true;  // the DATA command's CRLF precedes the first byte
};

}  // namespace hamail::mailsvc::smtp

// COMPRESS=DEFLATE (RFC 4978) for one connection: a raw DEFLATE stream each way (zlib,
// no header). Outgoing bytes are compressed and flushed (Z_SYNC_FLUSH) per write;
// incoming bytes are inflated in bounded pieces, so a small compressed input cannot
// make one huge buffer (the caller takes pieces only while it can use them).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "hamail/base/result.h"

namespace hamail::mailsvc::imapd {

class DeflateStream {
 public:
  static constexpr std::size_t kPiece = 16 * 1024;  // the most inflate_piece() returns at once

  static Result<std::unique_ptr<DeflateStream>> create();
  ~DeflateStream();
  DeflateStream(const DeflateStream&) = delete;
  DeflateStream& operator=(const DeflateStream&) = delete;

  // Compresses `plain` and flushes, so the peer can inflate all of it now.
  Result<std::string> compress(std::string_view plain);

  // Adds received compressed bytes; at most `max_pending` may wait uninflated (else an error).
  Status add_input(std::string_view compressed, std::size_t max_pending);
  // The next inflated piece (at most kPiece bytes), empty when the input is used up.
  Result<std::string> inflate_piece();
  bool input_pending() const { return !ended_ && (pos_ < input_.size() || output_pending_); }

 private:
  struct Streams;
  explicit DeflateStream(std::unique_ptr<Streams> s);
  std::unique_ptr<Streams> s_;
  std::string input_;  // compressed, not yet inflated from pos_
  std::size_t pos_ = 0;
  bool output_pending_ = false;  // the last piece was full
  bool ended_ = false;  // the peer ended its stream (Z_STREAM_END)
};

}  // namespace hamail::mailsvc::imapd

// On-the-fly gzip of a file too large to compress in one piece: a BodyProducer that reads
// the file in 64 KiB pieces (pread) and deflates them as the connection pulls, so a large
// text file goes out chunked and is never held or compressed whole on the loop.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "hamail/mailsvc/http/body_stream.h"
#include "hamail/mailsvc/httpd/beneath_root.h"

namespace hamail::mailsvc::httpd {

class GzipFileStream : public http::BodyProducer {
 public:
  // The first `size` bytes of `file` (its size when it was opened).
  GzipFileStream(std::shared_ptr<FdFile> file, std::uint64_t size);
  ~GzipFileStream() override;
  GzipFileStream(const GzipFileStream&) = delete;
  GzipFileStream& operator=(const GzipFileStream&) = delete;

  // Up to max_bytes of the gzip stream; a file that shrank fails the stream.
  http::Produced produce(std::size_t max_bytes) override;

  static constexpr std::size_t kReadPiece = 64 * 1024;

 private:
  struct Deflater;  // zlib's state, made at the first pull (a HEAD never pulls)
  std::shared_ptr<FdFile> file_;
  std::uint64_t size_ = 0;
  std::uint64_t read_ = 0;  // file bytes read so far
  std::string input_;       // read, not yet taken by deflate (at most kReadPiece)
  std::unique_ptr<Deflater> z_;
  bool ended_ = false;
  bool flushing_ = false;  // a sync flush filled the last output: it goes on first
};

}  // namespace hamail::mailsvc::httpd

#include "hamail/mailsvc/httpd/gzip_stream.h"

#include <unistd.h>
#include <zlib.h>

namespace hamail::mailsvc::httpd {

struct GzipFileStream::Deflater {
  z_stream z{};
  bool ok = false;
  Deflater() { ok = deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK; }
  ~Deflater() {
    if (ok) deflateEnd(&z);
  }
};

GzipFileStream::GzipFileStream(std::shared_ptr<FdFile> file, std::uint64_t size)
    : file_(std::move(file)), size_(size) {}

GzipFileStream::~GzipFileStream() = default;

http::Produced GzipFileStream::produce(std::size_t max_bytes) {
  if (ended_) return http::Produced::end();
  if (!z_) z_ = std::make_unique<Deflater>();
  if (!z_->ok) return http::Produced::failure("deflateInit2 failed");
  z_stream& z = z_->z;
  std::string out(max_bytes, '\0');
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(max_bytes);
  // At most one piece read per pull: when deflate took it all and made nothing yet (it
  // buffers up to megabytes of repetitive text), a sync flush makes the piece's output due,
  // so a pull costs at most one piece of work on the loop.
  bool fed = false;
  while (z.avail_out == max_bytes) {
    if (!flushing_ && z.avail_in == 0 && read_ < size_ && !fed) {
      std::size_t n = size_ - read_ < kReadPiece ? static_cast<std::size_t>(size_ - read_) : kReadPiece;
      input_.resize(n);
      ssize_t got = ::pread(file_->fd(), input_.data(), n, static_cast<off_t>(read_));
      if (got <= 0) return http::Produced::failure("the file shrank or cannot be read");
      input_.resize(static_cast<std::size_t>(got));
      read_ += static_cast<std::uint64_t>(got);
      z.next_in = reinterpret_cast<Bytef*>(input_.data());
      z.avail_in = static_cast<uInt>(input_.size());
      fed = true;
    }
    int mode = read_ == size_ && z.avail_in == 0 ? Z_FINISH
               : flushing_ || (fed && z.avail_in == 0) ? Z_SYNC_FLUSH
                                                       : Z_NO_FLUSH;
    int rc = deflate(&z, mode);
    if (rc == Z_STREAM_END) {
      ended_ = true;
      break;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) return http::Produced::failure("deflate failed");
    // A flush that filled the output goes on with the same mode at the next pull (zlib's rule).
    flushing_ = mode == Z_SYNC_FLUSH && z.avail_out == 0;
  }
  out.resize(max_bytes - z.avail_out);
  if (out.empty()) return http::Produced::end();
  return http::Produced::data_of(std::move(out));
}

}  // namespace hamail::mailsvc::httpd

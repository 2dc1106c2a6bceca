#include "hamail/mailsvc/imapd/deflate_stream.h"

#include <zlib.h>

namespace hamail::mailsvc::imapd {

struct DeflateStream::Streams {
  z_stream out{};
  z_stream in{};
  bool out_ok = false;
  bool in_ok = false;
  ~Streams() {
    if (out_ok) deflateEnd(&out);
    if (in_ok) inflateEnd(&in);
  }
};

DeflateStream::DeflateStream(std::unique_ptr<Streams> s) : s_(std::move(s)) {}
DeflateStream::~DeflateStream() = default;

Result<std::unique_ptr<DeflateStream>> DeflateStream::create() {
  auto s = std::make_unique<Streams>();
  // windowBits -15: raw DEFLATE, as RFC 4978 wants (no zlib header or checksum).
  if (deflateInit2(&s->out, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return Error{"deflateInit2 failed"};
  s->out_ok = true;
  if (inflateInit2(&s->in, -15) != Z_OK) return Error{"inflateInit2 failed"};
  s->in_ok = true;
  return std::unique_ptr<DeflateStream>(new DeflateStream(std::move(s)));
}

Result<std::string> DeflateStream::compress(std::string_view plain) {
  z_stream& z = s_->out;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  z.avail_in = static_cast<uInt>(plain.size());
  std::string out;
  char buf[16 * 1024];
  do {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    int rc = deflate(&z, Z_SYNC_FLUSH);
    if (rc != Z_OK && rc != Z_BUF_ERROR) return Error{"deflate failed (" + std::to_string(rc) + ")"};
    out.append(buf, sizeof buf - z.avail_out);
  } while (z.avail_out == 0);
  return out;
}

Status DeflateStream::add_input(std::string_view compressed, std::size_t max_pending) {
  if (pos_ > 0) {
    input_.erase(0, pos_);
    pos_ = 0;
  }
  if (input_.size() + compressed.size() > max_pending) return Error{"too much compressed input waiting"};
  input_.append(compressed);
  return Status{};
}

Result<std::string> DeflateStream::inflate_piece() {
  if (ended_ || (pos_ >= input_.size() && !output_pending_)) return std::string();
  z_stream& z = s_->in;
  std::string out(kPiece, '\0');
  z.next_in = reinterpret_cast<Bytef*>(input_.data() + pos_);
  z.avail_in = static_cast<uInt>(input_.size() - pos_);
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = inflate(&z, Z_SYNC_FLUSH);
  if (rc == Z_STREAM_END) ended_ = true;
  else if (rc != Z_OK && rc != Z_BUF_ERROR) return Error{"inflate failed: " + std::string(z.msg ? z.msg : "bad data")};
  pos_ = input_.size() - z.avail_in;
  output_pending_ = z.avail_out == 0;  // a full piece: zlib may hold more output without more input
  out.resize(out.size() - z.avail_out);
  return out;
}

}  // namespace hamail::mailsvc::imapd

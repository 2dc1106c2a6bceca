// GzipFileStream: a file over gzip_max_bytes comes as a stream whose parts (each within
// the size asked for) decompress to the file's bytes, also for highly repetitive text;
// a file that shrinks under the stream fails it.
#include <sys/stat.h>
#include <zlib.h>

#include <random>

#include "hamail/mailsvc/httpd/gzip_stream.h"
#include "site_fixture.h"

namespace hamail::mailsvc::httpd {
namespace {

std::string inflate_all(const std::string& in) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  std::string out;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    char buf[65536];
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
  }
  EXPECT_EQ(rc, Z_STREAM_END);
  inflateEnd(&z);
  return out;
}

// Pulls the whole stream in parts of at most `max`; counts the parts.
std::string pull_all(http::BodyProducer& p, std::size_t max, int& parts) {
  std::string out;
  for (parts = 0; parts < 100000; ++parts) {
    http::Produced got = p.produce(max);
    if (got.kind != http::Produced::Kind::data) {
      EXPECT_EQ(got.kind, http::Produced::Kind::end) << got.error;
      return out;
    }
    EXPECT_LE(got.bytes.size(), max);
    EXPECT_FALSE(got.bytes.empty());
    out += got.bytes;
  }
  ADD_FAILURE() << "no end";
  return out;
}

std::string varied_text(std::size_t n) {
  std::mt19937 rng(7);
  std::string out;
  while (out.size() < n) out += "line " + std::to_string(rng() % 100000) + " of some text\n";
  out.resize(n);
  return out;
}

TEST_F(SiteTest, LargeTextIsGzippedAsAStream) {
  std::string text = varied_text(3 << 20);
  write("root/big.txt", text);
  SiteOptions small;
  small.gzip_max_bytes = 1 << 20;
  auto s = site(small);
  auto r = get(s, "/big.txt", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(r.stream);
  EXPECT_FALSE(r.file);
  EXPECT_EQ(header(r, "Content-Encoding"), "gzip");
  EXPECT_EQ(header(r, "Vary"), "Accept-Encoding");
  EXPECT_TRUE(header(r, "ETag").ends_with("-gz\""));
  int parts = 0;
  std::string packed = pull_all(*r.stream, 16 * 1024, parts);
  EXPECT_GT(parts, 3);
  EXPECT_LT(packed.size(), text.size() / 2);
  EXPECT_EQ(inflate_all(packed), text);
  // Without Accept-Encoding: the file as it is.
  auto plain = get(s, "/big.txt");
  EXPECT_FALSE(plain.stream);
  ASSERT_TRUE(plain.file);
  EXPECT_EQ(plain.file->length, text.size());
}

TEST_F(SiteTest, RepetitiveTextStillComesInParts) {
  // deflate would take megabytes of this before it made a byte: each pull reads one piece.
  std::string text(4 << 20, 'a');
  write("root/same.css", text);
  auto opened = BeneathRoot::open(root());
  ASSERT_TRUE(opened);
  auto o = opened->open_file("same.css");
  ASSERT_TRUE(o.opened);
  GzipFileStream g(o.opened->file, text.size());
  int parts = 0;
  std::string packed = pull_all(g, 8, parts);  // tiny parts: a flush longer than the output goes on
  EXPECT_GE(parts, static_cast<int>(text.size() / GzipFileStream::kReadPiece));
  EXPECT_EQ(inflate_all(packed), text);
}

TEST_F(SiteTest, AFileThatShrinksFailsItsStream) {
  std::string text = varied_text(300000);
  write("root/shrinks.txt", text);
  auto opened = BeneathRoot::open(root());
  ASSERT_TRUE(opened);
  auto o = opened->open_file("shrinks.txt");
  ASSERT_TRUE(o.opened);
  GzipFileStream g(o.opened->file, text.size());
  ASSERT_EQ(::truncate((root() + "/shrinks.txt").c_str(), 1000), 0);
  http::Produced got;
  for (int i = 0; i < 1000; ++i) {
    got = g.produce(4096);
    if (got.kind != http::Produced::Kind::data) break;
  }
  EXPECT_EQ(got.kind, http::Produced::Kind::failed);
  EXPECT_FALSE(got.error.empty());
}

}  // namespace
}  // namespace hamail::mailsvc::httpd

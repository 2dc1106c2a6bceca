// StaticSite: files and their headers, directory index and redirect, 304 by ETag and by
// date, Range (206, 416, If-Range), gzip from a .gz sibling and on the fly, HSTS headers,
// and the HTTPS redirect.
#include <zlib.h>

#include "hamail/mailsvc/http/http_date.h"
#include "hamail/mailsvc/httpd/https_redirect.h"
#include "site_fixture.h"

namespace hamail::mailsvc::httpd {
namespace {

using http::Status;

std::string gunzip(const std::string& in) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  inflateEnd(&z);
  return out;
}

TEST_F(SiteTest, ServesAFileWithItsHeaders) {
  write("root/a.png", "PNGDATA");
  auto s = site();
  auto r = get(s, "/a.png");
  EXPECT_EQ(r.status, Status::ok);
  EXPECT_EQ(body(r), "PNGDATA");
  EXPECT_EQ(header(r, "Content-Type"), "image/png");
  EXPECT_EQ(header(r, "Accept-Ranges"), "bytes");
  EXPECT_FALSE(header(r, "ETag").empty());
  EXPECT_TRUE(http::parse_http_date(header(r, "Last-Modified")));
  EXPECT_EQ(get(s, "/missing.png").status, Status::not_found);
}

TEST_F(SiteTest, DirectoriesServeIndexHtmlOrRedirectOr404) {
  write("root/index.html", "<p>home</p>");
  write("root/docs/index.html", "<p>docs</p>");
  std::filesystem::create_directories(root() + "/empty");
  auto s = site();
  EXPECT_EQ(body(get(s, "/")), "<p>home</p>");
  EXPECT_EQ(body(get(s, "/docs/")), "<p>docs</p>");
  auto redirect = get(s, "/docs?x=1");
  EXPECT_EQ(redirect.status, Status::moved_permanently);
  EXPECT_EQ(header(redirect, "Location"), "/docs/?x=1");
  EXPECT_EQ(get(s, "/empty/").status, Status::not_found);
}

TEST_F(SiteTest, UnreadableAndSpecialFilesAre403) {
  write("root/private.txt", "x");
  std::filesystem::permissions(root() + "/private.txt", std::filesystem::perms::none);
  ASSERT_EQ(::mkfifo((root() + "/pipe").c_str(), 0644), 0);
  auto s = site();
  if (::geteuid() != 0) EXPECT_EQ(get(s, "/private.txt").status, Status::forbidden);
  EXPECT_EQ(get(s, "/pipe").status, Status::forbidden);
}

TEST_F(SiteTest, ConditionalGetAnswers304) {
  write("root/a.png", "PNGDATA");
  auto s = site();
  auto first = get(s, "/a.png");
  std::string etag = header(first, "ETag");
  EXPECT_EQ(get(s, "/a.png", {{"If-None-Match", etag}}).status, Status::not_modified);
  EXPECT_EQ(get(s, "/a.png", {{"If-None-Match", "\"nope\""}}).status, Status::ok);
  EXPECT_EQ(get(s, "/a.png", {{"If-Modified-Since", header(first, "Last-Modified")}}).status, Status::not_modified);
  EXPECT_EQ(get(s, "/a.png", {{"If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}}).status, Status::ok);
  auto nm = get(s, "/a.png", {{"If-None-Match", etag}});
  EXPECT_FALSE(nm.file);
  EXPECT_EQ(header(nm, "ETag"), etag);
}

TEST_F(SiteTest, RangesGive206Or416) {
  write("root/data.bin", "0123456789");
  auto s = site();
  auto r = get(s, "/data.bin", {{"Range", "bytes=2-4"}});
  EXPECT_EQ(r.status, Status::partial_content);
  EXPECT_EQ(body(r), "234");
  EXPECT_EQ(header(r, "Content-Range"), "bytes 2-4/10");
  EXPECT_EQ(body(get(s, "/data.bin", {{"Range", "bytes=-3"}})), "789");
  auto bad = get(s, "/data.bin", {{"Range", "bytes=10-"}});
  EXPECT_EQ(bad.status, Status::range_not_satisfiable);
  EXPECT_EQ(header(bad, "Content-Range"), "bytes */10");
  // If-Range with an old validator: the whole file.
  auto stale = get(s, "/data.bin", {{"Range", "bytes=2-4"}, {"If-Range", "\"old\""}});
  EXPECT_EQ(stale.status, Status::ok);
  EXPECT_EQ(body(stale), "0123456789");
}

TEST_F(SiteTest, GzipOnTheFlyForTextWhenAccepted) {
  std::string text(5000, 'a');
  write("root/big.txt", text);
  auto s = site();
  auto r = get(s, "/big.txt", {{"Accept-Encoding", "br, gzip;q=0.8"}});
  EXPECT_EQ(header(r, "Content-Encoding"), "gzip");
  EXPECT_EQ(header(r, "Vary"), "Accept-Encoding");
  EXPECT_LT(r.body_length(), 200u);
  EXPECT_EQ(gunzip(body(r)), text);
  auto plain = get(s, "/big.txt");
  EXPECT_EQ(header(plain, "Content-Encoding"), "");
  EXPECT_EQ(body(plain), text);
  EXPECT_NE(header(plain, "ETag"), header(r, "ETag"));
  EXPECT_EQ(header(get(s, "/big.txt", {{"Accept-Encoding", "gzip;q=0"}}), "Content-Encoding"), "");
  // Over gzip_max_bytes: compressed while sent (a stream, gzip_stream_test).
  SiteOptions small;
  small.gzip_max_bytes = 100;
  auto s2 = site(small);
  auto streamed = get(s2, "/big.txt", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(header(streamed, "Content-Encoding"), "gzip");
  EXPECT_TRUE(streamed.stream);
  // Not a text type: never.
  write("root/a.png", text);
  EXPECT_EQ(header(get(s, "/a.png", {{"Accept-Encoding", "gzip"}}), "Content-Encoding"), "");
}

TEST_F(SiteTest, APrecompressedSiblingIsPreferred) {
  write("root/app.js", "console.log(1)");
  auto packed = gzip_bytes("console.log(1) /* from the sibling */");
  ASSERT_TRUE(packed);
  write("root/app.js.gz", *packed);
  SiteOptions small;
  small.gzip_max_bytes = 0;
  auto s = site(small);
  auto r = get(s, "/app.js", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(header(r, "Content-Encoding"), "gzip");
  EXPECT_EQ(header(r, "Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(gunzip(body(r)), "console.log(1) /* from the sibling */");
}

TEST_F(SiteTest, ExtraHeadersOnEveryAnswer) {
  SiteOptions o;
  o.extra_headers = {{"Strict-Transport-Security", "max-age=31536000"}};
  auto s = site(o);
  EXPECT_EQ(header(get(s, "/nothing"), "Strict-Transport-Security"), "max-age=31536000");
}

TEST(HttpsRedirect, KeepsHostAndTarget) {
  HttpsRedirect r("mail.example.org", 443);
  http::HttpRequest req;
  req.method = "GET";
  req.target = "/a?b=1";
  req.headers = {{"Host", "www.example.org:8080"}};
  auto out = r.handle(req, 0);
  EXPECT_EQ(out.status, Status::moved_permanently);
  EXPECT_EQ(out.headers.at(0).second, "https://www.example.org/a?b=1");
  req.headers = {{"Host", "evil\r\nX: y"}};
  HttpsRedirect r2("mail.example.org", 8443);
  EXPECT_EQ(r2.handle(req, 0).headers.at(0).second, "https://mail.example.org:8443/a?b=1");
}

}  // namespace
}  // namespace hamail::mailsvc::httpd

// gzip for StaticSite: whether the client takes it, and the compression itself (zlib).
#include <zlib.h>

#include "hamail/mailsvc/httpd/static_site.h"

namespace hamail::mailsvc::httpd {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool accepts_gzip(const http::HttpRequest& request) {
  auto field = request.header("Accept-Encoding");
  if (!field) return false;
  std::string_view list = *field;
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    std::string_view item = trim(list.substr(0, comma));
    std::size_t semi = item.find(';');
    std::string_view coding = trim(item.substr(0, semi));
    if (http::equals_ignore_case(coding, "gzip") || http::equals_ignore_case(coding, "x-gzip")) {
      if (semi == std::string_view::npos) return true;
      std::string_view q = trim(item.substr(semi + 1));
      return !(q == "q=0" || q == "q=0.0" || q == "q=0.00" || q == "q=0.000");
    }
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

Result<std::string> gzip_bytes(const std::string& data) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return Error{"deflateInit2 failed"};
  std::string out(deflateBound(&z, data.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return Error{"deflate failed"};
  return out;
}

}  // namespace hamail::mailsvc::httpd

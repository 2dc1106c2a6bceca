// httpd's answer to GET and HEAD: files under the document root (BeneathRoot), with
// directories served by their index.html, conditional GET (304), a single Range (206,
// 416), and gzip for text types when the client takes it: a precompressed "NAME.gz"
// sibling when there is one, else compressed on the fly: in one piece up to gzip_max_bytes,
// in parts while it is sent (GzipFileStream, chunked) above.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "hamail/mailsvc/http/session.h"
#include "hamail/mailsvc/httpd/beneath_root.h"
#include "hamail/mailsvc/httpd/open_file_cache.h"

namespace hamail::mailsvc::httpd {

struct SiteOptions {
  std::uint64_t gzip_max_bytes = 1 << 20;  // larger files are compressed while sent (a stream)
  // Added to every answer (Strict-Transport-Security on TLS listeners).
  std::vector<std::pair<std::string, std::string>> extra_headers;
};

class StaticSite : public http::RequestHandler {
 public:
  StaticSite(BeneathRoot root, SiteOptions options);
  http::HttpResponse handle(const http::HttpRequest& request, std::time_t now) override;

 private:
  http::HttpResponse serve(const http::HttpRequest& request, const std::string& relative, Opened file);
  http::HttpResponse finish(http::HttpResponse r) const;
  // root_.open_file through the cache of this second's regular files.
  BeneathRoot::Outcome open(const std::string& relative, std::time_t now);

  BeneathRoot root_;
  SiteOptions options_;
  OpenFileCache files_;
};

// Whether Accept-Encoding takes gzip (a q=0 refuses it).
bool accepts_gzip(const http::HttpRequest& request);
// The gzip stream of `data` (zlib, level 6).
Result<std::string> gzip_bytes(const std::string& data);

}  // namespace hamail::mailsvc::httpd

#include "hamail/mailsvc/httpd/static_site.h"

#include <unistd.h>

#include "hamail/mailsvc/http/byte_range.h"
#include "hamail/mailsvc/http/conditional.h"
#include "hamail/mailsvc/http/content_type.h"
#include "hamail/mailsvc/http/http_date.h"
#include "hamail/mailsvc/http/target_path.h"
#include "hamail/mailsvc/httpd/gzip_stream.h"

namespace hamail::mailsvc::httpd {

namespace {

using http::HttpResponse;
using http::Status;

std::int64_t mtime_ns(const struct stat& st) {
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

HttpResponse status_for(OpenError e) {
  switch (e) {
    case OpenError::forbidden: return http::error_response(Status::forbidden);
    case OpenError::failed: return http::error_response(Status::internal_server_error);
    default: return http::error_response(Status::not_found);
  }
}

// The whole file, for on-the-fly gzip (files up to gzip_max_bytes only).
Result<std::string> read_all(int fd, std::uint64_t size) {
  std::string out(size, '\0');
  std::uint64_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd, out.data() + done, size - done, static_cast<off_t>(done));
    if (n <= 0) return Error{"the file shrank or cannot be read"};
    done += static_cast<std::uint64_t>(n);
  }
  return out;
}

}  // namespace

StaticSite::StaticSite(BeneathRoot root, SiteOptions options) : root_(std::move(root)), options_(std::move(options)) {}

HttpResponse StaticSite::finish(HttpResponse r) const {
  for (const auto& [n, v] : options_.extra_headers) r.add(n, v);
  return r;
}

BeneathRoot::Outcome StaticSite::open(const std::string& relative, std::time_t now) {
  if (auto cached = files_.find(relative, now)) return BeneathRoot::Outcome{std::move(cached), OpenError::failed};
  BeneathRoot::Outcome o = root_.open_file(relative);
  if (o.opened) files_.remember(relative, *o.opened, now);
  return o;
}

HttpResponse StaticSite::handle(const http::HttpRequest& request, std::time_t now) {
  auto path = http::parse_target_path(request.target);
  if (!path) return finish(http::error_response(Status::not_found));
  std::string relative = path->relative();
  BeneathRoot::Outcome o = open(relative, now);
  if (!o.opened) return finish(status_for(o.error));
  if (S_ISDIR(o.opened->st.st_mode)) {
    if (!path->directory) {  // "/docs" -> "/docs/", so that relative links resolve
      HttpResponse r;
      r.status = Status::moved_permanently;
      std::string target = request.target;
      std::size_t q = target.find('?');
      target.insert(q == std::string::npos ? target.size() : q, "/");
      r.add("Location", target);
      r.add("Content-Type", "text/plain; charset=utf-8");
      r.body = "301 Moved Permanently\n";
      return finish(std::move(r));
    }
    relative = relative.empty() ? "index.html" : relative + "/index.html";
    o = open(relative, now);
    if (!o.opened) return finish(status_for(o.error));
  }
  if (!S_ISREG(o.opened->st.st_mode)) return finish(http::error_response(Status::forbidden));
  return finish(serve(request, relative, std::move(*o.opened)));
}

HttpResponse StaticSite::serve(const http::HttpRequest& request, const std::string& relative, Opened file) {
  const std::uint64_t size = static_cast<std::uint64_t>(file.st.st_size);
  http::Validators v = http::validators_for(size, mtime_ns(file.st));
  std::string_view type = http::content_type_for(relative);
  bool gzip_type = http::compressible(type);
  http::RangeDecision range =
      http::if_range_allows(request, v) ? http::decide_range(request.header("Range"), size) : http::RangeDecision{};
  bool gzip = gzip_type && range.kind == http::RangeKind::whole && accepts_gzip(request);

  HttpResponse r;
  r.add("Content-Type", std::string(type));
  r.add("Last-Modified", http::format_http_date(v.last_modified));
  r.add("Accept-Ranges", "bytes");
  if (gzip_type) r.add("Vary", "Accept-Encoding");
  std::string etag = gzip ? v.etag.substr(0, v.etag.size() - 1) + "-gz\"" : v.etag;
  r.add("ETag", etag);
  http::Validators seen{etag, v.last_modified};
  if (http::not_modified(request, seen)) {
    r.status = Status::not_modified;
    return r;
  }
  if (range.kind == http::RangeKind::unsatisfiable) {
    HttpResponse e = http::error_response(Status::range_not_satisfiable);
    e.add("Content-Range", http::content_range(range, size));
    return e;
  }
  if (range.kind == http::RangeKind::partial) {
    r.status = Status::partial_content;
    r.add("Content-Range", http::content_range(range, size));
    r.file = http::FileBody{file.file, range.range.first, range.range.length};
    return r;
  }
  if (gzip) {
    BeneathRoot::Outcome gz = root_.open_file(relative + ".gz");
    if (gz.opened && S_ISREG(gz.opened->st.st_mode)) {
      r.add("Content-Encoding", "gzip");
      r.file = http::FileBody{gz.opened->file, 0, static_cast<std::uint64_t>(gz.opened->st.st_size)};
      return r;
    }
    if (size > options_.gzip_max_bytes) {  // compressed while it is sent, chunked
      r.add("Content-Encoding", "gzip");
      r.stream = std::make_shared<GzipFileStream>(file.file, size);
      return r;
    }
    {
      auto data = read_all(file.file->fd(), size);
      auto packed = data ? gzip_bytes(*data) : Result<std::string>(Error{data.error()});
      if (packed) {
        r.add("Content-Encoding", "gzip");
        r.body = std::move(*packed);
        return r;
      }
    }
    // Not compressed after all: the identity ETag.
    for (auto& [n, val] : r.headers)
      if (n == "ETag") val = v.etag;
  }
  r.file = http::FileBody{file.file, 0, size};
  return r;
}

}  // namespace hamail::mailsvc::httpd

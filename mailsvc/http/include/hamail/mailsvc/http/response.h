// One HTTP response before it is written: status, the handler's header fields and a body
// held in memory, a range of an open file (the shell sends it with sendfile or through
// TLS in pieces) or a stream of parts (BodyProducer: length unknown, chunked for HTTP/1.1);
// serialise_head writes the status line and the fields.
#pragma once

#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hamail/mailsvc/http/body_stream.h"
#include "hamail/mailsvc/http/request.h"
#include "hamail/mailsvc/http/status.h"

namespace hamail::mailsvc::http {

// A file the shell opened; the core only passes it on (the shell's subclass holds the fd).
class OpenFile {
 public:
  virtual ~OpenFile() = default;
};

struct FileBody {
  std::shared_ptr<OpenFile> file;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

struct HttpResponse {
  Status status = Status::ok;
  // Besides Date, Server, Content-Length and Connection, which serialise_head adds.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;               // sent when `file` and `stream` are empty
  std::optional<FileBody> file;
  // A body produced while it is sent (its length unknown): Transfer-Encoding: chunked to an
  // HTTP/1.1 client, the connection's end to an HTTP/1.0 one.
  std::shared_ptr<BodyProducer> stream;
  bool close = false;             // close the connection after this response

  // Of a body in memory or a file range (a stream's is unknown: 0).
  std::uint64_t body_length() const { return stream ? 0 : file ? file->length : body.size(); }
  void add(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
};

// "HTTP/1.1 404 Not Found\r\nDate: ...\r\nServer: hamail-httpd\r\n<headers>Content-Length:
// N\r\nConnection: keep-alive|close\r\n\r\n". 304 and 1xx carry no Content-Length. A
// streamed body has "Transfer-Encoding: chunked" when `chunked`, else no length at all (the
// connection's end frames it).
std::string serialise_head(const HttpResponse& r, std::time_t now, bool keep_alive, bool chunked = false);

// A small text/plain body for an error status ("404 Not Found\n"); `close` for the
// statuses after which the request stream cannot be trusted (400, 413, 414, 431, 505).
HttpResponse error_response(Status s);

// Chunked transfer coding of a response body (RFC 9112 section 7.1).
std::string encode_chunk(std::string_view data);
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

}  // namespace hamail::mailsvc::http

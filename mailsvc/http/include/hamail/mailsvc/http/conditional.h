// Conditional GET (RFC 9110 section 13): a file's validators (a strong ETag from size and
// modification time, Last-Modified) and whether If-None-Match / If-Modified-Since let the
// server answer 304, and whether If-Range lets a Range apply.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>

#include "hamail/mailsvc/http/request.h"

namespace hamail::mailsvc::http {

struct Validators {
  std::string etag;          // "\"<size hex>-<mtime ns hex>\""
  std::time_t last_modified = 0;
};

Validators validators_for(std::uint64_t size, std::int64_t mtime_ns);
// If-None-Match wins over If-Modified-Since (which only counts without it).
bool not_modified(const HttpRequest& request, const Validators& v);
// No If-Range, or it matches the ETag or equals Last-Modified.
bool if_range_allows(const HttpRequest& request, const Validators& v);

}  // namespace hamail::mailsvc::http

// The Content-Type of a file from its extension (a small fixed table, text types with
// charset=utf-8), and which types are worth gzip.
#pragma once

#include <string_view>

namespace hamail::mailsvc::http {

// "text/html; charset=utf-8" for "index.html"; "application/octet-stream" when unknown.
std::string_view content_type_for(std::string_view path);
// Text-like types (text/*, JSON, JavaScript, SVG, XML) that compress well.
bool compressible(std::string_view content_type);

}  // namespace hamail::mailsvc::http

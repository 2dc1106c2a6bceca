// libFuzzer target for httpd's request path: the input, split at its first byte's
// value, fed to an HttpSession in two reads (the answers must be responses); then the
// target-path and Range rules on the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "hamail/mailsvc/http/byte_range.h"
#include "hamail/mailsvc/http/session.h"
#include "hamail/mailsvc/http/target_path.h"

namespace {

struct Handler : hamail::mailsvc::http::RequestHandler {
  hamail::mailsvc::http::HttpResponse handle(const hamail::mailsvc::http::HttpRequest& r, std::time_t) override {
    hamail::mailsvc::http::HttpResponse out;
    out.body = r.target;
    return out;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hamail::mailsvc::http;
  if (size == 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::size_t cut = data[0] % (in.size() + 1);
  RequestLimits limits;
  limits.max_header_bytes = 2048;
  limits.max_body_bytes = 4096;
  Handler h;
  HttpSession s{limits, h};
  for (std::string_view part : {in.substr(0, cut), in.substr(cut)}) {
    for (const HttpAction& a : s.feed(part, 0)) {
      if (auto* b = std::get_if<SendBytes>(&a); b && !b->bytes.starts_with("HTTP/1.1 ")) std::abort();
    }
  }
  // The path and Range rules on the raw input: a path never holds a dot segment or '/'.
  if (auto p = parse_target_path(in)) {
    for (const auto& seg : p->segments)
      if (seg == ".." || seg == "." || seg.find('/') != std::string::npos || seg.find('\0') != std::string::npos)
        std::abort();
  }
  RangeDecision d = decide_range(in, 1000);
  if (d.kind == RangeKind::partial && (d.range.length == 0 || d.range.first + d.range.length > 1000)) std::abort();
  return 0;
}

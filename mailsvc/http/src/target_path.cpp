#include "hamail/mailsvc/http/target_path.h"

#include "hamail/mailsvc/http/request.h"

namespace hamail::mailsvc::http {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One segment, percent-decoded; an encoded '/', '\' or NUL, or a bad escape, is refused.
Result<std::string> decode_segment(std::string_view raw) {
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '%') {
      if (i + 2 >= raw.size()) return Error{"a truncated percent escape"};
      int hi = hex_value(raw[i + 1]), lo = hex_value(raw[i + 2]);
      if (hi < 0 || lo < 0) return Error{"a malformed percent escape"};
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
      if (c == '/' || c == '\\') return Error{"an encoded slash"};
    }
    if (c == '\0') return Error{"a NUL byte"};
    if (c == '\\') return Error{"a backslash"};
    out += c;
  }
  return out;
}

}  // namespace

std::string TargetPath::relative() const {
  std::string out;
  for (const auto& s : segments) {
    if (!out.empty()) out += '/';
    out += s;
  }
  return out;
}

Result<TargetPath> parse_target_path(std::string_view target) {
  // absolute-form (RFC 9112 section 3.2.2): "http://host/path" is "/path" here.
  for (std::string_view scheme : {"http://", "https://"}) {
    if (target.size() >= scheme.size() && equals_ignore_case(target.substr(0, scheme.size()), scheme)) {
      std::size_t slash = target.find_first_of("/?#", scheme.size());
      if (slash == std::string_view::npos) return TargetPath{{}, true};
      if (target[slash] != '/') return Error{"an absolute-form target without a path"};
      target.remove_prefix(slash);
      break;
    }
  }
  if (target.empty() || target.front() != '/') return Error{"the target is not an absolute path"};
  std::size_t end = target.find_first_of("?#");
  std::string_view path = target.substr(0, end);
  TargetPath out;
  out.directory = path.back() == '/';
  path.remove_prefix(1);
  while (!path.empty()) {
    std::size_t slash = path.find('/');
    std::string_view raw = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
    if (raw.empty()) continue;  // "//" collapses
    Result<std::string> seg = decode_segment(raw);
    if (!seg) return Error{seg.error()};
    if (*seg == "." || *seg == "..") return Error{"a dot segment"};
    out.segments.push_back(std::move(*seg));
  }
  return out;
}

}  // namespace hamail::mailsvc::http

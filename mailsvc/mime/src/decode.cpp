#include "decode.h"

#include <gmime/gmime.h>

#include <memory>
#include <string>

#include "gmime_init.h"

namespace hamail::mailsvc::mime {
namespace {

struct GFree {
  void operator()(void* p) const { g_free(p); }
};
using GString = std::unique_ptr<char, GFree>;

std::string valid_utf8(std::string_view text) {
  GString valid(g_utf8_make_valid(text.data(), static_cast<gssize>(text.size())));
  return valid ? std::string(valid.get()) : std::string();
}

}  // namespace

std::optional<std::string> decode_transfer(std::string_view content, std::string_view encoding) {
  ensure_gmime();
  std::string name(encoding);
  GMimeContentEncoding e = name.empty() ? GMIME_CONTENT_ENCODING_7BIT : g_mime_content_encoding_from_string(name.c_str());
  switch (e) {
    case GMIME_CONTENT_ENCODING_DEFAULT: return std::nullopt;  // unknown to GMime
    case GMIME_CONTENT_ENCODING_7BIT:
    case GMIME_CONTENT_ENCODING_8BIT:
    case GMIME_CONTENT_ENCODING_BINARY: return std::string(content);
    default: break;
  }
  GMimeEncoding state;
  g_mime_encoding_init_decode(&state, e);
  if (e == GMIME_CONTENT_ENCODING_UUENCODE) {  // GMime's step wants the "begin" line gone
    std::size_t begin = content.starts_with("begin ") ? 0 : content.find("\nbegin ");
    if (begin == std::string_view::npos) return std::string();
    std::size_t lf = content.find('\n', begin + 1);
    content = lf == std::string_view::npos ? std::string_view() : content.substr(lf + 1);
    state.state |= GMIME_UUDECODE_STATE_BEGIN;
  }
  std::string out(g_mime_encoding_outlen(&state, content.size()) + 16, '\0');
  std::size_t n = g_mime_encoding_flush(&state, content.data(), content.size(), out.data());
  out.resize(n);
  return out;
}

std::string to_utf8(std::string_view text, std::string_view charset) {
  ensure_gmime();
  std::string cs = charset.empty() ? std::string("us-ascii") : std::string(charset);
  const char* canon = g_mime_charset_iconv_name(cs.c_str());
  if (g_ascii_strcasecmp(canon, "UTF-8") != 0) {
    gsize written = 0;
    GString converted(g_convert_with_fallback(text.data(), static_cast<gssize>(text.size()), "UTF-8", canon, "?",
                                              nullptr, &written, nullptr));
    if (converted) return valid_utf8(std::string_view(converted.get(), written));
  }
  return valid_utf8(text);
}

std::string decode_header_text(std::string_view unfolded) {
  ensure_gmime();
  std::string in(unfolded);
  GString decoded(g_mime_utils_header_decode_text(nullptr, in.c_str()));
  return decoded ? valid_utf8(decoded.get()) : valid_utf8(in);
}

}  // namespace hamail::mailsvc::mime

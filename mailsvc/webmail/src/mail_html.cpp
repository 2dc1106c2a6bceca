#include "hamail/mailsvc/webmail/mail_html.h"

#include <cctype>

#include "hamail/mailsvc/webmail/api_route.h"
#include "hamail/mailsvc/webmail/api_views.h"

namespace hamail::mailsvc::webmail {
namespace {

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    std::uint32_t v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                      static_cast<unsigned char>(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out.push_back(kAlphabet[(v >> shift) & 63]);
  }
  if (std::size_t rest = bytes.size() - i; rest > 0) {
    std::uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

bool starts_with_cid(std::string_view s) {
  auto lower = [&](std::size_t i) { return std::tolower(static_cast<unsigned char>(s[i])); };
  return s.size() >= 4 && lower(0) == 'c' && lower(1) == 'i' && lower(2) == 'd' && s[3] == ':';
}

// Where a cid: URL ends in HTML or CSS: a quote, space, ')', '>' or the end.
bool ends_url(char c) {
  return c == '"' || c == '\'' || c == ')' || c == '>' || c == '<' || std::isspace(static_cast<unsigned char>(c));
}

}  // namespace

bool inline_image_type(std::string_view t) {
  return t == "image/png" || t == "image/gif" || t == "image/jpeg" || t == "image/webp";
}

std::string inline_cid_images(std::string_view html, const std::vector<InlineImage>& images) {
  std::string out;
  out.reserve(html.size());
  std::size_t i = 0;
  while (i < html.size()) {
    // "cid:" only where a URL may start: after a quote, '(' or '=' (attribute or url()).
    if (starts_with_cid(html.substr(i)) && i > 0 && (html[i - 1] == '"' || html[i - 1] == '\'' ||
                                                     html[i - 1] == '(' || html[i - 1] == '=')) {
      std::size_t end = i + 4;
      while (end < html.size() && !ends_url(html[end])) ++end;
      auto id = percent_decode(html.substr(i + 4, end - i - 4));
      const InlineImage* found = nullptr;
      if (id)
        for (const InlineImage& img : images)
          if (img.content_id == *id && inline_image_type(img.content_type)) found = &img;
      if (found) {
        out += "data:" + found->content_type + ";base64," + base64(found->bytes);
        i = end;
        continue;
      }
    }
    out.push_back(html[i++]);
  }
  return out;
}

http::HttpResponse mail_html_response(const MessageView& view, bool remote_images) {
  http::HttpResponse r = html_frame_response(inline_cid_images(view.html_body.value_or(""), view.inline_images));
  if (remote_images)
    for (auto& [name, value] : r.headers)
      if (name == "Content-Security-Policy") value = std::string(kHtmlMailPolicyRemoteImages);
  return r;
}

}  // namespace hamail::mailsvc::webmail

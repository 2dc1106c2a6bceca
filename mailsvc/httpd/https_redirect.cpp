#include "hamail/mailsvc/httpd/https_redirect.h"

#include <cctype>

namespace hamail::mailsvc::httpd {

HttpsRedirect::HttpsRedirect(std::string hostname, std::uint16_t https_port)
    : hostname_(std::move(hostname)), https_port_(https_port) {}

namespace {

// A Host value usable in a Location: letters, digits, '-', '.', an IPv6 literal in [].
bool plain_host(std::string_view h) {
  if (h.empty() || h.size() > 255) return false;
  for (char c : h)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '[' || c == ']' || c == ':'))
      return false;
  return true;
}

}  // namespace

http::HttpResponse HttpsRedirect::handle(const http::HttpRequest& request, std::time_t) {
  std::string host = hostname_;
  if (auto h = request.header("Host"); h && plain_host(*h)) {
    std::string_view v = *h;
    std::size_t colon = v.rfind(':');
    if (colon != std::string_view::npos && v.find(']', colon) == std::string_view::npos) v = v.substr(0, colon);
    host = std::string(v);
  }
  std::string location = "https://" + host;
  if (https_port_ != 443) location += ":" + std::to_string(https_port_);
  location += request.target.starts_with("/") ? request.target : "/";
  http::HttpResponse r;
  r.status = http::Status::moved_permanently;
  r.add("Location", location);
  r.add("Content-Type", "text/plain; charset=utf-8");
  r.body = "301 Moved Permanently\n";
  return r;
}

}  // namespace hamail::mailsvc::httpd

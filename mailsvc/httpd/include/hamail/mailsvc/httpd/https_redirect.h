// The answer of a plaintext listener with redirect_to_https: 301 to the same host and
// target over https (the Host field without its port, else the configured host name).
#pragma once

#include <cstdint>
#include <string>

#include "hamail/mailsvc/http/session.h"

namespace hamail::mailsvc::httpd {

class HttpsRedirect : public http::RequestHandler {
 public:
  HttpsRedirect(std::string hostname, std::uint16_t https_port);
  http::HttpResponse handle(const http::HttpRequest& request, std::time_t now) override;

 private:
  std::string hostname_;
  std::uint16_t https_port_;
};

}  // namespace hamail::mailsvc::httpd

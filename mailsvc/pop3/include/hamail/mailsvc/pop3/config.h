// What one POP3 listener offers: 110 with STLS when a certificate is loaded, or 995
// with implicit TLS. USER/PASS and AUTH PLAIN are refused before TLS unless allowed.
#pragma once

#include <string>

namespace hamail::mailsvc::pop3 {

struct Pop3Config {
  std::string hostname = "localhost";
  bool implicit_tls = false;          // port 995
  bool tls_configured = false;        // a certificate is loaded: STLS offered
  bool allow_plaintext_auth = false;  // USER/PASS and AUTH before TLS (tests, trusted networks)
  int max_errors = 10;                // -ERR replies to bad input before the connection is closed
};

}  // namespace hamail::mailsvc::pop3

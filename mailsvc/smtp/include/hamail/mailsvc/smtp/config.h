// What one SMTP listener is for and its limits. The port role decides the policy:
// mx (25) takes mail for local domains without AUTH, submission (587) requires AUTH
// (after STARTTLS), submissions (465) is submission with TLS from the first byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace hamail::mailsvc::smtp {

enum class PortRole { mx, submission, submissions };

struct SmtpConfig {
  PortRole role = PortRole::mx;
  std::string hostname = "localhost";  // in the greeting, EHLO reply and 421s
  std::uint64_t max_message_size = 35ull * 1024 * 1024;  // octets after dot-unstuffing (SIZE)
  std::size_t max_recipients = 100;    // per message; more get 452 4.5.3
  int max_errors = 10;                 // error replies before 421 and close
  bool tls_configured = false;         // a certificate is loaded: STARTTLS offered (not on 465)
  bool allow_plaintext_auth = false;   // offer AUTH before TLS (tests, trusted networks)
  bool sender_must_match_login = false;  // authenticated MAIL FROM checked (CheckSender); <> is not

  bool implicit_tls() const { return role == PortRole::submissions; }
  bool auth_offered() const { return role != PortRole::mx; }
  bool auth_required() const { return role != PortRole::mx; }
};

}  // namespace hamail::mailsvc::smtp

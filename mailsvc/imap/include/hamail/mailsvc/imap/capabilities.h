// The CAPABILITY list an IMAP session advertises, which depends on its state: before
// login STARTTLS / LOGINDISABLED / AUTH=PLAIN, after login COMPRESS=DEFLATE (until active).
#pragma once

#include <string>

namespace hamail::mailsvc::imap {

struct CapabilityContext {
  bool authenticated = false;
  bool starttls_offered = false;   // a certificate is loaded and TLS is not active yet
  bool plaintext_allowed = false;  // TLS active or plaintext logins allowed: AUTH=PLAIN, else LOGINDISABLED
  bool compression_active = false;
};

// "IMAP4rev1 IMAP4rev2 ..." (without the leading "CAPABILITY").
std::string capability_list(const CapabilityContext& context);

}  // namespace hamail::mailsvc::imap

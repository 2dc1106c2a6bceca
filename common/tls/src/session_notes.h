// Private: what the OpenSSL callbacks of one connection observed (the PSK identity
// the peer offered), kept in the TlsSession and reached through SSL_get_app_data so
// that a failed handshake can be explained ("unknown PSK identity 'r1'").
#pragma once

#include <string>

namespace hamail::tls::detail {

struct SessionNotes {
  bool psk_offered = false;      // server: the client offered a PSK identity
  bool psk_identity_ok = false;  // server: ... and it was ours
  std::string offered_identity;  // server: sanitized for messages
  std::string expected_name;     // client: the server name the certificate must match
};

}  // namespace hamail::tls::detail

// Private: turns OpenSSL's thread-local error queue into one readable sentence for an
// error value ("wrong shared secret (PSK binder mismatch)", "certificate verify
// failed: self-signed certificate") and clears the queue.
#pragma once

#include <openssl/types.h>

#include <string>
#include <string_view>

#include "hamail/tls/tls_context.h"
#include "session_notes.h"

namespace hamail::tls::detail {

// The reasons of every queued error, "; "-joined (for set-up calls: file loading).
std::string drain_errors(std::string_view fallback = "unknown OpenSSL error");

// Why a TLS connection failed (SSL_get_error() returned SSL_ERROR_SSL or similar):
// looks at the first error in the queue, the verify result and `notes`.
std::string describe_failure(SSL* ssl, TlsMode mode, TlsRole role, const SessionNotes& notes);

// Printable, bounded version of bytes from the network, for messages.
std::string sanitize(std::string_view bytes, std::size_t max_len = 64);

}  // namespace hamail::tls::detail

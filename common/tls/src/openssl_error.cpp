#include "openssl_error.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstdio>

namespace hamail::tls::detail {
namespace {

std::string reason_text(unsigned long code) {
  const char* r = ERR_reason_error_string(code);
  if (r != nullptr) return r;
  char buf[256];
  ERR_error_string_n(code, buf, sizeof buf);
  return buf;
}

// An alert the peer sent is queued as reason SSL_AD_REASON_OFFSET + alert number.
int received_alert(unsigned long code) {
  if (ERR_GET_LIB(code) != ERR_LIB_SSL) return -1;
  int reason = ERR_GET_REASON(code);
  if (reason < SSL_AD_REASON_OFFSET || reason >= SSL_AD_REASON_OFFSET + 256) return -1;
  return reason - SSL_AD_REASON_OFFSET;
}

std::string alert_name(int alert) { return SSL_alert_desc_string_long(alert); }

std::string explain_alert(int alert, TlsMode mode, TlsRole role) {
  std::string name = alert_name(alert);
  if (mode == TlsMode::psk) {
    // OpenSSL 3.0 answers a bad binder with illegal_parameter, RFC 8446 with decrypt_error.
    if ((alert == SSL_AD_DECRYPT_ERROR || alert == SSL_AD_ILLEGAL_PARAMETER) && role == TlsRole::client) {
      return "wrong shared secret (the peer rejected our PSK binder with alert '" + name + "')";
    }
    if (alert == SSL_AD_HANDSHAKE_FAILURE || alert == SSL_AD_INTERNAL_ERROR) {
      return "the peer refused the handshake (alert '" + name +
             "'): it does not know our PSK identity, or is not configured for PSK";
    }
  }
  if (alert == SSL_AD_UNKNOWN_CA || alert == SSL_AD_BAD_CERTIFICATE) {
    return "the peer does not trust our certificate (alert '" + name + "')";
  }
  if (alert == SSL_AD_PROTOCOL_VERSION) return "no TLS version in common with the peer (alert '" + name + "')";
  return "the peer aborted the connection with alert '" + name + "'";
}

}  // namespace

std::string sanitize(std::string_view bytes, std::size_t max_len) {
  std::string out;
  for (unsigned char c : bytes) {
    if (out.size() >= max_len) {
      out += "...";
      break;
    }
    if (c >= 0x20 && c < 0x7f && c != '\'' && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  return out;
}

std::string drain_errors(std::string_view fallback) {
  std::string out;
  while (unsigned long code = ERR_get_error()) {
    std::string r = reason_text(code);
    if (out.find(r) != std::string::npos) continue;
    if (!out.empty()) out += "; ";
    out += r;
  }
  return out.empty() ? std::string(fallback) : out;
}

std::string describe_failure(SSL* ssl, TlsMode mode, TlsRole role, const SessionNotes& notes) {
  unsigned long code = ERR_peek_error();
  std::string detail = drain_errors("");
  int reason = code != 0 && ERR_GET_LIB(code) == ERR_LIB_SSL ? ERR_GET_REASON(code) : 0;

  // What the PSK server saw explains most refusals better than OpenSSL's reason.
  if (mode == TlsMode::psk && role == TlsRole::server && reason != SSL_R_BINDER_DOES_NOT_VERIFY) {
    if (notes.psk_offered && !notes.psk_identity_ok) {
      return "unknown PSK identity '" + notes.offered_identity + "' (the peer uses another volume/link name)";
    }
    if (!notes.psk_offered && (reason == SSL_R_NO_SHARED_CIPHER || reason == SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM ||
                               reason == SSL_R_NO_CERTIFICATE_ASSIGNED)) {
      return "the peer offered no pre-shared key (not configured for the shared secret, or not a hamail peer)";
    }
  }
  if (int alert = received_alert(code); alert >= 0) return explain_alert(alert, mode, role);
  switch (reason) {
    case SSL_R_BINDER_DOES_NOT_VERIFY:
      return "wrong shared secret (PSK binder mismatch)";
    case SSL_R_CERTIFICATE_VERIFY_FAILED: {
      long v = SSL_get_verify_result(ssl);
      std::string text = "certificate verify failed: " + std::string(X509_verify_cert_error_string(v));
      if (v == X509_V_ERR_HOSTNAME_MISMATCH || v == X509_V_ERR_IP_ADDRESS_MISMATCH) {
        if (!notes.expected_name.empty()) text += " (expected '" + notes.expected_name + "')";
      }
      return text;
    }
    case SSL_R_WRONG_VERSION_NUMBER:
    case SSL_R_HTTP_REQUEST:
    case SSL_R_PACKET_LENGTH_TOO_LONG:
    case SSL_R_UNEXPECTED_RECORD:
    case SSL_R_BAD_RECORD_TYPE:
      return "the peer does not speak TLS (received non-TLS data: " + detail + ")";
    case SSL_R_UNSUPPORTED_PROTOCOL:
    case SSL_R_NO_PROTOCOLS_AVAILABLE:
      return std::string("no TLS version in common with the peer (this end requires ") +
             (mode == TlsMode::psk ? "TLS 1.3" : "TLS 1.2 or newer") + ")";
    case SSL_R_NO_SHARED_CIPHER:
      return "no cipher suite in common with the peer";
    case SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC:
      return "record authentication failed (bad record MAC: data corrupted or tampered with in transit)";
    default:
      break;
  }
  if (!detail.empty()) return detail;
  return "unknown TLS error";
}

}  // namespace hamail::tls::detail

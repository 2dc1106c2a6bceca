// Decoding through GMime: transfer encodings (base64, quoted-printable, x-uuencode),
// charsets to UTF-8, RFC 2047 encoded words in header text.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hamail::mailsvc::mime {

// The content decoded from `encoding` (case-insensitive); 7bit/8bit/binary/absent as is;
// nullopt for an encoding GMime does not know.
std::optional<std::string> decode_transfer(std::string_view content, std::string_view encoding);

// `text` in `charset` as UTF-8: unknown charsets and invalid sequences never fail (GMime's
// fallback charsets, then invalid octets replaced).
std::string to_utf8(std::string_view text, std::string_view charset);

// An unstructured header value (unfolded) with its encoded words decoded, as UTF-8.
std::string decode_header_text(std::string_view unfolded);

}  // namespace hamail::mailsvc::mime

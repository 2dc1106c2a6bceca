// A parsed MIME message for imapd (RFC 2045-2049, RFC 5322): the message's bytes, kept
// (line ends made CRLF), and its tree of parts with their offsets into those bytes, so
// that BODY[section] answers the original octets. Bounded by MimeLimits.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::mailsvc::mime {

struct MimeLimits {
  std::size_t max_bytes = 64u << 20;  // a bigger message is refused
  std::size_t max_parts = 1000;       // parts beyond it are text/plain leaves
  std::size_t max_depth = 20;         // multiparts/messages nested deeper are text/plain leaves
};

// One header field as written: its name and its value with the folding kept (no CRLF at
// the end), and the whole field's offsets in the message (for HEADER.FIELDS).
struct HeaderField {
  std::string name;
  std::string value;
  std::size_t begin = 0;  // first octet of the name
  std::size_t end = 0;    // after the field's last CRLF
};

// name=value as the header wrote it (quotes removed, RFC 2231 continuations joined:
// "name*" keeps the charset'language'%XX form). Names compare case-insensitively.
using Param = std::pair<std::string, std::string>;

// One body part. A multipart has its parts in `children`; a message/rfc822 part has the
// message it holds as its only child (that child's header is the message's header).
struct MimePart {
  std::size_t header_begin = 0;
  std::size_t header_end = 0;  // after the blank line; HEADER and MIME end here
  std::size_t body_begin = 0;  // header_end, except after a header cut by a delimiter (see parse.cpp)
  std::size_t end = 0;
  std::vector<HeaderField> fields;
  std::string type = "text";      // as written (lower case is usual)
  std::string subtype = "plain";
  std::vector<Param> params;      // Content-Type parameters
  bool has_content_type = false;  // false: the default type (text/plain or digest's message/rfc822)
  bool mime = true;  // false: a message without MIME-Version and Content-Type; its Content-* fields are ignored
  bool header_ended = true;  // false: no blank line, the header runs to the part's end
  std::string disposition;        // empty: none
  std::vector<Param> disposition_params;
  std::vector<MimePart> children;

  bool is_multipart() const;
  bool is_message() const;  // message/rfc822 (or message/global) holding a message
  bool is_text() const;
  // The first Content-Type parameter of that name (case-insensitive); "" when absent.
  std::string param(std::string_view name) const;
  // The first field of that name (case-insensitive), unfolded and trimmed; nullptr when absent.
  const HeaderField* field(std::string_view name) const;
  std::string field_value(std::string_view name) const;  // unfolded, trimmed; "" when absent
  std::string content_field(std::string_view name) const;  // the first non-empty such field unfolded, "" when !mime
  std::string transfer_encoding() const;  // Content-Transfer-Encoding as written, "7bit" when absent
};

class MimeMessage {
 public:
  static Result<MimeMessage> parse(std::string_view raw, const MimeLimits& limits = {});

  const std::string& bytes() const { return bytes_; }  // the message, bare LF made CRLF
  const MimePart& root() const { return root_; }         // the message's header and body
  std::size_t part_count() const { return part_count_; }

 private:
  std::string bytes_;
  MimePart root_;
  std::size_t part_count_ = 0;
};

// "Name" as a header's field value is read: folding removed, outer whitespace trimmed.
std::string unfold(std::string_view value);

}  // namespace hamail::mailsvc::mime

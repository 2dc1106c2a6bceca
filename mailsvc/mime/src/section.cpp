// BODY[section] (RFC 3501 6.4.5): part numbers resolved through multiparts and held
// messages; HEADER, HEADER.FIELDS(.NOT) and TEXT of the message a section names; MIME
// of a part. Every answer is a range of the message's bytes, or the chosen header lines
// followed by the blank line.
#include "header_block.h"
#include "hamail/mailsvc/mime/fetch.h"

namespace hamail::mailsvc::mime {

const MimePart* find_part(const MimeMessage& msg, const std::vector<std::uint32_t>& numbers) {
  const MimePart* cur = &msg.root();
  bool in_message = true;  // `cur` is a message, not a message/rfc822 part to enter
  bool in_multipart = false;  // `cur` was reached as a multipart's part
  for (std::uint32_t n : numbers) {
    if (!in_message && cur->is_message() && !cur->children.empty()) {
      cur = &cur->children.front();
      in_message = true;
    }
    if (cur->is_multipart()) {
      if (n == 0 || n > cur->children.size()) return nullptr;
      cur = &cur->children[n - 1];
      in_message = false;
      in_multipart = true;
    } else if (n == 1 && (in_message || in_multipart)) {
      // part 1 of a non-multipart message is its body; as Dovecot, part 1 of a leaf
      // part of a multipart is that part itself (once)
      in_message = in_multipart = false;
    } else {
      return nullptr;
    }
  }
  return cur;
}

namespace {

std::string range(const std::string& bytes, std::size_t begin, std::size_t end) {
  return bytes.substr(begin, end - begin);
}

bool listed(const std::vector<std::string>& names, std::string_view name) {
  for (const std::string& n : names) {
    if (equals_ignore_case(n, name)) return true;
  }
  return false;
}

std::string header_fields(const std::string& bytes, const MimePart& m, const imap::Section& s) {
  bool keep_listed = s.text == imap::SectionText::header_fields;
  std::string out;
  for (const HeaderField& f : m.fields) {
    if (listed(s.fields, f.name) == keep_listed) {
      out += range(bytes, f.begin, f.end);
      if (!out.ends_with("\n")) out += "\r\n";
    }
  }
  return out + "\r\n";
}

}  // namespace

std::string section_bytes(const MimeMessage& msg, const imap::Section& s) {
  const std::string& bytes = msg.bytes();
  const MimePart* part = find_part(msg, s.part);
  if (part == nullptr) return {};
  if (s.text == imap::SectionText::none) {
    return s.part.empty() ? bytes : range(bytes, part->body_begin, part->end);
  }
  if (s.text == imap::SectionText::mime) {
    return s.part.empty() ? std::string() : range(bytes, part->header_begin, part->header_end);
  }
  // HEADER, HEADER.FIELDS(.NOT), TEXT: of the message itself or of a message/rfc822 part.
  const MimePart* m = part;
  if (!s.part.empty()) {
    if (!part->is_message() || part->children.empty()) return {};
    m = &part->children.front();
  }
  switch (s.text) {
    case imap::SectionText::header: return range(bytes, m->header_begin, m->header_end);
    case imap::SectionText::text: return range(bytes, m->body_begin, m->end);
    default: return header_fields(bytes, *m, s);
  }
}

}  // namespace hamail::mailsvc::mime

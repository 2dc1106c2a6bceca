#include "hamail/mailsvc/imap/fetch_items.h"

#include "chars.h"
#include "hamail/mailsvc/imap/response_text.h"

namespace hamail::mailsvc::imap {
namespace {

std::string astring_text(const std::string& s) {
  bool atom = !s.empty();
  for (char c : s) atom = atom && chars::astring(c);
  return atom ? s : imap_string(s, true);
}

std::string section_text(const Section& s) {
  std::string out;
  for (std::uint32_t p : s.part) out += (out.empty() ? "" : ".") + std::to_string(p);
  if (s.text == SectionText::none) return out;
  if (!out.empty()) out += '.';
  switch (s.text) {
    case SectionText::header: return out + "HEADER";
    case SectionText::text: return out + "TEXT";
    case SectionText::mime: return out + "MIME";
    default: break;
  }
  out += s.text == SectionText::header_fields ? "HEADER.FIELDS (" : "HEADER.FIELDS.NOT (";
  for (std::size_t i = 0; i < s.fields.size(); ++i) out += (i ? " " : "") + astring_text(s.fields[i]);
  return out + ")";
}

std::string origin(const std::optional<Partial>& p) {
  return p ? "<" + std::to_string(p->offset) + ">" : std::string();
}

}  // namespace

std::string response_name(const FetchItem& item) {
  using Kind = FetchItem::Kind;
  switch (item.kind) {
    case Kind::envelope: return "ENVELOPE";
    case Kind::flags: return "FLAGS";
    case Kind::internal_date: return "INTERNALDATE";
    case Kind::rfc822: return "RFC822";
    case Kind::rfc822_header: return "RFC822.HEADER";
    case Kind::rfc822_size: return "RFC822.SIZE";
    case Kind::rfc822_text: return "RFC822.TEXT";
    case Kind::body: return "BODY";
    case Kind::body_structure: return "BODYSTRUCTURE";
    case Kind::uid: return "UID";
    case Kind::modseq: return "MODSEQ";
    case Kind::body_section: return "BODY[" + section_text(item.section) + "]" + origin(item.partial);
    case Kind::binary: return "BINARY[" + section_text(item.section) + "]" + origin(item.partial);
    case Kind::binary_size: return "BINARY.SIZE[" + section_text(item.section) + "]";
  }
  return {};
}

}  // namespace hamail::mailsvc::imap

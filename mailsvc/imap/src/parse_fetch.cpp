// The FETCH attributes (RFC 9051 fetch-att, RFC 3516 BINARY, RFC 7162 MODSEQ): the
// macros, sections "[1.2.HEADER.FIELDS (From)]", binary sections and partials "<0.100>".
#include <array>

#include "chars.h"
#include "grammar.h"
#include "hamail/mailsvc/imap/response_text.h"

namespace hamail::mailsvc::imap::grammar {
namespace {

using Kind = FetchItem::Kind;

constexpr std::array<std::pair<std::string_view, Kind>, 10> kPlain = {{
    {"ENVELOPE", Kind::envelope},
    {"FLAGS", Kind::flags},
    {"INTERNALDATE", Kind::internal_date},
    {"RFC822", Kind::rfc822},
    {"RFC822.HEADER", Kind::rfc822_header},
    {"RFC822.SIZE", Kind::rfc822_size},
    {"RFC822.TEXT", Kind::rfc822_text},
    {"BODYSTRUCTURE", Kind::body_structure},
    {"UID", Kind::uid},
    {"MODSEQ", Kind::modseq},
}};

std::vector<FetchItem> macro(std::string_view name) {
  auto item = [](Kind k) { return FetchItem{k, {}, false, std::nullopt}; };
  std::vector<FetchItem> fast = {item(Kind::flags), item(Kind::internal_date), item(Kind::rfc822_size)};
  if (name == "FAST") return fast;
  fast.push_back(item(Kind::envelope));
  if (name == "FULL") fast.push_back(item(Kind::body));
  return fast;
}

// The text part of a section after its part numbers: HEADER, HEADER.FIELDS[.NOT] (list), TEXT, MIME.
void section_text(Cursor& c, Section& s) {
  std::size_t at = c.offset();
  std::string name = chars::upper(c.word("HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT, TEXT or MIME"));
  if (name == "HEADER") s.text = SectionText::header;
  else if (name == "HEADER.FIELDS") s.text = SectionText::header_fields;
  else if (name == "HEADER.FIELDS.NOT") s.text = SectionText::header_fields_not;
  else if (name == "TEXT") s.text = SectionText::text;
  else if (name == "MIME" && !s.part.empty()) s.text = SectionText::mime;
  else if (name == "MIME" && c.ok()) c.fail_at(at, "MIME needs a part number (BODY[1.MIME])");
  else if (c.ok()) c.fail_at(at, "unknown section '" + printable(name, 40) + "'");
  if (s.text == SectionText::header_fields || s.text == SectionText::header_fields_not) {
    c.space();
    c.list("header field names", false, [&] { s.fields.push_back(c.astring("a header field name")); });
  }
}

// "[" [section-part ["." section-text] / section-text] "]"; binary: "[" [section-part] "]"
Section section(Cursor& c, bool binary) {
  Section s;
  c.expect('[', "'[' opening a section");
  if (c.take(']')) return s;
  bool after_dot = false;
  while (c.ok() && chars::digit(c.peek())) {
    s.part.push_back(c.nz_number("a part number"));
    after_dot = c.take('.');
    if (!after_dot) break;
  }
  if (c.ok() && (after_dot || c.peek() != ']')) {
    if (binary) c.fail("a BINARY section holds part numbers only");
    else section_text(c, s);
  }
  c.expect(']', "']' closing the section");
  return s;
}

std::optional<Partial> partial(Cursor& c) {
  if (!c.take('<')) return std::nullopt;
  Partial p;
  p.offset = c.number64("the partial's first octet");
  c.expect('.', "'.' between the partial's offset and length");
  std::size_t at = c.offset();
  p.length = c.number64("the partial's length");
  if (c.ok() && p.length == 0) c.fail_at(at, "the partial's length must not be 0");
  c.expect('>', "'>' closing the partial");
  return p;
}

FetchItem item(Cursor& c) {
  std::size_t at = c.offset();
  std::string name = chars::upper(c.word("a fetch attribute"));
  FetchItem f;
  for (const auto& [known, kind] : kPlain)
    if (name == known) {
      f.kind = kind;
      return f;
    }
  f.peek = name.ends_with(".PEEK");
  if (name == "BODY" && c.peek() != '[') {
    f.kind = Kind::body;
  } else if (name == "BODY" || name == "BODY.PEEK") {
    f.kind = Kind::body_section;
    f.section = section(c, false);
    f.partial = partial(c);
  } else if (name == "BINARY" || name == "BINARY.PEEK") {
    f.kind = Kind::binary;
    f.section = section(c, true);
    f.partial = partial(c);
  } else if (name == "BINARY.SIZE") {
    f.kind = Kind::binary_size;
    f.section = section(c, true);
  } else if (c.ok()) {
    c.fail_at(at, "unknown attribute '" + printable(name, 40) + "'");
  }
  return f;
}

}  // namespace

std::vector<FetchItem> fetch_items(Cursor& c) {
  std::vector<FetchItem> items;
  if (c.peek() == '(') {
    c.list("fetch attributes", false, [&] { items.push_back(item(c)); });
    return items;
  }
  for (std::string_view m : {"ALL", "FAST", "FULL"})
    if (c.take_word(m)) return macro(m);
  items.push_back(item(c));
  return items;
}

}  // namespace hamail::mailsvc::imap::grammar

// What a FETCH asks for (RFC 9051 6.4.5, RFC 3516 BINARY, RFC 7162 MODSEQ): one item per
// attribute, the macros ALL/FAST/FULL already expanded, body sections and partials typed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hamail::mailsvc::imap {

enum class SectionText { none, header, header_fields, header_fields_not, text, mime };

// BODY[1.2.HEADER.FIELDS (From To)]: part {1,2}, text header_fields, fields {"From","To"}.
struct Section {
  std::vector<std::uint32_t> part;  // empty: the whole message
  SectionText text = SectionText::none;
  std::vector<std::string> fields;  // header_fields(_not): the field names as written
  friend bool operator==(const Section&, const Section&) = default;
};

// <offset.length>
struct Partial {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;  // never 0
  friend bool operator==(const Partial&, const Partial&) = default;
};

struct FetchItem {
  enum class Kind {
    envelope, flags, internal_date, rfc822, rfc822_header, rfc822_size, rfc822_text,
    body,            // BODY without a section: BODYSTRUCTURE without extension data
    body_structure,  // BODYSTRUCTURE
    uid,
    body_section,    // BODY[...] / BODY.PEEK[...]
    binary,          // BINARY[...] / BINARY.PEEK[...] (section: part numbers only)
    binary_size,     // BINARY.SIZE[...]
    modseq,
  };
  Kind kind = Kind::flags;
  Section section;                // body_section, binary, binary_size
  bool peek = false;              // .PEEK: do not set \Seen
  std::optional<Partial> partial;  // body_section, binary
  friend bool operator==(const FetchItem&, const FetchItem&) = default;
};

// How a FETCH response names the item: "BODY[HEADER.FIELDS (From)]<0>" for
// BODY.PEEK[HEADER.FIELDS (From)]<0.100>, "RFC822.SIZE", "BINARY.SIZE[1]".
std::string response_name(const FetchItem& item);

}  // namespace hamail::mailsvc::imap

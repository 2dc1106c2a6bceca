// Fuzz target: MimeMessage::parse, then every FETCH answer built from it. The input is a
// message. Checked: nothing crashes or trips a sanitizer; the parse stays within its
// limits; every part's offsets lie inside its parent's and in order; ENVELOPE and
// BODYSTRUCTURE are one parenthesised list; sections, BINARY and the search and sort
// helpers answer for every part.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "hamail/mailsvc/mime/fetch.h"
#include "hamail/mailsvc/mime/search.h"
#include "hamail/mailsvc/mime/sort_keys.h"

namespace {

using namespace hamail::mailsvc::mime;

[[noreturn]] void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "mime_fuzz: %s: %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

void check_part(const MimePart& p, std::size_t begin, std::size_t end, std::size_t& count) {
  ++count;
  if (!(begin <= p.header_begin && p.header_begin <= p.header_end && p.header_end <= p.body_begin &&
        p.body_begin <= p.end && p.end <= end)) {
    fail("part offsets out of order", std::to_string(p.header_begin) + " " + std::to_string(p.body_begin) + " " +
                                          std::to_string(p.end));
  }
  if (p.is_multipart() && p.children.empty()) fail("multipart without parts", p.subtype);
  std::size_t last = p.body_begin;
  for (const MimePart& child : p.children) {
    check_part(child, last, p.end, count);
    if (p.is_multipart()) last = child.end;
  }
}

void check_list(const std::string& text, const char* what) {
  if (text.empty() || text.front() != '(' || text.back() != ')') fail(what, text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  MimeLimits limits;
  limits.max_bytes = 1 << 20;
  limits.max_parts = 50;
  limits.max_depth = 8;
  hamail::Result<MimeMessage> parsed = MimeMessage::parse(raw, limits);
  if (!parsed) return 0;
  const MimeMessage& msg = *parsed;
  std::size_t count = 0;
  check_part(msg.root(), 0, msg.bytes().size(), count);
  if (msg.part_count() > limits.max_parts) fail("too many parts", std::to_string(msg.part_count()));
  check_list(envelope(msg), "ENVELOPE");
  check_list(body_structure(msg, false), "BODY");
  check_list(body_structure(msg, true), "BODYSTRUCTURE");
  using hamail::mailsvc::imap::Section;
  using hamail::mailsvc::imap::SectionText;
  for (std::uint32_t a = 1; a <= 3; ++a) {
    for (std::uint32_t b = 0; b <= 2; ++b) {
      std::vector<std::uint32_t> part{a};
      if (b > 0) part.push_back(b);
      for (SectionText t : {SectionText::none, SectionText::header, SectionText::text, SectionText::mime,
                            SectionText::header_fields}) {
        std::string bytes = section_bytes(msg, Section{part, t, {"From", "Subject"}});
        if (bytes.size() > msg.bytes().size() + 2) fail("section bigger than the message", std::to_string(bytes.size()));
      }
      (void)binary_section(msg, Section{part, SectionText::none, {}});
    }
  }
  (void)header_matches(msg, "Subject", "re");
  (void)body_matches(msg, "the");
  (void)text_matches(msg, "x");
  (void)sent_date(msg);
  (void)first_mailbox(msg, "From");
  (void)base_subject(decoded_subject(msg));
  (void)references(msg);
  return 0;
}

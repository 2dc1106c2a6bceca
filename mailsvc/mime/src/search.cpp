#include "hamail/mailsvc/mime/search.h"

#include <glib.h>

#include <memory>
#include <string>

#include "decode.h"
#include "header_block.h"

namespace hamail::mailsvc::mime {
namespace {

std::string fold(std::string_view utf8) {
  std::unique_ptr<char, decltype(&g_free)> valid(g_utf8_make_valid(utf8.data(), static_cast<gssize>(utf8.size())), g_free);
  std::unique_ptr<char, decltype(&g_free)> folded(g_utf8_casefold(valid.get(), -1), g_free);
  return folded ? std::string(folded.get()) : std::string();
}

bool is_ascii(std::string_view s) {
  unsigned char any = 0;
  for (char c : s) any |= static_cast<unsigned char>(c);  // no early exit: the loop vectorises
  return any < 0x80;
}

bool contains_folded(std::string_view haystack_utf8, const std::string& folded_needle) {
  if (folded_needle.empty()) return true;
  if (is_ascii(haystack_utf8)) {
    // Unicode case folding of ASCII text is A-Z to a-z (what g_utf8_casefold gives), done
    // here without GLib's per-character work: most mail text is ASCII, and SEARCH TEXT
    // spent two thirds of its time folding it.
    std::string lower(haystack_utf8);
    for (char& c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
    return lower.find(folded_needle) != std::string::npos;
  }
  return fold(haystack_utf8).find(folded_needle) != std::string::npos;
}

bool part_body_matches(const std::string& bytes, const MimePart& part, const std::string& needle) {
  if (part.is_multipart() || part.is_message()) {
    for (const MimePart& child : part.children) {
      if (part_body_matches(bytes, child, needle)) return true;
    }
    return false;
  }
  if (!part.is_text()) return false;
  std::string_view content = std::string_view(bytes).substr(part.body_begin, part.end - part.body_begin);
  std::optional<std::string> decoded = decode_transfer(content, part.transfer_encoding());
  return contains_folded(to_utf8(decoded ? *decoded : std::string(content), part.param("charset")), needle);
}

}  // namespace

bool header_matches(const MimeMessage& msg, std::string_view field_name, std::string_view needle) {
  std::string folded = fold(needle);
  for (const HeaderField& f : msg.root().fields) {
    if (equals_ignore_case(f.name, field_name) && contains_folded(decode_header_text(unfold(f.value)), folded)) {
      return true;
    }
  }
  return false;
}

bool body_matches(const MimeMessage& msg, std::string_view needle) {
  return part_body_matches(msg.bytes(), msg.root(), fold(needle));
}

bool text_matches(const MimeMessage& msg, std::string_view needle) {
  std::string folded = fold(needle);
  for (const HeaderField& f : msg.root().fields) {
    if (contains_folded(f.name + ": " + decode_header_text(unfold(f.value)), folded)) return true;
  }
  return part_body_matches(msg.bytes(), msg.root(), folded);
}

}  // namespace hamail::mailsvc::mime

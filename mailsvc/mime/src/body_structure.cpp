// BODY and BODYSTRUCTURE (RFC 3501 7.4.2): one list per part, text parts with their line
// count, message/rfc822 parts with the held message's envelope, structure and lines;
// with `extended`, MD5, disposition, language and location (multiparts: parameters,
// disposition, language, location).
#include <algorithm>
#include <string>

#include "content_params.h"
#include "header_block.h"
#include "hamail/mailsvc/imap/response_text.h"
#include "hamail/mailsvc/mime/fetch.h"

namespace hamail::mailsvc::mime {
namespace {

std::string str(std::string_view s) { return imap::imap_string(s, false); }

std::string nfield(const MimePart& part, std::string_view name) {
  std::string v = part.content_field(name);
  return v.empty() ? "NIL" : str(v);
}

std::string param_list(const std::vector<Param>& params) {
  if (params.empty()) return "NIL";
  std::string out = "(";
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (i > 0) out += ' ';
    out += str(params[i].first) + " " + str(params[i].second);
  }
  return out + ")";
}

std::size_t count_lines(const std::string& bytes, const MimePart& part) {
  return static_cast<std::size_t>(std::count(bytes.begin() + static_cast<std::ptrdiff_t>(part.body_begin),
                                             bytes.begin() + static_cast<std::ptrdiff_t>(part.end), '\n'));
}

std::string disposition(const MimePart& part) {
  if (part.disposition.empty()) return "NIL";
  return "(" + str(part.disposition) + " " + param_list(part.disposition_params) + ")";
}

// Content-Language: "de, en" -> ("de" "en"); anything but a comma after a tag ends the
// list (as Dovecot: "de folded" is ("de")).
std::string language(const MimePart& part) {
  std::string v = part.content_field("Content-Language");
  std::vector<std::string> tags;
  std::size_t pos = 0;
  auto skip_space = [&] {
    while (pos < v.size() && (v[pos] == ' ' || v[pos] == '\t')) ++pos;
  };
  while (tags.size() < 100) {
    skip_space();
    std::size_t start = pos;
    while (pos < v.size() && v[pos] != ',' && v[pos] != ' ' && v[pos] != '\t') ++pos;
    if (pos > start) tags.emplace_back(v.substr(start, pos - start));
    skip_space();
    if (pos >= v.size() || v[pos] != ',') break;
    ++pos;
  }
  if (tags.empty()) return "NIL";
  std::string out = "(";
  for (std::size_t i = 0; i < tags.size(); ++i) out += (i ? " " : "") + str(tags[i]);
  return out + ")";
}

std::string extension(const MimePart& part) {
  return disposition(part) + " " + language(part) + " " + nfield(part, "Content-Location");
}

class Writer {
 public:
  Writer(const std::string& bytes, bool extended) : bytes_(bytes), extended_(extended) {}

  std::string part(const MimePart& p) {
    if (p.is_multipart()) return multipart(p);
    std::vector<Param> params = p.params;
    if (p.is_text() && std::none_of(params.begin(), params.end(),
                                    [](const Param& x) { return equals_ignore_case(x.first, "charset"); })) {
      params.emplace_back("charset", "us-ascii");
    }
    std::string out = "(" + str(p.type) + " " + str(p.subtype) + " " + param_list(params) + " ";
    out += nfield(p, "Content-ID") + " " + nfield(p, "Content-Description") + " ";
    out += str(p.transfer_encoding()) + " " + std::to_string(p.end - p.body_begin);
    if (p.is_message() && !p.children.empty()) {
      const MimePart& inner = p.children.front();
      out += " " + envelope(inner) + " " + part(inner) + " " + std::to_string(count_lines(bytes_, p));
    } else if (p.is_text()) {
      out += " " + std::to_string(count_lines(bytes_, p));
    }
    if (extended_) out += " " + nfield(p, "Content-MD5") + " " + extension(p);
    return out + ")";
  }

 private:
  std::string multipart(const MimePart& p) {
    std::string out = "(";
    for (const MimePart& child : p.children) out += part(child);
    out += " " + str(p.subtype);
    if (extended_) out += " " + param_list(p.params) + " " + extension(p);
    return out + ")";
  }

  const std::string& bytes_;
  bool extended_;
};

}  // namespace

std::string body_structure(const MimeMessage& msg, bool extended) {
  return Writer(msg.bytes(), extended).part(msg.root());
}

}  // namespace hamail::mailsvc::mime

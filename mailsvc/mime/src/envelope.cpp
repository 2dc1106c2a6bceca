// ENVELOPE (RFC 3501 7.4.2): the header's strings as written, NIL for an absent field,
// sender and reply-to taking from's value when absent or empty.
#include <string>

#include "address_list.h"
#include "header_block.h"
#include "hamail/mailsvc/imap/response_text.h"
#include "hamail/mailsvc/mime/fetch.h"

namespace hamail::mailsvc::mime {
namespace {

std::string nstring(const std::optional<std::string>& s) { return imap::imap_nstring(s, false); }

// As Dovecot: CR and LF removed, leading white space too; an empty field is "".
// As Dovecot, the last of several fields of that name.
std::optional<std::string> text_field(const MimePart& part, std::string_view name) {
  const HeaderField* f = nullptr;
  for (const HeaderField& field : part.fields) {
    if (equals_ignore_case(field.name, name)) f = &field;
  }
  if (f == nullptr) return std::nullopt;
  std::string v;
  for (char c : f->value) {
    if (c == '\r' || c == '\n' || ((c == ' ' || c == '\t') && v.empty())) continue;
    v.push_back(c);
  }
  return v;
}

// The Subject as Dovecot writes it "for humans": white space runs (tabs, folding) made
// one space, none at either end.
std::optional<std::string> subject_field(const MimePart& part) {
  std::optional<std::string> v = text_field(part, "Subject");
  if (!v) return v;
  std::string out;
  for (char c : *v) {
    if (c == ' ' || c == '\t') {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// As Dovecot, the addresses of every field of that name, in order.
std::string address_list(const MimePart& part, std::string_view name) {
  std::vector<EnvelopeAddress> list;
  for (const HeaderField& f : part.fields) {
    if (!equals_ignore_case(f.name, name)) continue;
    std::vector<EnvelopeAddress> more = read_address_list(unfold(f.value));
    list.insert(list.end(), more.begin(), more.end());
  }
  if (list.empty()) return "NIL";
  std::string out = "(";
  for (const EnvelopeAddress& a : list) {
    out += "(" + nstring(a.name) + " " + nstring(a.route) + " " + nstring(a.mailbox) + " " + nstring(a.host) + ")";
  }
  return out + ")";
}

}  // namespace

std::string envelope(const MimePart& m) {
  std::string from = address_list(m, "From");
  std::string sender = address_list(m, "Sender");
  std::string reply_to = address_list(m, "Reply-To");
  std::string out = "(";
  out += nstring(text_field(m, "Date")) + " ";
  out += nstring(subject_field(m)) + " ";
  out += from + " ";
  out += (sender == "NIL" ? from : sender) + " ";
  out += (reply_to == "NIL" ? from : reply_to) + " ";
  out += address_list(m, "To") + " ";
  out += address_list(m, "Cc") + " ";
  out += address_list(m, "Bcc") + " ";
  out += nstring(text_field(m, "In-Reply-To")) + " ";
  out += nstring(text_field(m, "Message-ID")) + ")";
  return out;
}

std::string envelope(const MimeMessage& msg) { return envelope(msg.root()); }

}  // namespace hamail::mailsvc::mime

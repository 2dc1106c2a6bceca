#include "hamail/mailsvc/webmail/message_builder.h"
#include "hamail/mailsvc/webmail/draft_of.h"

#include "hamail/mailsvc/smtp/headers.h"
#include "hamail/mailsvc/webmail/header_encoding.h"
#include "hamail/mailsvc/wire/base64.h"

namespace hamail::mailsvc::webmail {
namespace {

std::string address_list(const std::vector<MailAddress>& list) {
  std::string out;
  for (const MailAddress& a : list) {
    if (!out.empty()) out += ", ";
    out += format_address(a);
  }
  return out;
}

// Plain 7bit when every line is short printable ASCII; else quoted-printable.
bool needs_encoding(std::string_view text) {
  std::size_t line = 0;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      line = 0;
      continue;
    }
    if (u >= 0x7f || (u < 0x20 && c != '\t' && c != '\r')) return true;
    if (++line > 900) return true;
  }
  return false;
}

std::string crlf_lines(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 40 + 2);
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out += "\r\n";
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out += c;
    }
  }
  if (out.empty() || !out.ends_with("\r\n")) out += "\r\n";
  return out;
}

std::string text_part(std::string_view text) {
  std::string out = "Content-Type: text/plain; charset=UTF-8\r\n";
  if (needs_encoding(text)) {
    out += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    out += quoted_printable(crlf_lines(text));
  } else {
    out += "Content-Transfer-Encoding: 7bit\r\n\r\n";
    out += crlf_lines(text);
  }
  return out;
}

}  // namespace

std::string quoted_printable(std::string_view text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  std::size_t line = 0;
  auto put = [&](std::string_view piece) {
    if (line + piece.size() > 75) {  // room for the soft break's '='
      out += "=\r\n";
      line = 0;
    }
    out += piece;
    line += piece.size();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    auto u = static_cast<unsigned char>(c);
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      ++i;
      out += "\r\n";
      line = 0;
      continue;
    }
    bool at_line_end = i + 1 == text.size() || text[i + 1] == '\r';
    bool literal = (u >= 33 && u <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_line_end);
    if (literal && c == '.' && line == 0) literal = false;  // no lone "." lines for naive relays
    if (literal) {
      put(std::string_view(&text[i], 1));
    } else {
      char enc[3] = {'=', hex[u >> 4], hex[u & 15]};
      put(std::string_view(enc, 3));
    }
  }
  return out;
}

std::string base64_lines(std::string_view bytes) {
  std::string b = wire::base64_encode(bytes);
  std::string out;
  out.reserve(b.size() + b.size() / 76 * 2 + 2);
  for (std::size_t pos = 0; pos < b.size(); pos += 76) {
    out.append(b, pos, 76);
    out += "\r\n";
  }
  return out;
}

std::string build_message(const OutgoingMail& mail, const MessageStamp& stamp, BccHeader bcc) {
  std::string h;
  h += header_line("Date", smtp::format_rfc5322_date(stamp.date_unix, 0));
  h += header_line("From", format_address(stamp.from));
  if (!mail.to.empty()) h += header_line("To", address_list(mail.to));
  if (!mail.cc.empty()) h += header_line("Cc", address_list(mail.cc));
  if (bcc != BccHeader::omit && !mail.bcc.empty()) h += header_line("Bcc", address_list(mail.bcc));
  h += header_line("Subject", encode_header_text(mail.subject));
  h += header_line("Message-ID", stamp.message_id);
  if (!mail.in_reply_to.empty()) h += header_line("In-Reply-To", mail.in_reply_to);
  if (!mail.references.empty()) h += header_line("References", mail.references);
  if (bcc == BccHeader::draft && mail.reply_uid != 0 && !mail.reply_folder.empty())
    h += header_line(kDraftOfHeader, draft_of_value(DraftOf{mail.reply_folder, mail.reply_uid, mail.forward}));
  h += "MIME-Version: 1.0\r\n";
  h += "User-Agent: hamail webmail\r\n";
  if (mail.attachments.empty()) return h + text_part(mail.text);

  std::string boundary = "=_" + stamp.boundary;
  h += "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n";
  h += "This is a message in MIME format.\r\n";
  h += "--" + boundary + "\r\n" + text_part(mail.text);
  // Each part ends in CRLF; the delimiter's own CRLF comes on top (RFC 2046 5.1.1), or the
  // text's last line end would be taken as part of the delimiter.
  for (const UploadedAttachment& a : mail.attachments) {
    h += "\r\n--" + boundary + "\r\n";
    h += "Content-Type: " + a.content_type + "; " + mime_parameter("name", a.filename) + "\r\n";
    h += "Content-Disposition: attachment; " + mime_parameter("filename", a.filename) + "\r\n";
    h += "Content-Transfer-Encoding: base64\r\n\r\n";
    h += base64_lines(a.bytes);
  }
  h += "\r\n--" + boundary + "--\r\n";
  return h;
}

}  // namespace hamail::mailsvc::webmail

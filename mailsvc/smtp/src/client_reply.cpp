#include "hamail/mailsvc/smtp/client_reply.h"

#include <utility>

namespace hamail::mailsvc::smtp {
namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }
bool printable(char c) { return c >= 0x20 && c < 0x7f; }  // ASCII only

// Length of a leading RFC 3463 code "c.sss.ddd" whose class is the reply's first digit,
// followed by a space or the end; 0 when there is none.
std::size_t enhanced_length(std::string_view text, int code) {
  if (text.size() < 5 || text[0] != static_cast<char>('0' + code / 100) || text[1] != '.') return 0;
  std::size_t i = 2;
  for (int part = 0; part < 2; ++part) {
    std::size_t start = i;
    while (i < text.size() && digit(text[i]) && i - start < 4) ++i;
    if (i == start || i - start > 3) return 0;
    if (part == 0 && (i == text.size() || text[i++] != '.')) return 0;
  }
  return i == text.size() || text[i] == ' ' ? i : 0;
}

// A printable, bounded excerpt of what the server sent, for error messages.
std::string excerpt(std::string_view s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size() && i < 40; ++i) out += printable(s[i]) ? s[i] : '?';
  return out + (s.size() > 40 ? "...\"" : "\"");
}

}  // namespace

std::string ClientReply::to_string() const {
  std::string out = std::to_string(code);
  if (!enhanced.empty()) out += " " + enhanced;
  if (!text.empty()) out += " " + text;
  return out;
}

ClientReply ReceivedReply::summary() const {
  ClientReply r;
  r.code = code;
  if (!lines.empty()) r.enhanced = lines.front().substr(0, enhanced_length(lines.front(), code));
  for (std::string_view line : lines) {
    // Servers often repeat the enhanced code on every line; keep it once.
    if (!r.enhanced.empty() && line.substr(0, r.enhanced.size()) == r.enhanced &&
        enhanced_length(line, code) == r.enhanced.size())
      line.remove_prefix(r.enhanced.size());
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    if (line.empty()) continue;
    if (!r.text.empty()) r.text += ' ';
    for (char c : line) r.text += printable(c) || static_cast<unsigned char>(c) >= 0x80 ? c : '?';  // UTF-8 kept
    if (r.text.size() >= ClientReply::kMaxText) {
      r.text.resize(ClientReply::kMaxText);
      break;
    }
  }
  return r;
}

std::optional<Result<ReceivedReply>> ClientReplyParser::push(char c) {
  if (c == '\n') return end_of_line();
  line_ += c;
  // Even ended by a bare LF this line would pass the limit.
  if (line_.size() >= kMaxLine) return Error{"reply line longer than " + std::to_string(kMaxLine) + " octets"};
  return std::nullopt;
}

std::optional<Result<ReceivedReply>> ClientReplyParser::end_of_line() {
  std::string line = std::move(line_);
  line_.clear();
  if (!line.empty() && line.back() == '\r') line.pop_back();
  bool code_ok = line.size() >= 3 && line[0] >= '2' && line[0] <= '5' && line[1] >= '0' && line[1] <= '5' &&
                 digit(line[2]);
  if (!code_ok || (line.size() > 3 && line[3] != ' ' && line[3] != '-'))
    return Error{"malformed reply line " + excerpt(line)};
  int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (!reply_.lines.empty() && code != reply_.code)
    return Error{"reply code changed within a multi-line reply: " + excerpt(line)};
  if (reply_.lines.size() == kMaxLines) return Error{"reply of more than " + std::to_string(kMaxLines) + " lines"};
  reply_octets_ += line.size() + 2;
  if (reply_octets_ > kMaxReply) return Error{"reply longer than " + std::to_string(kMaxReply) + " octets"};
  reply_.code = code;
  reply_.lines.push_back(line.size() > 4 ? line.substr(4) : std::string());
  if (line.size() > 3 && line[3] == '-') return std::nullopt;
  ReceivedReply done = std::move(reply_);
  reply_ = ReceivedReply{};
  reply_octets_ = 0;
  return done;
}

}  // namespace hamail::mailsvc::smtp

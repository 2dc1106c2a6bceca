// MimeMessage::parse: the bytes made CRLF, then the tree of parts read top-down. Each
// multipart's body is split at its own boundary's delimiter lines (RFC 2046 5.1.1: the
// CRLF before a delimiter belongs to it), so a part's range never holds its parent's
// delimiters; a missing close delimiter ends the last part at its parent's end.
#include <algorithm>
#include <cstring>
#include <optional>

#include "content_params.h"
#include "header_block.h"
#include "hamail/mailsvc/mime/message.h"

namespace hamail::mailsvc::mime {

bool MimePart::is_multipart() const { return equals_ignore_case(type, "multipart"); }
bool MimePart::is_message() const {
  return equals_ignore_case(type, "message") && (equals_ignore_case(subtype, "rfc822") || equals_ignore_case(subtype, "global"));
}
bool MimePart::is_text() const { return equals_ignore_case(type, "text"); }

std::string MimePart::param(std::string_view name) const {
  for (const Param& p : params) {
    if (equals_ignore_case(p.first, name)) return p.second;
  }
  return {};
}

const HeaderField* MimePart::field(std::string_view name) const {
  for (const HeaderField& f : fields) {
    if (equals_ignore_case(f.name, name)) return &f;
  }
  return nullptr;
}

std::string MimePart::field_value(std::string_view name) const {
  const HeaderField* f = field(name);
  return f ? unfold(f->value) : std::string();
}

std::string MimePart::content_field(std::string_view name) const {
  if (!mime) return {};
  for (const HeaderField& f : fields) {  // the first that is not empty (as Dovecot)
    if (!equals_ignore_case(f.name, name)) continue;
    std::string v = unfold(f.value);
    if (!v.empty()) return v;
  }
  return {};
}

std::string MimePart::transfer_encoding() const {
  std::string v = content_field("Content-Transfer-Encoding");
  std::size_t cut = v.find_first_of(" \t;(");
  if (cut != std::string::npos) v.resize(cut);
  return v.empty() ? "7bit" : v;
}

namespace {

// A bare LF becomes CRLF. Copied a line at a time (memchr finds the LFs): a message is
// read whole for every FETCH of its body, and a byte-at-a-time copy was most of the cost.
std::string crlf_lines(std::string_view raw) {
  std::string out;
  out.reserve(raw.size() + raw.size() / 32);
  std::size_t from = 0;
  while (from < raw.size()) {
    const void* hit = std::memchr(raw.data() + from, '\n', raw.size() - from);
    std::size_t lf = hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - raw.data()) : raw.size();
    out.append(raw.data() + from, lf - from);
    if (lf == raw.size()) break;
    if (lf == 0 || raw[lf - 1] != '\r') out.push_back('\r');
    out.push_back('\n');
    from = lf + 1;
  }
  return out;
}

class TreeReader {
 public:
  TreeReader(std::string_view bytes, const MimeLimits& limits) : bytes_(bytes), limits_(limits) {}

  // The part at [begin, end) whose header starts at `begin`.
  // `message`: the part is a message (the top or a message/rfc822's), whose Content-*
  // fields count only with a MIME-Version or a Content-Type field (RFC 2045 4, as Dovecot).
  MimePart read_part(std::size_t begin, std::size_t end, std::size_t depth, bool in_digest, bool message) {
    ++parts_;
    MimePart part;
    part.header_begin = begin;
    part.end = end;
    HeaderBlock block = read_header_block(bytes_, begin, end);
    part.fields = std::move(block.fields);
    part.header_end = part.body_begin = block.body_begin;
    part.header_ended = block.ended;
    part.mime = !message || part.field("MIME-Version") != nullptr || part.field("Content-Type") != nullptr;
    if (part.mime) set_types(part, in_digest);
    bool over = depth >= limits_.max_depth || parts_ >= limits_.max_parts;
    if ((part.is_multipart() || part.is_message()) && over) {
      part.type = "text";
      part.subtype = "plain";
      part.params.clear();
      return part;
    }
    if (part.is_message()) {
      part.children.push_back(read_part(part.body_begin, end, depth + 1, false, true));
    } else if (part.is_multipart()) {
      read_children(part, depth);
    }
    return part;
  }

  std::size_t parts() const { return parts_; }

 private:
  void set_types(MimePart& part, bool in_digest) {
    if (in_digest) {
      part.type = "message";
      part.subtype = "rfc822";
    }
    if (const HeaderField* ct = part.field("Content-Type")) {  // the first counts (as Dovecot)
      ContentValue v = parse_content_value(unfold(ct->value));
      std::size_t slash = v.value.find('/');
      if (slash != std::string::npos && slash > 0 && slash + 1 < v.value.size()) {
        part.type = v.value.substr(0, slash);
        part.subtype = v.value.substr(slash + 1);
        part.params = std::move(v.params);
        part.has_content_type = true;
      } else {  // unreadable: text/plain (RFC 2045 5.2), a digest's part too
        part.type = "text";
        part.subtype = "plain";
      }
    }
    // The first Content-Disposition that reads without error; failing that the first
    // one's value without parameters (as Dovecot).
    std::optional<ContentValue> chosen;
    for (const HeaderField& f : part.fields) {
      if (!equals_ignore_case(f.name, "Content-Disposition")) continue;
      ContentValue v = parse_content_value(unfold(f.value));
      if (!v.malformed) {
        chosen = std::move(v);
        break;
      }
      if (!chosen) {
        v.params.clear();
        chosen = std::move(v);
      }
    }
    if (chosen && !chosen->value.empty()) {
      part.disposition = chosen->value;
      part.disposition_params = std::move(chosen->params);
    }
  }

  // Where the delimiter line at `line` begins, the CRLF before it included.
  std::size_t delimiter_start(std::size_t line, std::size_t floor) const {
    std::size_t s = line;
    if (s > floor && bytes_[s - 1] == '\n') --s;
    if (s > floor && bytes_[s - 1] == '\r') --s;
    return s;
  }

  void read_children(MimePart& part, std::size_t depth) {
    std::string boundary = part.param("boundary");
    bool digest = equals_ignore_case(part.subtype, "digest");
    std::string delimiter = "--" + boundary;
    std::size_t pos = part.body_begin;
    std::size_t child_begin = std::string_view::npos;  // none open yet (preamble)
    bool closed = false;
    while (!boundary.empty() && pos < part.end && !closed) {
      std::size_t lf = bytes_.find('\n', pos);
      std::size_t next = (lf == std::string_view::npos || lf >= part.end) ? part.end : lf + 1;
      std::string_view line = bytes_.substr(pos, next - pos);
      if (line.starts_with(delimiter)) {
        closed = line.substr(delimiter.size()).starts_with("--");
        if (child_begin != std::string_view::npos) {
          add_child(part, child_begin, delimiter_start(pos, child_begin), depth, digest, pos);
        }
        // a delimiter without a line end ends the data: no part starts after it (as Dovecot)
        child_begin = line.ends_with("\n") ? next : std::string_view::npos;
      }
      pos = next;
    }
    if (!closed && child_begin != std::string_view::npos) add_child(part, child_begin, part.end, depth, digest, part.end);
    closed_at_end_ = closed && pos >= part.end && !bytes_.substr(part.body_begin, part.end - part.body_begin).ends_with("\n");
    if (part.children.empty()) {  // no boundary, or never found: one empty text part
      MimePart empty;
      empty.header_begin = empty.header_end = empty.body_begin = empty.end = part.end;
      part.children.push_back(std::move(empty));
    }
  }

  // A part ending at its parent's delimiter line `line_begin`; the CRLF before that line
  // belongs to the delimiter, except (as Dovecot) after a multipart part's own close
  // delimiter, whose line end it is.
  void add_child(MimePart& parent, std::size_t begin, std::size_t end, std::size_t depth, bool digest,
                 std::size_t line_begin) {
    if (parts_ >= limits_.max_parts) return;
    closed_at_end_ = false;
    MimePart child = read_part(begin, std::max(begin, end), depth + 1, digest, false);
    if (line_begin > child.end && ((child.is_multipart() && closed_at_end_) || header_runs_to_end(child))) {
      extend(child, line_begin);
    }
    parent.children.push_back(std::move(child));
  }

  // A part (or the message a message/rfc822 part holds) whose header has no blank line and
  // whose last header line has no line end of its own: as Dovecot, the delimiter's CRLF
  // ends that line and belongs to the part, but neither to its header (HEADER, MIME) nor
  // to its (empty) body.
  // A held message's header takes the CRLF even after a complete line (it is then the
  // blank line ending that header).
  bool header_runs_to_end(const MimePart& p, bool held = false) const {
    if (!p.header_ended && p.body_begin == p.end && p.end > p.header_begin && (held || bytes_[p.end - 1] != '\n')) {
      return true;
    }
    return p.is_message() && !p.children.empty() && p.children.front().end == p.end &&
           header_runs_to_end(p.children.front(), true);
  }
  static void extend(MimePart& p, std::size_t end) {
    std::size_t old = p.end;
    for (MimePart& child : p.children) {
      if (child.header_begin == old) {
        move_to(child, end);  // an empty part at the old end stays empty, at the new one
      } else if (child.end == old) {
        extend(child, end);
      }
    }
    if (!p.header_ended && p.body_begin == old) p.body_begin = end;
    p.end = end;
  }
  static void move_to(MimePart& p, std::size_t pos) {
    p.header_begin = p.header_end = p.body_begin = p.end = pos;
    for (MimePart& child : p.children) move_to(child, pos);
  }

  std::string_view bytes_;
  const MimeLimits& limits_;
  std::size_t parts_ = 0;
  bool closed_at_end_ = false;  // the multipart read last ended with its close delimiter line
};

}  // namespace

Result<MimeMessage> MimeMessage::parse(std::string_view raw, const MimeLimits& limits) {
  if (raw.size() > limits.max_bytes) {
    return Error{"message of " + std::to_string(raw.size()) + " octets is over the limit of " +
                 std::to_string(limits.max_bytes)};
  }
  MimeMessage msg;
  msg.bytes_ = crlf_lines(raw);
  if (msg.bytes_.size() > limits.max_bytes) {
    return Error{"message of " + std::to_string(msg.bytes_.size()) + " octets (CRLF line ends) is over the limit of " +
                 std::to_string(limits.max_bytes)};
  }
  TreeReader reader(msg.bytes_, limits);
  msg.root_ = reader.read_part(0, msg.bytes_.size(), 0, false, true);
  msg.part_count_ = reader.parts();
  return msg;
}

}  // namespace hamail::mailsvc::mime

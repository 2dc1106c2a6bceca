#include "hamail/mailsvc/store/index_log.h"

#include <algorithm>
#include <charconv>

namespace hamail::mailsvc::store {

namespace {

constexpr std::string_view kLogMagic = "hamail-uids-log";

std::uint64_t fnv1a64(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

std::uint32_t fnv1a32(std::string_view s) {
  std::uint32_t h = 0x811c9dc5u;
  for (unsigned char c : s) h = (h ^ c) * 0x01000193u;
  return h;
}

void put_hex(std::string& out, std::uint64_t v, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = digits - 1; i >= 0; --i) out += kHex[(v >> (4 * i)) & 0xf];
}

void put_number(std::string& out, std::uint64_t v) {
  char buf[20];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// A decimal without sign or leading zero, non-zero.
template <class T>
std::optional<T> strict_number(std::string_view s) {
  if (s.empty() || s[0] == '0') return std::nullopt;
  T v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> hex_number(std::string_view s, std::size_t digits) {
  if (s.size() != digits) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return std::nullopt;
    v = v << 4 | static_cast<std::uint64_t>(d);
  }
  return v;
}

bool letters_ok(std::string_view f) {
  if (f.empty()) return false;
  for (std::size_t i = 0; i < f.size(); ++i) {
    bool letter = (f[i] >= 'A' && f[i] <= 'Z') || (f[i] >= 'a' && f[i] <= 'z');
    if (!letter || (i > 0 && f[i] <= f[i - 1])) return false;
  }
  return true;
}

// Fields separated by exactly one space (no leading, trailing or double spaces).
std::optional<std::vector<std::string_view>> fields(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  for (;;) {
    std::size_t j = line.find(' ', i);
    std::string_view f = line.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i);
    if (f.empty()) return std::nullopt;
    out.push_back(f);
    if (j == std::string_view::npos) return out;
    i = j + 1;
  }
}

// One record line (without '\n'); nullopt with *why set when it is not one.
std::optional<IndexLogRecord> parse_record(std::string_view line, std::string* why) {
  auto hash_at = line.rfind(" #");
  if (hash_at == std::string_view::npos) {
    *why = "no ' #CHECK' at the end";
    return std::nullopt;
  }
  std::string_view body = line.substr(0, hash_at);
  auto check = hex_number(line.substr(hash_at + 2), 8);
  if (!check || *check != fnv1a32(body)) {
    *why = "check value does not match the line";
    return std::nullopt;
  }
  auto f = fields(body);
  auto modseq = f && f->size() >= 3 && f->size() % 2 == 1 ? strict_number<std::uint64_t>((*f)[0]) : std::nullopt;
  if (!modseq) {
    *why = "expected 'MODSEQ UID FLAGS[ UID FLAGS]...' (non-zero numbers, single spaces)";
    return std::nullopt;
  }
  IndexLogRecord r{*modseq, {}};
  for (std::size_t i = 1; i < f->size(); i += 2) {
    auto uid = strict_number<std::uint32_t>((*f)[i]);
    std::string_view letters = (*f)[i + 1];
    if (!uid || (letters != "-" && !letters_ok(letters))) {
      *why = "expected 'UID FLAGS' (FLAGS sorted letters or '-'), got '" + std::string((*f)[i]) + " " +
             std::string(letters) + "'";
      return std::nullopt;
    }
    if (!r.flags.empty() && *uid <= r.flags.back().first) {
      *why = "uid " + std::to_string(*uid) + " is not above the previous one";
      return std::nullopt;
    }
    r.flags.emplace_back(*uid, letters == "-" ? std::string() : std::string(letters));
  }
  return r;
}

}  // namespace

IndexLogTie tie_of_index_text(std::string_view index_text) { return {index_text.size(), fnv1a64(index_text)}; }

std::string index_log_header(const IndexLogTie& tie) {
  std::string out(kLogMagic);
  out += " v1 ";
  put_number(out, tie.index_bytes);
  out += ' ';
  put_hex(out, tie.index_hash, 16);
  out += '\n';
  return out;
}

void append_index_log_record(const IndexLogRecord& record, std::string& out) {
  std::size_t start = out.size();
  put_number(out, record.modseq);
  for (const auto& [uid, letters] : record.flags) {
    out += ' ';
    put_number(out, uid);
    out += ' ';
    out += letters.empty() ? std::string_view("-") : std::string_view(letters);
  }
  std::uint32_t check = fnv1a32(std::string_view(out).substr(start));
  out += " #";
  put_hex(out, check, 8);
  out += '\n';
}

Result<IndexLogRecords> parse_index_log_records(std::string_view text, std::size_t first_line,
                                                const std::string& file) {
  IndexLogRecords out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {  // cut short: the write never finished
      out.torn_tail = true;
      break;
    }
    std::string why;
    auto record = parse_record(text.substr(pos, nl - pos), &why);
    if (!record) {
      if (text.find('\n', nl + 1) == std::string_view::npos) {  // the last complete line
        out.torn_tail = true;
        break;
      }
      return Error{file + ":" + std::to_string(first_line + out.lines) + ": " + why};
    }
    out.records.push_back(std::move(*record));
    ++out.lines;
    pos = nl + 1;
    out.used_bytes = pos;
  }
  return out;
}

Result<IndexLogFile> parse_index_log(std::string_view text, const IndexLogTie& tie, const std::string& file) {
  IndexLogFile out;
  std::size_t nl = text.find('\n');
  if (nl == std::string_view::npos) {
    out.body.torn_tail = !text.empty();
    return out;
  }
  auto f = fields(text.substr(0, nl));
  bool known = f && f->size() == 4 && (*f)[0] == kLogMagic && (*f)[1] == "v1";
  auto bytes = known ? strict_number<std::uint64_t>((*f)[2]) : std::nullopt;
  auto hash = known ? hex_number((*f)[3], 16) : std::nullopt;
  if (!bytes || !hash) {
    return Error{file + ":1: expected header 'hamail-uids-log v1 INDEXBYTES INDEXHASH', got '" +
                 std::string(text.substr(0, std::min<std::size_t>(nl, 80))) + "'"};
  }
  out.header_bytes = nl + 1;
  if (!(IndexLogTie{*bytes, *hash} == tie)) return out;  // another index's log
  out.belongs = true;
  auto body = parse_index_log_records(text.substr(nl + 1), 2, file);
  if (!body) return Error{body.error()};
  out.body = std::move(*body);
  return out;
}

}  // namespace hamail::mailsvc::store

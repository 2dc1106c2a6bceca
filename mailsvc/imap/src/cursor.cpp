#include "cursor.h"

#include <cctype>
#include <limits>

#include "hamail/mailsvc/imap/mailbox_name.h"

namespace hamail::mailsvc::imap {
namespace {

bool word_char(char c) { return chars::atom(c) && c != '[' && c != '<'; }
bool sequence_char(char c) { return chars::digit(c) || c == ':' || c == ',' || c == '*' || c == '$'; }
bool date_char(char c) { return chars::digit(c) || c == '-' || std::isalpha(static_cast<unsigned char>(c)); }

}  // namespace

Cursor::Cursor(CommandBytes& command, const ParseOptions& options)
    : text_(command.text), literals_(command.literals), options_(options) {}

void Cursor::fail_at(std::size_t offset, std::string_view what) {
  if (error_) return;
  std::string where = offset >= text_.size() ? " at the end of the command" : " at column " + std::to_string(offset + 1);
  error_ = (context_.empty() ? "" : context_ + ": ") + std::string(what) + where;
}

bool Cursor::take(char c) {
  if (!ok() || at_end() || text_[pos_] != c) return false;
  ++pos_;
  return true;
}

void Cursor::expect(char c, std::string_view what) {
  if (take(c) || !ok()) return;
  if (at_end())
    fail("expected " + std::string(what));
  else
    fail("expected " + std::string(what) + " instead of " + show(pos_, pos_ + 1));
}

void Cursor::end() {
  if (ok() && !at_end()) fail("unexpected " + show(pos_, text_.size()));
}

std::string Cursor::show(std::size_t from, std::size_t to) const {
  return "'" + printable(text_.substr(from, to - from), 40) + "'";
}

std::string_view Cursor::run(bool (*accept)(char), std::string_view expected) {
  if (!ok()) return {};
  std::size_t start = pos_;
  while (!at_end() && accept(text_[pos_])) ++pos_;
  if (pos_ == start) fail("expected " + std::string(expected));
  return text_.substr(start, pos_ - start);
}

std::string_view Cursor::word(std::string_view what) { return run(word_char, what); }

bool Cursor::take_word(std::string_view w) {
  if (!ok()) return false;
  std::size_t end = pos_;
  while (end < text_.size() && word_char(text_[end])) ++end;
  if (!chars::iequals(text_.substr(pos_, end - pos_), w)) return false;
  pos_ = end;
  return true;
}

std::string_view Cursor::atom(std::string_view what) { return run(chars::atom, what); }

bool Cursor::at_string() const {
  char c = peek();
  return c == '"' || c == '{' || (c == '~' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '{');
}

std::string Cursor::string(std::string_view what) {
  char c = peek();
  if (c == '"') return quoted(what);
  if (c == '{') return literal_string(what);
  if (at_string()) {
    (void)literal(what, false);  // names the literal8 as the error
    return {};
  }
  fail("expected " + std::string(what) + " (a quoted string or a literal)");
  return {};
}

std::string Cursor::quoted(std::string_view what) {
  std::size_t start = pos_;
  ++pos_;  // the opening DQUOTE
  std::string out;
  bool eight_bit = false;
  while (ok()) {
    if (at_end()) {
      fail_at(start, "unterminated quoted string for " + std::string(what));
      break;
    }
    char c = text_[pos_++];
    if (c == '"') break;
    if (c == '\\') {
      if (at_end() || (text_[pos_] != '"' && text_[pos_] != '\\')) {
        fail_at(pos_ - 1, "in a quoted string '\\' may only escape '\"' or '\\'");
        break;
      }
      c = text_[pos_++];
    } else if (c == '\0' || c == '\r' || c == '\n') {
      fail_at(pos_ - 1, "a quoted string may not contain NUL, CR or LF");
      break;
    }
    eight_bit = eight_bit || static_cast<unsigned char>(c) >= 0x80;
    out += c;
  }
  if (ok() && eight_bit && !valid_utf8(out)) fail_at(start, std::string(what) + " is not valid UTF-8");
  return out;
}

Literal* Cursor::literal(std::string_view what, bool allow_binary) {
  if (!ok()) return nullptr;
  if (next_literal_ >= literals_.size() || literals_[next_literal_].begin != pos_) {
    fail("expected " + std::string(what) + " (a literal {N} must end its line)");
    return nullptr;
  }
  Literal& l = literals_[next_literal_];
  if (l.binary && !allow_binary) {
    fail("a literal8 ~{N} is not allowed for " + std::string(what));
    return nullptr;
  }
  pos_ = l.end;
  ++next_literal_;
  return &l;
}

std::string Cursor::literal_string(std::string_view what) {
  std::size_t start = pos_;
  Literal* l = literal(what, false);
  if (!l) return {};
  if (l->data.find('\0') != std::string::npos) fail_at(start, std::string(what) + " contains a NUL octet");
  return std::move(l->data);
}

std::string Cursor::astring(std::string_view what) {
  if (at_string()) return string(what);
  return std::string(run(chars::astring, what));
}

std::optional<std::string> Cursor::nstring(std::string_view what) {
  if (take_word("NIL")) return std::nullopt;
  return string(what);
}

std::string Cursor::decoded_mailbox(std::string_view raw, std::size_t at) {
  if (!ok()) return {};
  auto name = decode_mailbox_name(raw, options_.mailbox_encoding);
  if (!name) fail_at(at, name.error());
  return name ? std::move(*name) : std::string();
}

std::string Cursor::mailbox(std::string_view what) {
  std::size_t start = pos_;
  std::string raw = astring(what);
  return decoded_mailbox(raw, start);
}

std::string Cursor::list_mailbox(std::string_view what) {
  if (at_string()) return mailbox(what);
  std::size_t start = pos_;
  return decoded_mailbox(run(chars::list, what), start);
}

std::uint32_t Cursor::number(std::string_view what) {
  std::uint64_t n = number64(what);
  if (ok() && n > std::numeric_limits<std::uint32_t>::max()) fail(std::string(what) + " is over 4294967295");
  return ok() ? static_cast<std::uint32_t>(n) : 0;
}

std::uint32_t Cursor::nz_number(std::string_view what) {
  std::size_t start = pos_;
  std::uint32_t n = number(what);
  if (ok() && n == 0) fail_at(start, std::string(what) + " must not be 0");
  return n;
}

std::uint64_t Cursor::number64(std::string_view what) {
  if (!ok()) return 0;
  std::size_t start = pos_;
  constexpr std::uint64_t kMax = std::numeric_limits<std::int64_t>::max();
  std::uint64_t n = 0;
  bool over = false;
  for (; !at_end() && chars::digit(text_[pos_]); ++pos_) {
    auto d = static_cast<std::uint64_t>(text_[pos_] - '0');
    over = over || n > (kMax - d) / 10;
    if (!over) n = n * 10 + d;
  }
  if (pos_ == start) fail("expected " + std::string(what) + " (a number)");
  if (over) fail_at(start, std::string(what) + " is too large");
  return ok() ? n : 0;
}

SequenceSet Cursor::sequence_set(std::string_view what) {
  std::size_t start = pos_;
  std::string_view text = run(sequence_char, std::string(what) + " (a sequence set)");
  if (!ok()) return {};
  auto set = parse_sequence_set(text);
  if (!set) fail_at(start, set.error());
  return set ? std::move(*set) : SequenceSet{};
}

Flag Cursor::flag(std::string_view what, bool allow_recent) {
  if (!ok()) return {};
  std::size_t start = pos_;
  if (!take('\\')) return Flag{std::string(atom(what))};
  std::string name = "\\" + std::string(atom(what));
  std::string_view canonical = canonical_system_flag(name);
  if (ok() && canonical.empty()) fail_at(start, "unknown system flag " + show(start, pos_));
  if (ok() && canonical == "\\Recent" && !allow_recent) fail_at(start, "\\Recent cannot be set by a client");
  return Flag{std::string(canonical)};
}

std::vector<Flag> Cursor::flag_list(std::string_view what) {
  std::vector<Flag> flags;
  list(what, true, [&] { flags.push_back(flag("a flag", false)); });
  return flags;
}

Date Cursor::date(std::string_view what) {
  if (!ok()) return {};
  std::size_t start = pos_;
  std::string text = peek() == '"' ? quoted(what) : std::string(run(date_char, what));
  if (!ok()) return {};
  auto d = parse_date(text);
  if (ok() && !d) fail_at(start, d.error());
  return ok() ? *d : Date{};
}

DateTime Cursor::date_time(std::string_view what) {
  if (!ok()) return {};
  std::size_t start = pos_;
  if (peek() != '"') {
    fail("expected " + std::string(what) + " (\"dd-Mon-yyyy hh:mm:ss +zzzz\")");
    return {};
  }
  auto t = parse_date_time(quoted(what));
  if (ok() && !t) fail_at(start, t.error());
  return ok() ? *t : DateTime{};
}

}  // namespace hamail::mailsvc::imap

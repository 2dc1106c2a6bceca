// Cursor: the reading position in one assembled command and IMAP's tokens (RFC 9051
// section 9). The first error sticks: every later read does nothing and returns an empty
// value, so a grammar reads straight and checks ok() at the end. Internal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chars.h"
#include "hamail/base/result.h"
#include "hamail/mailsvc/imap/command_bytes.h"
#include "hamail/mailsvc/imap/date_time.h"
#include "hamail/mailsvc/imap/flags.h"
#include "hamail/mailsvc/imap/parse_command.h"
#include "hamail/mailsvc/imap/response_text.h"
#include "hamail/mailsvc/imap/sequence_set.h"

namespace hamail::mailsvc::imap {

class Cursor {
 public:
  // Literal data is moved out as it is read (an APPEND message is not copied).
  Cursor(CommandBytes& command, const ParseOptions& options);

  const ParseOptions& options() const { return options_; }
  void set_context(std::string context) { context_ = std::move(context); }

  // Errors: "<context>: <what> at column N" (1-based, in the command's text).
  bool ok() const { return !error_; }
  void fail(std::string_view what) { fail_at(pos_, what); }
  void fail_at(std::size_t offset, std::string_view what);
  Error error() const { return Error{error_.value_or("")}; }

  std::size_t offset() const { return pos_; }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return ok() && !at_end() ? text_[pos_] : '\0'; }
  bool take(char c);                           // consumes `c` if it is next
  void expect(char c, std::string_view what);  // what: "'('", "a space"
  void space() { expect(' ', "a space"); }
  void end();  // nothing may follow

  // A name of a command, attribute or option: 1*ATOM-CHAR, stopping also at "[" and "<".
  std::string_view word(std::string_view what);
  // The next word is `w` (any case): consumed, true. Otherwise nothing is consumed.
  bool take_word(std::string_view w);
  std::string_view atom(std::string_view what);
  std::string string(std::string_view what);  // quoted / literal
  std::string astring(std::string_view what);
  std::optional<std::string> nstring(std::string_view what);
  std::string list_mailbox(std::string_view what);  // list-char / string, decoded like a mailbox
  std::string mailbox(std::string_view what);       // astring, decoded (mailbox_name.h)
  // A literal whose data is the value (APPEND's message): {N} or, with allow_binary, ~{N}.
  Literal* literal(std::string_view what, bool allow_binary);

  std::uint32_t number(std::string_view what);     // 0..4294967295
  std::uint32_t nz_number(std::string_view what);  // 1..4294967295
  std::uint64_t number64(std::string_view what);   // 0..2^63-1
  SequenceSet sequence_set(std::string_view what);
  Flag flag(std::string_view what, bool allow_recent);  // \System (known ones) or a keyword
  std::vector<Flag> flag_list(std::string_view what);   // "(" [flag *(SP flag)] ")"
  Date date(std::string_view what);                     // date-text or "date-text"
  DateTime date_time(std::string_view what);            // "dd-Mon-yyyy hh:mm:ss +zzzz"

  // A word naming one of `table`'s values (any case); else "unknown <kind> 'X'".
  template <class T, std::size_t N>
  T one_of(std::string_view kind, const std::array<std::pair<std::string_view, T>, N>& table) {
    std::size_t at = pos_;
    std::string_view name = word("a " + std::string(kind));
    for (const auto& [known, value] : table)
      if (chars::iequals(known, name)) return value;
    if (ok()) fail_at(at, "unknown " + std::string(kind) + " '" + printable(name, 40) + "'");
    return T{};
  }
  // A word where none is known: "unknown <kind> 'X'".
  void unknown_word(std::string_view kind) { (void)one_of<int, 0>(kind, {}); }

  // "(" item *(SP item) ")": `item` reads one element; with allow_empty "()" is fine too.
  template <class ReadItem>
  void list(std::string_view what, bool allow_empty, ReadItem item) {
    expect('(', "'(' opening " + std::string(what));
    if (!ok() || (allow_empty && take(')'))) return;
    do {
      item();
    } while (ok() && take(' '));
    expect(')', "')' closing " + std::string(what));
  }

 private:
  bool at_string() const;  // a quoted string, literal or literal8 starts here
  // The longest run of characters `accept` takes; empty: "expected <expected>".
  std::string_view run(bool (*accept)(char), std::string_view expected);
  std::string decoded_mailbox(std::string_view raw, std::size_t at);
  std::string quoted(std::string_view what);
  std::string literal_string(std::string_view what);
  std::string show(std::size_t from, std::size_t to) const;  // 'text' for an error

  std::string_view text_;
  std::vector<Literal>& literals_;
  ParseOptions options_;
  std::size_t pos_ = 0;
  std::size_t next_literal_ = 0;
  std::string context_;
  std::optional<std::string> error_;
};

}  // namespace hamail::mailsvc::imap

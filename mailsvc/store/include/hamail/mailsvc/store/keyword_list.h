// A mailbox's IMAP keywords and their Maildir letters, sans-IO, in Dovecot's
// `dovecot-keywords` form: "0 $Forwarded\n1 Junk\n" gives $Forwarded letter 'a', Junk 'b'
// in the ":2," info part. At most 26 per mailbox (a..z); keywords match without case.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "hamail/base/result.h"

namespace hamail::mailsvc::store {

class KeywordList {
 public:
  static constexpr std::size_t kMaxKeywords = 26;

  // file names the source in errors: "<file>:<line>: ...".
  static Result<KeywordList> parse(std::string_view text, const std::string& file);
  std::string serialize() const;  // lines in letter order, gaps kept

  std::optional<char> letter_of(std::string_view keyword) const;  // 'a'..'z'
  const std::string* keyword_of(char letter) const;                // nullptr: none
  // The keyword's letter, given the first free one if new. A 27th keyword is an error
  // the session answers with NO; a name that is no IMAP atom (or starts with '\') too.
  Result<char> add(std::string_view keyword);
  std::size_t size() const;

 private:
  std::array<std::string, kMaxKeywords> names_;  // "" = free
};

// An IMAP flag keyword: an atom (no space, control, ( ) { % * " \ ]), not empty.
Status check_keyword(std::string_view keyword);

}  // namespace hamail::mailsvc::store

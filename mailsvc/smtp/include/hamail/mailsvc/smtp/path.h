// Parsing of the MAIL FROM / RCPT TO arguments (RFC 5321 4.1.2, RFC 1870 SIZE,
// RFC 6152 BODY, RFC 6531 SMTPUTF8): the <path> and its ESMTP parameters. Pure
// functions; each failure says which reply class it deserves.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hamail::mailsvc::smtp {

// Why an argument was refused: the session maps each kind to a reply code.
enum class PathError {
  syntax,             // 501: no "FROM:<...>", unbalanced brackets, ...
  bad_address,        // 501 5.1.7 (sender) / 501 5.1.3 (recipient)
  needs_smtputf8,     // 553 5.6.7: non-ASCII address without SMTPUTF8
  bad_parameter,      // 555 5.5.4: unknown parameter or bad value
};

struct MailFromArgs {
  std::string address;  // empty for the null reverse path <>
  std::optional<std::uint64_t> size;
  bool body_8bitmime = false;
  bool smtputf8 = false;
};

struct RcptToArgs {
  std::string address;  // "postmaster" alone is allowed (RFC 5321 4.5.1)
};

template <class T>
struct PathResult {
  std::optional<T> value;
  PathError error = PathError::syntax;
  std::string detail;  // short, for the reply text
};

// `rest` is what follows the verb, e.g. "FROM:<a@b.example> SIZE=100".
PathResult<MailFromArgs> parse_mail_from(std::string_view rest);
// `smtputf8` is whether the MAIL FROM of this transaction declared SMTPUTF8.
PathResult<RcptToArgs> parse_rcpt_to(std::string_view rest, bool smtputf8);

// local@domain per RFC 5321 (dot-atom or quoted local part, domain or [literal]),
// with UTF-8 allowed when `utf8`; lengths 64/255/254 bounded.
bool valid_mailbox(std::string_view address, bool utf8);
bool has_non_ascii(std::string_view s);

}  // namespace hamail::mailsvc::smtp

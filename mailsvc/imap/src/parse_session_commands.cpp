// The grammars of the connection-level commands: AUTHENTICATE (SASL-IR), LOGIN, ID,
// ENABLE, COMPRESS. The argument-less ones are grammar::bare<T>.
#include "chars.h"
#include "grammar.h"
#include "hamail/mailsvc/imap/response_text.h"

namespace hamail::mailsvc::imap::grammar {
namespace {

constexpr std::size_t kMaxIdFields = 30;  // RFC 2971 3.3

bool base64_text(std::string_view s) {
  if (s == "=") return true;
  std::size_t pad = 0;
  for (char c : s) {
    bool alnum = chars::digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    if (c == '=') ++pad;
    else if ((!alnum && c != '+' && c != '/') || pad > 0) return false;
  }
  return pad <= 2 && s.size() % 4 == 0;
}

}  // namespace

// "AUTHENTICATE" SP auth-type [SP (base64 / "=")]
CommandBody authenticate(Cursor& c, bool) {
  Authenticate a;
  c.space();
  a.mechanism = chars::upper(c.atom("a SASL mechanism name"));
  if (c.take(' ')) {
    std::size_t at = c.offset();
    std::string_view response = c.atom("an initial response (base64, or = for an empty one)");
    if (c.ok() && !base64_text(response)) c.fail_at(at, "the initial response is not base64");
    a.initial_response = std::string(response);
  }
  return a;
}

// "LOGIN" SP userid SP password
CommandBody login(Cursor& c, bool) {
  Login l;
  c.space();
  l.user = c.astring("the user name");
  c.space();
  l.password = c.astring("the password");
  return l;
}

// "ID" SP ("(" [string SP nstring *(SP string SP nstring)] ")" / "NIL")
CommandBody id(Cursor& c, bool) {
  Id id;
  c.space();
  if (c.take_word("NIL")) return id;
  id.fields.emplace();
  c.list("ID parameters", true, [&] {
    std::size_t at = c.offset();
    std::string field = c.string("an ID field name");
    c.space();
    std::optional<std::string> value = c.nstring("an ID value");
    if (c.ok() && id.fields->size() == kMaxIdFields)
      c.fail_at(at, "more than " + std::to_string(kMaxIdFields) + " ID fields");
    id.fields->emplace_back(std::move(field), std::move(value));
  });
  return id;
}

// "ENABLE" 1*(SP capability)
CommandBody enable(Cursor& c, bool) {
  Enable e;
  do {
    c.space();
    e.capabilities.push_back(chars::upper(c.atom("a capability name")));
  } while (c.ok() && c.peek() == ' ');
  return e;
}

// "COMPRESS" SP algorithm; "DEFLATE" is the only one
CommandBody compress(Cursor& c, bool) {
  c.space();
  std::size_t at = c.offset();
  std::string_view algorithm = c.atom("a compression algorithm");
  if (c.ok() && !chars::iequals(algorithm, "DEFLATE"))
    c.fail_at(at, "unknown compression algorithm '" + printable(algorithm, 40) + "' (DEFLATE is supported)");
  return Compress{};
}

}  // namespace hamail::mailsvc::imap::grammar

// The grammar of LIST with RFC 5258 LIST-EXTENDED: selection options, several patterns,
// RETURN options (RFC 6154 SPECIAL-USE, RFC 5819 STATUS).
#include "grammar.h"
#include "hamail/mailsvc/imap/response_text.h"

namespace hamail::mailsvc::imap::grammar {
namespace {

void unknown_option(Cursor& c, std::string_view kind) {
  std::size_t at = c.offset();
  std::string_view name = c.word(kind);
  if (c.ok()) c.fail_at(at, "unknown " + std::string(kind) + " '" + printable(name, 40) + "'");
}

// "(" [option *(SP option)] ")": SUBSCRIBED REMOTE RECURSIVEMATCH SPECIAL-USE
void selection_options(Cursor& c, List::Selection& s) {
  std::size_t at = c.offset();
  c.list("LIST selection options", true, [&] {
    if (c.take_word("SUBSCRIBED")) s.subscribed = true;
    else if (c.take_word("REMOTE")) s.remote = true;
    else if (c.take_word("RECURSIVEMATCH")) s.recursive_match = true;
    else if (c.take_word("SPECIAL-USE")) s.special_use = true;
    else unknown_option(c, "selection option");
  });
  if (c.ok() && s.recursive_match && !s.subscribed && !s.special_use)
    c.fail_at(at, "RECURSIVEMATCH needs another selection option (SUBSCRIBED or SPECIAL-USE)");
}

// "RETURN" SP "(" [option *(SP option)] ")": SUBSCRIBED CHILDREN SPECIAL-USE STATUS (items)
void return_options(Cursor& c, List::Return& r) {
  if (!c.take_word("RETURN")) {
    c.fail("expected RETURN (options) after the mailbox pattern");
    return;
  }
  c.space();
  c.list("LIST return options", true, [&] {
    if (c.take_word("SUBSCRIBED")) {
      r.subscribed = true;
    } else if (c.take_word("CHILDREN")) {
      r.children = true;
    } else if (c.take_word("SPECIAL-USE")) {
      r.special_use = true;
    } else if (c.take_word("STATUS")) {
      c.space();
      r.status.emplace();
      c.list("status items", false, [&] { r.status->push_back(status_item(c)); });
    } else {
      unknown_option(c, "return option");
    }
  });
}

}  // namespace

// "LIST" [SP list-select-opts] SP mailbox SP (list-mailbox / "(" list-mailbox *(SP list-mailbox) ")")
//        [SP list-return-opts]
CommandBody list(Cursor& c, bool) {
  List l;
  c.space();
  if (c.peek() == '(') {
    l.extended = true;
    selection_options(c, l.selection);
    c.space();
  }
  l.reference = c.mailbox("a reference name");
  c.space();
  if (c.peek() == '(') {
    l.extended = true;
    c.list("mailbox patterns", false, [&] { l.patterns.push_back(c.list_mailbox("a mailbox pattern")); });
  } else {
    l.patterns.push_back(c.list_mailbox("a mailbox pattern"));
  }
  if (c.take(' ')) {
    l.extended = true;
    return_options(c, l.returns);
  }
  return l;
}

}  // namespace hamail::mailsvc::imap::grammar

// The grammar of LIST with RFC 5258 LIST-EXTENDED: selection options, several patterns,
// RETURN options (RFC 6154 SPECIAL-USE, RFC 5819 STATUS).
#include <array>

#include "grammar.h"

namespace hamail::mailsvc::imap::grammar {
namespace {

constexpr std::array<std::pair<std::string_view, bool List::Selection::*>, 4> kSelection = {{
    {"SUBSCRIBED", &List::Selection::subscribed},
    {"REMOTE", &List::Selection::remote},
    {"RECURSIVEMATCH", &List::Selection::recursive_match},
    {"SPECIAL-USE", &List::Selection::special_use},
}};

constexpr std::array<std::pair<std::string_view, bool List::Return::*>, 3> kReturn = {{
    {"SUBSCRIBED", &List::Return::subscribed},
    {"CHILDREN", &List::Return::children},
    {"SPECIAL-USE", &List::Return::special_use},
}};

// "(" [option *(SP option)] ")": SUBSCRIBED REMOTE RECURSIVEMATCH SPECIAL-USE
void selection_options(Cursor& c, List::Selection& s) {
  std::size_t at = c.offset();
  c.list("LIST selection options", true, [&] {
    bool List::Selection::*option = c.one_of("selection option", kSelection);
    if (c.ok()) s.*option = true;
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
    if (c.take_word("STATUS")) {
      c.space();
      r.status.emplace();
      c.list("status items", false, [&] { r.status->push_back(status_item(c)); });
      return;
    }
    bool List::Return::*option = c.one_of("return option", kReturn);
    if (c.ok()) r.*option = true;
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

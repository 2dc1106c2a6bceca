// The grammars of the commands on messages of the selected mailbox: EXPUNGE / UID
// EXPUNGE (UIDPLUS), COPY, MOVE, STORE (UNCHANGEDSINCE) and FETCH (CHANGEDSINCE,
// VANISHED). The FETCH attributes are in parse_fetch.cpp, SEARCH/SORT/THREAD in
// parse_search.cpp.
#include "chars.h"
#include "grammar.h"
#include "hamail/mailsvc/imap/response_text.h"

namespace hamail::mailsvc::imap::grammar {
namespace {

template <class T>
T set_and_mailbox(Cursor& c, bool uid) {
  T t;
  t.uid = uid;
  c.space();
  t.set = c.sequence_set("the messages");
  c.space();
  t.mailbox = c.mailbox("the target mailbox");
  return t;
}

std::uint64_t nonzero_modseq(Cursor& c, std::string_view what) {
  std::size_t at = c.offset();
  std::uint64_t n = c.number64(what);
  if (c.ok() && n == 0) c.fail_at(at, std::string(what) + " must not be 0");
  return n;
}

// "+FLAGS.SILENT" and the like.
void store_operation(Cursor& c, Store& s) {
  std::size_t at = c.offset();
  std::string name = chars::upper(c.word("FLAGS, +FLAGS or -FLAGS"));
  std::string_view op = name;
  if (!op.empty() && (op.front() == '+' || op.front() == '-')) {
    s.mode = op.front() == '+' ? Store::Mode::add : Store::Mode::remove;
    op.remove_prefix(1);
  }
  if (op.ends_with(".SILENT")) {
    s.silent = true;
    op.remove_suffix(7);
  }
  if (c.ok() && op != "FLAGS") c.fail_at(at, "expected FLAGS, +FLAGS or -FLAGS (.SILENT), not '" + printable(name, 40) + "'");
}

}  // namespace

// "EXPUNGE" / "UID EXPUNGE" SP sequence-set
CommandBody expunge(Cursor& c, bool uid) {
  Expunge e;
  if (uid) {
    c.space();
    e.uids = c.sequence_set("the UIDs to expunge");
  }
  return e;
}

CommandBody copy(Cursor& c, bool uid) { return set_and_mailbox<Copy>(c, uid); }
CommandBody move(Cursor& c, bool uid) { return set_and_mailbox<Move>(c, uid); }

// "STORE" SP sequence-set [SP "(" "UNCHANGEDSINCE" SP mod-sequence-valzer ")"]
//         SP ["+" / "-"] "FLAGS" [".SILENT"] SP (flag-list / (flag *(SP flag)))
CommandBody store(Cursor& c, bool uid) {
  Store s;
  s.uid = uid;
  c.space();
  s.set = c.sequence_set("the messages");
  c.space();
  if (c.peek() == '(') {
    c.list("STORE modifiers", false, [&] {
      if (!c.take_word("UNCHANGEDSINCE")) return c.unknown_word("modifier");
      c.space();
      s.unchanged_since = c.number64("the UNCHANGEDSINCE mod-sequence");
    });
    c.space();
  }
  store_operation(c, s);
  c.space();
  if (c.peek() == '(') {
    s.flags = c.flag_list("the flags");
  } else {
    do s.flags.push_back(c.flag("a flag", false));
    while (c.take(' '));
  }
  return s;
}

// "FETCH" SP sequence-set SP (macro / fetch-att / "(" fetch-att *(SP fetch-att) ")")
//         [SP "(" ("CHANGEDSINCE" SP mod-sequence-value / "VANISHED") *(SP ...) ")"]
CommandBody fetch(Cursor& c, bool uid) {
  Fetch f;
  f.uid = uid;
  c.space();
  f.set = c.sequence_set("the messages");
  c.space();
  f.items = fetch_items(c);
  if (!c.take(' ')) return f;
  std::size_t at = c.offset();
  c.list("FETCH modifiers", false, [&] {
    if (c.take_word("CHANGEDSINCE")) {
      c.space();
      f.changed_since = nonzero_modseq(c, "the CHANGEDSINCE mod-sequence");
    } else if (c.take_word("VANISHED")) {
      f.vanished = true;
    } else {
      c.unknown_word("modifier");
    }
  });
  if (c.ok() && f.vanished && (!uid || !f.changed_since))
    c.fail_at(at, "VANISHED needs UID FETCH and CHANGEDSINCE");
  return f;
}

}  // namespace hamail::mailsvc::imap::grammar

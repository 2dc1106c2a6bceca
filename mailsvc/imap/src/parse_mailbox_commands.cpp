// The grammars of the commands on mailboxes: SELECT/EXAMINE (CONDSTORE, QRESYNC), CREATE
// (USE), DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, LSUB, STATUS and APPEND. LIST is in
// parse_list.cpp.
#include <array>

#include "chars.h"
#include "grammar.h"
#include "hamail/mailsvc/imap/response_text.h"

namespace hamail::mailsvc::imap::grammar {
namespace {

// QRESYNC SP "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")"
QresyncParams qresync(Cursor& c) {
  QresyncParams q;
  c.space();
  c.expect('(', "'(' opening the QRESYNC parameters");
  q.uid_validity = c.nz_number("the UIDVALIDITY");
  c.space();
  q.modseq = c.number64("the mod-sequence");
  if (c.ok() && q.modseq == 0) c.fail("the mod-sequence must not be 0");
  if (c.take(' ') && c.peek() != '(') {
    std::size_t at = c.offset();
    q.known_uids = c.sequence_set("the known UIDs");
    if (c.ok() && (q.known_uids->has_star() || q.known_uids->saved_result))
      c.fail_at(at, "the known UIDs may not contain '*' or '$'");
    if (!c.take(' ')) {
      c.expect(')', "')' closing the QRESYNC parameters");
      return q;
    }
  }
  if (c.peek() == '(') {
    c.expect('(', "'('");
    SequenceSet seqs = c.sequence_set("the known sequence numbers");
    c.space();
    SequenceSet uids = c.sequence_set("their UIDs");
    c.expect(')', "')' closing the sequence match data");
    q.sequence_match.emplace(std::move(seqs), std::move(uids));
  }
  c.expect(')', "')' closing the QRESYNC parameters");
  return q;
}

// mailbox [SP "(" select-param *(SP select-param) ")"]
SelectArgs select_args(Cursor& c) {
  SelectArgs a;
  c.space();
  a.mailbox = c.mailbox("a mailbox name");
  if (!c.take(' ')) return a;
  c.list("SELECT parameters", false, [&] {
    if (c.take_word("CONDSTORE"))
      a.condstore = true;
    else if (c.take_word("QRESYNC"))
      a.qresync = qresync(c);
    else
      c.unknown_word("parameter");
  });
  return a;
}

std::string one_mailbox(Cursor& c) {
  c.space();
  return c.mailbox("a mailbox name");
}

constexpr std::array<std::string_view, 7> kSpecialUse = {"\\All",  "\\Archive", "\\Drafts", "\\Flagged",
                                                         "\\Junk", "\\Sent",    "\\Trash"};

std::string special_use_attribute(Cursor& c) {
  std::size_t at = c.offset();
  c.expect('\\', "a special-use attribute (\\Sent, \\Trash, ...)");
  std::string_view name = c.atom("a special-use attribute");
  for (std::string_view known : kSpecialUse)
    if (c.ok() && chars::iequals(known.substr(1), name)) return std::string(known);
  if (c.ok()) c.fail_at(at, "unknown special-use attribute '\\" + printable(name, 40) + "'");
  return {};
}

}  // namespace

CommandBody select(Cursor& c, bool) { return Select{select_args(c)}; }
CommandBody examine(Cursor& c, bool) { return Examine{select_args(c)}; }

// "CREATE" SP mailbox [SP "(" "USE" SP "(" [use-attr *(SP use-attr)] ")" ")"]
CommandBody create(Cursor& c, bool) {
  Create cr;
  cr.mailbox = one_mailbox(c);
  if (!c.take(' ')) return cr;
  c.list("CREATE parameters", false, [&] {
    if (!c.take_word("USE")) return c.unknown_word("parameter");
    c.space();
    c.list("special-use attributes", true, [&] { cr.special_use.push_back(special_use_attribute(c)); });
  });
  return cr;
}

CommandBody delete_mailbox(Cursor& c, bool) { return Delete{one_mailbox(c)}; }
CommandBody subscribe(Cursor& c, bool) { return Subscribe{one_mailbox(c)}; }
CommandBody unsubscribe(Cursor& c, bool) { return Unsubscribe{one_mailbox(c)}; }

CommandBody rename(Cursor& c, bool) {
  Rename r;
  r.from = one_mailbox(c);
  r.to = one_mailbox(c);
  return r;
}

// "LSUB" SP mailbox SP list-mailbox
CommandBody lsub(Cursor& c, bool) {
  Lsub l;
  l.reference = one_mailbox(c);
  c.space();
  l.pattern = c.list_mailbox("a mailbox pattern");
  return l;
}

StatusItem status_item(Cursor& c) {
  static constexpr std::array<std::pair<std::string_view, StatusItem>, 8> kItems = {{
      {"MESSAGES", StatusItem::messages},
      {"RECENT", StatusItem::recent},
      {"UIDNEXT", StatusItem::uidnext},
      {"UIDVALIDITY", StatusItem::uidvalidity},
      {"UNSEEN", StatusItem::unseen},
      {"DELETED", StatusItem::deleted},
      {"SIZE", StatusItem::size},
      {"HIGHESTMODSEQ", StatusItem::highestmodseq},
  }};
  return c.one_of("status item", kItems);
}

// "STATUS" SP mailbox SP "(" status-att *(SP status-att) ")"
CommandBody status(Cursor& c, bool) {
  Status s;
  s.mailbox = one_mailbox(c);
  c.space();
  c.list("status items", false, [&] { s.items.push_back(status_item(c)); });
  return s;
}

// "APPEND" SP mailbox [SP flag-list] [SP date-time] SP (literal / literal8)
CommandBody append(Cursor& c, bool) {
  Append a;
  a.mailbox = one_mailbox(c);
  c.space();
  if (c.peek() == '(') {
    a.flags = c.flag_list("the message's flags");
    c.space();
  }
  if (c.peek() == '"') {
    a.internal_date = c.date_time("the message's internal date");
    c.space();
  }
  std::size_t at = c.offset();
  Literal* message = c.literal("the message", true);
  if (!message) return a;
  a.binary = message->binary;
  if (!a.binary && message->data.find('\0') != std::string::npos)
    c.fail_at(at, "the message contains a NUL octet (send it as a literal8 ~{N})");
  a.message = std::move(message->data);
  return a;
}

}  // namespace hamail::mailsvc::imap::grammar

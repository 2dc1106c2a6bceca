// The grammars of SEARCH (RFC 9051 6.4.4 with every RFC 3501 key, ESEARCH RETURN options,
// CHARSET, CONDSTORE's MODSEQ) and of SORT and THREAD (RFC 5256), which share its keys.
// Nesting (NOT, OR, parentheses) is bounded by kMaxSearchDepth.
#include <array>

#include "chars.h"
#include "grammar.h"
#include "hamail/mailsvc/imap/response_text.h"

namespace hamail::mailsvc::imap::grammar {
namespace {

struct FlagKey {
  std::string_view name;
  std::string_view flag;
  bool present;
};
constexpr std::array<FlagKey, 13> kFlagKeys = {{
    {"ANSWERED", "\\Answered", true}, {"DELETED", "\\Deleted", true},     {"DRAFT", "\\Draft", true},
    {"FLAGGED", "\\Flagged", true},   {"SEEN", "\\Seen", true},           {"RECENT", "\\Recent", true},
    {"OLD", "\\Recent", false},       {"UNANSWERED", "\\Answered", false}, {"UNDELETED", "\\Deleted", false},
    {"UNDRAFT", "\\Draft", false},    {"UNFLAGGED", "\\Flagged", false},   {"UNSEEN", "\\Seen", false},
    {"NEW", "", true},  // RECENT UNSEEN
}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kHeaderKeys = {{
    {"BCC", "Bcc"}, {"CC", "Cc"}, {"FROM", "From"}, {"SUBJECT", "Subject"}, {"TO", "To"},
}};

struct DateKey {
  std::string_view name;
  SearchDate::Field field;
  SearchDate::Relation relation;
};
constexpr std::array<DateKey, 6> kDateKeys = {{
    {"BEFORE", SearchDate::Field::internal, SearchDate::Relation::before},
    {"ON", SearchDate::Field::internal, SearchDate::Relation::on},
    {"SINCE", SearchDate::Field::internal, SearchDate::Relation::since},
    {"SENTBEFORE", SearchDate::Field::sent, SearchDate::Relation::before},
    {"SENTON", SearchDate::Field::sent, SearchDate::Relation::on},
    {"SENTSINCE", SearchDate::Field::sent, SearchDate::Relation::since},
}};

SearchKey flag_key(const FlagKey& k) {
  if (k.flag.empty()) {  // NEW = RECENT UNSEEN
    return SearchKey{SearchAnd{{SearchKey{SearchFlag{Flag{"\\Recent"}, true}},
                                SearchKey{SearchFlag{Flag{"\\Seen"}, false}}}}};
  }
  return SearchKey{SearchFlag{Flag{std::string(k.flag)}, k.present}};
}

// MODSEQ [SP entry-name SP entry-type-req] SP mod-sequence-valzer (RFC 7162)
SearchKey modseq_key(Cursor& c) {
  SearchModSeq m;
  c.space();
  if (c.peek() == '"') {
    std::size_t at = c.offset();
    m.entry = c.string("the entry name");
    if (c.ok() && !m.entry->starts_with("/flags/")) c.fail_at(at, "the entry name must start with /flags/");
    c.space();
    at = c.offset();
    m.entry_type = chars::upper(c.word("priv, shared or all"));
    if (c.ok() && m.entry_type != "PRIV" && m.entry_type != "SHARED" && m.entry_type != "ALL")
      c.fail_at(at, "the entry type must be priv, shared or all");
    c.space();
  }
  m.modseq = c.number64("the mod-sequence");
  return SearchKey{std::move(m)};
}

// A key named by a word; nullopt when the name is none of them.
std::optional<SearchKey> named_key(Cursor& c, std::string_view name, int depth) {
  for (const FlagKey& k : kFlagKeys)
    if (name == k.name) return flag_key(k);
  for (const auto& [key, field] : kHeaderKeys)
    if (name == key) {
      c.space();
      return SearchKey{SearchHeader{std::string(field), c.astring("the text to find")}};
    }
  for (const DateKey& k : kDateKeys)
    if (name == k.name) {
      c.space();
      return SearchKey{SearchDate{k.field, k.relation, c.date("a date (1-Feb-1994)")}};
    }
  if (name == "ALL") return SearchKey{SearchAll{}};
  if (name == "KEYWORD" || name == "UNKEYWORD") {
    c.space();
    return SearchKey{SearchFlag{Flag{std::string(c.atom("a keyword"))}, name == "KEYWORD"}};
  }
  if (name == "HEADER") {
    c.space();
    std::string field = c.astring("a header field name");
    c.space();
    return SearchKey{SearchHeader{std::move(field), c.astring("the text to find")}};
  }
  if (name == "BODY" || name == "TEXT") {
    c.space();
    return SearchKey{SearchText{name == "BODY", c.astring("the text to find")}};
  }
  if (name == "LARGER" || name == "SMALLER") {
    c.space();
    return SearchKey{SearchSize{name == "LARGER", c.number64("a size in octets")}};
  }
  if (name == "UID") {
    c.space();
    return SearchKey{SearchSet{true, c.sequence_set("UIDs")}};
  }
  if (name == "NOT") {
    c.space();
    return SearchKey{SearchNot{{search_key(c, depth + 1)}}};
  }
  if (name == "OR") {
    c.space();
    SearchKey a = search_key(c, depth + 1);
    c.space();
    return SearchKey{SearchOr{{std::move(a), search_key(c, depth + 1)}}};
  }
  if (name == "MODSEQ") return modseq_key(c);
  return std::nullopt;
}

// [SP "RETURN" SP "(" [MIN / MAX / ALL / COUNT / SAVE *(SP ...)] ")"]
std::optional<SearchReturn> return_options(Cursor& c) {
  static constexpr std::array<std::pair<std::string_view, bool SearchReturn::*>, 5> kOptions = {{
      {"MIN", &SearchReturn::min},
      {"MAX", &SearchReturn::max},
      {"ALL", &SearchReturn::all},
      {"COUNT", &SearchReturn::count},
      {"SAVE", &SearchReturn::save},
  }};
  SearchReturn r;
  c.space();
  c.list("RETURN options", true, [&] {
    bool SearchReturn::*option = c.one_of("RETURN option", kOptions);
    if (c.ok()) r.*option = true;
  });
  if (!r.min && !r.max && !r.count && !r.save) r.all = true;  // "RETURN ()" and "RETURN (SAVE ALL)"
  return r;
}

std::string charset(Cursor& c) {
  return chars::upper(c.peek() == '"' ? c.string("a charset") : std::string(c.atom("a charset")));
}

// search-key *(SP search-key), all of which must match
SearchKey key_list(Cursor& c) {
  SearchAnd all;
  do all.keys.push_back(search_key(c, 1));
  while (c.ok() && c.take(' '));
  return SearchKey{std::move(all)};
}

// SP charset SP search-key *(SP search-key): how SORT and THREAD end
void charset_and_keys(Cursor& c, std::string& charset_name, SearchKey& key) {
  c.space();
  charset_name = charset(c);
  c.space();
  key = key_list(c);
}

}  // namespace

SearchKey search_key(Cursor& c, int depth) {
  if (depth > kMaxSearchDepth) {
    c.fail("search keys nested deeper than " + std::to_string(kMaxSearchDepth));
    return {};
  }
  char next = c.peek();
  if (next == '(') {
    SearchAnd all;
    c.list("a list of search keys", false, [&] { all.keys.push_back(search_key(c, depth + 1)); });
    return SearchKey{std::move(all)};
  }
  if (chars::digit(next) || next == '*' || next == '$') return SearchKey{SearchSet{false, c.sequence_set("messages")}};
  std::size_t at = c.offset();
  std::string name = chars::upper(c.word("a search key"));
  if (!c.ok()) return {};
  std::optional<SearchKey> key = named_key(c, name, depth);
  if (!key) c.fail_at(at, "unknown search key '" + printable(name, 40) + "'");
  return key ? std::move(*key) : SearchKey{};
}

// "SEARCH" [SP "RETURN" SP "(" ... ")"] [SP "CHARSET" SP charset] 1*(SP search-key)
CommandBody search(Cursor& c, bool uid) {
  Search s;
  s.uid = uid;
  c.space();
  if (c.take_word("RETURN")) {
    s.returns = return_options(c);
    c.space();
  }
  if (c.take_word("CHARSET")) {
    c.space();
    s.charset = charset(c);
    c.space();
  }
  s.key = key_list(c);
  return s;
}

// "SORT" SP "(" ["REVERSE" SP] sort-key *(SP ...) ")" SP charset 1*(SP search-key)
CommandBody sort(Cursor& c, bool uid) {
  static constexpr std::array<std::pair<std::string_view, SortKey>, 7> kKeys = {{
      {"ARRIVAL", SortKey::arrival}, {"CC", SortKey::cc},           {"DATE", SortKey::date},
      {"FROM", SortKey::from},       {"SIZE", SortKey::size},       {"SUBJECT", SortKey::subject},
      {"TO", SortKey::to},
  }};
  Sort s;
  s.uid = uid;
  c.space();
  c.list("sort criteria", false, [&] {
    SortCriterion k;
    if (c.take_word("REVERSE")) {
      k.reverse = true;
      c.space();
    }
    k.key = c.one_of("sort key", kKeys);
    s.criteria.push_back(k);
  });
  charset_and_keys(c, s.charset, s.key);
  return s;
}

// "THREAD" SP ("ORDEREDSUBJECT" / "REFERENCES") SP charset 1*(SP search-key)
CommandBody thread(Cursor& c, bool uid) {
  static constexpr std::array<std::pair<std::string_view, ThreadAlgorithm>, 2> kAlgorithms = {{
      {"ORDEREDSUBJECT", ThreadAlgorithm::ordered_subject},
      {"REFERENCES", ThreadAlgorithm::references},
  }};
  Thread t;
  t.uid = uid;
  c.space();
  t.algorithm = c.one_of("threading algorithm", kAlgorithms);
  charset_and_keys(c, t.charset, t.key);
  return t;
}

}  // namespace hamail::mailsvc::imap::grammar

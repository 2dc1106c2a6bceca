// SEARCH criteria as a typed tree (RFC 9051 6.4.4 / RFC 3501 6.4.4, RFC 7162 MODSEQ):
// every key folded into a few node kinds (ANSWERED = flag \Answered set, NEW = \Recent
// and not \Seen, FROM x = header From contains x, ...), NOT / OR / lists as inner nodes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "hamail/mailsvc/imap/date_time.h"
#include "hamail/mailsvc/imap/flags.h"
#include "hamail/mailsvc/imap/sequence_set.h"

namespace hamail::mailsvc::imap {

struct SearchKey;

struct SearchAll {
  friend bool operator==(const SearchAll&, const SearchAll&) = default;
};
// ANSWERED DELETED DRAFT FLAGGED SEEN RECENT, KEYWORD k (present) and their UN- forms, OLD.
struct SearchFlag {
  Flag flag;
  bool present = true;
  friend bool operator==(const SearchFlag&, const SearchFlag&) = default;
};
// BCC CC FROM SUBJECT TO, HEADER field value: the field contains `value` (any case).
struct SearchHeader {
  std::string field;  // "From", "Subject", or as written for HEADER
  std::string value;
  friend bool operator==(const SearchHeader&, const SearchHeader&) = default;
};
// BODY (the body only) or TEXT (header and body) contains `value`.
struct SearchText {
  bool body_only = false;
  std::string value;
  friend bool operator==(const SearchText&, const SearchText&) = default;
};
// BEFORE ON SINCE (internal date), SENTBEFORE SENTON SENTSINCE (the Date field), in days.
struct SearchDate {
  enum class Field { internal, sent };
  enum class Relation { before, on, since };
  Field field = Field::internal;
  Relation relation = Relation::on;
  Date date;
  friend bool operator==(const SearchDate&, const SearchDate&) = default;
};
// LARGER n / SMALLER n (RFC822.SIZE).
struct SearchSize {
  bool larger = true;
  std::uint64_t octets = 0;
  friend bool operator==(const SearchSize&, const SearchSize&) = default;
};
// A bare sequence set, or UID set.
struct SearchSet {
  bool uid = false;
  SequenceSet set;
  friend bool operator==(const SearchSet&, const SearchSet&) = default;
};
// MODSEQ ["/flags/\Seen" priv|shared|all] n: changed at or after modseq n.
struct SearchModSeq {
  std::uint64_t modseq = 0;
  std::optional<std::string> entry;  // "/flags/\Seen" when named
  std::string entry_type;            // "priv", "shared" or "all" with an entry
  friend bool operator==(const SearchModSeq&, const SearchModSeq&) = default;
};
struct SearchNot {
  std::vector<SearchKey> key;  // exactly one
  friend bool operator==(const SearchNot&, const SearchNot&) = default;
};
struct SearchOr {
  std::vector<SearchKey> keys;  // exactly two
  friend bool operator==(const SearchOr&, const SearchOr&) = default;
};
// A parenthesised list, or the keys of a whole command: all must match.
struct SearchAnd {
  std::vector<SearchKey> keys;  // one or more
  friend bool operator==(const SearchAnd&, const SearchAnd&) = default;
};

struct SearchKey {
  std::variant<SearchAll, SearchFlag, SearchHeader, SearchText, SearchDate, SearchSize, SearchSet, SearchModSeq,
               SearchNot, SearchOr, SearchAnd>
      node;
  friend bool operator==(const SearchKey&, const SearchKey&) = default;
};

// A compact, stable rendering for logs and tests: AND(OR(HEADER From "x",NOT(FLAG \Seen)),LARGER 10).
std::string describe(const SearchKey& key);

}  // namespace hamail::mailsvc::imap

// The IMAP commands imapd understands, one struct each, as parse_command() returns them
// (IMAP4rev1/rev2 and the extensions in README.md). Mailbox names are UTF-8; "uid" marks
// the UID variants.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "hamail/mailsvc/imap/date_time.h"
#include "hamail/mailsvc/imap/fetch_items.h"
#include "hamail/mailsvc/imap/flags.h"
#include "hamail/mailsvc/imap/search_key.h"
#include "hamail/mailsvc/imap/sequence_set.h"

namespace hamail::mailsvc::imap {

// Any state.
struct Capability {};
struct Noop {};
struct Logout {};
struct Id {  // RFC 2971; nullopt: "ID NIL"
  std::optional<std::vector<std::pair<std::string, std::optional<std::string>>>> fields;
};
struct Enable {  // RFC 5161
  std::vector<std::string> capabilities;  // as written ("CONDSTORE", "UTF8=ACCEPT")
};

// Not authenticated.
struct StartTls {};
struct Authenticate {  // SASL-IR (RFC 4959): the initial response, base64 as sent ("=" = empty)
  std::string mechanism;  // upper case
  std::optional<std::string> initial_response;
};
struct Login {
  std::string user;
  std::string password;
};

// Authenticated.
struct QresyncParams {  // RFC 7162 SELECT (QRESYNC (uidvalidity modseq [known-uids [(seqs uids)]]))
  std::uint32_t uid_validity = 0;
  std::uint64_t modseq = 0;
  std::optional<SequenceSet> known_uids;
  std::optional<std::pair<SequenceSet, SequenceSet>> sequence_match;  // known sequence numbers, their UIDs
};
struct SelectArgs {
  std::string mailbox;
  bool condstore = false;
  std::optional<QresyncParams> qresync;
};
struct Select : SelectArgs {};
struct Examine : SelectArgs {};
struct Create {
  std::string mailbox;
  std::vector<std::string> special_use;  // CREATE-SPECIAL-USE (RFC 6154): (USE (\Sent)) -> "\Sent"
};
struct Delete {
  std::string mailbox;
};
struct Rename {
  std::string from;
  std::string to;
};
struct Subscribe {
  std::string mailbox;
};
struct Unsubscribe {
  std::string mailbox;
};
enum class StatusItem { messages, recent, uidnext, uidvalidity, unseen, deleted, size, highestmodseq };
struct List {  // RFC 5258 LIST-EXTENDED, RFC 6154 SPECIAL-USE, RFC 5819 LIST-STATUS
  struct Selection {
    bool subscribed = false;
    bool remote = false;
    bool recursive_match = false;
    bool special_use = false;
  };
  struct Return {
    bool subscribed = false;
    bool children = false;
    bool special_use = false;
    std::optional<std::vector<StatusItem>> status;
  };
  std::string reference;
  std::vector<std::string> patterns;  // one unless extended; "%" and "*" are wildcards
  Selection selection;
  Return returns;
  bool extended = false;  // selection options, several patterns or RETURN were given
};
struct Lsub {
  std::string reference;
  std::string pattern;
};
struct Status {
  std::string mailbox;
  std::vector<StatusItem> items;
};
struct Append {
  std::string mailbox;
  std::vector<Flag> flags;
  std::optional<DateTime> internal_date;
  std::string message;
  bool binary = false;  // sent as literal8 ~{N} (RFC 3516): may hold NULs
};
struct Idle {};       // RFC 2177: then lines until "DONE"
struct Namespace {};  // RFC 2342
struct Compress {};   // RFC 4978: COMPRESS DEFLATE (the only algorithm)

// Selected.
struct Check {};
struct Close {};
struct Unselect {};
struct Expunge {
  std::optional<SequenceSet> uids;  // UID EXPUNGE set (UIDPLUS)
};
struct Copy {
  bool uid = false;
  SequenceSet set;
  std::string mailbox;
};
struct Move {
  bool uid = false;
  SequenceSet set;
  std::string mailbox;
};
struct Fetch {
  bool uid = false;
  SequenceSet set;
  std::vector<FetchItem> items;
  std::optional<std::uint64_t> changed_since;  // CONDSTORE
  bool vanished = false;                       // QRESYNC (UID FETCH only)
};
struct Store {
  enum class Mode { replace, add, remove };  // FLAGS, +FLAGS, -FLAGS
  bool uid = false;
  SequenceSet set;
  Mode mode = Mode::replace;
  bool silent = false;
  std::vector<Flag> flags;
  std::optional<std::uint64_t> unchanged_since;  // CONDSTORE
};
struct SearchReturn {  // ESEARCH (RFC 4731) and SAVE (RFC 5182); "RETURN ()" = all
  bool min = false;
  bool max = false;
  bool all = false;
  bool count = false;
  bool save = false;
};
struct Search {
  bool uid = false;
  std::optional<std::string> charset;  // upper case
  SearchKey key;                       // a SearchAnd of the keys given
  std::optional<SearchReturn> returns;  // set: answer with ESEARCH
};
enum class SortKey { arrival, cc, date, from, size, subject, to };
struct SortCriterion {
  SortKey key = SortKey::arrival;
  bool reverse = false;
};
struct Sort {  // RFC 5256
  bool uid = false;
  std::vector<SortCriterion> criteria;
  std::string charset;  // upper case
  SearchKey key;
};
enum class ThreadAlgorithm { ordered_subject, references };
struct Thread {  // RFC 5256
  bool uid = false;
  ThreadAlgorithm algorithm = ThreadAlgorithm::references;
  std::string charset;  // upper case
  SearchKey key;
};

using CommandBody =
    std::variant<Capability, Noop, Logout, Id, Enable, StartTls, Authenticate, Login, Select, Examine, Create, Delete,
                 Rename, Subscribe, Unsubscribe, List, Lsub, Status, Append, Idle, Namespace, Compress, Check, Close,
                 Unselect, Expunge, Copy, Move, Fetch, Store, Search, Sort, Thread>;

struct Command {
  std::string tag;
  CommandBody body;
};

// "FETCH", "UID FETCH", "EXAMINE": for logs and "TAG OK FETCH completed".
std::string command_name(const Command& command);

}  // namespace hamail::mailsvc::imap

#include "hamail/mailsvc/imap/parse_command.h"

#include <array>
#include <type_traits>

#include "chars.h"
#include "cursor.h"
#include "grammar.h"
#include "hamail/mailsvc/imap/response_text.h"

namespace hamail::mailsvc::imap {
namespace {

using namespace grammar;

struct Entry {
  std::string_view name;
  CommandGrammar parse;
  bool uid_form;  // "UID <name>" exists
};

constexpr std::array kCommands = {
    Entry{"CAPABILITY", bare<Capability>, false}, Entry{"NOOP", bare<Noop>, false},
    Entry{"LOGOUT", bare<Logout>, false},         Entry{"ID", id, false},
    Entry{"ENABLE", enable, false},               Entry{"STARTTLS", bare<StartTls>, false},
    Entry{"AUTHENTICATE", authenticate, false},   Entry{"LOGIN", login, false},
    Entry{"SELECT", select, false},               Entry{"EXAMINE", examine, false},
    Entry{"CREATE", create, false},               Entry{"DELETE", delete_mailbox, false},
    Entry{"RENAME", rename, false},               Entry{"SUBSCRIBE", subscribe, false},
    Entry{"UNSUBSCRIBE", unsubscribe, false},     Entry{"LIST", list, false},
    Entry{"LSUB", lsub, false},                   Entry{"STATUS", status, false},
    Entry{"APPEND", append, false},               Entry{"IDLE", bare<Idle>, false},
    Entry{"NAMESPACE", bare<Namespace>, false},   Entry{"COMPRESS", compress, false},
    Entry{"CHECK", bare<Check>, false},           Entry{"CLOSE", bare<Close>, false},
    Entry{"UNSELECT", bare<Unselect>, false},     Entry{"EXPUNGE", expunge, true},
    Entry{"COPY", copy, true},                    Entry{"MOVE", move, true},
    Entry{"FETCH", fetch, true},                  Entry{"STORE", store, true},
    Entry{"SEARCH", search, true},                Entry{"SORT", sort, true},
    Entry{"THREAD", thread, true},
};

// The names of CommandBody's alternatives, in its order.
constexpr std::array<std::string_view, std::variant_size_v<CommandBody>> kNames = {
    "CAPABILITY", "NOOP",   "LOGOUT", "ID",     "ENABLE", "STARTTLS", "AUTHENTICATE", "LOGIN",  "SELECT",
    "EXAMINE",    "CREATE", "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "LIST", "LSUB", "STATUS",
    "APPEND",     "IDLE",   "NAMESPACE", "COMPRESS", "CHECK", "CLOSE", "UNSELECT", "EXPUNGE", "COPY",
    "MOVE",       "FETCH",  "STORE",  "SEARCH", "SORT",   "THREAD"};

std::string_view read_tag(Cursor& c, std::string_view text) {
  std::size_t n = 0;
  while (n < text.size() && chars::tag(text[n])) ++n;
  if (text.empty()) {
    c.fail("empty command line");
  } else if (n == 0 || (n < text.size() && text[n] != ' ')) {
    c.fail_at(0, "invalid tag '" + printable(text.substr(0, text.find(' ')), 40) +
                     "' (letters, digits and most punctuation; not + ( ) { % * \" \\ or controls)");
  } else if (n == text.size()) {
    c.fail_at(n, "a command name must follow the tag");
  }
  for (std::size_t i = 0; i < n && c.ok(); ++i) (void)c.take(text[i]);
  return text.substr(0, n);
}

}  // namespace

Result<Command> parse_command(CommandBytes bytes, const ParseOptions& options) {
  Cursor c(bytes, options);
  std::string_view tag = read_tag(c, bytes.text);
  c.space();
  std::size_t name_at = c.offset();
  std::string name = chars::upper(c.word("a command name"));
  bool uid = name == "UID";
  if (uid) {
    c.space();
    name_at = c.offset();
    name = chars::upper(c.word("a command after UID"));
  }
  if (!c.ok()) return c.error();
  const Entry* entry = nullptr;
  for (const Entry& e : kCommands)
    if (e.name == name && (!uid || e.uid_form)) entry = &e;
  if (!entry) {
    c.fail_at(name_at, "unknown command '" + printable((uid ? "UID " : "") + name, 40) + "'");
    return c.error();
  }
  c.set_context(uid ? "UID " + name : name);
  Command command;
  command.tag = std::string(tag);
  command.body = entry->parse(c, uid);
  c.end();
  if (!c.ok()) return c.error();
  return command;
}

std::string command_name(const Command& command) {
  bool uid = std::visit(
      [](const auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, Expunge>) return body.uids.has_value();
        else if constexpr (requires { body.uid; }) return body.uid;
        else return false;
      },
      command.body);
  return (uid ? "UID " : "") + std::string(kNames[command.body.index()]);
}

}  // namespace hamail::mailsvc::imap

// The grammar of each IMAP command (RFC 9051 section 9 and the extensions' ABNF), one
// function per command, reading the arguments after the command name from a Cursor.
// parse_command.cpp dispatches on the name. Internal to mailsvc_imap.
#pragma once

#include <vector>

#include "cursor.h"
#include "hamail/mailsvc/imap/commands.h"

namespace hamail::mailsvc::imap::grammar {

// A command's arguments after its name; `uid` is set for "UID <name>".
using CommandGrammar = CommandBody (*)(Cursor& c, bool uid);

template <class T>
CommandBody bare(Cursor&, bool) {
  return T{};
}

// parse_session_commands.cpp
CommandBody authenticate(Cursor& c, bool uid);
CommandBody login(Cursor& c, bool uid);
CommandBody id(Cursor& c, bool uid);
CommandBody enable(Cursor& c, bool uid);
CommandBody compress(Cursor& c, bool uid);

// parse_mailbox_commands.cpp
CommandBody select(Cursor& c, bool uid);
CommandBody examine(Cursor& c, bool uid);
CommandBody create(Cursor& c, bool uid);
CommandBody delete_mailbox(Cursor& c, bool uid);
CommandBody rename(Cursor& c, bool uid);
CommandBody subscribe(Cursor& c, bool uid);
CommandBody unsubscribe(Cursor& c, bool uid);
CommandBody lsub(Cursor& c, bool uid);
CommandBody status(Cursor& c, bool uid);
CommandBody append(Cursor& c, bool uid);
StatusItem status_item(Cursor& c);

// parse_list.cpp
CommandBody list(Cursor& c, bool uid);

// parse_message_commands.cpp
CommandBody expunge(Cursor& c, bool uid);
CommandBody copy(Cursor& c, bool uid);
CommandBody move(Cursor& c, bool uid);
CommandBody store(Cursor& c, bool uid);
CommandBody fetch(Cursor& c, bool uid);

// parse_fetch.cpp: "ALL" / "FAST" / "FULL" / fetch-att / "(" fetch-att *(SP fetch-att) ")"
std::vector<FetchItem> fetch_items(Cursor& c);

// parse_search.cpp
CommandBody search(Cursor& c, bool uid);
CommandBody sort(Cursor& c, bool uid);
CommandBody thread(Cursor& c, bool uid);
SearchKey search_key(Cursor& c, int depth);

}  // namespace hamail::mailsvc::imap::grammar

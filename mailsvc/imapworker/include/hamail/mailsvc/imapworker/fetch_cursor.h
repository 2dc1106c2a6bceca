// What is left of a FETCH answered in parts (MailboxWorker::run_in_parts, imapd's
// streamed replies): the messages still to answer and what the first part decided
// (the items, the messages it set \Seen on, the first error, for the tagged reply).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hamail/mailsvc/imap/commands.h"

namespace hamail::mailsvc::imapworker {

// One message a command names: its sequence number and UID.
struct Numbered {
  std::uint32_t seq = 0;
  std::uint32_t uid = 0;
};

struct FetchCursor {
  std::string tag;
  std::string done_text;               // "UID FETCH completed"
  std::vector<imap::FetchItem> items;  // with UID / MODSEQ added as the command implies
  std::vector<Numbered> set;           // the messages to answer, ascending
  std::size_t next = 0;                // set[next] is answered next
  std::vector<std::uint32_t> seen_now;  // UIDs this FETCH set \Seen on, ascending
  bool condstore = false;               // MODSEQ goes with a FLAGS change
  bool condstore_now_on = false;        // for the last part's reply
  bool flags_asked = false;
  std::string error;  // the first message that failed: a tagged NO at the end
};

}  // namespace hamail::mailsvc::imapworker

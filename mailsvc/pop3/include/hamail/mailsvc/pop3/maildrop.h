// The mailbox a POP3 session works on, as the session sees it: a fixed list of
// messages (size in octets as sent, CRLF line ends, and a UIDL string stable across
// restarts and failovers), reading one message, and removing the deleted ones at QUIT.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::mailsvc::pop3 {

struct MessageInfo {
  std::uint64_t size = 0;
  std::string uidl;  // 1-70 printable ASCII characters (RFC 1939 7)
};

// Opened and locked by the shell after authentication; destroying it releases the
// lock. Deletion marks live in the session; only commit_deletions() changes the store.
class Maildrop {
 public:
  virtual ~Maildrop() = default;
  // The snapshot taken when the maildrop was opened; it does not change in a session.
  virtual const std::vector<MessageInfo>& messages() const = 0;
  // The whole message (0-based index), line ends CRLF or LF.
  virtual Result<std::string> read(std::size_t index) = 0;
  // Removes the given messages (0-based, ascending); called once, in the UPDATE state.
  virtual Status commit_deletions(const std::vector<std::size_t>& indexes) = 0;
};

}  // namespace hamail::mailsvc::pop3

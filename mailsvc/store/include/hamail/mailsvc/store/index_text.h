// The `hamail-uids` text of a MailboxIndex written into a caller's buffer, sans-IO: STORE
// rewrites the whole index per command, so the buffer's capacity is reused (no fresh
// allocation, no page faults) and each line is written through a pointer, not appended.
#pragma once

#include <string>

#include "hamail/mailsvc/store/mailbox_index.h"

namespace hamail::mailsvc::store {

// Replaces out's contents with index.serialize()'s text (version 2), byte for byte.
void serialize_index_into(const MailboxIndex& index, std::string& out);

}  // namespace hamail::mailsvc::store

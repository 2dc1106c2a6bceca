// Where a user's Maildir is under mail_root, for the daemons that open one at login
// (pop3d, imapd): one rule, so they agree on it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hamail::mailsvc::daemon {

// "alice@example.org" -> mail_root/maildirs/example.org/alice/Maildir (lower-cased); nothing
// for a name that is not local@domain with parts free of '/', spaces, controls and a leading '.'.
std::optional<std::string> maildir_path(const std::string& mail_root, std::string_view address);

}  // namespace hamail::mailsvc::daemon

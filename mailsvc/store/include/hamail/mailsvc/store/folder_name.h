// IMAP folder names (UTF-8, '.' as the hierarchy separator, Dovecot's default for
// Maildir++) <-> Maildir++ directory names on disk (".Archive.2024", non-ASCII in
// modified UTF-7 as Dovecot writes them: "Entw&APw-rfe" for "Entwürfe").
#pragma once

#include <string>
#include <string_view>

#include "hamail/base/result.h"

namespace hamail::mailsvc::store {

inline constexpr char kHierarchySeparator = '.';

// "INBOX" in any case.
bool is_inbox(std::string_view name);

// A UTF-8 IMAP name (not INBOX) -> the directory name without its leading '.'. Refused:
// INBOX, invalid UTF-8, empty levels (leading, trailing or doubled '.'), '/', control
// characters. "INBOX.x" is a folder under INBOX (directory ".INBOX.x"; INBOX itself
// stays the root).
Result<std::string> folder_dir_name(std::string_view imap_name);
// The reverse; an error for a directory name that is no valid modified UTF-7.
Result<std::string> folder_imap_name(std::string_view dir_name);

}  // namespace hamail::mailsvc::store

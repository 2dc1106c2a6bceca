#include "hamail/mailsvc/store/folder_name.h"

#include "hamail/mailsvc/imap/mailbox_name.h"
#include "hamail/mailsvc/store/maildir.h"

namespace hamail::mailsvc::store {

bool is_inbox(std::string_view name) {
  if (name.size() != 5) return false;
  for (std::size_t i = 0; i < 5; ++i) {
    char c = name[i] >= 'a' && name[i] <= 'z' ? static_cast<char>(name[i] - 'a' + 'A') : name[i];
    if (c != "INBOX"[i]) return false;
  }
  return true;
}

Result<std::string> folder_dir_name(std::string_view imap_name) {
  std::string n(imap_name);
  if (is_inbox(imap_name)) return Error{"INBOX is the Maildir itself, not a folder"};
  if (!imap::valid_utf8(imap_name)) return Error{"folder name '" + n + "' is not valid UTF-8"};
  std::string dir = imap::encode_mailbox_utf7(imap_name);
  if (Status s = check_folder_name(dir); !s) return Error{s.message()};
  return dir;
}

Result<std::string> folder_imap_name(std::string_view dir_name) {
  if (Status s = check_folder_name(dir_name); !s) return Error{s.message()};
  auto name = imap::decode_mailbox_utf7(dir_name);
  if (!name) return Error{"folder directory '." + std::string(dir_name) + "': " + name.error()};
  return *name;
}

}  // namespace hamail::mailsvc::store

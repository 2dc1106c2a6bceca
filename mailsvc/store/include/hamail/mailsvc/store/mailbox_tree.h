// A user's folders: INBOX is the Maildir root, every other folder a Maildir++ directory
// ".Name.Sub" under it (folder_name.h). LIST with \HasChildren/\HasNoChildren/\Noselect
// and special-use attributes, CREATE (with parents), DELETE, RENAME, subscriptions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/mailsvc/store/folder_lists.h"
#include "hamail/mailsvc/store/maildir.h"

namespace hamail::mailsvc::store {

struct FolderInfo {
  std::string name;  // UTF-8; "INBOX" for the root
  bool has_children = false;
  bool noselect = false;  // only a parent of existing folders, no folder itself
  std::string special_use;  // "\Sent", ... or empty
  bool subscribed = false;
};

class MailboxTree {
 public:
  static constexpr const char* kSubscriptionsFile = "subscriptions";
  static constexpr const char* kSpecialUseFile = "hamail-special-use";
  static constexpr const char* kTrashDir = "hamail-deleted";  // DELETE renames here first
  // The last UIDVALIDITY given to a folder made here (Dovecot's dovecot-uidvalidity): a
  // folder deleted and made again never gets its old one back, even within a second.
  static constexpr const char* kUidValidityFile = "hamail-uidvalidity";

  // Opens the user's Maildir root, creating it if missing. The first time (no
  // hamail-special-use file yet: a new user, or one pop3d created) Sent, Drafts, Trash
  // and Junk are created, given \Sent \Drafts \Trash \Junk and subscribed.
  static Result<MailboxTree> open(const std::string& root);

  const std::string& root() const { return root_; }
  // The Maildir path of a folder (INBOX in any case: the root); it need not exist.
  Result<std::string> path_of(std::string_view name) const;

  // Every folder and every missing parent (\Noselect), sorted by name, INBOX first.
  Result<std::vector<FolderInfo>> list() const;
  // Creates the folder and its missing parents; special_use: "" or an attribute
  // (canonical_special_use), an unknown one is an error ("[USEATTR]").
  Status create(std::string_view name, std::string_view special_use = "");
  // Not INBOX. A folder with children loses its messages and its directory and stays
  // as a \Noselect parent (RFC 3501 6.3.4); a \Noselect name is an error.
  Status remove(std::string_view name);
  // Children move too; the special-use attribute and subscriptions follow. INBOX:
  // its messages (and keywords) move into the new folder, INBOX stays, empty.
  Status rename(std::string_view from, std::string_view to);

  Result<std::vector<std::string>> subscriptions() const;
  Status set_subscribed(std::string_view name, bool subscribed);

 private:
  explicit MailboxTree(std::string root) : root_(std::move(root)) {}
  Result<std::vector<std::string>> folder_names() const;  // existing folders, UTF-8
  Result<std::vector<SpecialUse>> special_uses() const;
  Status save_special_uses(const std::vector<SpecialUse>& uses) const;
  Status save_subscriptions(const std::vector<std::string>& names) const;
  Status create_specials();
  // Under the tree lock: a new folder (and its missing parents), each with its first index
  // and the next UIDVALIDITY from kUidValidityFile.
  Status make_parents(const Maildir& inbox, const std::string& dir) const;
  Status make_folder(const Maildir& inbox, const std::string& dir) const;
  Result<std::uint32_t> next_uidvalidity() const;
  Status start_index(const std::string& folder_path, std::uint32_t uidvalidity) const;
  Status move_inbox_messages(const std::string& to_path) const;

  std::string root_;
};

}  // namespace hamail::mailsvc::store

// A Maildir (tmp/ new/ cur/) with Maildir++ folders (".Sent", ".Archive.2024"): deliver
// crash-safely, list with sizes, read (bounded), delete, flag (new/ -> cur/ ":2,S"),
// and keep the `hamail-uids` UID map in step with the messages for IMAP/POP3 UIDL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/mailsvc/store/delivery.h"
#include "hamail/mailsvc/store/mailbox_index.h"
#include "hamail/mailsvc/store/unique_name.h"

namespace hamail::mailsvc::store {

struct MessageInfo {
  std::string name;      // file name in new/ or cur/
  std::string base;      // the stable part of the name (before ':')
  std::string flags;     // letters after ":2," (empty in new/)
  bool in_new = false;
  std::uint64_t size = 0;
};

class Maildir {
 public:
  // Creates path (and missing parents, mode 0700) with tmp/ new/ cur/; fine if it exists.
  static Result<Maildir> create(const std::string& path);
  // Opens an existing Maildir; an error names the missing subdirectory.
  static Result<Maildir> open(const std::string& path);

  const std::string& path() const { return path_; }

  // Maildir++ folders: name "Sent" or "Archive.2024" lives in "<path>/.<name>".
  Result<Maildir> create_folder(std::string_view name) const;
  Result<Maildir> folder(std::string_view name) const;
  Result<std::vector<std::string>> list_folders() const;  // names without the dot, sorted

  // token: see UniqueNameGenerator::next and find_delivery_tokens (delivery_tokens.h).
  Result<Delivery> begin_delivery(std::optional<std::uint64_t> token = std::nullopt);
  Result<std::string> deliver(std::string_view message);  // returns the name in new/

  // Messages in new/ and cur/, sorted by base (oldest first for our names).
  Result<std::vector<MessageInfo>> list() const;
  // name may be the current file name, an older name of it (other flags) or its base.
  Result<MessageInfo> find(std::string_view name) const;
  Result<std::string> read(std::string_view name, std::size_t max_bytes) const;
  Status remove(std::string_view name);  // one message; not found is an error
  // Deletes the named messages (names as find() takes them), then makes the deletions durable
  // with one fsync of each directory touched: a QUIT deleting 300 messages costs two fsyncs,
  // not 300. A name already gone goes to `missing`; failures (naming the file) to `errors`.
  struct Removal {
    std::vector<std::string> removed, missing;
    std::string errors;
  };
  Removal remove_all(const std::vector<std::string>& names);
  // Moves the message to cur/ with exactly these flags; returns its new file name.
  Result<std::string> set_flags(std::string_view name, std::string_view flags);

  // Under the IndexLock (index_file.h): loads the index (a fresh one with UIDVALIDITY =
  // now if absent; a corrupt one kept aside and started afresh), syncs it with list()
  // (flag changes get new modseqs), saves it atomically if changed.
  Result<MailboxIndex> sync_uids();

 private:
  Maildir(std::string path, UniqueNameGenerator names) : path_(std::move(path)), names_(std::move(names)) {}
  static Result<Maildir> open_checked(const std::string& path);

  std::string path_;
  UniqueNameGenerator names_;
};

// A folder name is non-empty, has no '/', no leading, trailing or doubled '.', no
// space or control character.
Status check_folder_name(std::string_view name);

}  // namespace hamail::mailsvc::store

#include "hamail/mailsvc/store/mailbox_tree.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstdint>
#include <cerrno>
#include <ctime>
#include <filesystem>

#include "hamail/mailsvc/store/folder_name.h"
#include "hamail/mailsvc/store/fs.h"
#include "hamail/mailsvc/store/index_file.h"
#include "hamail/mailsvc/store/maildir.h"

namespace hamail::mailsvc::store {

namespace {

constexpr const char* kTreeLock = "hamail-folders.lock";

bool is_dir(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool under(std::string_view name, std::string_view parent) {
  return name.size() > parent.size() && name.starts_with(parent) && name[parent.size()] == kHierarchySeparator;
}

// "to" + what follows "from" in name (name is from or under it).
std::string renamed(const std::string& name, std::string_view from, std::string_view to) {
  return std::string(to) + name.substr(from.size());
}


}  // namespace

Result<MailboxTree> MailboxTree::open(const std::string& root) {
  auto dir = Maildir::create(root);  // fine if it exists
  if (!dir) return Error{dir.error()};
  MailboxTree tree(dir->path());
  if (!path_exists(tree.root_ + "/" + kSpecialUseFile)) {
    auto lock = IndexLock::acquire(tree.root_, kTreeLock);
    if (!lock) return Error{lock.error()};
    if (!path_exists(tree.root_ + "/" + kSpecialUseFile)) {
      if (Status s = tree.create_specials(); !s) return Error{s.message()};
    }
  }
  return tree;
}

Status MailboxTree::create_specials() {
  static constexpr std::pair<const char*, const char*> kSpecials[] = {
      {"Sent", "\\Sent"}, {"Drafts", "\\Drafts"}, {"Trash", "\\Trash"}, {"Junk", "\\Junk"}};
  std::vector<SpecialUse> uses;
  auto subs = subscriptions();
  if (!subs) return Error{subs.error()};
  auto inbox = Maildir::open(root_);
  if (!inbox) return Error{inbox.error()};
  for (auto [name, attr] : kSpecials) {
    if (is_dir(root_ + "/." + name)) continue;  // a user's own "Sent" stays as it is, and gets the attribute
    if (Status s = make_folder(*inbox, name); !s) return s;
    uses.emplace_back(attr, name);
    if (std::find(subs->begin(), subs->end(), name) == subs->end()) subs->push_back(name);
  }
  if (Status s = save_subscriptions(*subs); !s) return s;
  return save_special_uses(uses);  // last: its presence says the specials were made
}

Result<std::string> MailboxTree::path_of(std::string_view name) const {
  if (is_inbox(name)) return root_;
  auto dir = folder_dir_name(name);
  if (!dir) return Error{dir.error()};
  return root_ + "/." + *dir;
}

Result<std::vector<std::string>> MailboxTree::folder_names() const {
  std::vector<std::string> out;
  Status s = for_each_name(root_, false, [&](std::string_view n) {
    if (n.size() < 2 || n[0] != '.' || n == "..") return;
    auto name = folder_imap_name(n.substr(1));
    if (name && is_dir(root_ + "/" + std::string(n))) out.push_back(std::move(*name));  // not ours: skipped
  });
  if (!s) return Error{s.message()};
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::vector<SpecialUse>> MailboxTree::special_uses() const {
  std::string file = root_ + "/" + kSpecialUseFile;
  auto text = read_file_bounded(file, 64 * 1024);
  if (!text) return path_exists(file) ? Result<std::vector<SpecialUse>>(Error{text.error()}) : std::vector<SpecialUse>{};
  return parse_special_use(*text, file);
}

Status MailboxTree::save_special_uses(const std::vector<SpecialUse>& uses) const {
  return replace_file_atomically(root_ + "/" + kSpecialUseFile, serialize_special_use(uses), 0600);
}

Result<std::vector<std::string>> MailboxTree::subscriptions() const {
  std::string file = root_ + "/" + kSubscriptionsFile;
  auto text = read_file_bounded(file, 1 << 20);
  if (!text) return path_exists(file) ? Result<std::vector<std::string>>(Error{text.error()}) : std::vector<std::string>{};
  return parse_subscriptions(*text, file);
}

Status MailboxTree::save_subscriptions(const std::vector<std::string>& names) const {
  return replace_file_atomically(root_ + "/" + kSubscriptionsFile, serialize_subscriptions(names), 0600);
}

Result<std::vector<FolderInfo>> MailboxTree::list() const {
  auto names = folder_names();
  if (!names) return Error{names.error()};
  auto uses = special_uses();
  if (!uses) return Error{uses.error()};
  auto subs = subscriptions();
  if (!subs) return Error{subs.error()};
  std::vector<std::string> all = *names;
  for (const auto& n : *names) {  // missing parents of existing folders
    for (auto dot = n.find(kHierarchySeparator); dot != std::string::npos; dot = n.find(kHierarchySeparator, dot + 1)) {
      all.push_back(n.substr(0, dot));
    }
  }
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  std::vector<FolderInfo> out;
  auto info = [&](const std::string& name, bool noselect) {
    FolderInfo f{name, false, noselect, "", false};
    for (const auto& other : all) f.has_children = f.has_children || under(other, is_inbox(name) ? "INBOX" : name);
    for (const auto& [attr, n] : *uses) {
      if (n == name) f.special_use = attr;
    }
    f.subscribed = std::find(subs->begin(), subs->end(), name) != subs->end();
    return f;
  };
  out.push_back(info("INBOX", false));
  for (const auto& n : all) {
    if (!is_inbox(n)) out.push_back(info(n, !std::binary_search(names->begin(), names->end(), n)));
  }
  return out;
}

Status MailboxTree::create(std::string_view name, std::string_view special_use) {
  std::string attr = canonical_special_use(special_use);
  if (!special_use.empty() && attr.empty()) {
    return Error{"[USEATTR] special-use attribute '" + std::string(special_use) + "' is not supported"};
  }
  if (is_inbox(name)) return Error{"INBOX exists already"};
  auto dir = folder_dir_name(name);
  if (!dir) return Error{dir.error()};
  auto lock = IndexLock::acquire(root_, kTreeLock);
  if (!lock) return Error{lock.error()};
  if (is_dir(root_ + "/." + *dir)) return Error{"folder '" + std::string(name) + "' exists already"};
  auto inbox = Maildir::open(root_);
  if (!inbox) return Error{inbox.error()};
  if (Status s = make_parents(*inbox, *dir); !s) return s;
  if (Status s = make_folder(*inbox, *dir); !s) return s;
  if (attr.empty()) return Status::ok();
  auto uses = special_uses();
  if (!uses) return Error{uses.error()};
  uses->emplace_back(attr, std::string(name));
  return save_special_uses(*uses);
}

// The missing parents of a folder directory ("A.B.C": ".A", ".A.B"), as selectable folders
// (RFC 3501 CREATE); "INBOX" as a parent is the root itself, never a ".INBOX" folder.
Status MailboxTree::make_parents(const Maildir& inbox, const std::string& dir) const {
  for (auto dot = dir.find('.'); dot != std::string::npos; dot = dir.find('.', dot + 1)) {
    std::string parent = dir.substr(0, dot);
    if (is_inbox(parent) || is_dir(inbox.path() + "/." + parent)) continue;
    if (Status s = make_folder(inbox, parent); !s) return s;
  }
  return Status::ok();
}

// A folder directory with its first index, its UIDVALIDITY from the counter (taken first:
// a damaged counter makes no directory).
Status MailboxTree::make_folder(const Maildir& inbox, const std::string& dir) const {
  auto uidvalidity = next_uidvalidity();
  if (!uidvalidity) return Error{uidvalidity.error()};
  if (auto f = inbox.create_folder(dir); !f) return Error{f.error()};
  return start_index(root_ + "/." + dir, *uidvalidity);
}

// A UIDVALIDITY above every one given to a folder before (RFC 3501 2.3.1.1: UIDs of a deleted
// folder must not be valid for the one made again under its name), durable in the counter
// before any index carries it.
Result<std::uint32_t> MailboxTree::next_uidvalidity() const {
  std::string counter = root_ + "/" + kUidValidityFile;
  std::uint32_t last = 0;
  if (path_exists(counter)) {
    auto text = read_file_bounded(counter, 64);
    if (!text) return Error{text.error()};
    std::string_view digits(*text);
    if (!digits.empty() && digits.back() == '\n') digits.remove_suffix(1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), last);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size())
      return Error{counter + ":1: not a UIDVALIDITY (a decimal number): '" + std::string(digits.substr(0, 20)) + "'"};
  }
  auto now = static_cast<std::uint32_t>(std::time(nullptr));
  std::uint32_t uidvalidity = last >= now && last < UINT32_MAX ? last + 1 : now;
  if (Status s = replace_file_atomically(counter, std::to_string(uidvalidity) + "\n", 0600); !s)
    return Error{s.message()};
  return uidvalidity;
}

// The new folder's first index (unless a session opened it meanwhile and made one).
Status MailboxTree::start_index(const std::string& folder_path, std::uint32_t uidvalidity) const {
  auto lock = IndexLock::acquire(folder_path);
  if (!lock) return Error{lock.error()};
  if (path_exists(folder_path + "/" + kIndexFile)) return Status::ok();
  return save_index_file(folder_path, MailboxIndex::fresh(uidvalidity), IndexDurability::durable);
}

Status MailboxTree::remove(std::string_view name) {
  if (is_inbox(name)) return Error{"INBOX cannot be deleted"};
  auto path = path_of(name);
  if (!path) return Error{path.error()};
  auto lock = IndexLock::acquire(root_, kTreeLock);
  if (!lock) return Error{lock.error()};
  if (!is_dir(*path)) return Error{"folder '" + std::string(name) + "' does not exist"};
  // Renamed aside first (one atomic step: the folder is gone), then removed.
  std::string trash = root_ + "/" + kTrashDir;
  if (Status s = make_directory(trash, 0700); !s) return s;
  std::string aside = trash + "/" + std::to_string(std::time(nullptr)) + "-" + std::to_string(::getpid()) +
                      path->substr(path->rfind('/') + 1);
  if (::rename(path->c_str(), aside.c_str()) != 0) return sys_error("rename " + *path + " to", aside, errno);
  if (Status s = fsync_directory(root_); !s) return s;
  std::error_code ec;
  std::filesystem::remove_all(trash, ec);  // this one and any a crash left behind
  if (ec) return Error{"remove " + trash + ": " + ec.message()};
  auto uses = special_uses();
  if (!uses) return Error{uses.error()};
  auto n = std::erase_if(*uses, [&](const SpecialUse& u) { return u.second == name; });
  return n ? save_special_uses(*uses) : Status::ok();
}

Status MailboxTree::move_inbox_messages(const std::string& to_path) const {
  auto lock = IndexLock::acquire(root_);  // INBOX's own: no flag change renames meanwhile
  if (!lock) return Error{lock.error()};
  std::string keywords = root_ + "/" + kKeywordsFile;
  if (path_exists(keywords)) {  // the letters mean the same keywords over there
    auto text = read_file_bounded(keywords, 64 * 1024);
    if (!text) return Error{text.error()};
    if (Status s = replace_file_atomically(to_path + "/" + kKeywordsFile, *text, 0600); !s) return s;
  }
  for (const char* sub : {"/new", "/cur"}) {
    std::vector<std::string> names;
    if (Status s = for_each_name(root_ + sub, false, [&](std::string_view n) { names.emplace_back(n); }); !s) return s;
    for (const auto& n : names) {
      std::string from = root_ + sub + "/" + n, to = to_path + sub + "/" + n;
      if (::rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT) return sys_error("rename " + from + " to", to, errno);
    }
    if (Status s = fsync_directory(to_path + sub); !s) return s;
    if (Status s = fsync_directory(root_ + sub); !s) return s;
  }
  return Status::ok();
}

Status MailboxTree::rename(std::string_view from, std::string_view to) {
  if (is_inbox(to)) return Error{"cannot rename to INBOX"};
  auto to_dir = folder_dir_name(to);
  if (!to_dir) return Error{to_dir.error()};
  if (is_inbox(from)) {
    if (Status s = create(to); !s) return s;
    auto to_path = path_of(to);
    return to_path ? move_inbox_messages(*to_path) : Status(Error{to_path.error()});
  }
  if (auto d = folder_dir_name(from); !d) return Error{d.error()};
  auto lock = IndexLock::acquire(root_, kTreeLock);
  if (!lock) return Error{lock.error()};
  auto names = folder_names();
  if (!names) return Error{names.error()};
  std::vector<std::string> moving;  // sorted: parents before children
  for (const auto& n : *names) {
    if (n == from || under(n, from)) moving.push_back(n);
  }
  if (moving.empty()) return Error{"folder '" + std::string(from) + "' does not exist"};
  for (const auto& n : *names) {
    if (n == to || under(n, to)) return Error{"folder '" + std::string(to) + "' exists already"};
  }
  for (const auto& n : moving) {
    auto a = path_of(n), b = path_of(renamed(n, from, to));
    if (!a || !b) return Error{!a ? a.error() : b.error()};
    if (::rename(a->c_str(), b->c_str()) != 0) return sys_error("rename " + *a + " to", *b, errno);
  }
  auto inbox = Maildir::open(root_);  // missing parents of the new name: created, as RFC 3501 says
  if (!inbox) return Error{inbox.error()};
  if (Status s = make_parents(*inbox, *to_dir); !s) return s;
  if (Status s = fsync_directory(root_); !s) return s;
  auto follow = [&](std::string& n) {
    if (n == from || under(n, from)) n = renamed(n, from, to);
  };
  auto uses = special_uses();
  if (!uses) return Error{uses.error()};
  for (auto& u : *uses) follow(u.second);
  if (Status s = save_special_uses(*uses); !s) return s;
  auto subs = subscriptions();
  if (!subs) return Error{subs.error()};
  for (auto& n : *subs) follow(n);
  return save_subscriptions(*subs);
}

Status MailboxTree::set_subscribed(std::string_view name, bool subscribed) {
  std::string n = is_inbox(name) ? std::string("INBOX") : std::string(name);
  if (!is_inbox(n)) {
    if (auto d = folder_dir_name(n); !d) return Error{d.error()};
  }
  auto lock = IndexLock::acquire(root_, kTreeLock);
  if (!lock) return Error{lock.error()};
  auto subs = subscriptions();
  if (!subs) return Error{subs.error()};
  auto it = std::find(subs->begin(), subs->end(), n);
  if (subscribed == (it != subs->end())) return Status::ok();
  if (subscribed) subs->push_back(n);
  else subs->erase(it);
  return save_subscriptions(*subs);
}

}  // namespace hamail::mailsvc::store

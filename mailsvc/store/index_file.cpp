#include "hamail/mailsvc/store/index_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "hamail/mailsvc/store/fs.h"
#include "hamail/mailsvc/store/index_text.h"
#include "hamail/mailsvc/store/modseq_mark.h"

namespace hamail::mailsvc::store {

Result<IndexLock> IndexLock::acquire(const std::string& maildir, const char* lock_file) {
  std::string path = maildir + "/" + lock_file;
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return sys_error("open", path, errno);
  int rc;
  do rc = ::flock(fd, LOCK_EX);
  while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    int err = errno;
    ::close(fd);
    return sys_error("lock", path, err);
  }
  return IndexLock(fd);
}

IndexLock::~IndexLock() {
  if (fd_ >= 0) ::close(fd_);  // closing drops the flock
}

Result<LoadedIndex> load_index_file(const std::string& maildir, std::uint32_t now) {
  std::string file = maildir + "/" + kIndexFile;
  auto text = read_file_bounded(file, kMaxIndexFileBytes);
  if (!text) {
    if (::access(file.c_str(), F_OK) != 0 && errno == ENOENT) return LoadedIndex{MailboxIndex::fresh(now), true, {}};
    return Error{text.error()};
  }
  auto parsed = MailboxIndex::parse(*text, file);
  if (parsed) {
    auto mark = load_modseq_mark(maildir);
    if (!mark) return Error{mark.error()};
    if (!*mark || (*mark)->boot_id == current_boot_id()) return LoadedIndex{std::move(*parsed), false, {}};
    parsed->raise_highest_modseq((*mark)->highest);  // written in another boot: maybe lost writes
    return LoadedIndex{std::move(*parsed), true, {}};
  }
  std::string_view first = std::string_view(*text).substr(0, text->find('\n'));
  if (first.starts_with("hamail-uids v") && !first.starts_with("hamail-uids v1 ") &&
      !first.starts_with("hamail-uids v2 ")) {
    return Error{file + ":1: written by a newer version ('" + std::string(first.substr(0, 16)) +
                 "'): not read, not replaced"};
  }
  std::string aside = maildir + "/" + kCorruptIndexFile;
  if (::rename(file.c_str(), aside.c_str()) != 0) return sys_error("rename " + file + " to", aside, errno);
  std::uint32_t old = MailboxIndex::header_uidvalidity(*text).value_or(0);
  std::uint32_t uidvalidity = old == UINT32_MAX ? now : std::max(now, old + 1);
  if (uidvalidity == old) uidvalidity = old + 1;
  return LoadedIndex{MailboxIndex::fresh(uidvalidity), true,
                     parsed.error() + " (kept as " + aside + "; new UIDVALIDITY " + std::to_string(uidvalidity) + ")"};
}

Status save_index_file(const std::string& maildir, const MailboxIndex& index, IndexDurability durability) {
  auto mark = load_modseq_mark(maildir);
  if (!mark) return Error{mark.error()};
  if (!*mark || (*mark)->boot_id != current_boot_id() || (*mark)->highest < index.highest_modseq()) {
    ModseqMark next{index.highest_modseq() + kModseqMarkMargin, current_boot_id()};
    if (*mark && (*mark)->highest > next.highest) next.highest = (*mark)->highest;  // never lowered
    if (Status s = save_modseq_mark(maildir, next); !s) return s;
  }
  // One text buffer per thread, reused: STORE rewrites the whole index per command
  // (README.md, "STORE fast path"); a buffer grown past kKeptTextBytes is given back.
  constexpr std::size_t kKeptTextBytes = 4u << 20;
  thread_local std::string text;
  serialize_index_into(index, text);
  std::string path = maildir + "/" + kIndexFile;
  Status s = durability == IndexDurability::durable ? replace_file_atomically(path, text, 0600)
                                                    : replace_file_unsynced(path, text, 0600);
  if (text.capacity() > kKeptTextBytes) std::string().swap(text);
  return s;
}

Result<KeywordList> load_keywords_file(const std::string& maildir) {
  std::string file = maildir + "/" + kKeywordsFile;
  auto text = read_file_bounded(file, 64 * 1024);
  if (!text) {
    if (::access(file.c_str(), F_OK) != 0 && errno == ENOENT) return KeywordList();
    return Error{text.error()};
  }
  return KeywordList::parse(*text, file);
}

Status save_keywords_file(const std::string& maildir, const KeywordList& keywords) {
  return replace_file_atomically(maildir + "/" + kKeywordsFile, keywords.serialize(), 0600);
}

}  // namespace hamail::mailsvc::store

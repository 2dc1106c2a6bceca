#include "hamail/mailsvc/store/index_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
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

namespace {

// hamail-modseq above `highest` and from this boot, else rewritten durably (modseq_mark.h).
Status ensure_modseq_mark(const std::string& maildir, std::uint64_t highest) {
  auto mark = load_modseq_mark(maildir);
  if (!mark) return Error{mark.error()};
  if (*mark && (*mark)->boot_id == current_boot_id() && (*mark)->highest >= highest) return Status::ok();
  ModseqMark next{highest + kModseqMarkMargin, current_boot_id()};
  if (*mark && (*mark)->highest > next.highest) next.highest = (*mark)->highest;  // never lowered
  return save_modseq_mark(maildir, next);
}

struct LogBytes {
  std::string text;
  std::uint64_t ino = 0;
};

// The log's bytes from offset on; nullopt when there is no log file.
Result<std::optional<LogBytes>> read_log(const std::string& file, std::uint64_t offset) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<LogBytes>();
    return sys_error("open", file, errno);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return sys_error("stat", file, err);
  }
  LogBytes out{{}, static_cast<std::uint64_t>(st.st_ino)};
  std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
  if (size > kMaxIndexFileBytes) {
    ::close(fd);
    return Error{file + ": larger than " + std::to_string(kMaxIndexFileBytes) + " bytes"};
  }
  if (size > offset) {
    out.text.resize(size - offset);
    std::size_t done = 0;
    while (done < out.text.size()) {
      ssize_t n = ::pread(fd, out.text.data() + done, out.text.size() - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        int err = errno;
        ::close(fd);
        return sys_error("read", file, err);
      }
      if (n == 0) break;  // shorter than fstat said
      done += static_cast<std::size_t>(n);
    }
    out.text.resize(done);
  }
  ::close(fd);
  return std::optional<LogBytes>(std::move(out));
}

// Applies hamail-uids.log to a freshly parsed index (see load_index_file).
Status apply_log_file(const std::string& maildir, LoadedIndex& loaded,
                      const std::optional<ModseqMark>& mark) {
  std::string file = maildir + "/" + kIndexLogFile;
  auto bytes = read_log(file, 0);
  if (!bytes) return Error{bytes.error()};
  if (!*bytes) return Status::ok();
  auto ignore = [&](std::string why, bool raise) {
    loaded.must_save = true;  // the next save folds in what was applied and removes the log
    loaded.log_ignored = std::move(why);
    if (raise && mark) loaded.index.raise_highest_modseq(mark->highest);  // its modseqs may have been seen
  };
  auto parsed = parse_index_log((*bytes)->text, loaded.log.tie, file);
  if (!parsed) {
    ignore(parsed.error(), true);
    return Status::ok();
  }
  if (!parsed->belongs) {
    bool no_header = parsed->header_bytes == 0;  // empty, or the header cut short
    ignore(file + ": " + (no_header ? "no complete header" : "written for another index"), false);
    return Status::ok();
  }
  std::size_t applied_lines = 0;
  std::uint64_t applied_bytes = parsed->header_bytes;
  for (const auto& record : parsed->body.records) {
    if (Status s = loaded.index.apply_log_record(record); !s) {
      ignore(file + ":" + std::to_string(2 + applied_lines) + ": " + s.message(), true);
      return Status::ok();
    }
    ++applied_lines;
  }
  applied_bytes += parsed->body.used_bytes;
  loaded.log.bytes = applied_bytes;
  loaded.log.ino = (*bytes)->ino;
  loaded.log.lines = 1 + applied_lines;
  if (parsed->body.torn_tail) ignore(file + ": last record cut short (ignored)", false);
  return Status::ok();
}

}  // namespace

std::uint64_t index_log_bound(std::uint64_t index_bytes) { return std::max<std::uint64_t>(32u << 10, index_bytes / 2); }

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
    LoadedIndex out{std::move(*parsed), false, {}, {}, {}};
    out.log.tie = tie_of_index_text(*text);
    if (Status s = apply_log_file(maildir, out, *mark); !s) return Error{s.message()};
    if (*mark && (*mark)->boot_id != current_boot_id()) {
      out.index.raise_highest_modseq((*mark)->highest);  // written in another boot: maybe lost writes
      out.must_save = true;
    }
    return out;
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
                     parsed.error() + " (kept as " + aside + "; new UIDVALIDITY " + std::to_string(uidvalidity) + ")",
                     {}, {}};
}

Result<bool> apply_index_log_tail(const std::string& maildir, MailboxIndex& index, IndexLogPosition& pos) {
  if (pos.bytes == 0) return false;  // a new log: its header is checked by a whole load
  std::string file = maildir + "/" + kIndexLogFile;
  auto bytes = read_log(file, pos.bytes);
  if (!bytes) return Error{bytes.error()};
  if (!*bytes || (*bytes)->ino != pos.ino) return false;
  auto parsed = parse_index_log_records((*bytes)->text, pos.lines + 1, file);
  if (!parsed || parsed->torn_tail) return false;
  for (const auto& record : parsed->records)
    if (!index.apply_log_record(record)) return false;
  pos.bytes += parsed->used_bytes;
  pos.lines += parsed->lines;
  return true;
}

Status append_index_log(const std::string& maildir, const IndexLogRecord& record, IndexLogPosition& pos) {
  if (Status s = ensure_modseq_mark(maildir, record.modseq); !s) return s;
  std::string file = maildir + "/" + kIndexLogFile;
  std::string text;
  if (pos.bytes == 0) text = index_log_header(pos.tie);
  append_index_log_record(record, text);
  int fd = pos.bytes == 0 ? ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)
                          : ::open(file.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return sys_error("open", file, errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return sys_error("stat", file, err);
  }
  if (pos.bytes != 0 && (static_cast<std::uint64_t>(st.st_ino) != pos.ino ||
                         static_cast<std::uint64_t>(st.st_size) != pos.bytes)) {
    ::close(fd);
    return Error{file + ": not the log this index was read with (" + std::to_string(st.st_size) + " bytes, " +
                 std::to_string(pos.bytes) + " expected)"};
  }
  if (pos.bytes == 0) {  // the index's owner and group (ignored when not permitted)
    struct stat index {};
    if (::stat((maildir + "/" + kIndexFile).c_str(), &index) == 0) (void)!::fchown(fd, index.st_uid, index.st_gid);
    (void)!::fchmod(fd, 0600);
  }
  if (Status s = write_all(fd, text, file); !s) {
    (void)!::ftruncate(fd, static_cast<off_t>(pos.bytes));  // no torn record left behind
    ::close(fd);
    return s;
  }
  ::close(fd);
  pos.ino = static_cast<std::uint64_t>(st.st_ino);
  pos.bytes += text.size();
  pos.lines += pos.bytes == text.size() ? 2 : 1;  // a new log: its header too
  return Status::ok();
}

Status save_index_file(const std::string& maildir, const MailboxIndex& index, IndexDurability durability,
                       IndexLogPosition* log) {
  if (Status s = ensure_modseq_mark(maildir, index.highest_modseq()); !s) return s;
  // One text buffer per thread, reused: STORE rewrites the whole index per command
  // (README.md, "STORE fast path"); a buffer grown past kKeptTextBytes is given back.
  constexpr std::size_t kKeptTextBytes = 4u << 20;
  thread_local std::string text;
  serialize_index_into(index, text);
  std::string path = maildir + "/" + kIndexFile;
  Status s = durability == IndexDurability::durable ? replace_file_atomically(path, text, 0600)
                                                    : replace_file_unsynced(path, text, 0600);
  if (s && log) *log = IndexLogPosition{tie_of_index_text(text), 0, 0, 0};
  if (text.capacity() > kKeptTextBytes) std::string().swap(text);
  if (!s) return s;
  // Folded in: the log goes (one left by a crash here names the old index: never applied).
  std::string log_file = maildir + "/" + kIndexLogFile;
  if (::unlink(log_file.c_str()) != 0 && errno != ENOENT) return sys_error("delete", log_file, errno);
  return Status::ok();
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

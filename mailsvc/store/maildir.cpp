#include "hamail/mailsvc/store/maildir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <random>

#include "hamail/mailsvc/store/fs.h"
#include "hamail/mailsvc/store/index_file.h"
#include "hamail/mailsvc/store/maildir_name.h"

namespace hamail::mailsvc::store {

namespace {

constexpr mode_t kDirMode = 0700;
constexpr mode_t kFileMode = 0600;
constexpr int kMaxNameAttempts = 8;

std::uint64_t random64() {
  std::uint64_t v = 0;
  if (::getrandom(&v, sizeof v, 0) == static_cast<ssize_t>(sizeof v)) return v;
  std::random_device rd;
  return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

// Names in a directory (regular entries not starting with '.'), sorted.
Result<std::vector<std::string>> read_names(const std::string& dir, bool want_dirs) {
  std::vector<std::string> out;
  Status s = for_each_name(dir, false, [&](std::string_view n) {
    if (want_dirs == (n[0] == '.')) out.emplace_back(n);
  });
  if (!s) return Error{s.message()};
  std::sort(out.begin(), out.end());
  return out;
}

Status make_directories(const std::string& path) {
  // mkdir -p: every missing prefix, 0700.
  for (std::size_t i = 1; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      if (Status s = make_directory(path.substr(0, i), kDirMode); !s) return s;
    }
  }
  return Status::ok();
}

}  // namespace

Status check_folder_name(std::string_view name) {
  std::string n(name);
  if (name.empty()) return Error{"empty folder name"};
  if (name.front() == '.' || name.back() == '.' || n.find("..") != std::string::npos) {
    return Error{"bad folder name '" + n + "': leading, trailing or doubled '.'"};
  }
  for (char c : name) {
    if (c == '/' || static_cast<unsigned char>(c) <= ' ') {
      return Error{"bad folder name '" + n + "': contains '/', a space or a control character"};
    }
  }
  return Status::ok();
}

Result<Maildir> Maildir::open_checked(const std::string& path) {
  for (const char* sub : {"tmp", "new", "cur"}) {
    struct stat st {};
    std::string p = path + "/" + sub;
    if (::stat(p.c_str(), &st) != 0) return Error{"not a Maildir: " + sys_error("stat", p, errno).message};
    if (!S_ISDIR(st.st_mode)) return Error{"not a Maildir: " + p + " is not a directory"};
  }
  return Maildir(path, UniqueNameGenerator(host_name(), ::getpid()));
}

Result<Maildir> Maildir::create(const std::string& path) {
  if (path.empty()) return Error{"create Maildir: empty path"};
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  if (Status s = make_directories(p); !s) return Error{s.message()};
  for (const char* sub : {"tmp", "new", "cur"}) {
    if (Status s = make_directory(p + "/" + sub, kDirMode); !s) return Error{s.message()};
  }
  if (Status s = fsync_directory(p); !s) return Error{s.message()};
  return open_checked(p);
}

Result<Maildir> Maildir::open(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return open_checked(p);
}

Result<Maildir> Maildir::create_folder(std::string_view name) const {
  if (Status s = check_folder_name(name); !s) return Error{s.message()};
  std::string p = path_ + "/." + std::string(name);
  if (Status s = make_directory(p, kDirMode); !s) return Error{s.message()};
  for (const char* sub : {"tmp", "new", "cur"}) {
    if (Status s = make_directory(p + "/" + sub, kDirMode); !s) return Error{s.message()};
  }
  // Maildir++ marks a folder with an empty "maildirfolder" file.
  int fd = ::open((p + "/maildirfolder").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, kFileMode);
  if (fd < 0) return sys_error("create", p + "/maildirfolder", errno);
  ::close(fd);
  if (Status s = fsync_directory(p); !s) return Error{s.message()};
  if (Status s = fsync_directory(path_); !s) return Error{s.message()};
  return open_checked(p);
}

Result<Maildir> Maildir::folder(std::string_view name) const {
  if (Status s = check_folder_name(name); !s) return Error{s.message()};
  return open_checked(path_ + "/." + std::string(name));
}

Result<std::vector<std::string>> Maildir::list_folders() const {
  auto names = read_names(path_, true);
  if (!names) return names;
  std::vector<std::string> out;
  for (const auto& n : *names) {
    struct stat st {};
    std::string p = path_ + "/" + n;
    if (::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) out.push_back(n.substr(1));
  }
  return out;
}

Result<Delivery> Maildir::begin_delivery(std::optional<std::uint64_t> token) {
  for (int attempt = 0; attempt < kMaxNameAttempts; ++attempt) {
    struct timeval tv {};
    ::gettimeofday(&tv, nullptr);
    std::string name = names_.next(tv.tv_sec, tv.tv_usec, random64(), token);
    std::string tmp = path_ + "/tmp/" + name;
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kFileMode);
    if (fd >= 0) return Delivery(path_, std::move(name), fd);
    if (errno != EEXIST) return sys_error("create", tmp, errno);
  }
  return Error{"create a file in " + path_ + "/tmp: no unique name after " + std::to_string(kMaxNameAttempts) +
               " attempts"};
}

Result<std::string> Maildir::deliver(std::string_view message) {
  auto d = begin_delivery();
  if (!d) return Error{d.error()};
  if (Status s = d->write(message); !s) return Error{s.message()};
  return d->commit();
}

Result<std::vector<MessageInfo>> Maildir::list() const {
  std::vector<MessageInfo> out;
  for (bool in_new : {true, false}) {
    std::string dir = path_ + (in_new ? "/new" : "/cur");
    auto names = read_names(dir, false);
    if (!names) return Error{names.error()};
    for (auto& n : *names) {
      if (!check_message_name(n)) continue;  // not ours to serve (and unsafe in the UID file)
      struct stat st {};
      std::string p = dir + "/" + n;
      if (::stat(p.c_str(), &st) != 0) {
        if (errno == ENOENT) continue;  // removed or renamed meanwhile
        return sys_error("stat", p, errno);
      }
      if (!S_ISREG(st.st_mode)) continue;
      MaildirName parts = split_name(n);
      out.push_back({n, parts.base, in_new ? "" : parts.flags, in_new, static_cast<std::uint64_t>(st.st_size)});
    }
  }
  std::sort(out.begin(), out.end(), [](const MessageInfo& a, const MessageInfo& b) {
    return a.base != b.base ? a.base < b.base : a.name < b.name;
  });
  return out;
}

Result<MessageInfo> Maildir::find(std::string_view name) const {
  if (Status s = check_message_name(name); !s) return Error{s.message()};
  // Fast path: the exact current name (one stat per subdirectory, no directory scan).
  for (bool in_new : {true, false}) {
    struct stat st {};
    std::string p = path_ + (in_new ? "/new/" : "/cur/") + std::string(name);
    if (::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      MaildirName parts = split_name(name);
      return MessageInfo{std::string(name), parts.base, in_new ? "" : parts.flags, in_new,
                         static_cast<std::uint64_t>(st.st_size)};
    }
  }
  std::string base = split_name(name).base;
  auto all = list();
  if (!all) return Error{all.error()};
  const MessageInfo* by_base = nullptr;
  for (const auto& m : *all) {
    if (m.name == name) return m;
    if (m.base == base && !by_base) by_base = &m;
  }
  if (by_base) return *by_base;
  return Error{"message '" + std::string(name) + "' not found in " + path_};
}

Result<std::string> Maildir::read(std::string_view name, std::size_t max_bytes) const {
  auto m = find(name);
  if (!m) return Error{m.error()};
  return read_file_bounded(path_ + (m->in_new ? "/new/" : "/cur/") + m->name, max_bytes);
}

Status Maildir::remove(std::string_view name) {
  Removal r = remove_all({std::string(name)});
  if (!r.errors.empty()) return Error{r.errors};
  if (!r.missing.empty()) return Error{"message '" + std::string(name) + "' not found in " + path_};
  return Status::ok();
}

Maildir::Removal Maildir::remove_all(const std::vector<std::string>& names) {
  Removal out;
  auto fail = [&out](const std::string& why) { out.errors += (out.errors.empty() ? "" : "; ") + why; };
  bool in_new = false, in_cur = false;
  for (const auto& name : names) {
    if (Status s = check_message_name(name); !s) {
      fail(s.message());
      continue;
    }
    auto m = find(name);
    if (!m) {
      out.missing.push_back(name);
      continue;
    }
    std::string p = path_ + (m->in_new ? "/new/" : "/cur/") + m->name;
    if (::unlink(p.c_str()) != 0) {
      if (errno == ENOENT) {
        out.missing.push_back(name);
      } else {
        fail(sys_error("delete", p, errno).message);
      }
      continue;
    }
    (m->in_new ? in_new : in_cur) = true;
    out.removed.push_back(name);
  }
  for (auto [touched, sub] : {std::pair{in_new, "/new"}, std::pair{in_cur, "/cur"}}) {
    if (!touched) continue;
    if (Status s = fsync_directory(path_ + sub); !s) fail(s.message());
  }
  return out;
}

Result<std::string> Maildir::set_flags(std::string_view name, std::string_view flags) {
  auto f = normalize_flags(flags);
  if (!f) return Error{f.error()};
  auto m = find(name);
  if (!m) return Error{m.error()};
  std::string from_dir = path_ + (m->in_new ? "/new" : "/cur");
  std::string to_name = join_name(m->base, *f);
  std::string from = from_dir + "/" + m->name, to = path_ + "/cur/" + to_name;
  if (from == to) return to_name;
  if (::rename(from.c_str(), to.c_str()) != 0) return sys_error("rename " + from + " to", to, errno);
  if (Status s = fsync_directory(path_ + "/cur"); !s) return Error{s.message()};
  if (m->in_new) {
    if (Status s = fsync_directory(from_dir); !s) return Error{s.message()};
  }
  return to_name;
}

Result<MailboxIndex> Maildir::sync_uids() {
  auto lock = IndexLock::acquire(path_);
  if (!lock) return Error{lock.error()};
  auto loaded = load_index_file(path_, static_cast<std::uint32_t>(std::time(nullptr)));
  if (!loaded) return Error{loaded.error()};
  auto msgs = list();
  if (!msgs) return Error{msgs.error()};
  std::vector<PresentMessage> present;
  present.reserve(msgs->size());
  for (auto& m : *msgs) present.push_back({std::move(m.base), std::move(m.flags)});
  if (loaded->index.sync(present) || loaded->must_save) {
    if (Status s = save_index_file(path_, loaded->index); !s) return Error{s.message()};
  }
  return std::move(loaded->index);
}

}  // namespace hamail::mailsvc::store

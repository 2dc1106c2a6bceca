#include "hamail/mailsvc/smtpd/queue.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <utility>

#include "hamail/mailsvc/store/fs.h"

namespace hamail::mailsvc::smtpd {

using store::sys_error;

const char* to_string(QueuedRecipient::State s) {
  switch (s) {
    case QueuedRecipient::State::pending: return "pending";
    case QueuedRecipient::State::done: return "done";
    case QueuedRecipient::State::remote: return "remote";
    case QueuedRecipient::State::failed: return "failed";
    case QueuedRecipient::State::bounced: return "bounced";
  }
  return "?";
}

bool QueueEnvelope::has_state(QueuedRecipient::State s) const {
  return std::any_of(recipients.begin(), recipients.end(), [&](const auto& r) { return r.state == s; });
}

namespace {

std::string one_field(std::string_view v) {
  std::string out(v.substr(0, 2000));
  for (auto& c : out)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  return out;
}

Result<std::int64_t> parse_number(std::string_view v, const std::string& where) {
  std::int64_t n = 0;
  if (v.empty() || v.size() > 18) return Error{where + "expected a number, got '" + std::string(v) + "'"};
  for (char c : v) {
    if (c < '0' || c > '9') return Error{where + "expected a number, got '" + std::string(v) + "'"};
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace

std::string serialize_envelope(const QueueEnvelope& env) {
  std::string out = "hamail-queue v1\n";
  out += "id " + env.id + "\n";
  out += "message_id " + env.message_id + "\n";
  out += "from " + env.from + "\n";
  out += "auth_user " + env.auth_user + "\n";
  for (const auto& r : env.rcpt_to) out += "rcpt_to " + r + "\n";
  out += "arrival " + std::to_string(env.arrival) + "\n";
  out += "attempts " + std::to_string(env.attempts) + "\n";
  out += "last_attempt " + std::to_string(env.last_attempt) + "\n";
  for (const auto& r : env.recipients) {
    out += std::string("rcpt ") + to_string(r.state) + " " + one_field(r.address);
    if (!r.status.empty() || !r.remote_mta.empty() || !r.diagnostic.empty())
      out += "\t" + one_field(r.status) + "\t" + one_field(r.remote_mta) + "\t" + one_field(r.diagnostic);
    out += "\n";
  }
  return out;
}

Result<QueueEnvelope> parse_envelope(std::string_view text, const std::string& file) {
  QueueEnvelope env;
  std::size_t line_no = 0;
  bool header = false;
  while (!text.empty()) {
    auto nl = text.find('\n');
    if (nl == std::string_view::npos) return Error{file + ": truncated (no newline at the end)"};
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    ++line_no;
    auto where = file + ":" + std::to_string(line_no) + ": ";
    if (line_no == 1) {
      if (line != "hamail-queue v1") return Error{where + "expected 'hamail-queue v1'"};
      header = true;
      continue;
    }
    auto sp = line.find(' ');
    if (sp == std::string_view::npos) return Error{where + "expected 'key value'"};
    std::string_view key = line.substr(0, sp), value = line.substr(sp + 1);
    if (key == "id") env.id = value;
    else if (key == "message_id") env.message_id = value;
    else if (key == "from") env.from = value;
    else if (key == "auth_user") env.auth_user = value;
    else if (key == "rcpt_to") env.rcpt_to.emplace_back(value);
    else if (key == "arrival" || key == "attempts" || key == "last_attempt") {
      auto n = parse_number(value, where + std::string(key) + ": ");
      if (!n) return Error{n.error()};
      if (key == "arrival") env.arrival = *n;
      else if (key == "last_attempt") env.last_attempt = *n;
      else env.attempts = static_cast<unsigned>(std::min<std::int64_t>(*n, 1000000));
    } else if (key == "rcpt") {
      auto sp2 = value.find(' ');
      if (sp2 == std::string_view::npos) return Error{where + "expected 'rcpt STATE ADDRESS'"};
      std::string_view st = value.substr(0, sp2);
      QueuedRecipient r;
      std::string_view rest = value.substr(sp2 + 1);
      auto tab = rest.find('\t');
      r.address = rest.substr(0, tab);
      if (tab != std::string_view::npos) {
        std::string_view f = rest.substr(tab + 1);
        auto t1 = f.find('\t');
        auto t2 = t1 == std::string_view::npos ? t1 : f.find('\t', t1 + 1);
        if (t2 == std::string_view::npos) return Error{where + "expected 'rcpt STATE ADDRESS<TAB>STATUS<TAB>MTA<TAB>TEXT'"};
        r.status = f.substr(0, t1);
        r.remote_mta = f.substr(t1 + 1, t2 - t1 - 1);
        r.diagnostic = f.substr(t2 + 1);
      }
      if (st == "pending") r.state = QueuedRecipient::State::pending;
      else if (st == "done") r.state = QueuedRecipient::State::done;
      else if (st == "remote") r.state = QueuedRecipient::State::remote;
      else if (st == "failed") r.state = QueuedRecipient::State::failed;
      else if (st == "bounced") r.state = QueuedRecipient::State::bounced;
      else return Error{where + "unknown recipient state '" + std::string(st) + "'"};
      env.recipients.push_back(std::move(r));
    } else {
      return Error{where + "unknown key '" + std::string(key) + "'"};
    }
  }
  if (!header) return Error{file + ": empty"};
  if (env.id.empty()) return Error{file + ": no id"};
  return env;
}

namespace {

// The envelope at the head of a .msg file: up to the first empty line.
Result<std::pair<std::string, std::size_t>> split_head(const std::string& text, const std::string& path) {
  auto end = text.find("\n\n");
  if (end == std::string::npos || end > Queue::kMaxEnvelopeBytes)
    return Error{path + ": no envelope at the head of the file"};
  return std::make_pair(text.substr(0, end + 1), end + 2);
}

}  // namespace

Status Queue::init() const { return store::make_directory(dir_, 0700); }

Status Queue::store(const QueueEnvelope& env, std::string_view message) const {
  std::string text = serialize_envelope(env) + "\n";
  text.append(message);
  if (auto s = store::replace_file(msg_path(env.id), text, 0600); !s) return s;
  return store::fsync_directory(dir_);
}

Status Queue::update(const QueueEnvelope& env) const {
  return store::replace_file_atomically(env_path(env.id), serialize_envelope(env), 0600);
}

Status Queue::remove(const std::string& id) const {
  if (::unlink(msg_path(id).c_str()) != 0 && errno != ENOENT) return sys_error("unlink", msg_path(id), errno);
  if (auto s = store::fsync_directory(dir_); !s) return s;
  // No second fsync: a .env left by a crash here has no .msg and goes at the next start.
  if (::unlink(env_path(id).c_str()) != 0 && errno != ENOENT) return sys_error("unlink", env_path(id), errno);
  return Status::ok();
}

Status Queue::remove_orphan(const std::string& id) const {
  for (const auto& p : {env_path(id), msg_path(id)})
    if (::unlink(p.c_str()) != 0 && errno != ENOENT) return sys_error("unlink", p, errno);
  return store::fsync_directory(dir_);
}

QueuedMessageFile::QueuedMessageFile(QueuedMessageFile&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)), offset_(o.offset_), size_(o.size_), path_(std::move(o.path_)) {}

QueuedMessageFile::~QueuedMessageFile() {
  if (fd_ >= 0) ::close(fd_);
}

Status QueuedMessageFile::copy_to(const std::function<Status(std::string_view)>& sink) const {
  std::string buf(64 * 1024, '\0');
  std::uint64_t done = 0;
  while (done < size_) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), size_ - done));
    ssize_t n = ::pread(fd_, buf.data(), want, static_cast<off_t>(offset_ + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error("read", path_, errno);
    if (n == 0) return Error{"read " + path_ + ": shorter than when it was opened"};
    if (Status s = sink(std::string_view(buf.data(), static_cast<std::size_t>(n))); !s) return s;
    done += static_cast<std::uint64_t>(n);
  }
  return Status::ok();
}

Result<QueuedMessageFile> Queue::open_message(const std::string& id) const {
  std::string path = msg_path(id);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return sys_error("open", path, errno);
  QueuedMessageFile file(fd, path);
  std::string head(kMaxEnvelopeBytes + 2, '\0');
  ssize_t n = ::pread(fd, head.data(), head.size(), 0);
  if (n < 0) return sys_error("read", path, errno);
  head.resize(static_cast<std::size_t>(n));
  auto split = split_head(head, path);
  if (!split) return Error{split.error()};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return sys_error("stat", path, errno);
  file.offset_ = split->second;
  file.size_ = static_cast<std::uint64_t>(st.st_size) > file.offset_ ? st.st_size - file.offset_ : 0;
  return file;
}

Result<std::string> Queue::read_message_start(const std::string& id, std::size_t max_bytes) const {
  auto file = open_message(id);
  if (!file) return Error{file.error()};
  std::string out;
  Status s = file->copy_to([&](std::string_view piece) -> Status {
    out.append(piece.substr(0, max_bytes - out.size()));
    return out.size() < max_bytes ? Status::ok() : Status(Error{"enough"});
  });
  if (!s && out.size() < max_bytes) return Error{s.message()};
  return out;
}

Result<std::size_t> Queue::remove_temporaries() const {
  DIR* d = ::opendir(dir_.c_str());
  if (!d) return sys_error("opendir", dir_, errno);
  std::vector<std::string> stale;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.find(".tmp") != std::string::npos) stale.push_back(name);
  }
  ::closedir(d);
  for (const auto& name : stale) {
    std::string p = dir_ + "/" + name;
    if (::unlink(p.c_str()) != 0 && errno != ENOENT) return sys_error("unlink", p, errno);
  }
  return stale.size();
}

Result<QueueEnvelope> Queue::load(const std::string& id) const {
  if (store::path_exists(env_path(id))) {
    auto text = store::read_file_bounded(env_path(id), kMaxEnvelopeBytes);
    if (!text) return Error{text.error()};
    auto env = parse_envelope(*text, env_path(id));
    if (env)
      if (auto m = open_message(id)) env->message_bytes = m->size();  // no .msg: an orphan, size 0
    return env;
  }
  int fd = ::open(msg_path(id).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return sys_error("open", msg_path(id), errno);
  std::string head(kMaxEnvelopeBytes + 2, '\0');
  ssize_t n = ::pread(fd, head.data(), head.size(), 0);
  int err = errno;
  struct stat st {};
  bool sized = n >= 0 && ::fstat(fd, &st) == 0;
  if (n >= 0 && !sized) err = errno;
  ::close(fd);
  if (n < 0) return sys_error("read", msg_path(id), err);
  if (!sized) return sys_error("stat", msg_path(id), err);
  head.resize(static_cast<std::size_t>(n));
  auto split = split_head(head, msg_path(id));
  if (!split) return Error{split.error()};
  auto env = parse_envelope(split->first, msg_path(id));
  if (env && static_cast<std::uint64_t>(st.st_size) > split->second) env->message_bytes = st.st_size - split->second;
  return env;
}

Result<std::string> Queue::read_message(const std::string& id, std::size_t max_bytes) const {
  auto text = store::read_file_bounded(msg_path(id), max_bytes + kMaxEnvelopeBytes);
  if (!text) return Error{text.error()};
  auto split = split_head(*text, msg_path(id));
  if (!split) return Error{split.error()};
  return text->substr(split->second);
}

Result<std::vector<std::string>> Queue::list(std::vector<std::string>* orphans) const {
  DIR* d = ::opendir(dir_.c_str());
  if (!d) return sys_error("opendir", dir_, errno);
  std::vector<std::string> envs, msgs;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    auto ends = [&](const char* suf) {
      std::string s = suf;
      return name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
    };
    if (name.find('.') != name.rfind('.') || name[0] == '.') continue;  // temporaries, dot files
    if (ends(".env")) envs.push_back(name.substr(0, name.size() - 4));
    else if (ends(".msg")) msgs.push_back(name.substr(0, name.size() - 4));
  }
  ::closedir(d);
  std::sort(envs.begin(), envs.end());
  std::sort(msgs.begin(), msgs.end());
  if (orphans) {
    orphans->clear();
    std::set_difference(envs.begin(), envs.end(), msgs.begin(), msgs.end(), std::back_inserter(*orphans));
  }
  return msgs;
}

std::string new_queue_id(unsigned counter) {
  timeval tv{};
  ::gettimeofday(&tv, nullptr);
  std::uint32_t rnd = 0;
  if (::getrandom(&rnd, sizeof rnd, 0) != sizeof rnd) rnd = static_cast<std::uint32_t>(tv.tv_usec) * 2654435761u;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%09llX%05lX%04X%04X%08X", static_cast<unsigned long long>(tv.tv_sec),
                static_cast<unsigned long>(tv.tv_usec), static_cast<unsigned>(::getpid() & 0xffff),
                counter & 0xffffu, rnd);
  return buf;
}

}  // namespace hamail::mailsvc::smtpd

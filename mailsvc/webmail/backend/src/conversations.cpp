// StoreMailAccess::conversations: the folder's messages grouped as imapd's THREAD=REFERENCES
// groups them (mime/thread.h), from each message's Message-ID, References, In-Reply-To,
// base subject and date, read from its header once and cached by (folder, UIDVALIDITY, UID).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <map>
#include <tuple>

#include "hamail/mailsvc/mime/message.h"
#include "hamail/mailsvc/mime/sort_keys.h"
#include "hamail/mailsvc/mime/thread.h"
#include "hamail/mailsvc/webmailbackend/store_mail_access.h"

namespace hamail::mailsvc::webmailbackend {

// The thread keys of messages already read (a header never changes under its UID);
// cleared whole past kMaxCachedSummaries, as the summaries are.
struct ThreadKeyCache {
  std::mutex mutex;
  std::map<std::tuple<std::string, std::uint32_t, std::uint32_t>, mime::ThreadInput> keys;
};

namespace {

constexpr std::size_t kHeaderBytes = 64u << 10;

// The header block of the file (its first 64 KiB at most), ending in an empty line.
std::optional<std::string> read_header(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string out;
  char buf[16384];
  while (out.size() < kHeaderBytes) {
    ssize_t n = ::read(fd, buf, std::min(sizeof buf, kHeaderBytes - out.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.find("\n\n") != std::string::npos || out.find("\r\n\r\n") != std::string::npos) break;
  }
  ::close(fd);
  std::size_t end = out.find("\r\n\r\n");
  if (end == std::string::npos) end = out.find("\n\n");
  if (end != std::string::npos) out.resize(end);
  out.append("\r\n\r\n");
  return out;
}

mime::ThreadInput thread_key(const std::string& header, std::int64_t internal_date) {
  mime::ThreadInput in;
  in.sent_date = internal_date;
  auto msg = mime::MimeMessage::parse(header);
  if (msg) mime::read_thread_keys(*msg, in);  // as imapd's THREAD reads them
  return in;
}

// Depth-first from the root; a placeholder (number 0) gives its children its own depth.
void flatten(const mime::ThreadNode& node, std::uint32_t depth, webmail::Conversation& out) {
  if (node.number != 0) out.push_back({node.number, depth});
  std::uint32_t below = node.number != 0 ? depth + 1 : depth;
  for (const mime::ThreadNode& child : node.children) flatten(child, below, out);
}

}  // namespace

Result<std::optional<std::vector<webmail::Conversation>>> StoreMailAccess::conversations(const std::string& user,
                                                                                       const std::string& folder) {
  std::shared_ptr<ThreadKeyCache> cache;
  {
    std::lock_guard lock(thread_keys_mutex_);
    if (!thread_keys_) thread_keys_ = std::make_shared<ThreadKeyCache>();
    cache = thread_keys_;
  }
  auto opened = open_folder(user, folder);
  if (!opened) return Error{opened.error()};
  if (!opened->mailbox) return std::optional<std::vector<webmail::Conversation>>();
  store::Mailbox& mb = *opened->mailbox;
  std::vector<mime::ThreadInput> inputs;
  for (std::uint32_t uid : mb.uids()) {
    auto key = std::make_tuple(mb.path(), mb.uidvalidity(), uid);
    std::optional<mime::ThreadInput> in;
    {
      std::lock_guard lock(cache->mutex);
      if (auto it = cache->keys.find(key); it != cache->keys.end()) in = it->second;
    }
    if (!in) {
      auto path = mb.file_path(uid);
      auto date = mb.internal_date(uid);
      if (!path || !date) continue;  // expunged meanwhile
      auto header = read_header(*path);
      if (!header) continue;
      in = thread_key(*header, *date);
      std::lock_guard lock(cache->mutex);
      if (cache->keys.size() >= kMaxCachedSummaries) cache->keys.clear();
      cache->keys.emplace(key, *in);
    }
    in->number = uid;
    inputs.push_back(std::move(*in));
  }
  std::vector<webmail::Conversation> out;
  for (const mime::ThreadNode& root : mime::thread_references(inputs)) {
    webmail::Conversation c;
    flatten(root, 0, c);
    if (!c.empty()) out.push_back(std::move(c));
  }
  return std::optional(std::move(out));
}

}  // namespace hamail::mailsvc::webmailbackend

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "hamail/mailsvc/mime/message.h"
#include "hamail/mailsvc/mime/search.h"
#include "hamail/mailsvc/webmailbackend/search_mailbox.h"
#include "hamail/mailsvc/webmailbackend/store_mail_access.h"

namespace hamail::mailsvc::webmailbackend {
namespace {

constexpr std::size_t kMaxSearchedMessageBytes = 64u << 20;  // larger ones: their first 64 MiB

// The file's first `max` bytes; nullopt when it cannot be opened (expunged meanwhile).
std::optional<std::string> read_bounded(const std::string& path, std::size_t max) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string out;
  char buf[65536];
  while (out.size() < max) {
    ssize_t n = ::read(fd, buf, std::min(sizeof buf, max - out.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

bool matches(const mime::MimeMessage& msg, const webmail::MessageSearch& s) {
  using Where = webmail::MessageSearch::Where;
  switch (s.where) {
    case Where::from: return mime::header_matches(msg, "From", s.text);
    case Where::subject: return mime::header_matches(msg, "Subject", s.text);
    case Where::to: return mime::header_matches(msg, "To", s.text) || mime::header_matches(msg, "Cc", s.text);
    case Where::body: return mime::body_matches(msg, s.text);
    case Where::all: return mime::text_matches(msg, s.text);
  }
  return false;
}

}  // namespace

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Result<webmail::SearchHits> search_mailbox(store::Mailbox& mailbox, const webmail::MessageSearch& search,
                                           const SearchClock& now_ms) {
  webmail::SearchHits hits;
  std::vector<std::uint32_t> uids = mailbox.uids();
  std::sort(uids.begin(), uids.end(), std::greater<>());
  const std::int64_t start = now_ms();
  std::uint64_t bytes_read = 0;
  for (std::size_t i = 0; i < uids.size(); ++i) {
    if (hits.uids.size() >= search.max_matches || bytes_read >= search.max_bytes ||
        now_ms() - start >= search.max_ms) {
      hits.truncated = true;
      break;
    }
    auto path = mailbox.file_path(uids[i]);
    if (!path) continue;
    auto bytes = read_bounded(*path, std::min<std::uint64_t>(kMaxSearchedMessageBytes, search.max_bytes - bytes_read));
    if (!bytes) continue;
    bytes_read += bytes->size();
    ++hits.scanned;
    auto msg = mime::MimeMessage::parse(*bytes);
    if (msg && matches(*msg, search)) hits.uids.push_back(uids[i]);
  }
  return hits;
}

Result<std::optional<webmail::SearchHits>> StoreMailAccess::search(const std::string& user, const std::string& folder,
                                                                   const webmail::MessageSearch& search) {
  auto opened = open_folder(user, folder);
  if (!opened) return Error{opened.error()};
  if (!opened->mailbox) return std::optional<webmail::SearchHits>();
  auto hits = search_mailbox(*opened->mailbox, search);
  if (!hits) return Error{hits.error()};
  return std::optional(std::move(*hits));
}

}  // namespace hamail::mailsvc::webmailbackend

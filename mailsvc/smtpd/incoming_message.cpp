#include "hamail/mailsvc/smtpd/incoming_message.h"

#include <fcntl.h>
#include <strings.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <utility>

#include "hamail/mailsvc/smtp/headers.h"
#include "hamail/mailsvc/store/fs.h"

namespace hamail::mailsvc::smtpd {

std::string find_message_id(std::string_view msg) {
  std::size_t pos = 0;
  while (pos < msg.size()) {
    auto eol = msg.find("\r\n", pos);
    if (eol == std::string_view::npos) eol = msg.size();
    std::string_view line = msg.substr(pos, eol - pos);
    if (line.empty()) break;
    if (line.size() > 11 && ::strncasecmp(line.data(), "message-id:", 11) == 0) {
      std::string_view v = line.substr(11);
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
      return v.empty() ? "-" : std::string(v.substr(0, 200));
    }
    pos = eol + 2;
  }
  return "-";
}

std::size_t count_received_headers(std::string_view msg) {
  std::size_t n = 0, pos = 0;
  while (pos < msg.size()) {
    auto eol = msg.find("\r\n", pos);
    if (eol == std::string_view::npos) eol = msg.size();
    std::string_view line = msg.substr(pos, eol - pos);
    if (line.empty()) break;  // end of the header section
    if (line.size() >= 9 && ::strncasecmp(line.data(), "received:", 9) == 0) ++n;
    pos = eol + 2;
  }
  return n;
}

Result<std::unique_ptr<IncomingMessage>> IncomingMessage::create(const Queue& queue, Head head) {
  std::string path = queue.incoming_path(head.envelope.id);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return store::sys_error("create", path, errno);
  return std::unique_ptr<IncomingMessage>(new IncomingMessage(queue, std::move(head), fd));
}

IncomingMessage::IncomingMessage(const Queue& queue, Head head, int fd)
    : queue_(queue), head_(std::move(head)), fd_(fd) {}

IncomingMessage::~IncomingMessage() { discard(); }

void IncomingMessage::discard() {
  if (fd_ < 0) return;
  ::close(std::exchange(fd_, -1));
  ::unlink(queue_.incoming_path(head_.envelope.id).c_str());
}

void IncomingMessage::write(std::string_view data) {
  if (!error_.empty() || too_many_hops_ || fd_ < 0) return;
  if (Status s = store::write_all(fd_, data, queue_.incoming_path(head_.envelope.id)); !s) error_ = s.message();
  size_ += data.size();
}

// The envelope (now with the message's Message-ID), our fields, then the header section
// held so far; a message with too many Received fields is refused here, unwritten.
void IncomingMessage::write_head() {
  head_written_ = true;
  hops_ = count_received_headers(header_);
  if (hops_ >= kMaxHops) {
    too_many_hops_ = true;
    header_.clear();
    return;
  }
  smtp::HeaderPresence present = smtp::scan_headers(header_);
  std::string added;
  if (!head_.message_id.empty() && !present.message_id) added += "Message-ID: " + head_.message_id + "\r\n";
  if (!head_.date.empty() && !present.date) added += "Date: " + head_.date + "\r\n";
  head_.envelope.message_id = find_message_id(added + header_);
  std::string envelope = serialize_envelope(head_.envelope) + "\n";
  if (Status s = store::write_all(fd_, envelope, queue_.incoming_path(head_.envelope.id)); !s) error_ = s.message();
  write(head_.received + added);
  write(header_);
  std::string().swap(header_);
}

void IncomingMessage::append(std::string_view data) {
  if (head_written_) return write(data);
  // The header section ends at the first empty line (CRLF CRLF, or a message starting with CRLF).
  std::size_t before = header_.size();
  header_.append(data);
  std::size_t from = before >= 3 ? before - 3 : 0;
  auto end = header_.starts_with("\r\n") ? 0 : header_.find("\r\n\r\n", from);
  if (end == std::string::npos && header_.size() <= kMaxHeaderBytes) return;
  std::size_t cut = end == std::string::npos ? header_.size() : end + (end == 0 ? 2 : 4);
  std::string rest = header_.substr(cut);
  header_.resize(cut);
  write_head();
  write(rest);
}

IncomingMessage::Finished IncomingMessage::finish() {
  Finished f;
  if (!head_written_) write_head();
  f.envelope = head_.envelope;
  f.envelope.message_bytes = size_;
  f.size = size_;
  f.hops = hops_;
  std::string tmp = queue_.incoming_path(head_.envelope.id);
  if (too_many_hops_) {
    f.outcome = Outcome::too_many_hops;
  } else if (!error_.empty()) {
    f.error = error_;
  } else if (fd_ < 0) {
    f.error = tmp + ": already finished";
  } else if (::fsync(fd_) != 0) {
    f.error = store::sys_error("fsync", tmp, errno).message;
  } else if (int fd = std::exchange(fd_, -1); ::close(fd) != 0) {
    f.error = store::sys_error("close", tmp, errno).message;
  } else if (::rename(tmp.c_str(), queue_.msg_path(head_.envelope.id).c_str()) != 0) {
    f.error = store::sys_error("rename " + tmp + " to", queue_.msg_path(head_.envelope.id), errno).message;
  } else if (Status s = store::fsync_directory(queue_.dir()); !s) {
    f.error = s.message();  // renamed but not known durable: the client retries, we may deliver twice
  } else {
    f.outcome = Outcome::queued;
  }
  if (f.outcome != Outcome::queued) discard();
  if (fd_ < 0 && f.outcome != Outcome::queued && !f.error.empty()) ::unlink(tmp.c_str());
  return f;
}

}  // namespace hamail::mailsvc::smtpd

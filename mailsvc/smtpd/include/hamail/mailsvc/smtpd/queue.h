// The on-disk queue: mail_root/queue/<id>.msg = the envelope, an empty line, then the
// message as delivered (headers added): one tmp + fsync + rename and one fsync of the
// directory before the 250. <id>.env = the envelope again, written when it changes
// (per-recipient progress, attempts); it overrides the copy in .msg. Removal takes .msg
// first (then fsync): a lone .env is what is left of a removed message, dropped at startup.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::mailsvc::smtpd {

// pending: local, not yet delivered; remote: for another domain, not yet delivered;
// done: delivered; failed: will not be delivered, the sender not yet told (a bounce is
// due); bounced: the sender was told (or there is nobody to tell: null sender).
struct QueuedRecipient {
  enum class State { pending, done, remote, failed, bounced };
  State state = State::pending;
  std::string address;     // final address (aliases already expanded)
  std::string status;      // the last enhanced status ("5.1.1", "4.4.1"), may be empty
  std::string remote_mta;  // the host that gave it, may be empty
  std::string diagnostic;  // "smtp; 550 5.1.1 ..." or "x-hamail; ...", one line
};

const char* to_string(QueuedRecipient::State s);

struct QueueEnvelope {
  std::string id;
  std::string message_id;  // "-" when the message has none
  std::string from;        // empty: the null reverse path
  std::string auth_user;
  std::vector<std::string> rcpt_to;  // the envelope's RCPT TO, for logs
  std::vector<QueuedRecipient> recipients;
  std::int64_t arrival = 0;     // unix seconds the 250 was given (queue lifetime counts from it)
  unsigned attempts = 0;        // delivery attempts that left something deferred
  std::int64_t last_attempt = 0;
  // Not in the envelope text: the message's size in its .msg (the `queued` record's size=),
  // set when it is queued and when it is loaded (smtpd's queue_bytes metric).
  std::uint64_t message_bytes = 0;

  bool has_state(QueuedRecipient::State s) const;
};

// "hamail-queue v1" then "key value" lines; "rcpt STATE ADDRESS" optionally followed by
// TAB STATUS TAB REMOTE_MTA TAB DIAGNOSTIC (tabs and line ends in them become spaces).
std::string serialize_envelope(const QueueEnvelope& env);
Result<QueueEnvelope> parse_envelope(std::string_view text, const std::string& file);

// A queued message's file open for reading, positioned after its envelope.
class QueuedMessageFile {
 public:
  QueuedMessageFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}  // owns fd
  QueuedMessageFile(QueuedMessageFile&& o) noexcept;
  QueuedMessageFile& operator=(QueuedMessageFile&&) = delete;
  ~QueuedMessageFile();
  std::uint64_t size() const { return size_; }  // of the message alone
  // Calls `sink` with consecutive pieces of the message (at most 64 KiB each) until the
  // end or until `sink` fails; read errors name the file.
  Status copy_to(const std::function<Status(std::string_view)>& sink) const;

 private:
  friend class Queue;
  int fd_;
  std::uint64_t offset_ = 0, size_ = 0;
  std::string path_;
};

class Queue {
 public:
  static constexpr std::size_t kMaxEnvelopeBytes = 1u << 20;

  explicit Queue(std::string dir) : dir_(std::move(dir)) {}
  Status init() const;  // creates the directory (0700)

  const std::string& dir() const { return dir_; }
  std::string msg_path(const std::string& id) const { return dir_ + "/" + id + ".msg"; }
  std::string env_path(const std::string& id) const { return dir_ + "/" + id + ".env"; }
  // A message being received (IncomingMessage): renamed to msg_path once complete.
  std::string incoming_path(const std::string& id) const { return msg_path(id) + ".tmp"; }

  Status store(const QueueEnvelope& env, std::string_view message) const;  // durable on return
  Status update(const QueueEnvelope& env) const;  // rewrites .env atomically and durably
  Status remove(const std::string& id) const;
  Result<QueueEnvelope> load(const std::string& id) const;
  Result<std::string> read_message(const std::string& id, std::size_t max_bytes) const;  // without the envelope
  // The first `max_bytes` of the message at most (a bounce quotes its header section).
  Result<std::string> read_message_start(const std::string& id, std::size_t max_bytes) const;
  // The message (without the envelope) open for reading: copied out in bounded pieces.
  Result<QueuedMessageFile> open_message(const std::string& id) const;

  // Ids with a .msg, sorted. `orphans` gets the ids with only a .env.
  Result<std::vector<std::string>> list(std::vector<std::string>* orphans) const;
  Status remove_orphan(const std::string& id) const;
  // Removes what crashes left: messages being received, envelopes being rewritten (names
  // with ".tmp"). Only at startup, before anything is received. Returns how many.
  Result<std::size_t> remove_temporaries() const;

 private:
  std::string dir_;
};

// A new queue id: 16 hex digits of time, pid, a counter and randomness.
std::string new_queue_id(unsigned counter);

}  // namespace hamail::mailsvc::smtpd

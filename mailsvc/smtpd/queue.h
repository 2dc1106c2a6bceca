// The on-disk queue: mail_root/queue/<id>.msg (the message as delivered, headers added)
// and <id>.env (envelope + per-recipient progress). Both are written tmp + fsync +
// rename + fsync dir, .msg first: a .msg without .env is a transaction that was never
// acknowledged (no 250) and is removed at startup. Removal takes .env first.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hamail/common/result.h"

namespace hamail::mailsvc::smtpd {

struct QueuedRecipient {
  enum class State { pending, done, remote, failed };
  State state = State::pending;
  std::string address;  // final address (aliases already expanded)
};

const char* to_string(QueuedRecipient::State s);

struct QueueEnvelope {
  std::string id;
  std::string message_id;  // "-" when the message has none
  std::string from;        // empty: the null reverse path
  std::string auth_user;
  std::vector<std::string> rcpt_to;  // the envelope's RCPT TO, for logs
  std::vector<QueuedRecipient> recipients;

  bool has_state(QueuedRecipient::State s) const;
};

// "hamail-queue v1" then "key value" lines; "rcpt STATE ADDRESS".
std::string serialize_envelope(const QueueEnvelope& env);
Result<QueueEnvelope> parse_envelope(std::string_view text, const std::string& file);

class Queue {
 public:
  static constexpr std::size_t kMaxEnvelopeBytes = 1u << 20;

  explicit Queue(std::string dir) : dir_(std::move(dir)) {}
  Status init() const;  // creates the directory (0700)

  std::string msg_path(const std::string& id) const { return dir_ + "/" + id + ".msg"; }
  std::string env_path(const std::string& id) const { return dir_ + "/" + id + ".env"; }

  Status store(const QueueEnvelope& env, std::string_view message) const;
  Status update(const QueueEnvelope& env) const;  // rewrites .env atomically
  Status remove(const std::string& id) const;
  Result<QueueEnvelope> load(const std::string& id) const;
  Result<std::string> read_message(const std::string& id, std::size_t max_bytes) const;

  // Ids with an .env file, sorted. `orphans` gets the ids of .msg files without one.
  Result<std::vector<std::string>> list(std::vector<std::string>* orphans) const;
  Status remove_orphan(const std::string& id) const;

 private:
  std::string dir_;
};

// A new queue id: 16 hex digits of time, pid, a counter and randomness.
std::string new_queue_id(unsigned counter);

}  // namespace hamail::mailsvc::smtpd

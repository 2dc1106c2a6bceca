// One message being received, written to the queue as it arrives, never held whole: its
// header section is held (at most kMaxHeaderBytes) until it ends, so that the queue file
// can start with the envelope, our Received field and a submission's missing Message-ID /
// Date; every later chunk is appended as it comes. finish() makes it a queued message:
// fsync, rename queue/<id>.msg.tmp to <id>.msg, fsync the directory (then the 250).
// Destroyed unfinished, the temporary file is removed; a crash leaves it, and the next
// start removes it: a partial file never becomes a message. Blocking: pool threads.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "hamail/base/result.h"
#include "hamail/mailsvc/smtpd/queue.h"

namespace hamail::mailsvc::smtpd {

// "Received:" fields in the header section.
std::size_t count_received_headers(std::string_view msg);
// The value of the first "Message-ID:" field of the header section, or "-".
std::string find_message_id(std::string_view msg);

class IncomingMessage {
 public:
  // Held until the header section ends; a longer one (checked after each chunk, so at most
  // this plus one chunk is held) is written as it is.
  static constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
  // A message that already passed this many MTAs is refused (554 5.4.6): a mail loop
  // between two misconfigured servers ends here (Postfix's hopcount_limit).
  static constexpr std::size_t kMaxHops = 50;

  // What goes before the message's own header section.
  struct Head {
    QueueEnvelope envelope;   // routed; message_id is filled in from the header section
    std::string received;     // our "Received: ...\r\n"
    std::string message_id;   // set: a submission; added when the message has no Message-ID
    std::string date;         // set: a submission; added when the message has no Date
  };
  enum class Outcome { queued, too_many_hops, failed };
  struct Finished {
    Outcome outcome = Outcome::failed;
    QueueEnvelope envelope;   // as written at the head of the queue file
    std::uint64_t size = 0;   // bytes of the message as queued (our fields included)
    std::size_t hops = 0;
    std::string error;        // failed: what, naming the file
  };

  // Creates queue/<id>.msg.tmp (0600, O_EXCL).
  static Result<std::unique_ptr<IncomingMessage>> create(const Queue& queue, Head head);
  IncomingMessage(const IncomingMessage&) = delete;
  IncomingMessage& operator=(const IncomingMessage&) = delete;
  ~IncomingMessage();

  // The next bytes of the message (unstuffed, CRLF). An error is kept for finish().
  void append(std::string_view data);
  // After the last append: the outcome; queued = durable under <id>.msg. Once.
  Finished finish();
  // Drops the message now (the temporary file is removed).
  void discard();

 private:
  IncomingMessage(const Queue& queue, Head head, int fd);
  void write_head();
  void write(std::string_view data);

  const Queue& queue_;
  Head head_;
  int fd_ = -1;
  std::string header_;       // the header section until it is complete
  bool head_written_ = false;
  bool too_many_hops_ = false;
  std::size_t hops_ = 0;
  std::uint64_t size_ = 0;
  std::string error_;
};

}  // namespace hamail::mailsvc::smtpd

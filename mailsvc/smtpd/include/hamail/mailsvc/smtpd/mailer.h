// What smtpd does for the SMTP session's actions, without any socket: recipient checks
// and authentication against the user database (re-read each time, so mailsvc-admin
// changes apply at once) and queueing an accepted message durably. Every method blocks
// (files, fsync, password hashes) and is safe to call from several pool threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hamail/base/log.h"
#include "hamail/mailsvc/smtp/actions.h"
#include "hamail/mailsvc/smtp/config.h"
#include "hamail/mailsvc/smtpd/config.h"
#include "hamail/mailsvc/smtpd/incoming_message.h"
#include "hamail/mailsvc/smtpd/queue.h"
#include "hamail/mailsvc/smtpd/smtpd_metrics.h"
#include "hamail/mailsvc/users/user_db_cache.h"

namespace hamail::mailsvc::smtpd {

struct Accepted {
  smtp::StoreResult result;
  std::optional<QueueEnvelope> queued;  // set when stored: deliver it after the 250 is sent
};

// A message the client may now send (result stored), written to the queue as it comes.
struct Receiving {
  smtp::StoreResult result;
  std::shared_ptr<IncomingMessage> message;  // set when result is stored
};

class Mailer {
 public:
  // `counters`: what it counts where it logs (accepted; rejected sender, loop, queue_full, error).
  Mailer(const SmtpdConfig& config, const Logger& log, SmtpdCounters counters = {})
      : config_(config), log_(log), counters_(counters), queue_(config.queue_dir()), users_(config.users_dir()) {}
  const SmtpdCounters& counters() const { return counters_; }

  Status init() const { return queue_.init(); }
  const Queue& queue() const { return queue_; }

  smtp::RecipientVerdict check_recipient(smtp::PortRole role, const smtp::CheckRecipient& c) const;
  smtp::AuthVerdict authenticate(const smtp::Authenticate& a, const std::string& peer) const;
  // Whether the logged-in user owns the MAIL FROM address: it is the user's own, or an
  // alias whose expansion includes the user (logged sender_rejected when not).
  smtp::SenderVerdict check_sender(const smtp::CheckSender& c, const std::string& peer) const;
  // DATA: the free space checked, the recipients routed, the queue file opened for the
  // message `queue_id` (made on the loop thread: new_queue_id()), our Received field (and
  // a submission's Message-ID/Date when missing) ready to go before its header section.
  Receiving begin_message(smtp::PortRole role, const smtp::Envelope& envelope, const std::string& client_ip,
                          const std::string& queue_id) const;
  // The end of DATA (every byte appended): the message made durable in the queue (logged
  // queued), or refused (too many Received fields: 554 5.4.6) or failed (451).
  Accepted finish_message(IncomingMessage& message, const smtp::Envelope& envelope, const std::string& client_ip) const;
  // Queues a message this server writes itself (a bounce): from `from` to `to`,
  // routed like a received one. Returns the stored envelope.
  Result<QueueEnvelope> enqueue_own(const std::string& queue_id, const std::string& from, const std::string& to,
                                    const std::string& message) const;

 private:
  // The envelope's final recipients: aliases expanded, each pending (local user),
  // remote (other domain) or failed (local domain, no such user).
  Result<QueueEnvelope> route(const std::string& queue_id, const std::string& from,
                              const std::vector<std::string>& rcpt_to) const;

  const SmtpdConfig& config_;
  const Logger& log_;
  SmtpdCounters counters_;
  Queue queue_;
  users::UserDbCache users_;  // re-read when mailsvc-admin changed a file
};

// Where a bare RCPT TO:<postmaster> (RFC 5321 4.5.1, any case) goes: postmaster@<hostname>
// when the host name is a local domain, else postmaster@ the first local domain of the
// domains file (then aliases apply as usual); "postmaster" when there is no local domain.
std::string postmaster_of(const users::UserDb& db, const std::string& hostname);

// Comma-joined, for log records.
std::string join_addresses(const std::vector<std::string>& v);

}  // namespace hamail::mailsvc::smtpd

// What mailsvc-queue prints: the queued messages (mailq's view: id, size, arrival, sender,
// each recipient with its state and last error) as text or JSON. Pure: the caller loads
// the envelopes and sizes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hamail/mailsvc/smtpd/queue.h"

namespace hamail::mailsvc::smtpd {

struct QueuedMessage {
  QueueEnvelope env;
  std::uint64_t size = 0;
};

std::string format_queue_text(const std::vector<QueuedMessage>& messages);
std::string format_queue_json(const std::vector<QueuedMessage>& messages);

}  // namespace hamail::mailsvc::smtpd

// One browser's Server-Sent Events body (GET /dashboard/api/events): the shell pushes
// events and heartbeat comments in; the connection pulls them out as it can send. Bounded:
// a client that falls more than max_bytes behind is dropped (its next pull fails).
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "hamail/mailsvc/http/body_stream.h"

namespace hamail::mailsvc::dashboard {

// "event: NAME\ndata: JSON\n\n" (the JSON on one line; invalid UTF-8 replaced).
std::string sse_event(std::string_view name, const nlohmann::json& data);
// ": TEXT\n\n": ignored by EventSource, keeps proxies and the connection's timers content.
std::string sse_comment(std::string_view text);

class SseStream : public http::BodyProducer {
 public:
  static constexpr std::size_t kDefaultMaxBytes = 256 * 1024;
  explicit SseStream(std::size_t max_bytes = kDefaultMaxBytes) : max_bytes_(max_bytes) {}

  // Queues `text` (whole events only); false when over the bound: the stream is dropped.
  bool push(std::string text);
  http::Produced produce(std::size_t max_bytes) override;

  bool dropped() const { return dropped_; }
  std::size_t queued_bytes() const { return bytes_; }

 private:
  std::size_t max_bytes_;
  std::deque<std::string> parts_;
  std::size_t bytes_ = 0;
  bool dropped_ = false;
  bool waiting_ = false;  // answered `later`: wake on the next push
};

}  // namespace hamail::mailsvc::dashboard

// The dashboard's live events: one `events --follow` connection to hacored per httpd,
// shared by every browser's SseStream. The blocking reads run on libuv's pool as short
// jobs (one line, or nothing within a second), one at a time; their lines are sent to
// the subscribers on the loop, with a heartbeat comment every 15 s. A lost hacored is
// announced to the subscribers (event `source`) and followed again 2 s later.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hamail/base/log.h"
#include "hamail/control/control_client.h"
#include "hamail/mailsvc/dashboard/dashboard_settings.h"
#include "hamail/mailsvc/dashboard/sse_stream.h"
#include "hamail/uv/blocking_work.h"
#include "hamail/uv/event_loop.h"
#include "hamail/uv/timer.h"

namespace hamail::mailsvc::httpd {

class HacoredEventFeed {
 public:
  static constexpr std::size_t kMaxSubscribers = 256;
  static constexpr std::uint64_t kHeartbeatMs = 15000;
  static constexpr std::uint64_t kRetryMs = 2000;

  HacoredEventFeed(uv::EventLoop& loop, const Logger& log, dashboard::DashboardSettings settings);
  HacoredEventFeed(const HacoredEventFeed&) = delete;
  HacoredEventFeed& operator=(const HacoredEventFeed&) = delete;

  // false: too many subscribers (the caller answers 503).
  bool subscribe(const std::shared_ptr<dashboard::SseStream>& stream);

  // What one pool job read (public for the job's lambda).
  struct Batch {
    std::vector<nlohmann::json> lines;
    std::string error;  // the connection is gone (a new one is made after kRetryMs)
  };

 private:
  void start_job();
  void on_batch(Batch batch);
  void broadcast(const std::string& text);  // drops the subscribers gone or too slow

  uv::EventLoop& loop_;
  const Logger& log_;
  dashboard::DashboardSettings settings_;
  // Used only by the job in flight (never two at once); null: connect first.
  std::shared_ptr<std::optional<ControlClient>> client_ = std::make_shared<std::optional<ControlClient>>();
  std::vector<std::weak_ptr<dashboard::SseStream>> subscribers_;
  std::unique_ptr<uv::BlockingWork> work_;
  uv::Timer heartbeat_;
  uv::Timer retry_;
  bool up_ = true;  // the last state announced (hacored following)
};

}  // namespace hamail::mailsvc::httpd

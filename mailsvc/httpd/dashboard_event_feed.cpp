#include "hamail/mailsvc/httpd/dashboard_event_feed.h"

#include <algorithm>
#include <chrono>

namespace hamail::mailsvc::httpd {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr auto kReadWait = std::chrono::milliseconds(1000);  // a job's longest wait for a line
constexpr int kMaxLinesPerJob = 64;

std::int64_t epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// On the pool: connect when needed (from now on: the history is in /state), then at most
// one wait for a line, then what is already buffered.
HacoredEventFeed::Batch read_some(std::optional<ControlClient>& client, const dashboard::DashboardSettings& s) {
  HacoredEventFeed::Batch b;
  auto fail = [&](std::string e) {
    client.reset();
    b.error = "hacored on this node not answering: " + std::move(e);
    return b;
  };
  if (!client) {
    auto c = ControlClient::connect({s.hacored_socket, "hacored", "", ""});
    if (!c) return fail(c.error());
    auto ok = c->call({{"cmd", "events"}, {"since_ms", epoch_ms()}, {"follow", true}},
                      Clock::now() + std::chrono::milliseconds(s.request_timeout_ms));
    if (!ok) return fail(ok.error());
    if (!ok->is_object() || ok->value("ok", true) == false) return fail("events refused");
    client.emplace(std::move(*c));
  }
  auto deadline = Clock::now() + kReadWait;
  for (int i = 0; i < kMaxLinesPerJob; ++i) {
    auto r = client->receive(deadline);
    if (!r) return fail(r.error());
    if (r->kind == Received::Kind::closed) return fail("hacored closed the event stream");
    if (r->kind == Received::Kind::timed_out) break;
    b.lines.push_back(std::move(r->value));
    deadline = Clock::now();  // only what is already here
  }
  return b;
}

}  // namespace

HacoredEventFeed::HacoredEventFeed(uv::EventLoop& loop, const Logger& log, dashboard::DashboardSettings settings)
    : loop_(loop), log_(log), settings_(std::move(settings)), heartbeat_(loop), retry_(loop) {}

bool HacoredEventFeed::subscribe(const std::shared_ptr<dashboard::SseStream>& stream) {
  std::erase_if(subscribers_, [](const auto& w) { return w.expired(); });
  if (subscribers_.size() >= kMaxSubscribers) return false;
  subscribers_.push_back(stream);
  if (!up_) stream->push(dashboard::sse_event("source", {{"hacored", {{"ok", false}}}}));
  if (!heartbeat_.active())
    heartbeat_.start(kHeartbeatMs, [this] { broadcast(dashboard::sse_comment("heartbeat")); }, kHeartbeatMs);
  if (!work_ && !retry_.active()) start_job();
  return true;
}

void HacoredEventFeed::start_job() {
  auto client = client_;
  auto settings = settings_;
  auto work = uv::run_blocking<Batch>(
      loop_, [client, settings] { return read_some(*client, settings); },
      [this](Batch b) { on_batch(std::move(b)); });
  if (!work) {
    log_.warning("dashboard_events_job_failed").kv("error", work.error());
    retry_.start(kRetryMs, [this] { start_job(); });
    return;
  }
  work_ = std::move(*work);
}

void HacoredEventFeed::on_batch(Batch batch) {
  work_.reset();
  for (const auto& line : batch.lines) broadcast(dashboard::sse_event("hacored", line));
  if (!batch.error.empty()) {
    if (up_) log_.warning("dashboard_events_lost").kv("error", batch.error);
    if (up_) broadcast(dashboard::sse_event("source", {{"hacored", {{"ok", false}, {"error", batch.error}}}}));
    up_ = false;
  } else if (!up_) {
    up_ = true;
    log_.info("dashboard_events_following");
    broadcast(dashboard::sse_event("source", {{"hacored", {{"ok", true}}}}));
  }
  std::erase_if(subscribers_, [](const auto& w) { return w.expired(); });
  if (subscribers_.empty()) {  // nobody listens: let the connection go until the next one
    client_->reset();
    heartbeat_.stop();
    return;
  }
  if (!batch.error.empty()) return retry_.start(kRetryMs, [this] { start_job(); });
  start_job();
}

void HacoredEventFeed::broadcast(const std::string& text) {
  std::erase_if(subscribers_, [&](const auto& w) {
    auto s = w.lock();
    if (!s) return true;
    if (!s->push(text)) {
      log_.info("dashboard_events_client_dropped").kv("reason", "too slow");
      return true;
    }
    return false;
  });
}

}  // namespace hamail::mailsvc::httpd

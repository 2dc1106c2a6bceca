// UdpWorker: a UDP loop on its own thread, started and stopped by the main loop.
#include "hamail/mailsvc/dnsd/udp_worker.h"

#include <uv.h>

#include <mutex>
#include <thread>

#include "hamail/uv/event_loop.h"
#include "hamail/mailsvc/dnsd/udp_socket.h"

namespace hamail::mailsvc::dnsd {

// Declared in destruction order's reverse: the sockets go before the loop, the loop (which
// closes the async handle) before the async handle's memory.
struct UdpWorker::Impl {
  explicit Impl(const DnsdConfig& c) : config(c), answerer(config) {}

  DnsdConfig config;
  UdpAnswerer answerer;
  uv_async_t wake{};
  std::mutex mutex;
  std::shared_ptr<const dns::Authority> published;  // under mutex
  bool stopping = false;                            // under mutex
  std::shared_ptr<const dns::Authority> current;    // the loop thread's
  std::unique_ptr<uv::EventLoop> loop;
  std::vector<std::unique_ptr<UdpSocket>> sockets;
  std::thread thread;

  void on_wake() {
    std::lock_guard<std::mutex> lock(mutex);
    if (stopping) {
      loop->stop();
      return;
    }
    current = published;
  }
};

UdpWorker::UdpWorker(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Result<std::unique_ptr<UdpWorker>> UdpWorker::start(const DnsdConfig& config, const std::vector<std::uint16_t>& ports,
                                                    std::shared_ptr<const dns::Authority> authority) {
  auto impl = std::make_unique<Impl>(config);
  auto loop = uv::EventLoop::create();
  if (!loop) return Error{loop.error()};
  impl->loop = std::move(*loop);
  impl->current = authority;
  impl->published = std::move(authority);
  Impl* w = impl.get();
  for (std::size_t i = 0; i < w->config.listeners.size() && i < ports.size(); ++i) {
    const auto& l = w->config.listeners[i];
    std::size_t index = w->sockets.size();
    auto sock = UdpSocket::bind(
        *w->loop, l.address, ports[i],
        [w, index](std::span<const std::uint8_t> p, const sockaddr* from) {
          w->answerer.answer(*w->current, *w->sockets[index], p, from, w->loop->now_ms() / 1000);
        },
        /*reuse_port=*/true);
    if (!sock) return Error{sock.error()};
    w->sockets.push_back(std::move(*sock));
  }
  w->wake.data = w;
  int rc = uv_async_init(w->loop->raw(), &w->wake, [](uv_async_t* a) { static_cast<Impl*>(a->data)->on_wake(); });
  if (rc != 0) return Error{"udp worker: " + uv::error_text(rc)};
  // Everything above happens before the thread starts, so the loop is its alone from here.
  w->thread = std::thread([w] { w->loop->run(); });
  return std::unique_ptr<UdpWorker>(new UdpWorker(std::move(impl)));
}

UdpWorker::~UdpWorker() {
  if (!impl_->thread.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->stopping = true;
  }
  uv_async_send(&impl_->wake);
  impl_->thread.join();
  // The loop is stopped: its handles are closed on this thread (sockets, then the loop).
  impl_->sockets.clear();
  impl_->loop.reset();
}

void UdpWorker::publish(std::shared_ptr<const dns::Authority> authority) {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->published = std::move(authority);
  }
  uv_async_send(&impl_->wake);
}

const UdpCounters& UdpWorker::counters() const { return impl_->answerer.counters(); }

std::uint64_t UdpWorker::dropped_sends() const {
  std::uint64_t n = 0;
  for (const auto& s : impl_->sockets) n += s->dropped_sends();
  return n;
}

}  // namespace hamail::mailsvc::dnsd

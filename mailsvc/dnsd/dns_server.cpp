#include "hamail/mailsvc/dnsd/dns_server.h"

#include <algorithm>

#include "hamail/mailsvc/dns/decode.h"
#include "hamail/mailsvc/dns/encode.h"
#include "hamail/mailsvc/dnsd/axfr_stream.h"

namespace hamail::mailsvc::dnsd {
namespace {

}  // namespace

DnsServer::DnsServer(uv::EventLoop& loop, const Logger& log, DnsdConfig config)
    : loop_(loop), log_(log), config_(std::move(config)), idle_timer_(loop), reload_timer_(loop), udp_answerer_(config_) {
  notify_ = std::make_unique<NotifySender>(loop_, log_);
}

DnsServer::~DnsServer() = default;

Status DnsServer::start() {
  install(load_zone_set(config_.zones), true);
  for (const auto& l : config_.listeners) {
    std::size_t index = udp_.size();
    auto udp = UdpSocket::bind(
        loop_, l.address, l.port,
        [this, index](std::span<const std::uint8_t> p, const sockaddr* from) { on_udp(*udp_[index], p, from); },
        /*reuse_port=*/config_.threads > 1);
    if (!udp) return Error{"listeners: " + udp.error()};
    // TCP on the same port (the UDP one when port 0 picked a free one).
    std::uint16_t port = (*udp)->local_port();
    auto tcp = uv::StreamServer::listen_tcp(loop_, l.address, port,
                                            [this](Result<std::unique_ptr<uv::Stream>> s) { on_tcp_connection(std::move(s)); },
                                            /*ipv6_only=*/true);  // as the UDP socket: [::] and 0.0.0.0 side by side
    if (!tcp) return Error{"listeners: tcp " + l.address + ":" + std::to_string(port) + ": " + tcp.error()};
    log_.info("listening").kv("address", l.address).kv("port", static_cast<unsigned>(port));
    ports_.push_back(port);
    udp_.push_back(std::move(*udp));
    tcp_.push_back(std::move(*tcp));
  }
  if (!config_.control_socket.empty()) {
    auto control = ControlServer::listen(
        loop_, log_, config_.control_socket,
        [this](const nlohmann::json& req, ControlSession&) -> std::optional<nlohmann::json> {
          std::string cmd = req["cmd"].get<std::string>();
          if (cmd == "status") return nlohmann::json{{"ok", true}, {"status", status()}};
          if (cmd == "reload") {
            reload("control");
            return nlohmann::json{{"ok", true}, {"reload", "started"}};
          }
          return nlohmann::json{{"ok", false}, {"error", "unknown command '" + cmd + "': reload, status"}};
        });
    if (!control) return Error{"control_socket: " + control.error()};
    control_ = std::move(*control);
  }
  // threads > 1: more UDP loops on the ports just bound (port 0 resolved), as root too.
  for (std::size_t t = 1; t < config_.threads; ++t) {
    auto worker = UdpWorker::start(config_, ports_, current_.authority);
    if (!worker) return Error{"threads: " + worker.error()};
    workers_.push_back(std::move(*worker));
  }
  std::uint64_t sweep = std::clamp<std::uint64_t>(config_.tcp_idle_timeout_ms / 4, 50, 1000);
  idle_timer_.start(sweep, [this] { sweep_idle(); }, sweep);
  return Status::ok();
}

void DnsServer::install(ZoneSet set, bool first) {
  for (std::size_t i = 0; i < set.zones.size(); ++i) {
    const ZoneState& z = set.zones[i];
    if (!z.serial) {
      log_.error("zone_failed").kv("zone", z.name).kv("error", z.error);
      continue;
    }
    if (z.kept) {
      log_.error("zone_failed").kv("zone", z.name).kv("error", z.error)
          .kv("kept_serial", static_cast<unsigned long>(*z.serial));
      continue;
    }
    std::optional<std::uint32_t> old;
    if (!first && i < current_.zones.size()) old = current_.zones[i].serial;
    log_.info("zone_loaded").kv("zone", z.name).kv("serial", static_cast<unsigned long>(*z.serial));
    if (!first && old != z.serial) {
      auto name = dns::Name::from_text(z.name);
      for (const auto& target : config_.zones[i].notify)
        if (name) notify_->notify(*name, target);
    }
  }
  current_ = std::move(set);
  for (auto& w : workers_) w->publish(current_.authority);
}

void DnsServer::reload(const std::string& why) {
  if (reloading_ && !reloading_->finished()) {
    reload_again_ = true;
    return;
  }
  log_.info("reloading").kv("reason", why);
  auto zones = config_.zones;
  std::shared_ptr<const dns::Authority> previous = current_.authority;  // read-only, shared with the loop
  auto work = uv::run_blocking<std::shared_ptr<ZoneSet>>(
      loop_, [zones, previous] { return std::make_shared<ZoneSet>(load_zone_set(zones, previous.get())); },
      [this](std::shared_ptr<ZoneSet> set) {
        ++counters_.reloads;
        install(std::move(*set), false);
        log_.info("reloaded").kv("zones", static_cast<unsigned long>(current_.authority->zone_count()));
        if (reload_again_) {
          reload_again_ = false;
          reload_timer_.start(0, [this] { reload("again"); });
        }
      });
  if (!work) {
    log_.error("reload_failed").kv("error", work.error());
    return;
  }
  reloading_ = std::move(*work);
}

nlohmann::json DnsServer::status() const {
  nlohmann::json zones = nlohmann::json::array();
  for (const auto& z : current_.zones) {
    nlohmann::json j{{"name", z.name}, {"served", z.serial.has_value()}};
    if (z.serial) j["serial"] = *z.serial;
    if (!z.error.empty()) j["error"] = z.error;
    if (z.kept) j["kept_after_failed_reload"] = true;
    zones.push_back(j);
  }
  std::uint64_t udp_dropped = 0, udp_queries = 0, udp_responses = 0, udp_not_answered = 0, rrl_dropped = 0,
                rrl_slipped = 0;
  for (const auto& u : udp_) udp_dropped += u->dropped_sends();
  auto add = [&](const UdpCounters& c) {
    udp_queries += c.queries.load(std::memory_order_relaxed);
    udp_responses += c.responses.load(std::memory_order_relaxed);
    udp_not_answered += c.dropped.load(std::memory_order_relaxed);
    rrl_dropped += c.rrl_dropped.load(std::memory_order_relaxed);
    rrl_slipped += c.rrl_slipped.load(std::memory_order_relaxed);
  };
  nlohmann::json per_loop = nlohmann::json::array();
  add(udp_answerer_.counters());
  per_loop.push_back(udp_answerer_.counters().queries.load(std::memory_order_relaxed));
  for (const auto& w : workers_) {
    add(w->counters());
    per_loop.push_back(w->counters().queries.load(std::memory_order_relaxed));
    udp_dropped += w->dropped_sends();
  }
  return {{"zones", zones},
          {"counters",
           {{"udp_queries", udp_queries},
            {"tcp_queries", counters_.tcp_queries},
            {"responses", counters_.responses + udp_responses},
            {"dropped", counters_.dropped + udp_not_answered},
            {"udp_send_dropped", udp_dropped},
            {"axfr", counters_.axfr},
            {"axfr_refused", counters_.axfr_refused},
            {"tcp_refused", counters_.tcp_refused},
            {"tcp_connections", tcp_clients_.size()},
            {"rrl_dropped", rrl_dropped},
            {"rrl_slipped", rrl_slipped},
            {"notify_acknowledged", notify_->acknowledged()},
            {"notify_failed", notify_->failed()},
            {"reloads", counters_.reloads},
            {"udp_queries_per_loop", per_loop}}}};
}

void DnsServer::on_udp(UdpSocket& socket, std::span<const std::uint8_t> packet, const sockaddr* from) {
  udp_answerer_.answer(*current_.authority, socket, packet, from, loop_.now_ms() / 1000);
}

void DnsServer::on_tcp_connection(Result<std::unique_ptr<uv::Stream>> stream) {
  if (!stream) {
    log_.warning("accept_failed").kv("error", stream.error());
    return;
  }
  if (tcp_clients_.size() >= config_.max_tcp_connections) {
    ++counters_.tcp_refused;
    log_.debug("tcp_refused").kv("peer", (*stream)->peer()).kv("reason", "max_tcp_connections");
    return;  // closed as it goes out of scope
  }
  std::uint64_t id = next_client_++;
  TcpClient& c = tcp_clients_[id];
  c.stream = std::move(*stream);
  c.stream->set_write_limit(kTcpWriteLimit);
  c.last_active_ms = loop_.now_ms();
  parse_peer(c.stream->peer(), c.peer);
  Status reading = c.stream->start_reading(
      [this, id](std::string_view data) {
        auto it = tcp_clients_.find(id);
        if (it == tcp_clients_.end()) return;
        it->second.last_active_ms = loop_.now_ms();
        it->second.framer.feed(data);
        while (true) {
          auto client = tcp_clients_.find(id);
          if (client == tcp_clients_.end()) return;
          auto message = client->second.framer.next();
          if (!message) return;
          if (!on_tcp_message(id, *message)) return;
        }
      },
      [this, id](Status) { tcp_clients_.erase(id); });
  if (!reading) tcp_clients_.erase(id);
}

bool DnsServer::on_tcp_message(std::uint64_t id, const std::vector<std::uint8_t>& message) {
  ++counters_.tcp_queries;
  TcpClient& c = tcp_clients_.at(id);
  dns::TransportLimits limits{true, config_.udp_size};
  dns::Answer a = current_.authority->answer_packet(message, limits);
  std::vector<std::string> out;
  if (a.kind == dns::AnswerKind::Drop) {
    ++counters_.dropped;
    return true;
  }
  if (a.kind == dns::AnswerKind::Transfer) {
    if (!transfer_allowed(config_, a, reinterpret_cast<const sockaddr*>(&c.peer))) {
      ++counters_.axfr_refused;
      log_.info("axfr_refused").kv("peer", c.stream->peer())
          .kv("zone", a.transfer_zone ? a.transfer_zone->apex().to_text() : std::string("?"));
      a.response.header.rcode = dns::rcode::Refused;
      a.response.header.aa = false;
      out.push_back(frame(a.encode()));
    } else {
      ++counters_.axfr;
      log_.info("axfr").kv("peer", c.stream->peer()).kv("zone", a.transfer_zone->apex().to_text())
          .kv("serial", static_cast<unsigned long>(a.transfer_zone->serial()));
      std::size_t total = 0;
      for (const auto& m : axfr_messages(a.response, *a.transfer_zone)) {
        out.push_back(frame(m));
        total += out.back().size();
      }
      // The whole transfer is queued at once: this connection may hold the zone's size
      // (bounded by the zone, already in memory) on top of the usual limit.
      c.stream->set_write_limit(std::max(kTcpWriteLimit, c.stream->pending_write_bytes() + total + kTcpWriteLimit));
    }
  } else {
    out.push_back(frame(a.encode()));
  }
  for (auto& piece : out) {
    ++counters_.responses;
    if (Status s = c.stream->write(std::move(piece)); !s) {
      close_tcp(id, "slow_reader");
      return false;
    }
  }
  return true;
}

void DnsServer::close_tcp(std::uint64_t id, const char* why) {
  auto it = tcp_clients_.find(id);
  if (it == tcp_clients_.end()) return;
  log_.debug("tcp_closed").kv("peer", it->second.stream->peer()).kv("reason", why);
  tcp_clients_.erase(it);
}

void DnsServer::sweep_idle() {
  std::uint64_t now = loop_.now_ms();
  std::vector<std::uint64_t> idle;
  for (const auto& [id, c] : tcp_clients_)
    if (now - c.last_active_ms >= config_.tcp_idle_timeout_ms) idle.push_back(id);
  for (auto id : idle) close_tcp(id, "idle");
}

}  // namespace hamail::mailsvc::dnsd

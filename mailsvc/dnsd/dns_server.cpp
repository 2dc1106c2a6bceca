#include "hamail/mailsvc/dnsd/dns_server.h"

#include <algorithm>

#include "hamail/mailsvc/dns/decode.h"
#include "hamail/mailsvc/dns/encode.h"
#include "hamail/mailsvc/dnsd/axfr_stream.h"

namespace hamail::mailsvc::dnsd {
namespace {

// What RRL counts a UDP answer as, and under which name.
RrlKind rrl_kind(const dns::Answer& a, std::string& name_key, std::uint16_t& qtype) {
  const auto& r = a.response;
  if (r.questions.empty()) return RrlKind::error;
  qtype = r.questions[0].type;
  name_key = r.questions[0].name.key();
  if (r.header.rcode == dns::rcode::NXDomain) {
    // NXDOMAINs for one zone share a bucket (random-subdomain reflection).
    if (!r.authority.empty()) name_key = r.authority[0].owner.key();
    return RrlKind::nxdomain;
  }
  if (r.header.rcode != dns::rcode::NoError) return RrlKind::error;
  return RrlKind::answer;
}

}  // namespace

DnsServer::DnsServer(uv::EventLoop& loop, const Logger& log, DnsdConfig config)
    : loop_(loop), log_(log), config_(std::move(config)), idle_timer_(loop), reload_timer_(loop) {
  if (config_.rrl.enabled) rrl_.emplace(config_.rrl);
  notify_ = std::make_unique<NotifySender>(loop_, log_);
}

DnsServer::~DnsServer() = default;

Status DnsServer::start() {
  install(load_zone_set(config_.zones), true);
  for (const auto& l : config_.listeners) {
    std::size_t index = udp_.size();
    auto udp = UdpSocket::bind(loop_, l.address, l.port, [this, index](std::span<const std::uint8_t> p, const sockaddr* from) {
      on_udp(*udp_[index], p, from);
    });
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
  std::uint64_t udp_dropped = 0;
  for (const auto& u : udp_) udp_dropped += u->dropped_sends();
  return {{"zones", zones},
          {"counters",
           {{"udp_queries", counters_.udp_queries},
            {"tcp_queries", counters_.tcp_queries},
            {"responses", counters_.responses},
            {"dropped", counters_.dropped},
            {"udp_send_dropped", udp_dropped},
            {"axfr", counters_.axfr},
            {"axfr_refused", counters_.axfr_refused},
            {"tcp_refused", counters_.tcp_refused},
            {"tcp_connections", tcp_clients_.size()},
            {"rrl_dropped", counters_.rrl_dropped},
            {"rrl_slipped", counters_.rrl_slipped},
            {"notify_acknowledged", notify_->acknowledged()},
            {"notify_failed", notify_->failed()},
            {"reloads", counters_.reloads}}}};
}

bool DnsServer::transfer_allowed(const dns::Answer& a, const sockaddr* peer) const {
  const ZoneConfig* zc = a.transfer_zone ? zone_config(a.transfer_zone->apex()) : nullptr;
  return zc != nullptr && std::any_of(zc->allow_transfer.begin(), zc->allow_transfer.end(),
                                      [&](const AddressRange& r) { return r.contains(peer); });
}

const ZoneConfig* DnsServer::zone_config(const dns::Name& apex) const {
  for (const auto& z : config_.zones) {
    auto n = dns::Name::from_text(z.name);
    if (n && n->key() == apex.key()) return &z;
  }
  return nullptr;
}

void DnsServer::on_udp(UdpSocket& socket, std::span<const std::uint8_t> packet, const sockaddr* from) {
  ++counters_.udp_queries;
  dns::TransportLimits limits{false, config_.udp_size};
  // The common query straight into the reused reply buffer; RRL needs the Answer.
  if (!rrl_ && current_.authority->answer_plain(packet, limits, scratch_, reply_)) {
    ++counters_.responses;
    socket.send(reply_, from);
    return;
  }
  dns::Answer a = current_.authority->answer_packet(packet, limits);
  if (a.kind == dns::AnswerKind::Transfer) {
    // IXFR over UDP (the core answers AXFR over UDP NOTIMP): to an allowed address the
    // current SOA (RFC 1995 4: "does not fit", so the client goes to TCP); others REFUSED.
    a.kind = dns::AnswerKind::Reply;
    if (transfer_allowed(a, from)) {
      const dns::RRset& soa = a.transfer_zone->soa();
      a.response.header.aa = true;
      a.response.answer.push_back(dns::Record{a.transfer_zone->find(a.transfer_zone->apex())->owner, dns::rrtype::SOA,
                                              dns::kClassIN, soa.rrs[0].ttl, soa.rrs[0].rdata});
    } else {
      a.response.header.rcode = dns::rcode::Refused;
      a.response.header.aa = false;
    }
  }
  if (a.kind == dns::AnswerKind::Drop) {
    ++counters_.dropped;
    return;
  }
  if (rrl_) {
    std::string name_key;
    std::uint16_t qtype = 0;
    RrlKind kind = rrl_kind(a, name_key, qtype);
    switch (rrl_->account(from, kind, name_key, qtype, loop_.now_ms() / 1000)) {
      case RrlDecision::send:
        break;
      case RrlDecision::drop:
        ++counters_.rrl_dropped;
        return;
      case RrlDecision::slip:
        ++counters_.rrl_slipped;
        a.response.answer.clear();
        a.response.authority.clear();
        a.response.additional.clear();
        a.response.header.tc = true;
        break;
    }
  }
  auto bytes = a.encode();
  ++counters_.responses;
  socket.send(bytes, from);
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
    if (!transfer_allowed(a, reinterpret_cast<const sockaddr*>(&c.peer))) {
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

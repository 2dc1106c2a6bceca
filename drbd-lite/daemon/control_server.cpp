#include "daemon/control_server.h"

namespace hamail::drbdlite {

namespace {
constexpr std::size_t kMaxRequestBytes = 64 * 1024;
constexpr std::size_t kMaxClients = 32;
}  // namespace

Result<std::unique_ptr<ControlServer>> ControlServer::listen(uv::EventLoop& loop, const Logger& log,
                                                             const std::string& path, Handler handler) {
  std::unique_ptr<ControlServer> self(new ControlServer(log, std::move(handler)));
  ControlServer* raw = self.get();
  auto server = uv::StreamServer::listen_unix(loop, path, 0660, [raw](Result<std::unique_ptr<uv::Stream>> s) {
    if (!s) return;
    if (raw->clients_.size() >= kMaxClients) return;  // closed as it goes out of scope
    std::uint64_t id = raw->next_id_++;
    Client& c = raw->clients_[id];
    c.stream = std::move(*s);
    Status st = c.stream->start_reading(
        [raw, id](std::string_view data) {
          auto it = raw->clients_.find(id);
          if (it == raw->clients_.end()) return;
          it->second.buffer.append(data);
          if (it->second.buffer.size() > kMaxRequestBytes) {
            raw->clients_.erase(it);
            return;
          }
          for (;;) {
            auto cit = raw->clients_.find(id);
            if (cit == raw->clients_.end()) return;
            auto nl = cit->second.buffer.find('\n');
            if (nl == std::string::npos) return;
            std::string line = cit->second.buffer.substr(0, nl);
            cit->second.buffer.erase(0, nl + 1);
            raw->on_line(id, line);
          }
        },
        [raw, id](Status) { raw->clients_.erase(id); });
    if (!st) raw->clients_.erase(id);
  });
  if (!server) return Error{"control socket: " + server.error()};
  self->server_ = std::move(*server);
  return self;
}

void ControlServer::on_line(std::uint64_t id, const std::string& line) {
  nlohmann::json reply;
  nlohmann::json req = nlohmann::json::parse(line, nullptr, false);
  if (req.is_discarded() || !req.is_object() || !req.contains("cmd") || !req["cmd"].is_string()) {
    reply = {{"ok", false}, {"error", "bad request: expected a JSON object with a \"cmd\" string"}};
  } else if (req["cmd"] == "events") {
    clients_[id].subscribed = true;
    reply = {{"ok", true}};
  } else {
    reply = handler_(req);
  }
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  if (!it->second.stream->write(reply.dump() + "\n")) clients_.erase(it);
}

void ControlServer::publish(const nlohmann::json& event) {
  std::string line = event.dump() + "\n";
  for (auto it = clients_.begin(); it != clients_.end();) {
    if (it->second.subscribed && !it->second.stream->write(line)) {
      log_.warning("events_subscriber_dropped").kv("reason", "not reading its events");
      it = clients_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace hamail::drbdlite

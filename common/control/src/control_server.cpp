#include "hamail/control/control_server.h"

#include <grp.h>
#include <unistd.h>

namespace hamail {
namespace {
constexpr std::size_t kMaxRequestBytes = 64 * 1024;
constexpr std::size_t kMaxClients = 32;
constexpr std::size_t kMaxQueuedBytes = 4u << 20;  // per client: a stalled reader is dropped
}  // namespace

bool ControlSession::send(const nlohmann::json& line) { return server_.write_to(id_, line.dump() + "\n"); }

void ControlSession::end() { server_.end(id_); }

Result<std::unique_ptr<ControlServer>> ControlServer::listen(uv::EventLoop& loop, const Logger& log,
                                                             const std::string& path, Handler handler,
                                                             const std::string& group) {
  std::unique_ptr<ControlServer> self(new ControlServer(log, std::move(handler)));
  ControlServer* raw = self.get();
  auto server = uv::StreamServer::listen_unix(loop, path, 0660, [raw](Result<std::unique_ptr<uv::Stream>> s) {
    if (!s) return;
    if (raw->clients_.size() >= kMaxClients) return;  // closed as it goes out of scope
    std::uint64_t id = raw->next_id_++;
    Client& c = raw->clients_[id];
    c.stream = std::move(*s);
    c.stream->set_write_limit(kMaxQueuedBytes);
    c.session = std::make_unique<ControlSession>(*raw, id);
    Status st = c.stream->start_reading(
        [raw, id](std::string_view data) {
          auto it = raw->clients_.find(id);
          if (it == raw->clients_.end()) return;
          if (it->second.overlong) return;  // answered and ending: the rest is dropped
          it->second.buffer.append(data);
          if (it->second.buffer.size() > kMaxRequestBytes) {
            it->second.overlong = true;
            it->second.buffer.clear();
            raw->write_to(id, nlohmann::json{{"ok", false}, {"error", "bad request: longer than " +
                                                                          std::to_string(kMaxRequestBytes) + " bytes"}}
                                      .dump() + "\n");
            raw->end(id);
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
  if (!group.empty() && group != "root") {
    if (struct group* g = ::getgrnam(group.c_str())) {
      if (::chown(path.c_str(), 0, g->gr_gid) != 0)
        log.warning("control_socket_chgrp_failed").kv("path", path).kv("group", group);
    } else {
      log.warning("control_group_unknown").kv("group", group).kv("hint", "only root can use the control socket");
    }
  }
  self->server_ = std::move(*server);
  return self;
}

void ControlServer::on_line(std::uint64_t id, const std::string& line) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  std::optional<nlohmann::json> reply;
  nlohmann::json req = nlohmann::json::parse(line, nullptr, false);
  if (req.is_discarded() || !req.is_object() || !req.contains("cmd") || !req["cmd"].is_string()) {
    reply = nlohmann::json{{"ok", false}, {"error", "bad request: expected a JSON object with a \"cmd\" string"}};
  } else {
    // The handlers decode requests into typed values and answer errors as values; this
    // is the last line: no exception crosses the loop callback, the daemon keeps running.
    try {
      reply = handler_(req, *it->second.session);
    } catch (const std::exception& e) {
      log_.error("control_request_failed").kv("request", line.substr(0, 512)).kv("error", e.what());
      reply = nlohmann::json{{"ok", false}, {"error", std::string("internal error: ") + e.what()}};
    }
  }
  if (reply) write_to(id, reply->dump() + "\n");
}

bool ControlServer::write_to(std::uint64_t id, const std::string& data) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return false;
  if (!it->second.stream->write(data)) {
    log_.warning("control_client_dropped").kv("reason", "not reading its replies");
    clients_.erase(it);
    return false;
  }
  return true;
}

void ControlServer::end(std::uint64_t id) {
  auto it = clients_.find(id);
  if (it != clients_.end()) (void)it->second.stream->shutdown();
}

void ControlServer::publish(const nlohmann::json& line) {
  std::string data = line.dump() + "\n";
  std::vector<std::uint64_t> ids;
  for (auto& [id, c] : clients_)
    if (c.session->subscribed()) ids.push_back(id);
  for (auto id : ids) write_to(id, data);
}

}  // namespace hamail

#include "hamail/control/control_server.h"

#include <grp.h>
#include <unistd.h>

namespace hamail {
namespace {

nlohmann::json error_reply(const std::string& message) { return {{"ok", false}, {"error", message}}; }

// One JSON line; a string that is not valid UTF-8 (a name from a file, an agent's output)
// gets U+FFFD instead of making dump() throw.
std::string to_line(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

bool ControlSession::send(const nlohmann::json& line) { return server_.write_to(id_, to_line(line)); }

void ControlSession::end() { server_.end(id_); }

ControlServer::ControlServer(uv::EventLoop& loop, const Logger& log, Handler handler, ControlAccess access,
                             ControlLimits limits)
    : loop_(loop), log_(log), handler_(std::move(handler)), access_(std::move(access)), limits_(limits),
      idle_timer_(loop) {}

Result<std::unique_ptr<ControlServer>> ControlServer::listen(uv::EventLoop& loop, const Logger& log,
                                                             const std::string& path, Handler handler,
                                                             ControlAccess access, ControlLimits limits) {
  std::unique_ptr<ControlServer> self(new ControlServer(loop, log, std::move(handler), std::move(access), limits));
  ControlServer* raw = self.get();
  auto server = uv::StreamServer::listen_unix(loop, path, 0660, [raw](Result<std::unique_ptr<uv::Stream>> s) {
    if (s) raw->accept(std::move(*s));
  });
  if (!server) return Error{"control socket: " + server.error()};
  const std::string& group = raw->access_.socket_group();
  if (!group.empty() && group != "root") {
    if (struct group* g = ::getgrnam(group.c_str())) {
      if (::chown(path.c_str(), 0, g->gr_gid) != 0)
        log.warning("control_socket_chgrp_failed").kv("path", path).kv("group", group);
    } else {
      log.warning("control_group_unknown").kv("group", group).kv("hint", "only root can use the control socket");
    }
  }
  self->server_ = std::move(*server);
  std::uint64_t sweep = std::max<std::uint64_t>(limits.idle_timeout_ms / 4, 50);
  self->idle_timer_.start(sweep, [raw] { raw->close_idle(); }, sweep);
  return self;
}

void ControlServer::refuse(std::unique_ptr<uv::Stream> stream, const std::string& why) {
  log_.warning("control_client_refused").kv("reason", why);
  if (stream->write(to_line(error_reply(why))) && stream->shutdown()) {
    // Kept until the next refusal or the server's end: bounded to the last few.
    if (refused_.size() >= 8) refused_.erase(refused_.begin());
    refused_.push_back(std::move(stream));
  }
}

void ControlServer::accept(std::unique_ptr<uv::Stream> stream) {
  auto cred = stream->peer_credentials();
  if (!cred) return refuse(std::move(stream), "cannot tell who connected: " + cred.error());
  ControlPeer peer = lookup_peer(cred->uid, cred->gid, cred->pid);
  auto role = decide_role(peer, access_);
  if (!role) return refuse(std::move(stream), role.error());
  peer.role = *role;
  if (clients_.size() >= limits_.max_clients) return refuse(std::move(stream), "too many control clients");
  if (peer.uid != 0) {
    std::size_t mine = 0;
    for (const auto& [id, c] : clients_) mine += c.session->peer().uid == peer.uid;
    if (mine >= limits_.max_clients_per_user)
      return refuse(std::move(stream), peer.describe() + " already holds " + std::to_string(mine) + " connections");
  }
  std::uint64_t id = next_id_++;
  Client& c = clients_[id];
  c.stream = std::move(stream);
  c.stream->set_write_limit(limits_.max_queued_bytes);
  c.session = std::make_unique<ControlSession>(*this, id, std::move(peer));
  c.last_request_ms = loop_.now_ms();
  Status st = c.stream->start_reading([this, id](std::string_view data) { on_data(id, data); },
                                      [this, id](Status) { clients_.erase(id); });
  if (!st) clients_.erase(id);
}

void ControlServer::on_data(std::uint64_t id, std::string_view data) {
  auto it = clients_.find(id);
  if (it == clients_.end() || it->second.overlong) return;  // overlong: answered and ending, the rest dropped
  it->second.buffer.append(data);
  if (it->second.buffer.size() > limits_.max_request_bytes) {
    it->second.overlong = true;
    it->second.buffer.clear();
    write_to(id, to_line(error_reply("bad request: longer than " + std::to_string(limits_.max_request_bytes) + " bytes")));
    end(id);
    return;
  }
  for (;;) {
    auto cit = clients_.find(id);
    if (cit == clients_.end()) return;
    auto nl = cit->second.buffer.find('\n');
    if (nl == std::string::npos) return;
    std::string line = cit->second.buffer.substr(0, nl);
    cit->second.buffer.erase(0, nl + 1);
    cit->second.last_request_ms = loop_.now_ms();
    on_line(id, line);
  }
}

void ControlServer::on_line(std::uint64_t id, const std::string& line) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  ControlSession& session = *it->second.session;
  std::optional<nlohmann::json> reply;
  nlohmann::json req = nlohmann::json::parse(line, nullptr, false);
  if (req.is_discarded() || !req.is_object() || !req.contains("cmd") || !req["cmd"].is_string()) {
    reply = error_reply("bad request: expected a JSON object with a \"cmd\" string");
  } else if (Status allowed = allow_command(session.peer(), req["cmd"].get<std::string>(), access_); !allowed) {
    log_.warning("control_command_refused").kv("cmd", req["cmd"].get<std::string>()).kv("user", session.peer().user)
        .kv("uid", session.peer().uid).kv("pid", session.peer().pid);
    reply = error_reply(allowed.message());
  } else {
    if (!access_.read_commands.count(req["cmd"].get<std::string>()))
      log_.info("control_command").kv("cmd", req["cmd"].get<std::string>()).kv("user", session.peer().user)
          .kv("uid", session.peer().uid).kv("pid", session.peer().pid).kv("request", line.substr(0, 512));
    // The handlers decode requests into typed values and answer errors as values; this
    // is the last line: no exception crosses the loop callback, the daemon keeps running.
    try {
      reply = handler_(req, session);
    } catch (const std::exception& e) {
      log_.error("control_request_failed").kv("request", line.substr(0, 512)).kv("error", e.what());
      reply = error_reply(std::string("internal error: ") + e.what());
    }
  }
  if (reply) write_to(id, to_line(*reply));
}

void ControlServer::close_idle() {
  std::uint64_t now = loop_.now_ms();
  for (auto it = clients_.begin(); it != clients_.end();) {
    const Client& c = it->second;
    if (!c.session->subscribed() && now - c.last_request_ms >= limits_.idle_timeout_ms) {
      log_.info("control_client_idle").kv("user", c.session->peer().user).kv("pid", c.session->peer().pid);
      it = clients_.erase(it);
    } else {
      ++it;
    }
  }
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
  std::string data = to_line(line);
  std::vector<std::uint64_t> ids;
  for (auto& [id, c] : clients_)
    if (c.session->subscribed()) ids.push_back(id);
  for (auto id : ids) write_to(id, data);
}

}  // namespace hamail

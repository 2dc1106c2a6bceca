#include "hamail/hacore/daemon/control_handler.h"

namespace hamail::hacore {

using nlohmann::json;
namespace protocol = cluster::protocol;

namespace {

json refused(const std::string& why) { return json{{"ok", false}, {"error", why}}; }

// What hactl shows and follows: the switchover id, group and target.
json accepted(const protocol::Message& m) {
  json reply = {{"ok", true}};
  if (const auto* sw = std::get_if<protocol::Switchover>(&m.body)) {
    reply["id"] = sw->id;
    reply["group"] = sw->group;
    reply["to"] = sw->target;
  } else if (const auto* clear = std::get_if<protocol::SwitchoverClear>(&m.body)) {
    reply["group"] = clear->group;
  }
  return reply;
}

}  // namespace

std::optional<json> ControlHandler::handle(const json& request, ControlReplies& replies) {
  auto decoded = cluster::decode_control_request(request);
  if (!decoded) return refused(decoded.error());
  if (std::holds_alternative<cluster::StatusQuery>(*decoded)) {
    return json{{"ok", true}, {"status", shell_.status()}};
  }
  if (const auto* q = std::get_if<cluster::FencePeerQuery>(&*decoded)) return fence_peer(*q, replies.who());
  if (const auto* q = std::get_if<cluster::EventsQuery>(&*decoded)) {
    if (!replies.send(json{{"ok", true}})) return std::nullopt;
    for (const auto& e : shell_.core().state().events) {
      auto ts = e.find("ts_ms");
      bool recent = ts == e.end() || !ts->is_number_integer() || ts->get<std::int64_t>() >= q->since_ms;
      if (recent && !replies.send(e)) return std::nullopt;
    }
    if (q->follow) replies.subscribe();
    else replies.end();
    return std::nullopt;
  }
  const auto& op = std::get<cluster::OperatorCommand>(*decoded);
  auto msg = shell_.core().command(op, shell_.now(), replies.who());
  if (!msg) return refused(msg.error());
  shell_.log().info("command").kv("cmd", cluster::command_name(op)).kv("by", replies.who());
  if (auto st = shell_.send(*msg); !st) return refused("not sent to the cluster: " + st.message());
  return accepted(*msg);
}

json ControlHandler::fence_peer(const cluster::FencePeerQuery& q, const std::string& who) {
  auto answer = shell_.core().fence_peer(q);
  if (answer.send) {
    shell_.log().info("command").kv("cmd", "fence_peer").kv("volume", q.volume).kv("by", who);
    if (auto st = shell_.send(*answer.send); !st)
      return json{{"ok", true}, {"code", cluster::ClusterCore::kNotDone}, {"detail", "not sent to the cluster: " + st.message()}};
  }
  return json{{"ok", true}, {"code", answer.code}, {"pending", answer.code == cluster::ClusterCore::kPending},
              {"detail", answer.text}};
}

}  // namespace hamail::hacore

#include "hamail/hacore/cli/invocation.h"

#include <set>

#include "hamail/hacore/cli/since.h"

namespace hamail::hactl {

namespace {

// Options that take a value (given as `--opt VALUE` or `--opt=VALUE`).
const std::set<std::string> kValueOptions = {"--config", "--socket", "--to", "--timeout", "--since", "--volume",
                                             "--peer"};

struct Split {
  std::vector<std::string> words;
  std::vector<std::pair<std::string, std::string>> options;  // name, value ("" for flags)
};

Result<Split> split_args(const std::vector<std::string>& args) {
  Split out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() < 2 || a[0] != '-') {
      out.words.push_back(a);
      continue;
    }
    std::string name = a, value;
    bool inline_value = false;
    if (auto eq = a.find('='); eq != std::string::npos && a.rfind("--", 0) == 0) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
      inline_value = true;
    }
    if (kValueOptions.count(name)) {
      if (!inline_value) {
        if (i + 1 >= args.size()) return Error{name + " needs a value"};
        value = args[++i];
      }
    } else if (inline_value) {
      return Error{"option " + name + " takes no value"};
    }
    out.options.emplace_back(name, value);
  }
  return out;
}

const char* command_name(Command c) {
  switch (c) {
    case Command::status: return "status";
    case Command::switchover: return "switchover";
    case Command::standby: return "standby";
    case Command::unstandby: return "unstandby";
    case Command::maintenance: return "maintenance";
    case Command::resource_cleanup: return "resource cleanup";
    case Command::resource_restart: return "resource restart";
    case Command::events: return "events";
    case Command::fence: return "fence";
    case Command::fence_peer: return "fence-peer";
    case Command::unfence_peer: return "unfence-peer";
  }
  return "?";
}

// Which command-specific options each command accepts (--config/--socket always).
std::set<std::string> allowed_options(Command c) {
  switch (c) {
    case Command::status: return {"--json"};
    case Command::switchover: return {"--to", "--wait", "--timeout", "--clear"};
    case Command::events: return {"--follow", "--since", "--json"};
    case Command::fence: return {"--confirm-off"};
    case Command::fence_peer: return {"--volume", "--peer", "--query", "--timeout"};
    case Command::unfence_peer: return {"--volume"};
    default: return {};
  }
}

Status parse_positionals(Invocation& inv, const std::vector<std::string>& w) {
  auto extra = [&](std::size_t allowed) -> Status {
    if (w.size() > allowed) return Error{"unexpected argument '" + w[allowed] + "' for " + command_name(inv.command)};
    return Status::ok();
  };
  switch (inv.command) {
    case Command::status:
    case Command::events:
    case Command::fence_peer:
    case Command::unfence_peer:
      return extra(1);
    case Command::fence:
      if (w.size() < 2) return Error{"fence needs a NODE (e.g. hactl fence node2 [--confirm-off])"};
      inv.node = w[1];
      return extra(2);
    case Command::switchover:
      if (w.size() > 1) inv.group = w[1];
      return extra(2);
    case Command::standby:
    case Command::unstandby:
      if (w.size() < 2) return Error{std::string(command_name(inv.command)) + " needs a NODE (e.g. hactl " +
                                     command_name(inv.command) + " node2)"};
      inv.node = w[1];
      return extra(2);
    case Command::maintenance:
      if (w.size() < 2) return Error{"maintenance needs 'on' or 'off'"};
      if (w[1] != "on" && w[1] != "off") return Error{"maintenance needs 'on' or 'off', got '" + w[1] + "'"};
      inv.on = w[1] == "on";
      return extra(2);
    case Command::resource_cleanup:
      if (w.size() > 2) inv.resource = w[2];
      return extra(3);
    case Command::resource_restart:
      if (w.size() < 3) return Error{"resource restart needs a RESOURCE (e.g. hactl resource restart smtpd)"};
      inv.resource = w[2];
      return extra(3);
  }
  return Status::ok();
}

}  // namespace

Result<Invocation> parse_invocation(const std::vector<std::string>& args, std::int64_t now_ms) {
  auto split = split_args(args);
  if (!split) return Error{split.error()};
  const auto& w = split->words;
  if (w.empty()) return Error{"no command given"};
  Invocation inv;
  const std::string& c = w[0];
  if (c == "status") inv.command = Command::status;
  else if (c == "switchover") inv.command = Command::switchover;
  else if (c == "standby") inv.command = Command::standby;
  else if (c == "unstandby") inv.command = Command::unstandby;
  else if (c == "maintenance") inv.command = Command::maintenance;
  else if (c == "events") inv.command = Command::events;
  else if (c == "fence") inv.command = Command::fence;
  else if (c == "fence-peer") inv.command = Command::fence_peer;
  else if (c == "unfence-peer") inv.command = Command::unfence_peer;
  else if (c == "resource") {
    if (w.size() < 2) return Error{"resource needs 'cleanup [RESOURCE]' or 'restart RESOURCE'"};
    if (w[1] == "cleanup") inv.command = Command::resource_cleanup;
    else if (w[1] == "restart") inv.command = Command::resource_restart;
    else return Error{"unknown resource command '" + w[1] + "' (expected cleanup or restart)"};
  } else {
    return Error{"unknown command '" + c + "'"};
  }
  if (Status st = parse_positionals(inv, w); !st) return Error{st.message()};

  const auto allowed = allowed_options(inv.command);
  bool timeout_given = false;
  for (const auto& [name, value] : split->options) {
    if (name == "--config") {
      inv.config_file = value;
      continue;
    }
    if (name == "--socket") {
      inv.socket = value;
      continue;
    }
    bool known = name == "--json" || name == "--to" || name == "--wait" || name == "--timeout" || name == "--clear" ||
                 name == "--follow" || name == "--since" || name == "--confirm-off" || name == "--volume" ||
                 name == "--peer" || name == "--query";
    if (!known) return Error{"unknown option '" + name + "'"};
    if (!allowed.count(name)) return Error{"option " + name + " is not valid for " + command_name(inv.command)};
    if (name == "--json") inv.json = true;
    else if (name == "--to") {
      if (value.empty()) return Error{"--to needs a NODE"};
      inv.to = value;
    }
    else if (name == "--wait") inv.wait = true;
    else if (name == "--clear") inv.clear = true;
    else if (name == "--follow") inv.follow = true;
    else if (name == "--confirm-off") inv.confirm_off = true;
    else if (name == "--query") inv.query = true;
    else if (name == "--volume" || name == "--peer") {
      if (value.empty()) return Error{name + " needs a value"};
      (name == "--volume" ? inv.volume : inv.peer) = value;
    }
    else if (name == "--timeout") {
      auto ms = parse_seconds(value);
      if (!ms) return Error{ms.error()};
      inv.timeout = std::chrono::milliseconds(*ms);
      timeout_given = true;
    } else if (name == "--since") {
      auto t = resolve_since(value, now_ms);
      if (!t) return Error{t.error()};
      inv.since_ms = *t;
    }
  }
  if (inv.socket && inv.socket->empty()) return Error{"--socket needs a path"};
  if (inv.config_file && inv.config_file->empty()) return Error{"--config needs a file"};
  if ((inv.command == Command::fence_peer || inv.command == Command::unfence_peer) && inv.volume.empty())
    return Error{std::string(command_name(inv.command)) + " needs --volume VOLUME"};
  if (inv.command == Command::fence_peer && !timeout_given) inv.timeout = std::chrono::milliseconds(120000);
  if (inv.command == Command::switchover) {
    if (inv.clear && (inv.wait || !inv.to.empty()))
      return Error{"--clear removes a finished switchover's placement; it takes no --to or --wait"};
    if (timeout_given && !inv.wait) return Error{"--timeout only applies with --wait"};
  }
  return inv;
}

nlohmann::json daemon_request(const Invocation& inv) {
  using nlohmann::json;
  switch (inv.command) {
    case Command::status:
      return {{"cmd", "status"}};
    case Command::switchover: {
      json r = {{"cmd", "switchover"}};
      if (!inv.group.empty()) r["group"] = inv.group;
      if (!inv.to.empty()) r["to"] = inv.to;
      if (inv.clear) r["clear"] = true;
      return r;
    }
    case Command::standby:
      return {{"cmd", "standby"}, {"node", inv.node}};
    case Command::unstandby:
      return {{"cmd", "unstandby"}, {"node", inv.node}};
    case Command::maintenance:
      return {{"cmd", "maintenance"}, {"on", inv.on}};
    case Command::resource_cleanup: {
      json r = {{"cmd", "cleanup"}};
      if (!inv.resource.empty()) r["resource"] = inv.resource;
      return r;
    }
    case Command::resource_restart:
      return {{"cmd", "restart"}, {"resource", inv.resource}};
    case Command::fence:
      return {{"cmd", "fence"}, {"node", inv.node}, {"confirm_off", inv.confirm_off}};
    case Command::fence_peer: {
      json r = {{"cmd", "fence_peer"}, {"volume", inv.volume}, {"query", inv.query}};
      if (!inv.peer.empty()) r["peer"] = inv.peer;
      return r;
    }
    case Command::unfence_peer:
      return {{"cmd", "unfence_peer"}, {"volume", inv.volume}};
    case Command::events: {
      json r = {{"cmd", "events"}};
      if (inv.since_ms) r["since_ms"] = *inv.since_ms;
      r["follow"] = inv.follow;
      return r;
    }
  }
  return json::object();
}

}  // namespace hamail::hactl

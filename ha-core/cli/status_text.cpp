#include "hamail/hacore/cli/status_text.h"

#include <cstdio>
#include <sstream>

namespace hamail::hactl {

using nlohmann::json;

namespace {

std::string str(const json& j, const char* key, const std::string& fallback = "") {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  return it->is_string() ? it->get<std::string>() : it->dump();
}

bool flag(const json& j, const char* key, bool fallback = false) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

const json& list(const json& j, const char* key) {
  static const json empty = json::array();
  auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : empty;
}

void summary(std::ostringstream& o, const json& s) {
  std::string dc = str(s, "dc");
  o << "Cluster: " << str(s, "cluster", "?") << "   DC: " << (dc.empty() ? "none" : dc)
    << "   quorum: " << (flag(s, "quorate") ? "yes" : "NO") << "   this node: " << str(s, "local_node", "?") << "\n";
  if (!flag(s, "quorate"))
    o << "*** NO QUORUM: this partition starts nothing; resources stay where they are or stop ***\n";
  if (!flag(s, "stonith_enabled", true))
    o << "*** STONITH IS DISABLED: a lost node cannot be fenced; its resources are recovered without "
         "proof it stopped them (data at risk) ***\n";
  if (flag(s, "maintenance"))
    o << "*** MAINTENANCE MODE: the cluster starts, stops and monitors nothing (hactl maintenance off) ***\n";
  if (auto t = s.find("transition"); t != s.end() && t->is_object())
    o << "Transition " << str(*t, "id", "?") << " running: " << str(*t, "done", "0") << "/" << str(*t, "actions", "?")
      << " actions done\n";
  if (auto t = s.find("last_transition"); t != s.end() && t->is_object()) {
    o << "Last transition: " << str(*t, "id", "?") << " " << str(*t, "result", "?") << ", " << str(*t, "actions", "?")
      << " actions";
    if (t->contains("duration_ms") && (*t)["duration_ms"].is_number())
      o << " in " << seconds_text((*t)["duration_ms"].get<std::int64_t>());
    if (std::string ended = str(*t, "ended"); !ended.empty()) o << " (ended " << ended << ")";
    o << "\n";
  }
}

const char* red(bool color) { return color ? "\033[1;31m" : ""; }
const char* plain(bool color) { return color ? "\033[0m" : ""; }

void node_fencing(std::ostringstream& o, const json& n, bool color) {
  auto f = n.find("fencing");
  if (f == n.end() || !f->is_object()) return;
  std::string name = str(n, "name", "?");
  if (std::string by = str(*f, "confirmed_by"); !by.empty() && flag(*f, "fenced")) o << ", confirmed off by " << by;
  else if (flag(*f, "fenced")) o << ", fenced";
  if (f->value("failures", 0) > 0)
    o << "\n    " << red(color) << "*** FENCING FAILED (" << str(*f, "failures") << " attempts): " << str(*f, "last_error")
      << " ***" << plain(color) << "\n    its resources stay stopped; fencing is retried with back-off; once " << name
      << " is known to be off: hactl fence " << name << " --confirm-off";
}

// ", corosync link0 up, link1 DOWN (10.0.0.2)": hacored's reading of corosync's links to
// that node (none for this node itself).
void corosync_links(std::ostringstream& o, const json& s, const std::string& node, bool color) {
  auto c = s.find("corosync_links");
  if (c == s.end() || !c->is_object() || !flag(*c, "ok")) return;
  auto peers = c->find("nodes");
  if (peers == c->end() || !peers->is_object() || !peers->contains(node)) return;
  const char* sep = ", corosync ";
  for (const auto& l : list((*peers)[node], "links")) {
    o << sep << "link" << str(l, "link", "?");
    if (flag(l, "connected")) o << " up";
    else o << " " << red(color) << "DOWN" << plain(color) << " (" << str(l, "peer_addr", "?") << ")";
    sep = ", ";
  }
}

void nodes(std::ostringstream& o, const json& s, bool color) {
  o << "\nNodes:\n";
  for (const auto& n : list(s, "nodes")) {
    o << "  " << str(n, "name", "?");
    if (n.contains("id")) o << " (id " << str(n, "id") << ")";
    o << ": " << str(n, "status", "unknown");
    if (flag(n, "standby")) o << ", standby";
    if (!flag(n, "connectivity_ok", true)) o << ", CONNECTIVITY LOST (ping targets unreachable)";
    corosync_links(o, s, str(n, "name"), color);
    node_fencing(o, n, color);
    o << "\n";
  }
}

// "started on node1", "failed on node2, started on node1" or "stopped".
std::string placement(const json& r) {
  std::string out;
  if (auto on = r.find("on"); on != r.end() && on->is_object())
    for (const auto& [node, st] : on->items()) {
      if (!out.empty()) out += ", ";
      out += (st.is_string() ? st.get<std::string>() : st.dump()) + " on " + node;
    }
  return out.empty() ? "stopped" : out;
}

void groups(std::ostringstream& o, const json& s) {
  o << "\nGroups:\n";
  const auto& gs = list(s, "groups");
  if (gs.empty()) o << "  (none configured)\n";
  for (const auto& g : gs) {
    std::string where = str(g, "node");
    o << "  " << str(g, "name", "?") << ": " << (where.empty() ? "stopped" : "on " + where) << "\n";
    std::size_t width = 0;
    for (const auto& r : list(g, "resources")) width = std::max(width, str(r, "name", "?").size());
    for (const auto& r : list(g, "resources")) {
      std::string name = str(r, "name", "?");
      o << "    " << name << std::string(width - name.size(), ' ') << "  (" << str(r, "agent", "?") << ")  "
        << placement(r);
      if (auto f = r.find("fail_counts"); f != r.end() && f->is_object() && !f->empty()) {
        o << "   fail count:";
        for (const auto& [node, count] : f->items()) o << " " << node << "=" << count.dump();
      }
      o << "\n";
      if (auto d = r.find("degraded"); d != r.end() && d->is_object())
        for (const auto& [node, reason] : d->items())
          o << "    " << std::string(width, ' ') << "  WARNING: degraded on " << node << ": "
            << (reason.is_string() ? reason.get<std::string>() : reason.dump()) << "\n";
    }
    if (auto sw = g.find("switchover"); sw != g.end() && sw->is_object()) {
      o << "    switchover to " << str(*sw, "to", "?") << ": " << (flag(*sw, "done") ? "done" : "in progress");
      if (std::string note = str(*sw, "note"); !note.empty() && note != "in progress") o << " (" << note << ")";
      o << "\n";
    }
  }
}

void failed_actions(std::ostringstream& o, const json& s) {
  const auto& fa = list(s, "failed_actions");
  if (fa.empty()) return;
  o << "\nFailed actions:\n";
  for (const auto& f : fa) {
    o << "  " << str(f, "resource", "?") << " " << str(f, "action", "?") << " on " << str(f, "node", "?") << ": "
      << str(f, "reason", "failed");
    if (f.contains("rc")) o << " (rc " << str(f, "rc") << ")";
    if (std::string ts = str(f, "ts"); !ts.empty()) o << " at " << ts;
    o << "\n";
  }
  o << "  (hactl resource cleanup [RESOURCE] clears them and the fail counts)\n";
}

void fence_devices(std::ostringstream& o, const json& f, bool color) {
  auto devs = f.find("devices");
  if (devs == f.end() || !devs->is_object() || devs->empty()) return;
  o << "\nFence devices (action " << str(f, "action", "?") << "):\n";
  for (const auto& [name, d] : devs->items()) {
    o << "  " << name << " (" << str(d, "agent", "?") << ", fences " << str(d, "hosts") << "): ";
    if (!d.contains("ok")) o << (flag(d, "monitored") ? "not checked yet" : "not monitored");
    else if (flag(d, "ok")) o << "ok";
    else o << red(color) << "FAILING: " << str(d, "detail") << plain(color) << " (a node it must fence would stay unfenced)";
    o << "\n";
  }
}

void fencing(std::ostringstream& o, const json& s, bool color) {
  if (auto f = s.find("fencing"); f != s.end() && f->is_object()) {
    for (const auto& n : list(*f, "boot_waiting_for"))
      o << "\n" << red(color) << "*** WAITING FOR " << (n.is_string() ? n.get<std::string>() : n.dump())
        << ": not seen since this node started; nothing starts and nobody is fenced until it joins or "
           "`hactl fence NODE --confirm-off` ***" << plain(color) << "\n";
    for (const auto& v : list(*f, "requests")) o << "Fence requested by an operator: " << v.dump() << "\n";
    for (const auto& v : list(*f, "outdated"))
      o << "Volume " << str(v, "volume", "?") << " is OUTDATED on " << str(v, "node", "?") << " (by " << str(v, "by")
        << "): not promoted there until `hactl unfence-peer --volume " << str(v, "volume", "?") << "`\n";
    fence_devices(o, *f, color);
  }
  const auto& fh = list(s, "fencing_history");
  if (fh.empty()) return;
  o << "\nFencing history:\n";
  for (const auto& f : fh) {
    o << "  " << str(f, "node", "?") << ": " << str(f, "result", "?");
    if (std::string ts = str(f, "ts"); !ts.empty()) o << " at " << ts;
    if (std::string by = str(f, "by"); !by.empty()) o << " by " << by;
    if (f.contains("devices")) o << " with " << str(f, "devices") << " (level " << str(f, "level", "?") << ", "
                                 << seconds_text(f.value("duration_ms", std::int64_t{0})) << ")";
    if (std::string d = str(f, "detail"); !d.empty()) o << " (" << d << ")";
    o << "\n";
  }
}

}  // namespace

std::string seconds_text(std::int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", static_cast<double>(ms) / 1000.0);
  return buf;
}

std::string render_status(const json& s, bool color) {
  std::ostringstream o;
  if (!s.is_object()) return "(no status)\n";
  summary(o, s);
  nodes(o, s, color);
  groups(o, s);
  failed_actions(o, s);
  fencing(o, s, color);
  return o.str();
}

}  // namespace hamail::hactl

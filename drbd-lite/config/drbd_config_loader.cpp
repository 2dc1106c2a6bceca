#include "hamail/drbdlite/config/drbd_config.h"

#include <map>
#include <set>

#include "hamail/base/yaml_reader.h"
#include "hamail/metrics/listen_address.h"

namespace hamail::drbdlite {
namespace {

using config::ErrorSink;
using config::MapReader;
using config::Need;

class Loader {
 public:
  explicit Loader(const std::string& file) : sink_(file) {}

  DrbdConfigLoad run(const YAML::Node& root) {
    cfg_.source_file = sink_.file();
    // Not finish()ed: the other top-level sections are ha-core's.
    MapReader top(sink_, root, "");
    if (top.valid()) {
      read_nodes(top.child("nodes", Need::required));
      read_volumes(top.child("volumes"));
      read_metrics(top.child("metrics"));
      read_control(top.child("control"));
      cross_check();
    }
    DrbdConfigLoad out;
    out.errors = sink_.errors();
    if (out.errors.empty()) out.config = std::move(cfg_);
    return out;
  }

  ErrorSink& sink() { return sink_; }

 private:
  void read_nodes(const YAML::Node& n) {
    config::for_each_item(sink_, n, "nodes", [&](const YAML::Node& item, const std::string& p) {
      // Only the keys drbd-lite uses; ha-core checks the rest of each node.
      MapReader r(sink_, item, p);
      if (!r.valid()) return;
      NodeAddress a;
      a.name = r.string("name", Need::required).value_or("");
      a.replication_addr = r.ip_address("replication_addr").value_or("");
      if (!r.child("replication_addr").IsDefined()) nodes_without_address_.push_back(cfg_.nodes.size());
      node_items_.push_back(item);
      cfg_.nodes.push_back(std::move(a));
    });
  }

  // metrics.drbdlited only: the section's other keys (metrics.hacored) are ha-core's.
  void read_metrics(const YAML::Node& n) {
    if (!n.IsDefined() || !n.IsMap()) return;  // ha-core reports a section of the wrong shape
    YAML::Node d = static_cast<const YAML::Node&>(n)["drbdlited"];
    if (!d.IsDefined()) return;
    MapReader r(sink_, d, "metrics.drbdlited");
    if (!r.valid()) return;
    if (auto v = r.string("listen", Need::required)) {
      if (auto a = metrics::parse_listen_address(*v); !a) sink_.add(r.child("listen"), r.key_path("listen"), a.error());
      cfg_.metrics_listen = *v;
    }
    r.finish();
  }

  // control.read_group, else control.group: drbdlited's readers are the group hacored's
  // socket belongs to (ha-core checks the section and owns its other keys).
  void read_control(const YAML::Node& n) {
    if (!n.IsDefined() || !n.IsMap()) return;  // ha-core reports a section of the wrong shape
    MapReader r(sink_, n, "control");
    auto admin = r.string("group");
    auto read = r.string("read_group");
    if (read && !read->empty()) cfg_.control_read_group = *read;
    else if (admin && *admin != "root") cfg_.control_read_group = *admin;
  }

  void read_volumes(const YAML::Node& n) {
    config::for_each_item(sink_, n, "volumes", [&](const YAML::Node& item, const std::string& p) {
      MapReader r(sink_, item, p);
      if (!r.valid()) return;
      VolumeConfig v;
      v.name = r.string("name", Need::required).value_or("");
      if (!v.name.empty() && !config::is_plain_name(v.name))
        sink_.add(r.child("name"), r.key_path("name"), "volume name must be letters, digits, '-', '_' or '.'");
      v.device = r.absolute_path("device", Need::required).value_or("");
      if (auto m = r.string("meta")) {
        if (*m != "internal" && !config::is_absolute_path(*m))
          sink_.add(r.child("meta"), r.key_path("meta"), "expected 'internal' or an absolute path, found '" + *m + "'");
        v.meta = *m;
      }
      v.size_bytes = r.size("size");
      if (auto pr = r.choice("protocol", {"A", "B", "C"})) v.protocol = (*pr)[0];
      v.port = static_cast<int>(r.integer("port", 1, 65535).value_or(v.port));
      v.secret_file = r.absolute_path("secret_file", Need::required).value_or("");
      if (auto rate = r.size("resync_rate")) v.resync_rate_bytes = *rate;
      v.nbd_socket = r.absolute_path("nbd_socket").value_or("");
      read_policies(r, v);
      r.finish();
      volume_items_.push_back(item);
      cfg_.volumes.push_back(std::move(v));
    });
  }

  // fencing, after_sb_*, handlers and handler_timeout; the rules that tie them are checked here.
  void read_policies(MapReader& r, VolumeConfig& v) {
    if (auto f = r.choice("fencing", {"dont-care", "resource-only", "resource-and-stonith"})) v.fencing = *f;
    if (auto p = r.string("after_sb_0pri")) {
      static const std::set<std::string> k0 = {"disconnect", "discard-younger-primary", "discard-older-primary",
                                               "discard-zero-changes", "discard-least-changes"};
      if (k0.count(*p) == 0 && p->rfind("discard-node-", 0) != 0)
        sink_.add(r.child("after_sb_0pri"), r.key_path("after_sb_0pri"),
                  "expected one of disconnect, discard-younger-primary, discard-older-primary, discard-zero-changes, "
                  "discard-least-changes, discard-node-NAME; found '" + *p + "'");
      v.after_sb_0pri = *p;
    }
    if (auto p = r.choice("after_sb_1pri", {"disconnect", "consensus", "discard-secondary", "call-pri-lost-after-sb"}))
      v.after_sb_1pri = *p;
    if (auto p = r.choice("after_sb_2pri", {"disconnect", "call-pri-lost-after-sb"})) v.after_sb_2pri = *p;
    if (auto t = r.duration("handler_timeout")) v.handler_timeout_ms = static_cast<std::uint64_t>(t->count());
    if (YAML::Node h = r.child("handlers"); h.IsDefined()) {
      MapReader hr(sink_, h, r.key_path("handlers"));
      if (hr.valid()) {
        v.handlers.split_brain = hr.string("split_brain").value_or("");
        v.handlers.fence_peer = hr.string("fence_peer").value_or("");
        v.handlers.unfence_peer = hr.string("unfence_peer").value_or("");
        v.handlers.pri_lost_after_sb = hr.string("pri_lost_after_sb").value_or("");
        v.handlers.after_resync_target = hr.string("after_resync_target").value_or("");
        hr.finish();
      }
    }
    if (v.fencing != "dont-care" && v.handlers.fence_peer.empty())
      sink_.add(r.node(), r.key_path("handlers.fence_peer"),
                "fencing: " + v.fencing + (r.child("fencing").IsDefined() ? "" : " (the default)") +
                    " needs handlers.fence_peer (the command that outdates or fences the peer), or set fencing: "
                    "dont-care");
    const bool pri_lost = v.after_sb_1pri == "call-pri-lost-after-sb" || v.after_sb_2pri == "call-pri-lost-after-sb";
    if (pri_lost && v.handlers.pri_lost_after_sb.empty())
      sink_.add(r.node(), r.key_path("handlers.pri_lost_after_sb"),
                "after_sb_1pri/after_sb_2pri call-pri-lost-after-sb needs handlers.pri_lost_after_sb");
  }

  void cross_check() {
    const auto& volume_items = volume_items_;  // const: yaml-cpp's non-const [] may insert keys
    const auto& node_items = node_items_;
    std::set<std::string> names;
    std::map<int, std::size_t> ports;
    for (std::size_t i = 0; i < cfg_.volumes.size(); ++i) {
      const auto& v = cfg_.volumes[i];
      std::string p = "volumes[" + std::to_string(i) + "]";
      if (!v.name.empty() && !names.insert(v.name).second)
        sink_.add(volume_items[i]["name"], p + ".name", "duplicate volume name '" + v.name + "'");
      if (auto [it, fresh] = ports.emplace(v.port, i); !fresh)
        sink_.add(volume_items[i]["port"].IsDefined() ? volume_items[i]["port"] : volume_items[i], p + ".port",
                  "port " + std::to_string(v.port) + " is used by volumes[" + std::to_string(it->second) + "]");
    }
    for (std::size_t i = 0; i < cfg_.volumes.size(); ++i) {
      const std::string& p0 = cfg_.volumes[i].after_sb_0pri;
      if (p0.rfind("discard-node-", 0) != 0 || cfg_.find_node(p0.substr(13))) continue;
      sink_.add(volume_items[i]["after_sb_0pri"], "volumes[" + std::to_string(i) + "].after_sb_0pri",
                "'" + p0 + "' names no node of nodes:");
    }
    if (cfg_.volumes.empty()) return;
    for (std::size_t i : nodes_without_address_)
      sink_.add(node_items[i], "nodes[" + std::to_string(i) + "].replication_addr",
                "missing required key 'replication_addr' (volumes are configured)");
  }

  ErrorSink sink_;
  DrbdConfig cfg_;
  std::vector<YAML::Node> node_items_, volume_items_;
  std::vector<std::size_t> nodes_without_address_;
};

std::string expand_node(std::string s, const std::string& node) {
  for (std::size_t p; (p = s.find("%n")) != std::string::npos;) s.replace(p, 2, node);
  return s;
}

}  // namespace

DrbdConfigLoad parse_drbd_config(const std::string& text, const std::string& file_name) {
  Loader loader(file_name);
  YAML::Node root = config::parse_document(loader.sink(), text);
  if (!root.IsDefined()) return DrbdConfigLoad{std::nullopt, loader.sink().errors()};
  return loader.run(root);
}

DrbdConfigLoad load_drbd_config(const std::string& path) {
  ErrorSink sink(path);
  auto text = config::read_file_text(sink);
  if (!text) return DrbdConfigLoad{std::nullopt, sink.errors()};
  return parse_drbd_config(*text, path);
}

const NodeAddress* DrbdConfig::find_node(const std::string& name) const {
  for (const auto& n : nodes)
    if (n.name == name) return &n;
  return nullptr;
}

const NodeAddress* DrbdConfig::peer_of(const std::string& name) const {
  for (const auto& n : nodes)
    if (n.name != name) return &n;
  return nullptr;
}

VolumeConfig for_node(const VolumeConfig& v, const std::string& node, const std::string& runtime_dir) {
  VolumeConfig out = v;
  out.device = expand_node(v.device, node);
  if (v.meta != "internal") out.meta = expand_node(v.meta, node);
  out.nbd_socket = v.nbd_socket.empty() ? runtime_dir + "/" + v.name + ".nbd" : expand_node(v.nbd_socket, node);
  return out;
}

}  // namespace hamail::drbdlite

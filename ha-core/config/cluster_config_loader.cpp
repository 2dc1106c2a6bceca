#include "hamail/hacore/config/cluster_config_loader.h"

#include <regex>
#include <set>

#include <openssl/evp.h>

#include "hamail/base/yaml_reader.h"
#include "hamail/metrics/listen_address.h"
#include "stonith_loader.h"

namespace hamail::config {
namespace {

const std::vector<std::string> kOnFail = {"restart", "standby", "fence", "block", "stop"};
const std::vector<std::string> kOps = {"monitor", "start", "stop", "promote", "demote"};

OnFail parse_on_fail(const std::string& s) {
  if (s == "standby") return OnFail::standby;
  if (s == "fence") return OnFail::fence;
  if (s == "block") return OnFail::block;
  if (s == "stop") return OnFail::stop;
  return OnFail::restart;
}

class Loader {
 public:
  explicit Loader(const std::string& file) : sink_(file) {}

  ConfigLoad run(const YAML::Node& root) {
    ConfigLoad out;
    cfg_.source_file = sink_.file();
    MapReader top(sink_, root, "");
    if (top.valid()) {
      read_cluster(top.child("cluster", Need::required), "cluster");
      read_nodes(top.child("nodes", Need::required), "nodes", top);
      read_quorum(top.child("quorum"), "quorum");
      read_timing(top.child("timing"), "timing");
      read_stonith(sink_, top.child("stonith"), "stonith", cfg_.stonith, stonith_yaml_, warnings_);
      (void)top.child("volumes");  // drbd-lite's section: read and checked by drbd-lite's own loader
      read_defaults(top.child("defaults"), "defaults");
      read_groups(top.child("groups"), "groups");
      read_connectivity(top.child("connectivity"), "connectivity");
      read_control(top.child("control"), "control");
      read_metrics(top.child("metrics"), "metrics");
      read_logging(top.child("logging"), "logging");
      top.finish();
      cross_check(root);
    }
    out.errors = sink_.errors();
    out.warnings = warnings_;
    if (out.errors.empty()) out.config = std::move(cfg_);
    return out;
  }

  ErrorSink& sink() { return sink_; }

 private:
  void read_cluster(const YAML::Node& n, const std::string& path) {
    if (!n.IsDefined()) return;
    MapReader r(sink_, n, path);
    if (!r.valid()) return;
    if (auto v = r.string("name", Need::required)) {
      if (!is_plain_name(*v)) sink_.add(r.child("name"), r.key_path("name"), "cluster name must be letters, digits, '-', '_' or '.' (at most 63)");
      cfg_.name = *v;
    }
    YAML::Node c = r.child("crypto");
    if (c.IsDefined()) {
      MapReader cr(sink_, c, r.key_path("crypto"));
      if (auto v = cr.choice("cipher", {"none", "aes128", "aes192", "aes256"})) cfg_.crypto.cipher = *v;
      if (auto v = cr.choice("hash", {"none", "md5", "sha1", "sha256", "sha384", "sha512"})) cfg_.crypto.hash = *v;
      if (auto v = cr.string("authkey")) {
        if (!is_absolute_path(*v)) sink_.add(cr.child("authkey"), cr.key_path("authkey"), "expected an absolute path");
        cfg_.crypto.authkey = *v;
      }
      cr.finish();
      if (cfg_.crypto.cipher != "none" && cfg_.crypto.hash == "none")
        sink_.add(c, cr.key_path("hash"), "a cipher needs a hash (corosync refuses cipher without hash)");
    }
    if (!cfg_.crypto.enabled()) warnings_.push_back("cluster.crypto: corosync traffic is not encrypted or authenticated");
    r.finish();
  }

  void read_nodes(const YAML::Node& n, const std::string& path, MapReader&) {
    for_each_item(sink_, n, path, [&](const YAML::Node& item, const std::string& p) {
      MapReader r(sink_, item, p);
      if (!r.valid()) return;
      NodeConfig node;
      node.name = r.string("name", Need::required).value_or("");
      if (!node.name.empty() && !is_plain_name(node.name))
        sink_.add(r.child("name"), r.key_path("name"), "node name must be a host name (letters, digits, '-', '_', '.')");
      node.id = static_cast<std::uint32_t>(r.integer("id", 1, 65535).value_or(cfg_.nodes.size() + 1));
      if (auto rings = r.string_list("ring_addrs", Need::required)) {
        if (rings->empty() || rings->size() > 8)
          sink_.add(r.child("ring_addrs"), r.key_path("ring_addrs"), "expected 1 to 8 addresses (one per corosync link)");
        YAML::Node rn = r.child("ring_addrs");
        for (std::size_t i = 0; i < rings->size(); ++i) {
          if (!is_ip_address((*rings)[i]))
            sink_.add(rn[i], r.key_path("ring_addrs") + "[" + std::to_string(i) + "]",
                      "'" + (*rings)[i] + "' is not an IPv4 or IPv6 address");
        }
        node.ring_addrs = *rings;
      }
      node.replication_addr = address(r, "replication_addr", Need::optional);
      node.public_addr = address(r, "public_addr", Need::optional);
      r.finish();
      node_nodes_.push_back(item);
      cfg_.nodes.push_back(std::move(node));
    });
    if (n.IsSequence() && n.size() == 0) sink_.add(n, path, "at least one node is required");
  }

  std::string address(MapReader& r, const std::string& key, Need need) {
    return r.ip_address(key, need).value_or("");
  }

  void read_quorum(const YAML::Node& n, const std::string& path) {
    quorum_node_ = n;
    if (!n.IsDefined()) return;
    MapReader r(sink_, n, path);
    if (!r.valid()) return;
    if (auto v = r.boolean("two_node")) {
      cfg_.quorum.two_node = *v;
      two_node_explicit_ = true;
    }
    if (auto v = r.boolean("wait_for_all")) cfg_.quorum.wait_for_all = *v;
    YAML::Node q = r.child("qdevice");
    if (q.IsDefined()) {
      MapReader qr(sink_, q, r.key_path("qdevice"));
      if (qr.valid()) {
        QdeviceConfig qd;
        qd.host = qr.string("host", Need::required).value_or("");
        qd.port = static_cast<int>(qr.integer("port", 1, 65535).value_or(qd.port));
        if (auto v = qr.choice("algorithm", {"ffsplit", "lms"})) qd.algorithm = *v;
        if (auto v = qr.choice("tls", {"on", "off", "required"})) qd.tls = *v;
        qr.finish();
        cfg_.quorum.qdevice = qd;
      }
    }
    r.finish();
  }

  void read_timing(const YAML::Node& n, const std::string& path) {
    if (!n.IsDefined()) return;
    MapReader r(sink_, n, path);
    if (!r.valid()) return;
    if (auto v = r.duration("token")) {
      if (v->count() < 200 || v->count() > 120000)
        sink_.add(r.child("token"), r.key_path("token"), "token must be between 200ms and 120s");
      cfg_.timing.token = *v;
    }
    if (auto v = r.duration("consensus")) {
      cfg_.timing.consensus = *v;
      if (*v <= cfg_.timing.token)
        sink_.add(r.child("consensus"), r.key_path("consensus"), "consensus must be longer than token");
    }
    if (auto v = r.duration("join")) cfg_.timing.join = *v;
    if (auto v = r.integer("token_retransmits_before_loss", 1, 100)) cfg_.timing.token_retransmits_before_loss = static_cast<int>(*v);
    r.finish();
  }

  std::string path_value(MapReader& r, const std::string& key, Need need) {
    return r.absolute_path(key, need).value_or("");
  }

  void read_defaults(const YAML::Node& n, const std::string& path) {
    if (!n.IsDefined()) return;
    MapReader r(sink_, n, path);
    if (!r.valid()) return;
    if (auto v = r.choice("no_quorum_policy", {"stop", "freeze", "ignore"}))
      cfg_.defaults.no_quorum_policy = *v == "freeze" ? NoQuorumPolicy::freeze
                                       : *v == "ignore" ? NoQuorumPolicy::ignore
                                                        : NoQuorumPolicy::stop;
    if (auto v = r.integer("stickiness", 0, 1000000)) cfg_.defaults.stickiness = static_cast<int>(*v);
    if (auto v = r.integer("migration_threshold", 0, 1000000)) cfg_.defaults.migration_threshold = static_cast<int>(*v);
    if (auto v = r.duration("failure_timeout")) cfg_.defaults.failure_timeout = *v;
    if (auto v = r.choice("on_fail", kOnFail)) cfg_.defaults.on_fail = parse_on_fail(*v);
    r.finish();
  }

  void read_groups(const YAML::Node& n, const std::string& path) {
    for_each_item(sink_, n, path, [&](const YAML::Node& item, const std::string& p) {
      MapReader r(sink_, item, p);
      if (!r.valid()) return;
      GroupConfig g;
      g.name = r.string("name", Need::required).value_or("");
      if (!g.name.empty() && !is_plain_name(g.name)) sink_.add(r.child("name"), r.key_path("name"), "group name must be letters, digits, '-', '_' or '.'");
      g.preferred_node = r.string("preferred_node");
      g.auto_failback = r.boolean("auto_failback").value_or(false);
      if (auto v = r.integer("stickiness", 0, 1000000)) g.stickiness = static_cast<int>(*v);
      if (auto v = r.integer("migration_threshold", 0, 1000000)) g.migration_threshold = static_cast<int>(*v);
      g.failure_timeout = r.duration("failure_timeout");
      YAML::Node res = r.child("resources", Need::required);
      for_each_item(sink_, res, r.key_path("resources"), [&](const YAML::Node& ri, const std::string& rp) {
        read_resource(ri, rp, g);
      });
      if (res.IsSequence() && res.size() == 0) sink_.add(res, r.key_path("resources"), "a group needs at least one resource");
      r.finish();
      group_nodes_.push_back(item);
      cfg_.groups.push_back(std::move(g));
    });
  }

  void read_resource(const YAML::Node& n, const std::string& path, GroupConfig& g) {
    MapReader r(sink_, n, path);
    if (!r.valid()) return;
    ResourceConfig res;
    res.name = r.string("name", Need::required).value_or("");
    if (!res.name.empty() && !is_plain_name(res.name)) sink_.add(r.child("name"), r.key_path("name"), "resource name must be letters, digits, '-', '_' or '.'");
    if (auto a = r.string("agent", Need::required)) {
      static const std::regex ocf("ocf:[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+");
      static const std::regex lsb("lsb:[A-Za-z0-9_.@-]+");
      static const std::regex sysd("systemd:[A-Za-z0-9_.@:-]+");
      if (!std::regex_match(*a, ocf) && !std::regex_match(*a, lsb) && !std::regex_match(*a, sysd))
        sink_.add(r.child("agent"), r.key_path("agent"),
                  "expected ocf:PROVIDER:TYPE, lsb:NAME or systemd:UNIT, found '" + *a + "'");
      res.agent = *a;
    }
    res.params = r.string_map("params").value_or(std::map<std::string, std::string>{});
    res.promotable = r.boolean("promotable").value_or(false);
    YAML::Node ops = r.child("ops");
    if (ops.IsDefined()) {
      MapReader o(sink_, ops, r.key_path("ops"));
      for (const auto& name : kOps) {
        YAML::Node on = o.child(name);
        if (!on.IsDefined()) continue;
        MapReader opr(sink_, on, o.key_path(name));
        if (!opr.valid()) continue;
        Operation op;
        op.name = name;
        if (auto v = opr.duration("interval")) {
          if (name != "monitor" && v->count() != 0)
            sink_.add(opr.child("interval"), opr.key_path("interval"), "only monitor can recur (have an interval)");
          op.interval = *v;
        }
        if (auto v = opr.duration("timeout")) {
          if (v->count() == 0) sink_.add(opr.child("timeout"), opr.key_path("timeout"), "timeout must be above zero");
          op.timeout = *v;
        }
        if (auto v = opr.choice("on_fail", kOnFail)) {
          op.on_fail = parse_on_fail(*v);
          if (op.on_fail == OnFail::fence) fence_on_fail_.push_back({opr.child("on_fail"), opr.key_path("on_fail")});
        }
        opr.finish();
        if ((name == "promote" || name == "demote") && !res.promotable)
          sink_.add(on, o.key_path(name), "promote/demote need 'promotable: true' on the resource");
        res.ops.push_back(op);
      }
      o.finish();
    }
    r.finish();
    resource_nodes_.push_back({n, path});
    g.resources.push_back(std::move(res));
  }

  void read_connectivity(const YAML::Node& n, const std::string& path) {
    if (!n.IsDefined()) return;
    MapReader r(sink_, n, path);
    if (!r.valid()) return;
    if (auto t = r.string_list("targets")) {
      YAML::Node tn = r.child("targets");
      for (std::size_t i = 0; i < t->size(); ++i) {
        if (!is_ip_address((*t)[i]))
          sink_.add(tn[i], r.key_path("targets") + "[" + std::to_string(i) + "]", "'" + (*t)[i] + "' is not an IPv4 or IPv6 address");
      }
      cfg_.connectivity.targets = *t;
    }
    if (auto v = r.duration("interval")) cfg_.connectivity.interval = *v;
    if (auto v = r.integer("failures", 1, 100)) cfg_.connectivity.failures = static_cast<int>(*v);
    r.finish();
  }

  void read_control(const YAML::Node& n, const std::string& path) {
    if (!n.IsDefined()) return;
    MapReader r(sink_, n, path);
    if (!r.valid()) return;
    if (auto s = path_value(r, "socket", Need::optional); !s.empty()) cfg_.control.socket = s;
    if (auto g = r.string("group")) cfg_.control.group = *g;
    if (auto g = r.string("read_group")) cfg_.control.read_group = *g;
    r.finish();
  }

  // metrics: {hacored: {listen: ADDR}, drbdlited: {...}}; drbdlited's is checked by drbd-lite.
  void read_metrics(const YAML::Node& n, const std::string& path) {
    if (!n.IsDefined()) return;
    MapReader r(sink_, n, path);
    if (!r.valid()) return;
    if (YAML::Node h = r.child("hacored"); h.IsDefined()) {
      MapReader hr(sink_, h, r.key_path("hacored"));
      if (hr.valid()) {
        if (auto v = hr.string("listen", Need::required)) {
          if (auto a = metrics::parse_listen_address(*v); !a) sink_.add(hr.child("listen"), hr.key_path("listen"), a.error());
          cfg_.metrics.listen = *v;
        }
        hr.finish();
      }
    }
    // drbd-lite's: read and checked by drbd-lite's own loader; here only that the two
    // daemons do not ask for one address (the second would fail to start).
    if (YAML::Node d = r.child("drbdlited"); d.IsMap() && !cfg_.metrics.listen.empty()) {
      const YAML::Node listen = static_cast<const YAML::Node&>(d)["listen"];
      if (listen.IsScalar() && listen.Scalar() == cfg_.metrics.listen)
        sink_.add(listen, r.key_path("drbdlited") + ".listen",
                  "the same address as metrics.hacored.listen: each daemon needs its own port");
    }
    r.finish();
  }

  void read_logging(const YAML::Node& n, const std::string& path) {
    if (!n.IsDefined()) return;
    MapReader r(sink_, n, path);
    if (!r.valid()) return;
    cfg_.logging.file = path_value(r, "file", Need::optional);
    if (auto v = r.choice("level", {"debug", "info", "warning", "error"})) cfg_.logging.level = *v;
    r.finish();
  }

  // The checks between sections, once every section has been read. The YAML nodes are
  // used through const views: yaml-cpp's non-const operator[] may insert keys.
  void cross_check(const YAML::Node& root) {
    std::map<std::string, std::size_t> names = check_nodes();
    check_quorum(root);
    check_fencing(root, names);
    check_groups(names);
  }

  // Nodes: unique names, ids and addresses; same number of links everywhere. Returns the
  // node names with their index.
  std::map<std::string, std::size_t> check_nodes() {
    const auto& node_nodes = node_nodes_;
    std::map<std::string, std::size_t> names, addrs;
    std::map<std::uint32_t, std::size_t> ids;
    for (std::size_t i = 0; i < cfg_.nodes.size(); ++i) {
      const NodeConfig& n = cfg_.nodes[i];
      std::string p = "nodes[" + std::to_string(i) + "]";
      const YAML::Node& yn = node_nodes[i];
      if (!n.name.empty() && !names.emplace(n.name, i).second)
        sink_.add(yn["name"], p + ".name", "duplicate node name '" + n.name + "' (also nodes[" + std::to_string(names[n.name]) + "])");
      if (!ids.emplace(n.id, i).second)
        sink_.add(yn["id"].IsDefined() ? yn["id"] : yn, p + ".id", "duplicate node id " + std::to_string(n.id) + " (also nodes[" + std::to_string(ids[n.id]) + "])");
      std::vector<std::string> own = n.ring_addrs;
      if (!n.replication_addr.empty()) own.push_back(n.replication_addr);
      for (const auto& a : own) {
        auto [it, fresh] = addrs.emplace(a, i);
        if (!fresh && it->second != i)
          sink_.add(yn, p, "address " + a + " is also used by nodes[" + std::to_string(it->second) + "]");
      }
      if (i > 0 && !cfg_.nodes[0].ring_addrs.empty() && !n.ring_addrs.empty() && n.ring_addrs.size() != cfg_.nodes[0].ring_addrs.size())
        sink_.add(yn["ring_addrs"], p + ".ring_addrs",
                  "every node needs the same number of ring addresses (nodes[0] has " +
                      std::to_string(cfg_.nodes[0].ring_addrs.size()) + ")");
      for (std::size_t l = 0; l < n.ring_addrs.size() && i > 0 && l < cfg_.nodes[0].ring_addrs.size(); ++l) {
        if (is_ipv6_address(n.ring_addrs[l]) != is_ipv6_address(cfg_.nodes[0].ring_addrs[l]))
          sink_.add(yn["ring_addrs"], p + ".ring_addrs[" + std::to_string(l) + "]", "link " + std::to_string(l) + " mixes IPv4 and IPv6 between nodes");
      }
    }
    return names;
  }

  // Quorum: two_node means exactly two nodes, and excludes a qdevice.
  void check_quorum(const YAML::Node& root) {
    const YAML::Node& quorum_node = quorum_node_;
    if (!two_node_explicit_ && cfg_.nodes.size() != 2) cfg_.quorum.two_node = false;
    if (cfg_.quorum.qdevice && !two_node_explicit_) cfg_.quorum.two_node = false;
    if (cfg_.quorum.two_node && cfg_.nodes.size() != 2)
      sink_.add(quorum_node_.IsDefined() ? quorum_node["two_node"] : root["nodes"], "quorum.two_node",
                "two_node needs exactly 2 nodes, found " + std::to_string(cfg_.nodes.size()));
    if (cfg_.quorum.two_node && cfg_.quorum.qdevice)
      sink_.add(quorum_node["qdevice"], "quorum.qdevice", "two_node and a qdevice exclude each other: set two_node: false");
  }

  // Fencing (stonith_loader.cpp); on_fail: fence needs it enabled.
  void check_fencing(const YAML::Node& root, const std::map<std::string, std::size_t>& names) {
    check_stonith(sink_, cfg_.stonith, stonith_yaml_, root, names,
                  [this](const std::string& n) { return unknown_node_message(n); });
    if (cfg_.stonith.enabled) return;
    warnings_.push_back("stonith.enabled is false: a lost node is NOT fenced; two nodes may run the same resources after a split");
    for (const auto& [at, path] : fence_on_fail_) sink_.add(at, path, "on_fail: fence needs stonith.enabled: true");
  }

  // Groups and resources: one namespace of names; preferred node exists.
  void check_groups(const std::map<std::string, std::size_t>& names) {
    const auto& group_nodes = group_nodes_;
    const auto& resource_nodes = resource_nodes_;
    std::map<std::string, std::string> ids_seen;
    std::size_t r_index = 0;
    for (std::size_t i = 0; i < cfg_.groups.size(); ++i) {
      const auto& g = cfg_.groups[i];
      std::string p = "groups[" + std::to_string(i) + "]";
      if (!g.name.empty() && !ids_seen.emplace(g.name, p).second)
        sink_.add(group_nodes[i]["name"], p + ".name", "name '" + g.name + "' is already used by " + ids_seen[g.name]);
      if (g.preferred_node && !names.count(*g.preferred_node))
        sink_.add(group_nodes[i]["preferred_node"], p + ".preferred_node", unknown_node_message(*g.preferred_node));
      for (const auto& res : g.resources) {
        const auto& [rn, rp] = resource_nodes[r_index++];
        if (!res.name.empty() && !ids_seen.emplace(res.name, rp).second)
          sink_.add(rn["name"], rp + ".name", "name '" + res.name + "' is already used by " + ids_seen[res.name]);
      }
    }
  }

  std::string unknown_node_message(const std::string& name) const {
    std::vector<std::string> known;
    for (const auto& n : cfg_.nodes) known.push_back(n.name);
    std::string msg = "no node named '" + name + "'";
    if (auto s = closest_match(name, known)) msg += " (did you mean '" + *s + "'?)";
    return msg;
  }

  ErrorSink sink_;
  ClusterConfig cfg_;
  std::vector<std::string> warnings_;
  bool two_node_explicit_ = false;
  YAML::Node quorum_node_;
  StonithYaml stonith_yaml_;
  std::vector<YAML::Node> node_nodes_, group_nodes_;
  std::vector<std::pair<YAML::Node, std::string>> resource_nodes_;
  std::vector<std::pair<YAML::Node, std::string>> fence_on_fail_;
};

}  // namespace

namespace {

std::string sha256_hex(const std::string& text) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(text.data(), text.size(), md, &n, EVP_sha256(), nullptr) != 1) return "";
  static const char* const kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

}  // namespace

ConfigLoad parse_cluster_config(const std::string& text, const std::string& file_name) {
  Loader loader(file_name);
  YAML::Node root = parse_document(loader.sink(), text);
  if (!root.IsDefined()) return ConfigLoad{std::nullopt, loader.sink().errors(), {}};
  ConfigLoad load = loader.run(root);
  if (load.config) load.config->digest = sha256_hex(text);
  return load;
}

ConfigLoad load_cluster_config(const std::string& path) {
  ErrorSink sink(path);
  auto text = read_file_text(sink);
  if (!text) return ConfigLoad{std::nullopt, sink.errors(), {}};
  return parse_cluster_config(*text, path);
}

const NodeConfig* ClusterConfig::find_node(const std::string& n) const {
  for (const auto& node : nodes) {
    if (node.name == n) return &node;
  }
  return nullptr;
}

std::string to_string(OnFail f) {
  switch (f) {
    case OnFail::restart: return "restart";
    case OnFail::standby: return "standby";
    case OnFail::fence: return "fence";
    case OnFail::block: return "block";
    case OnFail::stop: return "stop";
  }
  return "?";
}

std::string to_string(NoQuorumPolicy p) {
  switch (p) {
    case NoQuorumPolicy::stop: return "stop";
    case NoQuorumPolicy::freeze: return "freeze";
    case NoQuorumPolicy::ignore: return "ignore";
  }
  return "?";
}

}  // namespace hamail::config

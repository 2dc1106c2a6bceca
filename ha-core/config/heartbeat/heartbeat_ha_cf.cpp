// ha.cf: nodes, timing, links, auto_failback, stonith, ping nodes; every other directive
// becomes a note saying why it is not mapped.
#include <algorithm>
#include <set>

#include "hamail/base/yaml_reader.h"
#include "heartbeat_model.h"

namespace hamail::config::heartbeat {
namespace {

// Directives this import knows and does not map, with why.
const std::map<std::string, std::string>& not_mapped_reasons() {
  static const std::map<std::string, std::string> reasons = {
      {"keepalive", "corosync's token circulates all the time and knet checks each link itself: there is no keepalive to set"},
      {"warntime", "no late-heartbeat warning in corosync; hactl events shows node_lost when it happens"},
      {"initdead", "quorum.wait_for_all does its job: after a full stop a node starts nothing until it has seen its peer (or `hactl fence PEER --confirm-off`)"},
      {"udpport", "corosync/knet uses its own ports (5405 by default, in corosync.conf from `hactl config corosync`)"},
      {"serial", "corosync links are IP only: use a second network link instead of a serial cable"},
      {"baud", "corosync links are IP only (no serial links)"},
      {"logfile", "hacored logs to stderr (journald) and logging.file"},
      {"debugfile", "hacored logs to stderr (journald) and logging.file (logging.level: debug)"},
      {"logfacility", "hacored logs to stderr (journald) and logging.file"},
      {"use_logd", "hacored logs to stderr (journald) and logging.file"},
      {"apiauth", "hactl's access is control.group (admins) and control.read_group (read-only)"},
      {"crm", "Heartbeat v2's CRM reads its CIB, not haresources: this import reads v1 configurations only (the CIB was not read)"},
      {"pacemaker", "Pacemaker reads its CIB, not haresources: this import reads v1 configurations only (the CIB was not read)"},
      {"deadping", "connectivity.interval x connectivity.failures is the equivalent (2s x 3 here)"},
      {"hopfudge", "no equivalent (corosync has no hop count)"},
      {"realtime", "no equivalent (hacored is not a realtime process)"},
      {"debug", "logging.level: debug"},
      {"compression", "no equivalent (corosync/knet compresses on its own settings)"},
      {"compression_threshold", "no equivalent"},
      {"traditional_compression", "no equivalent"},
      {"msgfmt", "no equivalent (hacored's protocol is versioned JSON)"},
      {"conn_logd_time", "no equivalent"},
      {"coredumps", "no equivalent (systemd's LimitCORE)"},
      {"autojoin", "the two nodes are listed in nodes:"},
      {"max_rexmit_delay", "no equivalent (corosync's totem settings)"},
      {"uuidfrom", "nodes are named by uname -n, with corosync ids in nodes[].id"},
      {"watchdog", "no watchdog in hamail; fencing (stonith) protects the data"},
      {"hbgenmethod", "no equivalent"},
      {"rtprio", "no equivalent"},
      {"memreserve", "no equivalent"},
      {"record_config_changes", "no equivalent"},
      {"record_pengine_inputs", "no equivalent"},
      {"enable_config_writes", "no equivalent"},
  };
  return reasons;
}

class HaCfReader {
 public:
  HaCfReader(const HeartbeatFile& f, Notes& notes) : f_(f), notes_(notes) {}

  Result<HaCf> run() {
    for (const Line& line : split_lines(f_.text, false)) {
      auto ok = directive(line);
      if (!ok) return Error{ok.message()};
    }
    return finish();
  }

 private:
  Status directive(const Line& l) {
    const std::string& d = l.words[0];
    std::string at = where(f_, l.number);
    if (d == "node") return nodes(l, at);
    if (d == "deadtime") return deadtime(l, at);
    if (d == "ucast" || d == "bcast" || d == "mcast" || d == "mcast6") return link(l, at);
    if (d == "auto_failback" || d == "nice_failback") return failback(l, at);
    if (d == "stonith" || d == "stonith_host") return stonith(l, at);
    if (d == "ping" || d == "ping_group") return ping(l, at);
    if (d == "respawn") return respawn(l, at);
    const auto& reasons = not_mapped_reasons();
    if (auto it = reasons.find(d); it != reasons.end()) {
      add_note(notes_, section_of(d), at, "not mapped: `" + l.text + "`: " + it->second);
    } else {
      add_note(notes_, Section::header, at, "not mapped: `" + l.text + "`: not a Heartbeat directive this import knows");
    }
    return Status::ok();
  }

  static Section section_of(const std::string& d) {
    if (d == "keepalive" || d == "warntime" || d == "initdead") return Section::timing;
    if (d == "deadping") return Section::connectivity;
    if (d == "udpport" || d == "serial" || d == "baud") return Section::nodes;
    return Section::header;
  }

  Status nodes(const Line& l, const std::string& at) {
    if (hb_.nodes_where.empty()) hb_.nodes_where = at;
    for (std::size_t i = 1; i < l.words.size(); ++i) {
      const std::string& n = l.words[i];
      if (!is_plain_name(n))
        return Error{at + ": node name '" + comment_safe(n) +
                     "' is not a host name hamail accepts (letters, digits, '-', '_', '.'; at most 63)"};
      if (std::find(hb_.nodes.begin(), hb_.nodes.end(), n) != hb_.nodes.end())
        return Error{at + ": node '" + n + "' is listed twice"};
      if (hb_.nodes.size() >= 64) return Error{at + ": too many nodes (hamail clusters have two)"};
      hb_.nodes.push_back(n);
    }
    if (l.words.size() == 1) add_note(notes_, Section::nodes, at, "`node` without a name: ignored");
    return Status::ok();
  }

  Status deadtime(const Line& l, const std::string& at) {
    auto t = l.words.size() == 2 ? parse_heartbeat_time(l.words[1]) : std::nullopt;
    if (!t || t->count() == 0) {
      add_note(notes_, Section::timing, at, "not mapped: `" + l.text + "`: expected one time (30, 500ms)");
      return Status::ok();
    }
    hb_.deadtime = t;
    hb_.deadtime_where = at;
    return Status::ok();
  }

  Link& link_for(const std::string& iface, const std::string& how, const std::string& at) {
    for (auto& k : hb_.links)
      if (k.iface == iface) return k;
    if (hb_.links.size() >= 16) return overflow_;  // corosync takes 8; notes say what was left out
    hb_.links.push_back(Link{iface, {}, how, at});
    return hb_.links.back();
  }

  Status link(const Line& l, const std::string& at) {
    const std::string& how = l.words[0];
    if (l.words.size() < 2) {
      add_note(notes_, Section::nodes, at, "not mapped: `" + l.text + "`: no interface");
      return Status::ok();
    }
    if (how == "bcast") {  // bcast IF [IF ...]
      for (std::size_t i = 1; i < l.words.size(); ++i) link_for(l.words[i], how, at);
      return Status::ok();
    }
    Link& k = link_for(l.words[1], how, at);
    if (how != "ucast") return Status::ok();  // mcast IF GROUP PORT TTL LOOP: the interface only
    if (l.words.size() != 3 || !is_ip_address(l.words[2])) {
      add_note(notes_, Section::nodes, at, "not mapped: `" + l.text + "`: expected `ucast INTERFACE PEER-ADDRESS` (a numeric address)");
      return Status::ok();
    }
    if (&k == &overflow_ || k.addrs.size() >= 16) {
      add_note(notes_, Section::nodes, at, "not mapped: `" + l.text + "`: too many links or addresses");
    } else if (std::find(k.addrs.begin(), k.addrs.end(), l.words[2]) == k.addrs.end()) {
      k.addrs.push_back(l.words[2]);
    }
    return Status::ok();
  }

  Status failback(const Line& l, const std::string& at) {
    std::string v = l.words.size() == 2 ? l.words[1] : "";
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    bool on = v == "on" || v == "yes" || v == "true" || v == "1";
    bool off = v == "off" || v == "no" || v == "false" || v == "0";
    if (v == "legacy") {
      on = true;
      add_note(notes_, Section::groups, at, "`auto_failback legacy` mapped as on (groups move back to their preferred node)");
    }
    if (!on && !off) {
      add_note(notes_, Section::groups, at, "not mapped: `" + l.text + "`: expected on or off");
      return Status::ok();
    }
    hb_.auto_failback = l.words[0] == "nice_failback" ? !on : on;  // nice_failback on = auto_failback off
    return Status::ok();
  }

  Status stonith(const Line& l, const std::string& at) {
    // The words after the plugin may hold a password: notes name the line, never its text.
    StonithLine s;
    s.where = at;
    if (l.words[0] == "stonith" && l.words.size() == 3) {
      s = StonithLine{at, "*", l.words[1], {l.words[2]}, true};
    } else if (l.words[0] == "stonith_host" && l.words.size() >= 3) {
      s = StonithLine{at, l.words[1], l.words[2], {l.words.begin() + 3, l.words.end()}, false};
    } else {
      add_note(notes_, Section::stonith, at, "not mapped: a `" + l.words[0] + "` line that is not `stonith TYPE FILE` / `stonith_host FROM TYPE ARGS...`");
      return Status::ok();
    }
    if (hb_.stonith.size() < 16) hb_.stonith.push_back(std::move(s));
    return Status::ok();
  }

  Status ping(const Line& l, const std::string& at) {
    std::size_t first = l.words[0] == "ping_group" ? 2 : 1;  // ping_group NAME ADDR...
    for (std::size_t i = first; i < l.words.size(); ++i) {
      const std::string& a = l.words[i];
      if (!is_ip_address(a)) {
        add_note(notes_, Section::connectivity, at, "not mapped: ping target '" + a + "': connectivity.targets takes numeric addresses");
      } else if (std::find(hb_.ping_targets.begin(), hb_.ping_targets.end(), a) == hb_.ping_targets.end() &&
                 hb_.ping_targets.size() < 16) {
        hb_.ping_targets.push_back(a);
      }
    }
    return Status::ok();
  }

  Status respawn(const Line& l, const std::string& at) {
    bool ipfail = l.words.size() >= 3 && l.words[2].size() >= 6 && l.words[2].substr(l.words[2].size() - 6) == "ipfail";
    if (ipfail) {
      hb_.ipfail = true;
      add_note(notes_, Section::connectivity, at, "`" + l.text + "`: ipfail's job is hacored's connectivity: (ping targets below)");
    } else {
      add_note(notes_, Section::header, at, "not mapped: `" + l.text + "`: hacored runs no helper processes; run it as a systemd unit");
    }
    return Status::ok();
  }

  Result<HaCf> finish() {
    if (hb_.nodes.size() != 2)
      return Error{(hb_.nodes_where.empty() ? f_.name : hb_.nodes_where) + ": hamail runs two-node clusters: ha.cf names " +
                   std::to_string(hb_.nodes.size()) + (hb_.nodes.size() == 1 ? " node" : " nodes") +
                   " in `node` lines, expected exactly 2"};
    return std::move(hb_);
  }

  const HeartbeatFile& f_;
  Notes& notes_;
  HaCf hb_;
  Link overflow_;  // the 17th interface and after
};

}  // namespace

Result<HaCf> parse_ha_cf(const HeartbeatFile& f, Notes& notes) { return HaCfReader(f, notes).run(); }

}  // namespace hamail::config::heartbeat

// haresources: each line a group on its preferred node; IPaddr/IPaddr2 -> ocf:hamail:vip,
// drbddisk -> ocf:hamail:volume (+ a volume), Filesystem -> ocf:hamail:filesystem, a plain
// name -> lsb:NAME; Heartbeat-only scripts become notes.
#include <algorithm>
#include <set>

#include "hamail/base/yaml_reader.h"
#include "heartbeat_model.h"

namespace hamail::config::heartbeat {
namespace {

constexpr std::size_t kMaxGroups = 100, kMaxResources = 100;

const char* const kVipOps = "{monitor: {interval: 10s, timeout: 20s}}";
const char* const kVolumeOps = "{monitor: {interval: 15s, timeout: 20s}, promote: {timeout: 60s}, demote: {timeout: 60s}}";
const char* const kLsbOps = "{monitor: {interval: 15s, timeout: 30s}, start: {timeout: 60s}, stop: {timeout: 60s}}";

// Heartbeat's own resource.d scripts that have no hamail equivalent, with why.
const std::map<std::string, std::string>& heartbeat_only() {
  static const std::map<std::string, std::string> m = {
      {"MailTo", "hamail sends no mail on failover: follow `hactl events --follow` (or the log) and alert from there"},
      {"Delay", "no equivalent: a start waits for what it needs (the volume is promoted before the filesystem mounts)"},
      {"AudibleAlarm", "no equivalent: hamail does not beep; watch `hactl events --follow`"},
      {"SendArp", "ocf:hamail:vip announces its address itself (arp_count, arp_interval_ms)"},
      {"IPsrcaddr", "no hamail agent: the source address of outgoing traffic is not managed"},
      {"IPv6addr", "use an IPv6 address in ocf:hamail:vip (ip, cidr_netmask)"},
      {"LVM", "no hamail agent: drbd-lite volumes replace shared-disk volume groups"},
      {"Raid1", "no hamail agent: drbd-lite volumes replace shared disks"},
      {"LinuxSCSI", "no hamail agent: drbd-lite volumes replace shared disks"},
      {"ServeRAID", "no hamail agent: drbd-lite volumes replace shared disks"},
      {"portblock", "no hamail agent"},
      {"Xinetd", "no hamail agent: use lsb:xinetd or a systemd unit"},
      {"WinPopup", "no equivalent"},
      {"ICP", "no hamail agent"},
      {"WAS", "no hamail agent"},
      {"db2", "no hamail agent"},
      {"apache", "use lsb:apache2 (or systemd:apache2) instead of Heartbeat's apache script"},
      {"LVSSyncDaemonSwap", "no hamail agent"},
      {"OCF", "OCF agents go straight into cluster.yaml as ocf:PROVIDER:TYPE"},
  };
  return m;
}

// Mail services the bundled mailsvc can take over, for a note.
const std::map<std::string, std::string>& mail_services() {
  static const std::map<std::string, std::string> m = {
      {"postfix", "smtpd"}, {"exim4", "smtpd"}, {"sendmail", "smtpd"},
      {"dovecot", "pop3d"}, {"cyrus", "pop3d"}, {"cyrus-imapd", "pop3d"}, {"courier-pop", "pop3d"}};
  return m;
}

std::vector<std::string> split_on(const std::string& s, const std::string& sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t at; (at = s.find(sep, start)) != std::string::npos; start = at + sep.size())
    out.push_back(s.substr(start, at - start));
  out.push_back(s.substr(start));
  return out;
}

bool is_interface_name(const std::string& s) {
  if (s.empty() || s.size() > 15) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == ':'; });
}

bool is_service_name(const std::string& s) {
  if (s.empty() || s.size() > 255) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '.' || c == '@' || c == '-'; });
}

bool is_netmask(const std::string& m, bool v6) {
  if (!m.empty() && m.size() <= 3 && std::all_of(m.begin(), m.end(), [](unsigned char c) { return std::isdigit(c); }))
    return std::stoi(m) <= (v6 ? 128 : 32);
  return !v6 && is_ip_address(m) && !is_ipv6_address(m);
}

class HaresourcesReader {
 public:
  HaresourcesReader(const HeartbeatFile& f, const HaCf& hb, bool stonith_on, Notes& notes)
      : f_(f), hb_(hb), stonith_on_(stonith_on), notes_(notes) {}

  Result<Haresources> run() {
    for (const Line& line : split_lines(f_.text, true)) {
      if (out_.groups.size() >= kMaxGroups) return Error{where(f_, line.number) + ": more than 100 groups"};
      auto ok = group(line);
      if (!ok) return Error{ok.message()};
    }
    if (out_.groups.empty()) add_note(notes_, Section::groups, f_.name, "no resource groups: groups: is empty, add yours");
    return std::move(out_);
  }

 private:
  Status group(const Line& l) {
    at_ = where(f_, l.number);
    const std::string& node = l.words[0];
    if (std::find(hb_.nodes.begin(), hb_.nodes.end(), node) == hb_.nodes.end()) {
      std::string msg = at_ + ": the preferred node '" + comment_safe(node) + "' is not a `node` of ha.cf (";
      return Error{msg + hb_.nodes[0] + ", " + hb_.nodes[1] + "); a line is `NODE RESOURCE...`"};
    }
    if (l.words.size() < 2) return Error{at_ + ": group on " + node + " has no resources; a line is `NODE RESOURCE...`"};
    if (l.words.size() - 1 > kMaxResources) return Error{at_ + ": more than 100 resources in one group"};
    Group g;
    g.name = unique("group" + std::to_string(out_.groups.size() + 1));
    g.where = at_;
    g.preferred_node = node;
    g.comments.push_back(at_ + ": " + l.text);
    volumes_ = {};
    for (std::size_t i = 1; i < l.words.size(); ++i) {
      auto ok = resource(l.words[i], g);
      if (!ok) return ok;
    }
    if (g.resources.empty()) {
      add_note(notes_, Section::groups, at_, "no resource of this group could be mapped: group left out");
      return Status::ok();
    }
    out_.groups.push_back(std::move(g));
    return Status::ok();
  }

  Status resource(const std::string& word, Group& g) {
    std::vector<std::string> parts = split_on(word, "::");
    std::string kind = parts[0];
    std::vector<std::string> args(parts.begin() + 1, parts.end());
    if (parts.size() == 1 && is_ip_address(split_on(kind, "/")[0])) {  // a bare address is IPaddr
      args = {kind};
      kind = "IPaddr";
    }
    if (kind == "IPaddr" || kind == "IPaddr2") return vip(word, args, g);
    if (kind == "drbddisk" || kind == "datadisk") return drbddisk(word, args, g);
    if (kind == "Filesystem") return filesystem(word, args, g);
    if (auto it = heartbeat_only().find(kind); it != heartbeat_only().end()) {
      g.comments.push_back("not mapped: " + word + ": " + it->second);
      add_note(notes_, Section::groups, at_, "not mapped: `" + word + "`: " + it->second);
      return Status::ok();
    }
    return lsb(word, kind, args, g);
  }

  Status vip(const std::string& word, const std::vector<std::string>& args, Group& g) {
    if (args.empty() || args[0].empty()) return Error{at_ + ": `" + comment_safe(word) + "`: expected IPaddr::ADDRESS[/BITS[/INTERFACE]]"};
    std::vector<std::string> spec = split_on(args[0], "/");
    const std::string& ip = spec[0];
    if (!is_ip_address(ip)) return Error{at_ + ": `" + comment_safe(word) + "`: '" + comment_safe(ip) + "' is not an IP address"};
    Resource r{unique(g.name + "-vip"), "ocf:hamail:vip", {{"ip", ip}}, {}, kVipOps, false};
    if (spec.size() > 1 && !spec[1].empty()) {
      if (!is_netmask(spec[1], is_ipv6_address(ip)))
        return Error{at_ + ": `" + comment_safe(word) + "`: '" + comment_safe(spec[1]) + "' is not a netmask (bits, e.g. 24)"};
      r.params.emplace_back("cidr_netmask", spec[1]);
    }
    if (spec.size() > 2 && !spec[2].empty()) {
      if (!is_interface_name(spec[2]))
        return Error{at_ + ": `" + comment_safe(word) + "`: '" + comment_safe(spec[2]) + "' is not an interface name"};
      r.params.emplace_back("nic", spec[2]);
    }
    r.comments.push_back(comment_safe(word));
    if (spec.size() > 3 || args.size() > 1)
      r.comments.push_back("the broadcast address and further IPaddr options are left out: the vip agent derives them");
    g.resources.push_back(std::move(r));
    return Status::ok();
  }

  Status drbddisk(const std::string& word, const std::vector<std::string>& args, Group& g) {
    if (args.empty() || args[0].empty() || args[0] == "all") {
      add_note(notes_, Section::groups, at_, "not mapped: `" + comment_safe(word) + "` (every DRBD resource): name each, drbddisk::r0");
      g.comments.push_back("not mapped: " + comment_safe(word) + ": name each DRBD resource");
      return Status::ok();
    }
    const std::string& v = args[0];
    if (!is_plain_name(v)) return Error{at_ + ": `" + comment_safe(word) + "`: '" + comment_safe(v) + "' is not a volume name (letters, digits, '-', '_', '.')"};
    for (const auto& known : out_.volumes)
      if (known.name == v) return Error{at_ + ": drbddisk " + v + " is already used by the group of " + known.where};
    out_.volumes.push_back(Volume{v, at_});
    volumes_.push_back(v);
    Resource r{unique(g.name + "-" + v, g.name + "-volume"), "ocf:hamail:volume", {{"volume", v}}, {}, kVolumeOps, true};
    r.comments.push_back(comment_safe(word) + ": drbd-lite volume " + v + " (see volumes:), promoted where the group runs");
    g.resources.push_back(std::move(r));
    return Status::ok();
  }

  Status filesystem(const std::string& word, const std::vector<std::string>& args, Group& g) {
    if (args.size() < 2 || args[0].empty() || args[1].empty())
      return Error{at_ + ": `" + comment_safe(word) + "`: expected Filesystem::DEVICE::DIRECTORY[::FSTYPE[::OPTIONS]]"};
    if (!is_absolute_path(args[1])) return Error{at_ + ": `" + comment_safe(word) + "`: the mount point '" + comment_safe(args[1]) + "' is not an absolute path"};
    Resource r{unique(g.name + "-fs"), "ocf:hamail:filesystem", {}, {}, {}, false};
    r.comments.push_back(comment_safe(word));
    r.params.emplace_back("device", device_for(args[0], r.comments));
    r.params.emplace_back("directory", args[1]);
    r.params.emplace_back("fstype", args.size() > 2 && !args[2].empty() ? args[2] : "ext4");
    if (args.size() > 3 && !args[3].empty()) r.params.emplace_back("options", args[3]);
    r.ops = std::string("{monitor: {interval: 20s, timeout: 40s}, stop: {timeout: 60s") + (stonith_on_ ? ", on_fail: fence}}" : "}}");
    g.resources.push_back(std::move(r));
    return Status::ok();
  }

  // /dev/drbdN or /dev/drbd/by-res/NAME -> the volume agent's device link for that volume.
  std::string device_for(const std::string& dev, std::vector<std::string>& comments) {
    std::string volume;
    const std::string by_res = "/dev/drbd/by-res/";
    if (dev.rfind(by_res, 0) == 0) volume = split_on(dev.substr(by_res.size()), "/")[0];
    bool minor = dev.size() > 9 && dev.rfind("/dev/drbd", 0) == 0 &&
                 std::all_of(dev.begin() + 9, dev.end(), [](unsigned char c) { return std::isdigit(c); });
    if (minor && volumes_.size() == 1) volume = volumes_[0];
    if (!volume.empty() && std::find(volumes_.begin(), volumes_.end(), volume) != volumes_.end()) {
      comments.push_back(comment_safe(dev) + " -> the device link of volume " + volume + " (ocf:hamail:volume's device_link)");
      return "/run/hamail/dev/" + volume;
    }
    if (minor || !volume.empty()) {
      add_note(notes_, Section::groups, at_, "CHECK: " + comment_safe(dev) + " is a DRBD device but not of exactly one drbddisk before it in this group: set the device to /run/hamail/dev/VOLUME");
      comments.push_back("CHECK: set device to /run/hamail/dev/VOLUME of the volume that " + comment_safe(dev) + " was");
    } else {
      comments.push_back("not a DRBD device: mounted as it is (shared storage?)");
    }
    return dev;
  }

  Status lsb(const std::string& word, const std::string& name, const std::vector<std::string>& args, Group& g) {
    if (!is_service_name(name))
      return Error{at_ + ": `" + comment_safe(word) + "`: '" + comment_safe(name) + "' is not a resource script or init script name"};
    Resource r{unique(name, g.name + "-service"), "lsb:" + name, {}, {}, kLsbOps, false};
    r.comments.push_back(comment_safe(word) + ": /etc/init.d/" + name + " (start, stop, status)");
    if (!args.empty()) {
      r.comments.push_back("its arguments are left out: an LSB script takes only the action");
      add_note(notes_, Section::groups, at_, "CHECK: `" + comment_safe(word) + "`: the arguments after `::` are not passed to lsb:" + name);
    }
    if (auto it = mail_services().find(name); it != mail_services().end())
      r.comments.push_back("hamail's own " + it->second + " (ocf:hamail:mailsvc, see conf/lab/cluster-mail.yaml) can replace " + name);
    g.resources.push_back(std::move(r));
    return Status::ok();
  }

  // A name no group or resource has yet; `base` when it is a short plain name, else `fallback`.
  std::string unique(const std::string& base, const std::string& fallback = "resource") {
    std::string name = is_plain_name(base) && base.size() <= 50 ? base : fallback;
    const std::string stem = name;
    for (int i = 2; names_.count(name); ++i) name = stem + "-" + std::to_string(i);
    names_.insert(name);
    return name;
  }

  const HeartbeatFile& f_;
  const HaCf& hb_;
  bool stonith_on_;
  Notes& notes_;
  Haresources out_;
  std::string at_;
  std::vector<std::string> volumes_;  // of the group being read
  std::set<std::string> names_;
};

}  // namespace

Result<Haresources> parse_haresources(const HeartbeatFile& f, const HaCf& hb, bool stonith_on, Notes& notes) {
  return HaresourcesReader(f, hb, stonith_on, notes).run();
}

}  // namespace hamail::config::heartbeat

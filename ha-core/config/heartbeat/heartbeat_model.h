// The typed reading of a Heartbeat v1 configuration (ha.cf and haresources), between the
// parsers (heartbeat_ha_cf.cpp, heartbeat_haresources.cpp) and the cluster.yaml renderer
// (heartbeat_render.cpp). Private to hacore_config.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <ostream>
#include <optional>
#include <string>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/hacore/config/heartbeat_import.h"

namespace hamail::config::heartbeat {

using Milliseconds = std::chrono::milliseconds;

// Where a note is printed in the YAML (as a comment at the top of that section).
enum class Section { header, cluster, nodes, quorum, timing, stonith, volumes, groups, connectivity };

struct Note {
  Section section;
  ImportNote note;
};
using Notes = std::vector<Note>;

// One line after comments, continuations and whitespace are taken out.
struct Line {
  std::size_t number = 0;          // 1-based, the first physical line of a continued one
  std::vector<std::string> words;  // never empty
  std::string text;                // the words joined by one space (for notes)
};

// ucast/bcast/mcast on one interface: one corosync link.
struct Link {
  std::string iface;
  std::vector<std::string> addrs;  // ucast peers, in the order written (bcast/mcast: none)
  std::string how;                 // "ucast", "bcast", "mcast" (the first seen on this interface)
  std::string where;               // file:line of the first line
};

// A stonith_host or stonith line. The arguments are kept for the mapping only: they may
// hold a password and are never rendered as written.
struct StonithLine {
  std::string where;
  std::string from;                // stonith_host's first word ("*" or a node); "*" for stonith
  std::string plugin;              // external/ipmi, ipmilan, apcmaster ...
  std::vector<std::string> args;   // stonith_host: the plugin's words; stonith: the config file
  bool config_file = false;        // `stonith TYPE FILE`: args[0] is a file this import does not read
};

struct HaCf {
  std::vector<std::string> nodes;
  std::string nodes_where;                 // file:line of the first node line
  std::optional<Milliseconds> deadtime;
  std::string deadtime_where;
  std::vector<Link> links;
  std::optional<bool> auto_failback;
  std::vector<StonithLine> stonith;
  std::vector<std::string> ping_targets;   // ping / ping_group addresses
  bool ipfail = false;                     // respawn ... ipfail: ping nodes move groups
};

struct Resource {
  std::string name;                           // unique over groups and resources
  std::string agent;                          // ocf:hamail:vip, lsb:postfix ...
  std::vector<std::pair<std::string, std::string>> params;  // in the order rendered
  std::vector<std::string> comments;          // printed above the resource
  std::string ops;                            // the flow map of ops, rendered as is
  bool promotable = false;
};

struct Group {
  std::string name;
  std::string where;                          // haresources:N
  std::string preferred_node;
  std::vector<std::string> comments;          // the line as written, what was left out
  std::vector<Resource> resources;
};

struct Volume {
  std::string name;                           // the DRBD resource name (drbddisk::r0)
  std::string where;
};

struct Haresources {
  std::vector<Group> groups;
  std::vector<Volume> volumes;
};

// heartbeat_text.cpp: lines, values, quoting.
std::vector<Line> split_lines(const std::string& text, bool backslash_continues);
std::optional<Milliseconds> parse_heartbeat_time(const std::string& word);
std::string yaml_quote(const std::string& s);      // a double-quoted YAML scalar
std::string comment_safe(const std::string& s);    // printable, for a # comment
std::string where(const HeartbeatFile& f, std::size_t line);
void add_note(Notes& notes, Section s, std::string where, std::string text);

// heartbeat_ha_cf.cpp
Result<HaCf> parse_ha_cf(const HeartbeatFile& f, Notes& notes);
// heartbeat_haresources.cpp
Result<Haresources> parse_haresources(const HeartbeatFile& f, const HaCf& ha_cf, bool stonith_on, Notes& notes);
// heartbeat_authkeys.cpp: checks only; the key is never kept.
void check_authkeys(const HeartbeatAuthkeys& a, Notes& notes);
// heartbeat_stonith.cpp: devices from stonith lines (an empty list: fencing off).
struct FenceDevice {
  std::string name, agent, where;
  std::vector<std::string> hosts;
  std::vector<std::pair<std::string, std::string>> params;
  std::string password_file;                  // where the user puts the password (never copied)
  std::vector<std::string> comments;
};
std::vector<FenceDevice> map_stonith(const HaCf& ha_cf, Notes& notes);
bool fences_every_node(const std::vector<FenceDevice>& devices, const std::vector<std::string>& nodes);
// heartbeat_addresses.cpp: ring addresses per node and link (ring[node][link]); what
// ha.cf did not say becomes a placeholder that loads, with a note.
struct NodeAddresses {
  std::vector<std::vector<std::string>> ring;
  std::vector<std::string> link_comments;  // one per link: where it came from
};
NodeAddresses assign_node_addresses(const HaCf& ha_cf, Notes& notes);

// Rendering helpers (heartbeat_text.cpp).
void write_notes(std::ostream& o, const Notes& notes, Section s);  // "# where: text" lines
void write_comment(std::ostream& o, const std::string& indent, const std::string& text);
std::string flow_list(const std::vector<std::string>& items);                         // ["a", "b"]
std::string flow_map(const std::vector<std::pair<std::string, std::string>>& kv);     // {k: "v"}

// heartbeat_render.cpp (header, cluster, nodes, quorum, timing) and
// heartbeat_render_groups.cpp (stonith, volumes, groups, connectivity).
std::string render_cluster_yaml(const HeartbeatInput& in, const HaCf& ha_cf, const NodeAddresses& addrs,
                                const std::vector<FenceDevice>& devices, const Haresources& res, const Notes& notes);
void render_stonith(std::ostream& o, const std::vector<FenceDevice>& devices, bool enabled, const Notes& notes);
void render_volumes(std::ostream& o, const Haresources& res, const Notes& notes);
void render_groups(std::ostream& o, const HaCf& ha_cf, const Haresources& res, const Notes& notes);
void render_connectivity(std::ostream& o, const HaCf& ha_cf, const Notes& notes);

}  // namespace hamail::config::heartbeat

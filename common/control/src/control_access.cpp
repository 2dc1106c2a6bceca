#include "hamail/control/control_access.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>

namespace hamail {
namespace {

bool member_of(const ControlPeer& who, const std::string& group) {
  return !group.empty() && std::find(who.groups.begin(), who.groups.end(), group) != who.groups.end();
}

std::string group_name(gid_t gid) {
  std::vector<char> buf(16384);
  struct group g {};
  struct group* found = nullptr;
  if (::getgrgid_r(gid, &g, buf.data(), buf.size(), &found) == 0 && found) return g.gr_name;
  return "gid " + std::to_string(gid);
}

}  // namespace

std::string ControlPeer::describe() const {
  return "user " + user + " (uid " + std::to_string(uid) + ", pid " + std::to_string(pid) + ")";
}

Result<ControlRole> decide_role(const ControlPeer& who, const ControlAccess& access) {
  if (who.uid == 0 || member_of(who, access.admin_group)) return ControlRole::admin;
  if (member_of(who, access.read_group)) return ControlRole::reader;
  std::string groups = "'" + access.admin_group + "'";
  if (!access.read_group.empty()) groups += " or '" + access.read_group + "'";
  return Error{"permission denied: " + who.describe() + " is not in group " + groups};
}

Status allow_command(const ControlPeer& who, const std::string& cmd, const ControlAccess& access) {
  if (who.role == ControlRole::admin || access.read_commands.count(cmd)) return Status::ok();
  return Error{"permission denied: '" + cmd + "' needs the admin group '" + access.admin_group + "' (" +
               who.describe() + " may only read)"};
}

ControlPeer lookup_peer(unsigned uid, unsigned gid, int pid) {
  ControlPeer p;
  p.uid = uid;
  p.pid = pid;
  std::vector<char> buf(16384);
  struct passwd pw {};
  struct passwd* found = nullptr;
  if (::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) != 0 || !found) {
    p.user = "uid " + std::to_string(uid);
    p.groups.push_back(group_name(gid));
    return p;
  }
  p.user = pw.pw_name;
  int n = 64;
  std::vector<gid_t> gids(static_cast<std::size_t>(n));
  if (::getgrouplist(pw.pw_name, gid, gids.data(), &n) < 0) {  // more than 64: n says how many
    gids.resize(static_cast<std::size_t>(std::min(n, 4096)));
    if (::getgrouplist(pw.pw_name, gid, gids.data(), &n) < 0) n = static_cast<int>(gids.size());
  }
  gids.resize(static_cast<std::size_t>(std::max(n, 0)));
  if (std::find(gids.begin(), gids.end(), gid) == gids.end()) gids.push_back(gid);
  for (gid_t g : gids) p.groups.push_back(group_name(g));
  return p;
}

}  // namespace hamail

// Who may do what on a daemon's control socket. The socket file is mode 0660, owner root,
// group: the read group when one is set (so readers can connect; admins must be in it
// too), else the admin group. Each connection's credentials (SO_PEERCRED) then give it a
// role: root or a member of the admin group -> admin; a member of the read group ->
// reader (only the read commands, e.g. status and events); anyone else is refused with
// an answer naming the group. Admin commands are logged with who sent them.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "hamail/base/result.h"

namespace hamail {

struct ControlAccess {
  std::string admin_group = "root";
  std::string read_group;  // empty: no read-only role
  std::set<std::string> read_commands = {"status", "events"};

  // The group the socket file belongs to (see above).
  const std::string& socket_group() const { return read_group.empty() ? admin_group : read_group; }
};

enum class ControlRole { reader, admin };

// The process at the other end of a connection, as the access check sees it.
struct ControlPeer {
  unsigned uid = 0;
  int pid = 0;
  std::string user;                 // "uid 1234" when the uid has no name
  std::vector<std::string> groups;  // names of its primary and supplementary groups
  ControlRole role = ControlRole::reader;

  // "user bob (uid 1000, pid 4242)"
  std::string describe() const;
};

// The role of `who` (its role field is ignored), or the refusal naming the group it lacks.
Result<ControlRole> decide_role(const ControlPeer& who, const ControlAccess& access);

// May `role` run `cmd`? An error naming the admin group otherwise.
Status allow_command(const ControlPeer& who, const std::string& cmd, const ControlAccess& access);

// The user name and group names of a uid/gid from the system's databases (NSS).
ControlPeer lookup_peer(unsigned uid, unsigned gid, int pid);

}  // namespace hamail

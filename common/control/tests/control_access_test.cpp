#include "hamail/control/control_access.h"

#include <gtest/gtest.h>

namespace hamail {
namespace {

ControlPeer peer(unsigned uid, std::string user, std::vector<std::string> groups) {
  ControlPeer p;
  p.uid = uid;
  p.pid = 4242;
  p.user = std::move(user);
  p.groups = std::move(groups);
  return p;
}

TEST(ControlAccess, RootAndAdminGroupMembersAreAdmins) {
  ControlAccess a{"hamail", "hamail-ro"};
  EXPECT_EQ(*decide_role(peer(0, "root", {"root"}), a), ControlRole::admin);
  EXPECT_EQ(*decide_role(peer(1000, "ann", {"ann", "hamail"}), a), ControlRole::admin);
  EXPECT_EQ(*decide_role(peer(1001, "rob", {"rob", "hamail-ro"}), a), ControlRole::reader);
}

TEST(ControlAccess, OthersAreRefusedNamingTheGroups) {
  auto r = decide_role(peer(1002, "eve", {"eve", "users"}), ControlAccess{"hamail", "hamail-ro"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "permission denied: user eve (uid 1002, pid 4242) is not in group 'hamail' or 'hamail-ro'");
  r = decide_role(peer(1002, "eve", {"eve"}), ControlAccess{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "permission denied: user eve (uid 1002, pid 4242) is not in group 'root'");
}

TEST(ControlAccess, ReadersRunOnlyReadCommands) {
  ControlAccess a{"hamail", "hamail-ro"};
  ControlPeer rob = peer(1001, "rob", {"hamail-ro"});
  rob.role = ControlRole::reader;
  EXPECT_TRUE(allow_command(rob, "status", a));
  EXPECT_TRUE(allow_command(rob, "events", a));
  Status st = allow_command(rob, "switchover", a);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message(), "permission denied: 'switchover' needs the admin group 'hamail' (user rob (uid 1001, pid 4242) may only read)");
  ControlPeer ann = peer(1000, "ann", {"hamail"});
  ann.role = ControlRole::admin;
  EXPECT_TRUE(allow_command(ann, "switchover", a));
}

TEST(ControlAccess, SocketGroupIsTheReadGroupWhenThereIsOne) {
  EXPECT_EQ((ControlAccess{"hamail", "hamail-ro"}).socket_group(), "hamail-ro");
  EXPECT_EQ((ControlAccess{"hamail"}).socket_group(), "hamail");
}

TEST(ControlAccess, LookupFindsNamesAndGroups) {
  ControlPeer root = lookup_peer(0, 0, 1);
  EXPECT_EQ(root.user, "root");
  EXPECT_NE(std::find(root.groups.begin(), root.groups.end(), "root"), root.groups.end());
  ControlPeer ghost = lookup_peer(4000000, 4000000, 1);
  EXPECT_EQ(ghost.user, "uid 4000000");
  EXPECT_EQ(*decide_role(root, ControlAccess{}), ControlRole::admin);
  EXPECT_FALSE(decide_role(ghost, ControlAccess{}));
}

}  // namespace
}  // namespace hamail

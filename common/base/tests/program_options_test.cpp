#include "hamail/base/program_options.h"

#include "hamail/base/version.h"

#include <gtest/gtest.h>

namespace hamail {
namespace {

struct Parsed {
  std::string config = "/etc/hamail/cluster.yaml", node;
  bool up = false;
  ProgramOptions opts{"drbdlited", "The drbd-lite daemon of one node."};
  Parsed() {
    opts.value("config", &config, "FILE", "cluster.yaml");
    opts.value("node", &node, "NAME", "this node (default: the host name)");
    opts.flag("up", &up, "bring every volume up at start");
  }
  Status parse(std::vector<const char*> args) {
    args.insert(args.begin(), "drbdlited");
    return opts.parse(static_cast<int>(args.size()), args.data());
  }
};

TEST(ProgramOptions, ValuesFlagsAndDefaults) {
  Parsed p;
  ASSERT_TRUE(p.parse({"--node", "node2", "--up"}));
  EXPECT_EQ(p.node, "node2");
  EXPECT_TRUE(p.up);
  EXPECT_EQ(p.config, "/etc/hamail/cluster.yaml");
  EXPECT_FALSE(p.opts.help_requested());
}

TEST(ProgramOptions, ErrorsNameTheOption) {
  Parsed a;
  Status st = a.parse({"--nodes", "x"});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message(), "unknown option '--nodes'");
  Parsed b;
  st = b.parse({"--config"});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message(), "--config needs FILE");
  Parsed c;
  st = c.parse({"stray"});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message(), "unexpected argument 'stray'");
}

TEST(ProgramOptions, UsageListsEveryOptionWithItsDefault) {
  Parsed p;
  std::string u = p.opts.usage();
  EXPECT_NE(u.find("Usage: drbdlited [--config FILE] [--node NAME] [--up]"), std::string::npos) << u;
  EXPECT_NE(u.find("(default /etc/hamail/cluster.yaml)"), std::string::npos) << u;
  ASSERT_TRUE(p.parse({"--help"}));
  EXPECT_TRUE(p.opts.help_requested());
}

TEST(ProgramOptions, VersionIsAnOptionOfEveryProgram) {
  Parsed p;
  ASSERT_TRUE(p.parse({"--version"}));
  EXPECT_TRUE(p.opts.version_requested());
  EXPECT_FALSE(p.opts.help_requested());
  std::string u = p.opts.usage();
  EXPECT_NE(u.find("\n  --version "), std::string::npos) << u;
  EXPECT_NE(u.find("\n  --help "), std::string::npos) << u;
  // help2man reads the first line of --version: "PROGRAM (PACKAGE) VERSION".
  EXPECT_EQ(version_text("drbdlited").rfind(std::string("drbdlited (hamail) ") + version() + "\n", 0), 0u);
}

TEST(ProgramOptions, NodeNameDefaultsToTheHostName) {
  EXPECT_EQ(node_name_or_hostname("node1"), "node1");
  EXPECT_FALSE(node_name_or_hostname("").empty());
}

}  // namespace
}  // namespace hamail

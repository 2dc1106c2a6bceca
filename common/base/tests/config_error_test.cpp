#include "hamail/base/config_error.h"

#include <gtest/gtest.h>

namespace hamail {
namespace {

TEST(ConfigError, FormatsFileLineColumnKeyAndMessage) {
  ConfigError e{"cluster.yaml", 12, 5, "nodes[1].name", "duplicate node name 'node1'"};
  EXPECT_EQ(e.to_string(), "cluster.yaml:12:5: nodes[1].name: duplicate node name 'node1'");
}

TEST(ConfigError, OmitsUnknownPosition) {
  ConfigError e{"cluster.yaml", 0, 0, "", "file is empty"};
  EXPECT_EQ(e.to_string(), "cluster.yaml: file is empty");
}

TEST(EditDistance, CountsInsertDeleteSubstitute) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("token", "token"), 0u);
  EXPECT_EQ(edit_distance("tokn", "token"), 1u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(ClosestMatch, SuggestsTyposOnly) {
  std::vector<std::string> keys = {"name", "nodes", "quorum", "timing", "stonith"};
  EXPECT_EQ(closest_match("qourum", keys), "quorum");
  EXPECT_EQ(closest_match("node", keys), "nodes");
  EXPECT_EQ(closest_match("completely_different", keys), std::nullopt);
}

}  // namespace
}  // namespace hamail

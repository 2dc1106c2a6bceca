// Golden cases: each folder under golden/ holds input.yaml (config + state) and
// expected.txt (the rendered transition). UPDATE_GOLDEN=1 rewrites expected.txt.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "hamail/hacore/scheduler/scenario_file.h"
#include "hamail/hacore/scheduler/scheduler.h"
#include "hamail/hacore/scheduler/transition_text.h"
#include "transition_invariants.h"

namespace hamail::scheduler {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> golden_cases() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(HACORE_GOLDEN_DIR)) {
    if (entry.is_directory() && fs::exists(entry.path() / "input.yaml")) names.push_back(entry.path().filename());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool updating() {
  const char* v = std::getenv("UPDATE_GOLDEN");
  return v && std::string(v) == "1";
}

class SchedulerGolden : public testing::TestWithParam<std::string> {};

TEST_P(SchedulerGolden, MatchesExpectedTransition) {
  fs::path dir = fs::path(HACORE_GOLDEN_DIR) / GetParam();
  auto scenario = load_scenario((dir / "input.yaml").string());
  ASSERT_TRUE(scenario.is_ok()) << scenario.error();
  auto transition = schedule(scenario->config, scenario->state);
  ASSERT_TRUE(transition.is_ok()) << transition.error();
  std::string actual = render_transition(*transition);

  auto again = schedule(scenario->config, scenario->state);
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(render_transition(*again), actual) << "the scheduler is not deterministic";
  for (const auto& v : invariant_violations(scenario->config, scenario->state, *transition)) ADD_FAILURE() << v;

  fs::path expected_path = dir / "expected.txt";
  if (updating()) {
    std::ofstream(expected_path) << actual;
    GTEST_SKIP() << "rewrote " << expected_path;
  }
  ASSERT_TRUE(fs::exists(expected_path)) << expected_path << " is missing; create it with\n  hacore-schedule "
                                         << (dir / "input.yaml") << " > " << expected_path
                                         << "\nor run the tests with UPDATE_GOLDEN=1";
  EXPECT_EQ(read_file(expected_path), actual) << "golden case " << GetParam()
                                              << " changed; if the new output is right, rerun with UPDATE_GOLDEN=1";
}

std::string case_name(const testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Cases, SchedulerGolden, testing::ValuesIn(golden_cases()), case_name);

}  // namespace
}  // namespace hamail::scheduler

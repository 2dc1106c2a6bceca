// hacore-schedule INPUT: prints the transition the scheduler computes for a scenario
// file (config + state). Make a golden case by running it, checking the output by eye
// and saving it as expected.txt next to input.yaml.
#include <cstdio>
#include <string>

#include "hamail/hacore/scheduler/scenario_file.h"
#include "hamail/hacore/scheduler/scheduler.h"
#include "hamail/hacore/scheduler/transition_text.h"

int main(int argc, char** argv) {
  if (argc != 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::fprintf(stderr, "usage: hacore-schedule INPUT.yaml\n"
                         "prints the transition for the scenario (config: + state:) in INPUT.yaml\n");
    return 2;
  }
  auto scenario = hamail::scheduler::load_scenario(argv[1]);
  if (!scenario) {
    std::fprintf(stderr, "%s\n", scenario.error().c_str());
    return 1;
  }
  auto transition = hamail::scheduler::schedule(scenario->config, scenario->state);
  if (!transition) {
    std::fprintf(stderr, "%s: %s\n", argv[1], transition.error().c_str());
    return 1;
  }
  std::fputs(hamail::scheduler::render_transition(*transition).c_str(), stdout);
  return 0;
}

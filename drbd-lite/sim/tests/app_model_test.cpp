// AppModel, the simulator's judge of what data read back is allowed: a completed write
// replicated under protocol C survives one node's failure, not two.
#include <gtest/gtest.h>

#include "../app_model.h"

namespace hamail::drbdlite::sim {
namespace {

constexpr std::uint64_t kBytes = 64 * 1024;

// Issues a 4 KiB write at 0 on node1 (index 0) and completes it OK with a copy on node2.
std::string write_on_both(AppModel& m) {
  std::string data;
  const std::uint64_t id = m.issue(0, 0, 4096, false, data);
  m.complete(id, true, true);
  return data;
}

TEST(AppModel, ACompletedWriteWithACopyOnThePeerSurvivesTheWritersPowerCut) {
  AppModel m(kBytes);
  m.link_established();
  write_on_both(m);
  m.power_cut(0);
  EXPECT_TRUE(m.check(0, std::string(4096, '\0'))) << "the peer holds it: lost only if both fail";
}

// The peer was killed after it wrote the write; its ack, sent before, arrived after the kill
// (frames before a FIN are delivered). The kill counts: its copy was exposed to it. The
// simulator's seeds 142321, 346339: the model took the peer's failures at the completion and
// held the copy safe.
TEST(AppModel, APeerKilledBeforeItsAckArrivedStillCountsAsFailedHoldingTheCopy) {
  AppModel m(kBytes);
  m.link_established();
  std::string data;
  const std::uint64_t id = m.issue(0, 0, 4096, false, data);
  m.process_killed(1);
  m.complete(id, true, true);
  m.power_cut(0);
  EXPECT_FALSE(m.check(0, std::string(4096, '\0'))) << "both failed: the unflushed write may be gone";
  EXPECT_FALSE(m.check(0, data));
}

// A peer failure before the connection the copy was made over does not touch that copy.
TEST(AppModel, APeerFailureBeforeTheConnectionDoesNotCount) {
  AppModel m(kBytes);
  m.process_killed(1);
  m.link_established();
  write_on_both(m);
  m.power_cut(0);
  EXPECT_TRUE(m.check(0, std::string(4096, '\0')));
}

}  // namespace
}  // namespace hamail::drbdlite::sim

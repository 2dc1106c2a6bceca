#include <gtest/gtest.h>

#include "hamail/hacore/executor/exit_mapping.h"
#include "hamail/hacore/executor/ocf_rc.h"

namespace hamail::executor {
namespace {

using C = Classification;

TEST(ExecutorOcfRc, ExitCodesZeroToNineKeepTheirMeaning) {
  for (int i = 0; i <= 9; ++i) EXPECT_EQ(static_cast<int>(ocf_rc_from_exit_code(i)), i);
  EXPECT_EQ(ocf_rc_from_exit_code(-1), OcfRc::err_generic);
  EXPECT_EQ(ocf_rc_from_exit_code(10), OcfRc::err_generic);
  EXPECT_EQ(ocf_rc_from_exit_code(127), OcfRc::err_generic);
  EXPECT_EQ(to_string(OcfRc::not_running), "not running");
  EXPECT_EQ(to_string(OcfRc::err_perm), "insufficient privileges");
}

TEST(ExecutorOcfRc, ClassifiesStartLikePacemaker) {
  const C expected[10] = {C::success,    C::soft_error, C::hard_error,  C::hard_error, C::hard_error,
                          C::hard_error, C::fatal_error, C::soft_error, C::soft_error, C::soft_error};
  for (Action a : {Action::start, Action::stop, Action::promote, Action::demote}) {
    for (int i = 0; i <= 9; ++i)
      EXPECT_EQ(classify(a, 0, static_cast<OcfRc>(i), false), expected[i]) << to_string(a) << " rc " << i;
  }
}

TEST(ExecutorOcfRc, NotRunningIsExpectedForMonitorsAndProbes) {
  EXPECT_EQ(classify(Action::monitor, 10000, OcfRc::success, false), C::success);
  EXPECT_EQ(classify(Action::monitor, 10000, OcfRc::not_running, false), C::not_running);
  EXPECT_EQ(classify(Action::monitor, 0, OcfRc::not_running, false), C::not_running);
  EXPECT_EQ(classify(Action::monitor, 10000, OcfRc::running_promoted, false), C::success);
  EXPECT_EQ(classify(Action::monitor, 10000, OcfRc::failed_promoted, false), C::soft_error);
  EXPECT_EQ(classify(Action::monitor, 10000, OcfRc::err_generic, false), C::soft_error);
  // A probe finding the software not installed: it cannot run here.
  EXPECT_EQ(classify(Action::monitor, 0, OcfRc::not_installed, false), C::not_running);
  EXPECT_EQ(classify(Action::monitor, 10000, OcfRc::not_installed, false), C::hard_error);
  EXPECT_EQ(classify(Action::monitor, 0, OcfRc::not_configured, false), C::fatal_error);
}

TEST(ExecutorOcfRc, ATimeoutIsASoftErrorWhateverTheCode) {
  EXPECT_EQ(classify(Action::start, 0, OcfRc::success, true), C::soft_error);
  EXPECT_EQ(classify(Action::monitor, 0, OcfRc::not_running, true), C::soft_error);
  EXPECT_EQ(classify(Action::stop, 0, OcfRc::err_generic, true), C::soft_error);
}

TEST(ExecutorExitMapping, OcfCodesPassThrough) {
  EXPECT_EQ(map_exit_code(AgentClass::ocf, Action::monitor, 7), OcfRc::not_running);
  EXPECT_EQ(map_exit_code(AgentClass::ocf, Action::monitor, 8), OcfRc::running_promoted);
  EXPECT_EQ(map_exit_code(AgentClass::ocf, Action::start, 200), OcfRc::err_generic);
}

TEST(ExecutorExitMapping, LsbStatusCodes) {
  EXPECT_EQ(map_exit_code(AgentClass::lsb, Action::monitor, 0), OcfRc::success);
  EXPECT_EQ(map_exit_code(AgentClass::lsb, Action::monitor, 1), OcfRc::not_running);  // dead, pid file exists
  EXPECT_EQ(map_exit_code(AgentClass::lsb, Action::monitor, 2), OcfRc::not_running);  // dead, lock file exists
  EXPECT_EQ(map_exit_code(AgentClass::lsb, Action::monitor, 3), OcfRc::not_running);
  EXPECT_EQ(map_exit_code(AgentClass::lsb, Action::monitor, 4), OcfRc::err_generic);  // unknown
  EXPECT_EQ(map_exit_code(AgentClass::lsb, Action::monitor, 150), OcfRc::not_installed);
  EXPECT_EQ(map_exit_code(AgentClass::lsb, Action::monitor, 151), OcfRc::err_perm);
  EXPECT_EQ(map_exit_code(AgentClass::lsb, Action::monitor, 99), OcfRc::err_generic);
}

TEST(ExecutorExitMapping, LsbActionCodesAreOcfUpToSeven) {
  for (int i = 0; i <= 7; ++i) EXPECT_EQ(static_cast<int>(map_exit_code(AgentClass::lsb, Action::start, i)), i);
  EXPECT_EQ(map_exit_code(AgentClass::lsb, Action::start, 8), OcfRc::err_generic);
  EXPECT_EQ(map_exit_code(AgentClass::lsb, Action::stop, -1), OcfRc::err_generic);
}

TEST(ExecutorExitMapping, Systemctl) {
  EXPECT_EQ(map_exit_code(AgentClass::systemd, Action::monitor, 0), OcfRc::success);
  EXPECT_EQ(map_exit_code(AgentClass::systemd, Action::monitor, 3), OcfRc::not_running);
  EXPECT_EQ(map_exit_code(AgentClass::systemd, Action::monitor, 4), OcfRc::not_running);
  EXPECT_EQ(map_exit_code(AgentClass::systemd, Action::start, 0), OcfRc::success);
  EXPECT_EQ(map_exit_code(AgentClass::systemd, Action::start, 1), OcfRc::err_generic);
  EXPECT_EQ(map_exit_code(AgentClass::systemd, Action::start, 5), OcfRc::not_installed);
  EXPECT_EQ(map_exit_code(AgentClass::systemd, Action::stop, 5), OcfRc::success);
}

}  // namespace
}  // namespace hamail::executor

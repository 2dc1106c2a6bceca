// LSB init scripts (status codes mapped to OCF) and systemd units through a fake systemctl.
#include <stdlib.h>

#include "executor_fixture.h"

namespace hamail::executor::testing {
namespace {

TEST_F(ExecutorTest, LsbScriptStartStopAndStatus) {
  ::setenv("HAMAIL_SECRET", "hunter2", 1);
  add(resource("svc", "lsb:testsvc"));
  ActionResult probe = run("svc", Action::monitor);
  EXPECT_EQ(probe.exit_code, 3);
  EXPECT_EQ(probe.rc, OcfRc::not_running);
  EXPECT_EQ(probe.classification, Classification::not_running);
  EXPECT_TRUE(run("svc", Action::start).ok());
  ActionResult up = run("svc", Action::monitor);
  EXPECT_EQ(up.rc, OcfRc::success);
  EXPECT_EQ(up.stdout_tail, "testsvc is running");
  EXPECT_TRUE(run("svc", Action::stop).ok());
  ::unsetenv("HAMAIL_SECRET");
  EXPECT_EQ(run("svc", Action::monitor).rc, OcfRc::not_running);

  EXPECT_EQ(read_file(dir_ / "init.d" / "testsvc.calls"), "status\nstart\nstatus\nstop\nstatus\n");
  std::string env = read_file(dir_ / "init.d" / "testsvc.env");
  EXPECT_EQ(env.find("HAMAIL_SECRET"), std::string::npos) << env;
  EXPECT_EQ(env.find("OCF_"), std::string::npos) << env;
  EXPECT_NE(env.find("PATH=" + options_.path_env + "\n"), std::string::npos) << env;
}

TEST_F(ExecutorTest, LsbStatusCodesAreMapped) {
  add(resource("svc", "lsb:testsvc"));
  struct Case {
    int status;
    OcfRc rc;
    Classification cls;
  };
  const Case cases[] = {
      {0, OcfRc::success, Classification::success},
      {1, OcfRc::not_running, Classification::not_running},  // dead, pid file remains
      {2, OcfRc::not_running, Classification::not_running},  // dead, lock file remains
      {3, OcfRc::not_running, Classification::not_running},
      {4, OcfRc::err_generic, Classification::soft_error},   // unknown
      {150, OcfRc::not_installed, Classification::not_running},  // a probe: cannot run here
      {151, OcfRc::err_perm, Classification::hard_error},
  };
  for (const Case& c : cases) {
    write_file(dir_ / "init.d" / "testsvc.status", std::to_string(c.status) + "\n");
    ActionResult r = run("svc", Action::monitor);
    EXPECT_EQ(r.exit_code, c.status);
    EXPECT_EQ(r.rc, c.rc) << "status " << c.status;
    EXPECT_EQ(r.classification, c.cls) << "status " << c.status;
  }
}

TEST_F(ExecutorTest, LsbHasNoPromoteOrMetaData) {
  add(resource("svc", "lsb:testsvc"));
  Status st = exec_->execute("svc", Action::promote, nullptr);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message(), "resource 'svc': lsb resources have no 'promote' action (only start, stop, monitor)");
  EXPECT_FALSE(exec_->execute("svc", Action::meta_data, nullptr));
}

TEST_F(ExecutorTest, MissingInitScriptNamesItsPath) {
  add(resource("svc", "lsb:absent"));
  ActionResult r = run("svc", Action::start);
  EXPECT_EQ(r.error, "agent '" + options_.lsb_dir + "/absent' not found");
  EXPECT_EQ(r.classification, Classification::hard_error);
}

TEST_F(ExecutorTest, SystemdUnitThroughSystemctl) {
  fs::path units = dir_ / "systemd" / "units";
  write_file(units / "postfix.service", "inactive\n");
  add(resource("mta", "systemd:postfix"));
  ActionResult probe = run("mta", Action::monitor);
  EXPECT_EQ(probe.rc, OcfRc::not_running);
  EXPECT_EQ(probe.classification, Classification::not_running);
  EXPECT_EQ(probe.stdout_tail, "inactive");
  EXPECT_TRUE(run("mta", Action::start).ok());
  ActionResult up = run("mta", Action::monitor);
  EXPECT_EQ(up.rc, OcfRc::success);
  EXPECT_EQ(up.agent, "systemd:postfix");
  EXPECT_TRUE(run("mta", Action::stop).ok());
  EXPECT_EQ(run("mta", Action::monitor).rc, OcfRc::not_running);
  EXPECT_EQ(read_file(dir_ / "systemd" / "calls.log"),
            "is-active postfix.service\nstart postfix.service\nis-active postfix.service\n"
            "stop postfix.service\nis-active postfix.service\n");
  EXPECT_FALSE(exec_->execute("mta", Action::validate_all, nullptr));
}

TEST_F(ExecutorTest, SystemdFailuresAreMapped) {
  fs::path units = dir_ / "systemd" / "units";
  write_file(units / "dovecot.service", "inactive\n");
  write_file(units / "dovecot.service.fail", "");
  add(resource("imap", "systemd:dovecot.service"));
  add(resource("gone", "systemd:nosuch"));

  ActionResult failed = run("imap", Action::start);
  EXPECT_EQ(failed.rc, OcfRc::err_generic);
  EXPECT_EQ(failed.classification, Classification::soft_error);
  EXPECT_NE(failed.stderr_tail.find("Job for dovecot.service failed"), std::string::npos) << failed.stderr_tail;

  ActionResult missing = run("gone", Action::start);
  EXPECT_EQ(missing.exit_code, 5);
  EXPECT_EQ(missing.rc, OcfRc::not_installed);
  EXPECT_EQ(missing.classification, Classification::hard_error);
  EXPECT_NE(missing.stderr_tail.find("Unit nosuch.service not found"), std::string::npos) << missing.stderr_tail;
  EXPECT_TRUE(run("gone", Action::stop).ok());  // a unit that does not exist is stopped
}

TEST_F(ExecutorTest, MissingSystemctlIsAClearError) {
  options_.systemctl = (dir_ / "no-systemctl").string();
  make_executor();
  add(resource("mta", "systemd:postfix"));
  ActionResult r = run("mta", Action::start);
  EXPECT_EQ(r.error, "agent '" + options_.systemctl + "' not found");
}

}  // namespace
}  // namespace hamail::executor::testing

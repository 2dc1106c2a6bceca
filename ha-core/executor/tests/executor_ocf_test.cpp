// The executor running real OCF test agents: results, codes, timeouts, environment.
#include <stdlib.h>

#include <set>

#include "executor_fixture.h"

namespace hamail::executor::testing {
namespace {

const Action kAllActions[] = {Action::start,  Action::stop,      Action::monitor,     Action::promote,
                              Action::demote, Action::meta_data, Action::validate_all};

TEST_F(ExecutorTest, EveryActionSucceeds) {
  add(resource("ok", "ocf:test:exitcode"));
  for (Action a : kAllActions) {
    ActionResult r = run("ok", a);
    EXPECT_EQ(r.resource, "ok");
    EXPECT_EQ(r.action, a);
    EXPECT_EQ(r.exit_code, 0) << to_string(a) << ": " << r.describe();
    EXPECT_EQ(r.rc, OcfRc::success);
    EXPECT_EQ(r.classification, Classification::success);
    EXPECT_TRUE(r.ok());
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.agent, "ocf:test:exitcode");
    if (a == Action::meta_data) {
      EXPECT_NE(r.output.find("<resource-agent name=\"exitcode\""), std::string::npos) << r.output;
    } else {
      EXPECT_EQ(r.stdout_tail, "exitcode agent: action " + std::string(to_string(a)));
      EXPECT_TRUE(r.output.empty());
    }
  }
  EXPECT_EQ(action_result_lines().size(), std::size(kAllActions));
}

TEST_F(ExecutorTest, EachFailureCodeIsMappedAndClassified) {
  struct Case {
    int code;
    Action action;
    OcfRc rc;
    Classification cls;
  };
  const Case cases[] = {
      {1, Action::start, OcfRc::err_generic, Classification::soft_error},
      {2, Action::start, OcfRc::err_args, Classification::hard_error},
      {3, Action::promote, OcfRc::unimplemented, Classification::hard_error},
      {4, Action::start, OcfRc::err_perm, Classification::hard_error},
      {5, Action::start, OcfRc::not_installed, Classification::hard_error},
      {5, Action::monitor, OcfRc::not_installed, Classification::not_running},  // a probe
      {6, Action::validate_all, OcfRc::not_configured, Classification::fatal_error},
      {7, Action::start, OcfRc::not_running, Classification::soft_error},
      {7, Action::monitor, OcfRc::not_running, Classification::not_running},
      {8, Action::monitor, OcfRc::running_promoted, Classification::success},
      {9, Action::monitor, OcfRc::failed_promoted, Classification::soft_error},
      {42, Action::stop, OcfRc::err_generic, Classification::soft_error},
  };
  for (const Case& c : cases) {
    add(resource("r", "ocf:test:exitcode", {{"rc", std::to_string(c.code)}}));
    ActionResult r = run("r", c.action);
    EXPECT_EQ(r.exit_code, c.code);
    EXPECT_EQ(r.rc, c.rc) << c.code << " " << to_string(c.action);
    EXPECT_EQ(r.classification, c.cls) << c.code << " " << to_string(c.action);
    EXPECT_EQ(r.exit_reason, "exiting with " + std::to_string(c.code));
    EXPECT_EQ(r.stderr_tail, "some detail first\nocf-exit-reason:exiting with " + std::to_string(c.code));
  }
}

TEST_F(ExecutorTest, ATimeoutKillsTheAgentAndItsChildren) {
  fs::path pidfile = dir_ / "hang.pid";
  add(resource("stuck", "ocf:test:hang", {{"pidfile", pidfile.string()}}));
  ActionResult r = run("stuck", Action::start, 300);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.rc, OcfRc::err_generic);
  EXPECT_EQ(r.classification, Classification::soft_error);
  EXPECT_EQ(r.term_signal, SIGKILL);  // it ignored SIGTERM
  EXPECT_GE(r.duration_ms, 300u);
  EXPECT_NE(r.describe().find("timed out after"), std::string::npos) << r.describe();

  std::istringstream pids(read_file(pidfile));
  pid_t agent = 0, child = 0;
  pids >> agent >> child;
  ASSERT_GT(agent, 0);
  ASSERT_GT(child, 0);
  EXPECT_TRUE(wait_for([&] { return process_gone(agent) && process_gone(child); }, 5000))
      << "agent " << agent << " or its child " << child << " survived";
  ASSERT_EQ(action_result_lines().size(), 1u);
  EXPECT_NE(action_result_lines()[0].find("timed_out=true"), std::string::npos);
}

TEST_F(ExecutorTest, AStopFailureComesWithItsReason) {
  add(resource("fs", "ocf:test:stopfail"));
  EXPECT_TRUE(run("fs", Action::start).ok());
  ActionResult r = run("fs", Action::stop);
  EXPECT_EQ(r.rc, OcfRc::err_generic);
  EXPECT_EQ(r.classification, Classification::soft_error);
  EXPECT_EQ(r.exit_reason, "cannot stop: /srv/mail is busy");
  EXPECT_NE(r.stderr_tail.find("umount: /srv/mail: target is busy"), std::string::npos);
  EXPECT_EQ(r.describe(), "fs_stop_0: error (exit code 1): cannot stop: /srv/mail is busy");
  std::vector<std::string> lines = action_result_lines();
  ASSERT_EQ(lines.size(), 2u);
  for (const char* part : {"level=warning", "resource=fs", "action=stop", "rc=1", "class=soft_error",
                           "reason=\"cannot stop: /srv/mail is busy\""})
    EXPECT_NE(lines[1].find(part), std::string::npos) << part << " in " << lines[1];
}

TEST_F(ExecutorTest, MonitorReportsNotRunningAndPromoted) {
  fs::path rc_file = dir_ / "rc";
  add(resource("db", "ocf:test:monitor_file", {{"rc_file", rc_file.string()}}));
  write_file(rc_file, "7\n");
  ActionResult stopped = run("db", Action::monitor);
  EXPECT_EQ(stopped.rc, OcfRc::not_running);
  EXPECT_EQ(stopped.classification, Classification::not_running);
  EXPECT_TRUE(stopped.is_probe());
  write_file(rc_file, "8\n");
  ActionResult promoted = run("db", Action::monitor);
  EXPECT_EQ(promoted.rc, OcfRc::running_promoted);
  EXPECT_EQ(promoted.classification, Classification::success);
}

TEST_F(ExecutorTest, AgentGetsTheOcfEnvironmentAndNoSecrets) {
  ::setenv("HAMAIL_SECRET", "hunter2", 1);
  fs::path out = dir_ / "env.txt";
  config::ResourceConfig r = resource("vip", "ocf:test:envdump", {{"out", out.string()}, {"ip", "10.0.0.10"}});
  r.ops = {{"start", config::Milliseconds{0}, config::Milliseconds{4321}, std::nullopt}};
  add(r);
  ActionResult res = run("vip", Action::start);
  ::unsetenv("HAMAIL_SECRET");
  ASSERT_TRUE(res.ok()) << res.describe();

  std::string env = read_file(out);
  for (const std::string& expected :
       {"OCF_ROOT=" + options_.ocf_root, "OCF_FUNCTIONS_DIR=" + options_.ocf_root + "/lib/heartbeat",
        std::string("OCF_RESOURCE_INSTANCE=vip"), std::string("OCF_RESOURCE_TYPE=envdump"),
        std::string("OCF_RESOURCE_PROVIDER=test"), std::string("OCF_RESKEY_ip=10.0.0.10"),
        "OCF_RESKEY_out=" + out.string(), std::string("OCF_RESKEY_CRM_meta_interval=0"),
        std::string("OCF_RESKEY_CRM_meta_timeout=4321"), std::string("OCF_RESKEY_CRM_meta_on_node=node1"),
        std::string("OCF_RESKEY_CRM_meta_on_node_uuid=1"), "PATH=" + options_.path_env})
    EXPECT_NE(("\n" + env).find("\n" + expected + "\n"), std::string::npos) << expected << " missing in\n" << env;
  EXPECT_EQ(env.find("hunter2"), std::string::npos) << env;
  EXPECT_EQ(env.find("HAMAIL_SECRET"), std::string::npos) << env;
  // Nothing but what we set, and what the shell itself adds (PWD).
  for (const std::string& line : lines_of(env)) {
    std::string key = line.substr(0, line.find('='));
    bool ours = key.rfind("OCF_", 0) == 0 || key == "PATH" || key == "PWD";
    EXPECT_TRUE(ours) << "leaked into the agent: " << line;
  }
}

TEST_F(ExecutorTest, RecurringMonitorGetsItsIntervalInMilliseconds) {
  fs::path out = dir_ / "env.txt";
  add(resource("vip", "ocf:test:envdump", {{"out", out.string()}}));
  int events = 0;
  ASSERT_TRUE(exec_->start_monitor("vip", 5000, [&](const MonitorEvent&) { ++events; }, 777));
  ASSERT_TRUE(wait_for([&] { return events == 1; }));
  std::string env = read_file(out);
  EXPECT_NE(env.find("OCF_RESKEY_CRM_meta_interval=5000\n"), std::string::npos) << env;
  EXPECT_NE(env.find("OCF_RESKEY_CRM_meta_timeout=777\n"), std::string::npos) << env;
}

TEST_F(ExecutorTest, AMissingAgentIsAClearErrorNamingThePath) {
  add(resource("ghost", "ocf:test:nope"));
  std::string path = options_.ocf_root + "/resource.d/test/nope";
  ActionResult start = run("ghost", Action::start);
  EXPECT_EQ(start.error, "agent '" + path + "' not found");
  EXPECT_EQ(start.rc, OcfRc::not_installed);
  EXPECT_EQ(start.classification, Classification::hard_error);
  EXPECT_EQ(start.exit_code, -1);
  ActionResult probe = run("ghost", Action::monitor);
  EXPECT_EQ(probe.classification, Classification::not_running);  // cannot run here
  ASSERT_EQ(action_result_lines().size(), 2u);
  EXPECT_NE(action_result_lines()[0].find("not found"), std::string::npos);
}

TEST_F(ExecutorTest, ANonExecutableAgentIsAClearError) {
  fs::path path = dir_ / "ocf" / "resource.d" / "test" / "noexec";
  write_file(path, "#!/bin/sh\nexit 0\n");
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
  fs::create_directories(dir_ / "ocf" / "resource.d" / "test" / "adir");
  add(resource("a", "ocf:test:noexec"));
  add(resource("b", "ocf:test:adir"));
  ActionResult a = run("a", Action::start);
  EXPECT_EQ(a.error, "agent '" + path.string() + "' is not executable");
  EXPECT_EQ(a.classification, Classification::hard_error);
  ActionResult b = run("b", Action::start);
  EXPECT_NE(b.error.find("is not a regular file"), std::string::npos) << b.error;
}

TEST_F(ExecutorTest, ResourceAndAgentErrorsAreValues) {
  EXPECT_FALSE(exec_->add_resource(resource("x", "ocf:test")));
  EXPECT_FALSE(exec_->add_resource(resource("x", "ocf:test:../../bin/sh")));
  Status bad_param = exec_->add_resource(resource("x", "ocf:test:exitcode", {{"has space", "1"}}));
  ASSERT_FALSE(bad_param);
  EXPECT_NE(bad_param.message().find("'has space'"), std::string::npos);
  Status unknown = exec_->execute("nobody", Action::start, nullptr);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.message(), "unknown resource 'nobody'");
  EXPECT_FALSE(exec_->start_monitor("nobody", 1000, nullptr));
  add(resource("x", "ocf:test:exitcode"));
  EXPECT_FALSE(exec_->start_monitor("x", 0, nullptr));
  EXPECT_FALSE(exec_->cancel_monitor("x", 1000));
  EXPECT_TRUE(exec_->remove_resource("x"));
  EXPECT_FALSE(exec_->has_resource("x"));
}

}  // namespace
}  // namespace hamail::executor::testing

// Test fixture for the executor with real processes: a loop, a captured logger, and a
// temporary OCF_ROOT / init.d / fake systemctl holding the shell agents of
// tests/agents/. Every wait is a condition with a deadline on the loop.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "hamail/hacore/executor/executor.h"
#include "../../../common/uv/tests/uv_test_util.h"

namespace hamail::executor::testing {

namespace fs = std::filesystem;
using hamail::uv::testing::process_gone;
using hamail::uv::testing::run_for;
using hamail::uv::testing::run_until;

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

class ExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loop = uv::EventLoop::create();
    ASSERT_TRUE(loop) << loop.error();
    loop_ = std::move(*loop);
    std::string tmpl = (fs::temp_directory_path() / "hamail-executor-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    install_agents();
    log_.set_stderr(false);
    log_.set_capture(&log_lines_);
    options_.ocf_root = (dir_ / "ocf").string();
    options_.lsb_dir = (dir_ / "init.d").string();
    options_.systemctl = (dir_ / "systemd" / "systemctl").string();
    options_.node_name = "node1";
    options_.node_uuid = "1";
    options_.kill_grace_ms = 200;
    make_executor();
  }

  void TearDown() override {
    exec_.reset();
    loop_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void make_executor() {
    exec_.reset();
    exec_ = std::make_unique<Executor>(*loop_, log_, options_);
  }

  void install_agents() {
    fs::path src = HAMAIL_EXECUTOR_TEST_AGENTS;
    fs::create_directories(dir_ / "ocf" / "resource.d" / "test");
    fs::create_directories(dir_ / "init.d");
    fs::create_directories(dir_ / "systemd" / "units");
    for (const auto& entry : fs::directory_iterator(src / "ocf"))
      install(entry.path(), dir_ / "ocf" / "resource.d" / "test" / entry.path().filename());
    install(src / "lsb" / "testsvc", dir_ / "init.d" / "testsvc");
    install(src / "systemctl", dir_ / "systemd" / "systemctl");
  }

  static void install(const fs::path& from, const fs::path& to) {
    fs::copy_file(from, to, fs::copy_options::overwrite_existing);
    fs::permissions(to, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
  }

  config::ResourceConfig resource(const std::string& name, const std::string& agent,
                                  std::map<std::string, std::string> params = {}) {
    config::ResourceConfig r;
    r.name = name;
    r.agent = agent;
    r.params = std::move(params);
    return r;
  }

  void add(const config::ResourceConfig& r) {
    Status st = exec_->add_resource(r);
    ASSERT_TRUE(st) << st.message();
  }

  // Runs one action and waits (bounded) for its result.
  ActionResult run(const std::string& res, Action action, std::optional<std::uint64_t> timeout_ms = std::nullopt,
                   std::uint64_t deadline_ms = 10000) {
    std::optional<ActionResult> result;
    Status st = exec_->execute(
        res, action, [&](const ActionResult& r) { result = r; }, timeout_ms);
    EXPECT_TRUE(st) << st.message();
    if (!st) return {};
    EXPECT_TRUE(wait_for([&] { return result.has_value(); }, deadline_ms))
        << to_string(action) << " of " << res << " not reported";
    return result.value_or(ActionResult{});
  }

  // Runs the loop until `done()` holds, at most `deadline_ms`. A 5 ms ticker keeps the
  // loop waking: some conditions (a file an agent wrote, a process gone, a result
  // delivered from a timer callback under UV_RUN_ONCE) do not wake the loop by themselves.
  bool wait_for(const std::function<bool()>& done, std::uint64_t deadline_ms = 10000) {
    uv::Timer ticker(*loop_);
    ticker.start(5, [] {}, 5);
    return run_until(*loop_, done, deadline_ms);
  }

  std::vector<std::string> action_result_lines() const {
    std::vector<std::string> out;
    for (const std::string& l : log_lines_)
      if (l.find("event=action_result") != std::string::npos) out.push_back(l);
    return out;
  }

  std::unique_ptr<uv::EventLoop> loop_;
  fs::path dir_;
  std::vector<std::string> log_lines_;
  Logger log_{"hacored", LogLevel::debug};
  ExecutorOptions options_;
  std::unique_ptr<Executor> exec_;
};

}  // namespace hamail::executor::testing

// drbdlited's metrics from a real VolumeRunner (a file as lower device, no peer): states
// from its status, a write counted, sized and timed through the write observer. With
// HAMAIL_METRICS_OUT set, the text is also written there for the promtool check
// (drbd-lite/daemon/CMakeLists.txt).
#include "hamail/drbdlite/daemon/drbd_metrics.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

#include "hamail/drbdlite/daemon/volume_runner.h"
#include "uv_test_util.h"

namespace hamail::drbdlite {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.starts_with(line + "\n");
}

// A TCP port nothing listens on right now (for the volume's replication listener).
int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

class DrbdMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("drbd_metrics_test." + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "r0.img").close();
    fs::resize_file(dir_ / "r0.img", 8u << 20);
    std::ofstream(dir_ / "r0.secret") << std::string(32, 'k');
    ::chmod((dir_ / "r0.secret").c_str(), 0600);
    auto loop = uv::EventLoop::create();
    ASSERT_TRUE(loop.is_ok());
    loop_ = std::move(*loop);
    log_.set_stderr(false);
    VolumeSetup s;
    s.volume.name = "r0";
    s.volume.device = (dir_ / "r0.img").string();
    s.volume.secret_file = (dir_ / "r0.secret").string();
    s.volume.nbd_socket = (dir_ / "r0.nbd").string();
    s.volume.fencing = "dont-care";
    s.volume.port = free_port();
    s.node = "a";
    s.peer_node = "b";
    s.local_addr = "127.0.0.1";
    s.peer_addr = "127.0.0.1";  // nobody else there: the volume stays Connecting
    runner_ = std::make_unique<VolumeRunner>(*loop_, log_, s, nullptr);
    runner_->set_write_observer([this](const std::string& v, const WriteSample& w) { metrics_.on_write(v, w); });
  }
  void TearDown() override {
    if (runner_) (void)runner_->terminate();
    runner_.reset();
    loop_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  fs::path dir_;
  Logger log_{"drbdlited"};
  std::unique_ptr<uv::EventLoop> loop_;
  DrbdMetrics metrics_;
  std::unique_ptr<VolumeRunner> runner_;
};

TEST_F(DrbdMetricsTest, ADownVolumeShowsOnlyThatItIsDown) {
  std::string text = metrics_.render(json::array({runner_->status()}));
  EXPECT_TRUE(has_line(text, "hamail_drbd_volume_up{volume=\"r0\"} 0")) << text;
  EXPECT_TRUE(has_line(text, "hamail_drbd_writes_total{volume=\"r0\",result=\"ok\"} 0")) << text;
  EXPECT_EQ(text.find("hamail_drbd_role{"), std::string::npos) << text;
}

TEST_F(DrbdMetricsTest, APrimaryShowsItsStatesAndCountsAndTimesItsWrites) {
  ASSERT_TRUE(runner_->create_md(false).is_ok());
  ASSERT_TRUE(runner_->up().is_ok());
  ASSERT_TRUE(runner_->primary(true).is_ok());
  std::optional<Status> written;
  runner_->write(0, std::string(4096, 'x'), false, [&](Status st) { written = std::move(st); });
  ASSERT_TRUE(uv::testing::run_until(*loop_, [&] { return written.has_value(); }));
  ASSERT_TRUE(written->is_ok()) << written->message();

  std::string text = metrics_.render(json::array({runner_->status()}));
  EXPECT_TRUE(has_line(text, "hamail_drbd_volume_up{volume=\"r0\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "hamail_drbd_role{volume=\"r0\",role=\"Primary\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "hamail_drbd_role{volume=\"r0\",role=\"Secondary\"} 0")) << text;
  EXPECT_TRUE(has_line(text, "hamail_drbd_disk_state{volume=\"r0\",state=\"UpToDate\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "hamail_drbd_connection_state{volume=\"r0\",state=\"Connected\"} 0")) << text;
  EXPECT_TRUE(has_line(text, "hamail_drbd_peer_disk_state{volume=\"r0\",state=\"DUnknown\"} 1")) << text;
  std::uint64_t out_of_sync = runner_->status()["out_of_sync_kib"].get<std::uint64_t>() * 1024;
  EXPECT_GT(out_of_sync, 0u) << "a forced Primary that never met its peer: all of it";
  EXPECT_TRUE(has_line(text, "hamail_drbd_out_of_sync_bytes{volume=\"r0\"} " + std::to_string(out_of_sync))) << text;
  EXPECT_TRUE(has_line(text, "hamail_drbd_writes_total{volume=\"r0\",result=\"ok\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "hamail_drbd_written_bytes_total{volume=\"r0\"} 4096")) << text;
  EXPECT_TRUE(has_line(text, "hamail_drbd_write_latency_seconds_count{volume=\"r0\",peer=\"disconnected\"} 1")) << text;
  EXPECT_TRUE(
      has_line(text, "hamail_drbd_write_latency_seconds_bucket{volume=\"r0\",peer=\"disconnected\",le=\"+Inf\"} 1"))
      << text;
  if (const char* out = std::getenv("HAMAIL_METRICS_OUT")) std::ofstream(out) << text;
}

}  // namespace
}  // namespace hamail::drbdlite

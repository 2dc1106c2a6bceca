// Real, independent NBD clients against the server (FileBackend, unix socket in a
// temp dir): nbdsh (libnbd), nbdcopy, qemu-io/qemu-img. Each test skips, naming the
// Debian package, when its tool is not installed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>

#include "hamail/uv/child_process.h"
#include "hamail/drbdlite/nbd/file_backend.h"
#include "hamail/drbdlite/nbd/server.h"
#include "test_util.h"

namespace hamail::drbdlite::nbd {
namespace {

using testing::run_until;
using testing::TempDir;

bool have(const char* tool) { return ::access(tool, X_OK) == 0; }

#define REQUIRE_TOOL(path, package) \
  if (!have(path)) GTEST_SKIP() << path << " not installed (Debian package " << package << ")"

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& data) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << data;
}

struct NbdClientTools : ::testing::Test {
  void SetUp() override {
    auto l = uv::EventLoop::create();
    ASSERT_TRUE(l.is_ok());
    loop = std::move(*l);
    log.set_stderr(false);
    log.set_capture(&lines);
    disk = dir.file("disk.img");
    socket = dir.file("r0.sock");
    uri = "nbd+unix:///r0?socket=" + socket;
  }
  void serve(std::uint64_t size, ServerOptions options = {}, Status refusal = Status::ok()) {
    write_file(disk, std::string(size, '\0'));
    auto b = FileBackend::open(disk, options.export_info.read_only);
    ASSERT_TRUE(b.is_ok()) << b.error();
    backend = std::move(*b);
    backend->set_refusal(std::move(refusal));
    auto s = NbdServer::listen_unix(*loop, socket, 0600, *backend, log, options);
    ASSERT_TRUE(s.is_ok()) << s.error();
    server = std::move(*s);
  }
  // Runs a client while the loop serves it; bounded by `timeout_ms`.
  uv::ChildResult run(std::vector<std::string> argv, std::uint64_t timeout_ms = 15000) {
    uv::ChildOptions op;
    op.argv = std::move(argv);
    // /usr/bin first: nbdsh needs the system python3 that has the nbd module.
    op.env = {"PATH=/usr/bin:/bin:/usr/sbin:/sbin", "HOME=" + dir.path.string(), "LANG=C.UTF-8"};
    op.timeout_ms = timeout_ms;
    op.max_output_bytes = 256 * 1024;
    std::optional<uv::ChildResult> result;
    auto child = uv::ChildProcess::spawn(*loop, op, [&](uv::ChildResult r) { result = std::move(r); });
    EXPECT_TRUE(child.is_ok()) << (child ? "" : child.error());
    if (!child) return {};
    run_until(*loop, [&] { return result.has_value(); }, timeout_ms + 5000);
    EXPECT_TRUE(result.has_value());
    return result ? *result : uv::ChildResult{};
  }
  std::string all_logs() const {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  }

  TempDir dir;
  std::unique_ptr<uv::EventLoop> loop;
  Logger log{"nbd-test"};
  std::vector<std::string> lines;
  std::string disk, socket, uri;
  std::unique_ptr<FileBackend> backend;
  std::unique_ptr<NbdServer> server;
};

TEST_F(NbdClientTools, NbdshWritesReadsFlushesTrimsAndZeroes) {
  REQUIRE_TOOL("/usr/bin/nbdsh", "libnbd-bin python3-libnbd");
  serve(8 << 20);
  const std::string script = R"PY(
import nbd
assert h.get_size() == 8 * 1024 * 1024, h.get_size()
assert h.can_flush() and h.can_fua() and h.can_trim() and h.can_zero()
assert not h.can_multi_conn() and not h.is_read_only()
assert h.get_block_size(nbd.SIZE_MINIMUM) == 512
assert h.get_block_size(nbd.SIZE_PREFERRED) == 4096
assert h.get_block_size(nbd.SIZE_MAXIMUM) == 32 * 1024 * 1024
a = b'A' * 65536
b = bytes(range(256)) * 256
h.pwrite(a, 0)
h.pwrite(b, 1048576, nbd.CMD_FLAG_FUA)
assert h.pread(65536, 0) == a
assert h.pread(65536, 1048576) == b
h.flush()
h.trim(65536, 0)
h.zero(4096, 1048576)
h.zero(4096, 1048576 + 8192, nbd.CMD_FLAG_NO_HOLE | nbd.CMD_FLAG_FUA)
got = h.pread(16384, 1048576)
assert got[:4096] == bytes(4096), "zeroed"
assert got[4096:8192] == b[4096:8192], "untouched"
assert got[8192:12288] == bytes(4096), "zeroed no-hole"
try:
    h.pread(32 * 1024 * 1024 + 512, 0)
    raise SystemExit("oversized read was accepted")
except nbd.Error as e:
    pass
try:
    h.pwrite(b'x' * 512, 8 * 1024 * 1024)
    raise SystemExit("write beyond the end was accepted")
except nbd.Error as e:
    pass
print("ALL-OK")
)PY";
  auto r = run({"/usr/bin/nbdsh", "-u", uri, "-c", script});
  EXPECT_EQ(r.exit_code, 0) << r.describe() << "\nstdout: " << r.stdout_data << "\nstderr: " << r.stderr_data
                            << "\nserver log:\n" << all_logs();
  EXPECT_NE(r.stdout_data.find("ALL-OK"), std::string::npos);
  std::string pattern;
  for (int i = 0; i < 16; ++i)
    for (int v = 0; v < 256; ++v) pattern.push_back(static_cast<char>(v));
  std::string img = read_file(disk);
  ASSERT_EQ(img.size(), 8u << 20);
  EXPECT_TRUE(img.substr(1048576 + 4096, 4096) == pattern);
  EXPECT_TRUE(img.substr(1048576, 4096) == std::string(4096, '\0'));
}

TEST_F(NbdClientTools, NbdcopyRoundTripOf16MiB) {
  REQUIRE_TOOL("/usr/bin/nbdcopy", "libnbd-bin");
  serve(16 << 20);
  std::string src = dir.file("random.bin"), back = dir.file("back.bin");
  std::mt19937_64 rng(42);
  std::string data(16 << 20, '\0');
  for (std::size_t i = 0; i + 8 <= data.size(); i += 8) {
    std::uint64_t v = rng();
    std::memcpy(&data[i], &v, 8);
  }
  write_file(src, data);
  auto in = run({"/usr/bin/nbdcopy", src, uri}, 30000);
  ASSERT_EQ(in.exit_code, 0) << in.describe() << "\n" << in.stderr_data << "\nserver log:\n" << all_logs();
  auto out = run({"/usr/bin/nbdcopy", uri, back}, 30000);
  ASSERT_EQ(out.exit_code, 0) << out.describe() << "\n" << out.stderr_data << "\nserver log:\n" << all_logs();
  EXPECT_TRUE(read_file(disk) == data) << "the export's file differs from the source";
  EXPECT_TRUE(read_file(back) == data) << "the copy back differs from the source";
}

TEST_F(NbdClientTools, QemuIoAndQemuImg) {
  REQUIRE_TOOL("/usr/bin/qemu-io", "qemu-utils");
  serve(4 << 20);
  auto r = run({"/usr/bin/qemu-io", "-f", "raw", uri, "-c", "write -P 0x5a 0 64k", "-c", "write -f -P 0x33 64k 4k",
                "-c", "flush", "-c", "read -P 0x5a 0 64k", "-c", "read -P 0x33 64k 4k", "-c", "write -z 0 4k",
                "-c", "read -P 0 0 4k", "-c", "discard 1M 64k"});
  EXPECT_EQ(r.exit_code, 0) << r.describe() << "\n" << r.stdout_data << r.stderr_data;
  EXPECT_EQ(r.stdout_data.find("failed"), std::string::npos) << r.stdout_data;
  EXPECT_EQ(r.stderr_data.find("failed"), std::string::npos) << r.stderr_data;
  std::string img = read_file(disk);
  EXPECT_TRUE(img.substr(4096, 4096) == std::string(4096, '\x5a'));
  EXPECT_TRUE(img.substr(65536, 4096) == std::string(4096, '\x33'));
  REQUIRE_TOOL("/usr/bin/qemu-img", "qemu-utils");
  auto info = run({"/usr/bin/qemu-img", "info", "--output=json", uri});
  EXPECT_EQ(info.exit_code, 0) << info.stderr_data;
  EXPECT_NE(info.stdout_data.find("\"virtual-size\": 4194304"), std::string::npos) << info.stdout_data;
}

// A volume that is not Primary. qemu shows our message; libnbd 1.14 shows only a
// fixed text per error code ("server policy prevents NBD_OPT_GO") and prints the
// server's message with LIBNBD_DEBUG=1.
TEST_F(NbdClientTools, RefusedExportShowsTheReason) {
  REQUIRE_TOOL("/usr/bin/nbdsh", "libnbd-bin python3-libnbd");
  serve(1 << 20, {}, Error{"volume r0 is Secondary: I/O refused"});
  auto r = run({"/usr/bin/nbdsh", "-u", uri, "-c", "print('connected')"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.stderr_data.find("server policy prevents NBD_OPT_GO"), std::string::npos) << r.stderr_data;
  auto d = run({"/usr/bin/env", "LIBNBD_DEBUG=1", "/usr/bin/nbdsh", "-u", uri, "-c", "print('connected')"});
  EXPECT_NE(d.exit_code, 0);
  EXPECT_NE(d.stderr_data.find("volume r0 is Secondary: I/O refused"), std::string::npos) << d.stderr_data;
  if (have("/usr/bin/nbdcopy")) {
    auto c = run({"/usr/bin/nbdcopy", uri, dir.file("out.bin")});
    EXPECT_NE(c.exit_code, 0);
    EXPECT_NE(c.stderr_data.find("policy"), std::string::npos) << c.stderr_data;
  }
  if (have("/usr/bin/qemu-io")) {
    auto q = run({"/usr/bin/qemu-io", "-f", "raw", uri, "-c", "read 0 4k"});
    EXPECT_NE(q.exit_code, 0);
    EXPECT_NE((q.stdout_data + q.stderr_data).find("volume r0 is Secondary: I/O refused"), std::string::npos)
        << q.stdout_data << q.stderr_data;
    std::cout << "qemu-io says: " << q.stdout_data << q.stderr_data;
  }
  EXPECT_NE(all_logs().find("volume r0 is Secondary"), std::string::npos);
}

TEST_F(NbdClientTools, UnknownExportNameIsReported) {
  REQUIRE_TOOL("/usr/bin/nbdsh", "libnbd-bin python3-libnbd");
  serve(1 << 20);
  auto r = run({"/usr/bin/nbdsh", "-u", "nbd+unix:///nosuch?socket=" + socket, "-c", "print('connected')"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.stderr_data.find("no export named 'nosuch'"), std::string::npos) << r.stderr_data;
}

TEST_F(NbdClientTools, ReadOnlyExportRefusesWrites) {
  REQUIRE_TOOL("/usr/bin/nbdsh", "libnbd-bin python3-libnbd");
  ServerOptions o;
  o.export_info.read_only = true;
  serve(1 << 20, o);
  const std::string script = R"PY(
import nbd
assert h.is_read_only()
h.set_strict_mode(0)  # send the write anyway: the server must refuse it
try:
    h.pwrite(b'x' * 512, 0)
    raise SystemExit("write accepted on a read-only export")
except nbd.Error as e:
    assert e.errno == 'EPERM', e
assert h.pread(512, 0) == bytes(512)
print("ALL-OK")
)PY";
  auto r = run({"/usr/bin/nbdsh", "-u", uri, "-c", script});
  EXPECT_EQ(r.exit_code, 0) << r.stdout_data << r.stderr_data << "\nserver log:\n" << all_logs();
}

// The test executable serves like the daemon will: nbdsh against nbd-file-server.
TEST_F(NbdClientTools, FileServerExecutable) {
  REQUIRE_TOOL("/usr/bin/nbdsh", "libnbd-bin python3-libnbd");
  std::string exe = NBD_FILE_SERVER_PATH;
  write_file(disk, std::string(1 << 20, '\0'));
  uv::ChildOptions op;
  op.argv = {exe, socket, disk};
  op.env = {"PATH=/usr/bin:/bin"};
  op.timeout_ms = 20000;
  bool exited = false;
  auto srv = uv::ChildProcess::spawn(*loop, op, [&](uv::ChildResult) { exited = true; });
  ASSERT_TRUE(srv.is_ok()) << srv.error();
  ASSERT_TRUE(run_until(*loop, [&] { return ::access(socket.c_str(), F_OK) == 0 || exited; }, 5000));
  auto r = run({"/usr/bin/nbdsh", "-u", uri, "-c", "h.pwrite(b'Z' * 4096, 8192); h.flush(); print(h.get_size())"});
  EXPECT_EQ(r.exit_code, 0) << r.stderr_data;
  EXPECT_NE(r.stdout_data.find("1048576"), std::string::npos);
  EXPECT_TRUE(read_file(disk).substr(8192, 4096) == std::string(4096, 'Z'));
  ASSERT_TRUE((*srv)->kill(SIGTERM).is_ok());
  EXPECT_TRUE(run_until(*loop, [&] { return exited; }, 5000));
}

}  // namespace
}  // namespace hamail::drbdlite::nbd

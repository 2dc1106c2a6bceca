// The NBD server adapter on real unix sockets, driven by a raw protocol client:
// out-of-order completions, in-flight bounds, error mapping, refusal, close paths.
#include "hamail/drbdlite/nbd/server.h"

#include <gtest/gtest.h>

#include <fstream>

#include "hamail/drbdlite/nbd/file_backend.h"
#include "test_util.h"

namespace hamail::drbdlite::nbd {
namespace {

using testing::ManualBackend;
using testing::RawClient;
using testing::run_until;
using testing::TempDir;

struct NbdServerTest : ::testing::Test {
  void SetUp() override {
    auto l = uv::EventLoop::create();
    ASSERT_TRUE(l.is_ok());
    loop = std::move(*l);
    log.set_stderr(false);
    log.set_min_level(LogLevel::debug);
    log.set_capture(&lines);
    socket = dir.file("r0.sock");
  }
  void TearDown() override {
    // Lets a stray completion callback or close run before the loop goes.
    testing::run_for(*loop, 1);
  }
  void serve(BlockBackend& backend, ServerOptions options = {}) {
    auto s = NbdServer::listen_unix(*loop, socket, 0600, backend, log, options);
    ASSERT_TRUE(s.is_ok()) << s.error();
    server = std::move(*s);
  }
  bool logged(const std::string& needle) const {
    for (const auto& l : lines)
      if (l.find(needle) != std::string::npos) return true;
    return false;
  }

  TempDir dir;
  std::unique_ptr<uv::EventLoop> loop;
  Logger log{"nbd-test"};
  std::vector<std::string> lines;
  std::string socket;
  std::unique_ptr<NbdServer> server;
};

TEST_F(NbdServerTest, WriteThenReadBackThroughFileBackend) {
  std::string path = dir.file("disk.img");
  { std::ofstream(path) << std::string(1 << 20, '\0'); }
  auto fb = FileBackend::open(path);
  ASSERT_TRUE(fb.is_ok()) << fb.error();
  serve(**fb);
  RawClient c(*loop);
  ASSERT_TRUE(c.connect_unix(socket));
  ASSERT_TRUE(c.handshake());
  std::string data(8192, 'D');
  c.send(encode_request(kCmdFlagFua, kCmdWrite, 11, 4096, 8192, data));
  auto w = c.reply();
  EXPECT_TRUE(w.ok);
  EXPECT_EQ(w.error, 0u);
  EXPECT_EQ(w.handle, 11u);
  c.send(encode_request(0, kCmdRead, 12, 4096, 8192));
  auto r = c.reply();
  EXPECT_EQ(r.handle, 12u);
  EXPECT_TRUE(c.take(8192) == data);
  c.send(encode_request(0, kCmdFlush, 13, 0, 0));
  EXPECT_EQ(c.reply().handle, 13u);
  c.send(encode_request(0, kCmdWriteZeroes, 14, 4096, 4096));
  EXPECT_EQ(c.reply().error, 0u);
  c.send(encode_request(0, kCmdRead, 15, 4096, 8192));
  EXPECT_EQ(c.reply().error, 0u);
  EXPECT_TRUE(c.take(8192) == std::string(4096, '\0') + std::string(4096, 'D'));
  c.send(encode_request(0, kCmdDisc, 16, 0, 0));
  EXPECT_TRUE(run_until(*loop, [&] { return c.ended; }));
  EXPECT_TRUE(run_until(*loop, [&] { return server->connection_count() == 0; }));
  EXPECT_TRUE(logged("event=nbd_export_opened"));
  EXPECT_TRUE(logged("NBD_CMD_DISC"));
}

TEST_F(NbdServerTest, CompletionsOutOfOrderCarryTheirHandles) {
  ManualBackend b(1 << 20);
  serve(b);
  RawClient c(*loop);
  ASSERT_TRUE(c.connect_unix(socket));
  ASSERT_TRUE(c.handshake());
  c.send(encode_request(0, kCmdRead, 1, 0, 512) + encode_request(0, kCmdRead, 2, 512, 512) +
         encode_request(0, kCmdWrite, 3, 0, 512, std::string(512, 'w')));
  ASSERT_TRUE(run_until(*loop, [&] { return b.ops.size() == 3; }));
  b.complete(2);            // the write first
  b.complete(1, Status::ok(), 'b');  // then read 2
  b.complete(0, Status::ok(), 'a');  // then read 1
  auto r3 = c.reply();
  EXPECT_EQ(r3.handle, 3u);
  auto r2 = c.reply();
  EXPECT_EQ(r2.handle, 2u);
  EXPECT_TRUE(c.take(512) == std::string(512, 'b'));
  auto r1 = c.reply();
  EXPECT_EQ(r1.handle, 1u);
  EXPECT_TRUE(c.take(512) == std::string(512, 'a'));
}

TEST_F(NbdServerTest, InFlightRequestsAreBounded) {
  ManualBackend b(1 << 20);
  ServerOptions o;
  o.max_requests_in_flight = 4;
  serve(b, o);
  RawClient c(*loop);
  ASSERT_TRUE(c.connect_unix(socket));
  ASSERT_TRUE(c.handshake());
  std::string burst;
  for (int i = 0; i < 10; ++i) burst += encode_request(0, kCmdRead, 100 + i, 0, 512);
  c.send(burst);
  testing::run_for(*loop, 100);
  EXPECT_EQ(b.ops.size(), 4u);
  for (int done = 0; done < 10; ++done) {
    ASSERT_TRUE(run_until(*loop, [&] { return !b.ops.empty(); }));
    EXPECT_LE(b.ops.size(), 4u);
    b.complete(0);
    auto r = c.reply();
    EXPECT_EQ(r.handle, 100u + done);
    c.take(512);
  }
}

TEST_F(NbdServerTest, BytesInFlightAreBounded) {
  ManualBackend b(64 << 20);
  ServerOptions o;
  o.max_bytes_in_flight = 1 << 20;
  serve(b, o);
  RawClient c(*loop);
  ASSERT_TRUE(c.connect_unix(socket));
  ASSERT_TRUE(c.handshake());
  for (int i = 0; i < 4; ++i) c.send(encode_request(0, kCmdRead, i, 0, 768 << 10));
  testing::run_for(*loop, 100);
  EXPECT_EQ(b.ops.size(), 1u);  // 768 KiB + 768 KiB > 1 MiB
  b.complete(0);
  EXPECT_EQ(c.reply().handle, 0u);
  EXPECT_EQ(c.take(768 << 10).size(), 768u << 10);
  EXPECT_TRUE(run_until(*loop, [&] { return b.ops.size() == 1; }));
}

TEST_F(NbdServerTest, BackendErrorsMapToNbdErrnoAndAreLogged) {
  ManualBackend b(1 << 20);
  serve(b);
  RawClient c(*loop);
  ASSERT_TRUE(c.connect_unix(socket));
  ASSERT_TRUE(c.handshake());
  c.send(encode_request(0, kCmdWrite, 7, 0, 512, std::string(512, 'x')) + encode_request(0, kCmdRead, 8, 0, 512));
  ASSERT_TRUE(run_until(*loop, [&] { return b.ops.size() == 2; }));
  b.complete(0, io_error(kEnospc, "replication: peer disk full"));
  b.complete(0, Error{"disk r0: read failed"});
  auto w = c.reply();
  EXPECT_EQ(w.handle, 7u);
  EXPECT_EQ(w.error, kEnospc);
  auto r = c.reply();
  EXPECT_EQ(r.handle, 8u);
  EXPECT_EQ(r.error, kEio);
  EXPECT_TRUE(c.in.empty());  // no payload after an error reply
  EXPECT_TRUE(logged("event=nbd_io_error"));
  EXPECT_TRUE(logged("request=\"NBD_CMD_READ handle=0x8 offset=0 length=512\""));
  EXPECT_TRUE(logged("client=\"#1 unix"));
}

TEST_F(NbdServerTest, RefusedRequestsGetTheirErrno) {
  ManualBackend b(1 << 20);
  serve(b);
  RawClient c(*loop);
  ASSERT_TRUE(c.connect_unix(socket));
  ASSERT_TRUE(c.handshake());
  c.send(encode_request(0, kCmdWrite, 1, (1 << 20) - 256, 512, std::string(512, 'x')));
  auto r = c.reply();
  EXPECT_EQ(r.error, kEnospc);
  c.send(encode_request(0, 99, 2, 0, 512));
  EXPECT_EQ(c.reply().error, kEinval);
  EXPECT_TRUE(b.ops.empty());
  EXPECT_TRUE(logged("event=nbd_request_refused"));
}

TEST_F(NbdServerTest, SecondaryVolumeFailsGoWithTheReason) {
  ManualBackend b(1 << 20);
  b.refusal = Error{"volume r0 is Secondary: I/O refused"};
  serve(b);
  RawClient c(*loop);
  ASSERT_TRUE(c.connect_unix(socket));
  EXPECT_FALSE(c.handshake());
  EXPECT_EQ(c.last_option_reply, kRepErrPolicy);
  EXPECT_EQ(c.last_option_data, "volume r0 is Secondary: I/O refused");
  EXPECT_TRUE(logged("event=nbd_option_refused"));
}

TEST_F(NbdServerTest, DemotionDuringTransmissionRepliesEshutdown) {
  ManualBackend b(1 << 20);
  serve(b);
  RawClient c(*loop);
  ASSERT_TRUE(c.connect_unix(socket));
  ASSERT_TRUE(c.handshake());
  b.refusal = Error{"volume r0 is Secondary: I/O refused"};
  c.send(encode_request(0, kCmdRead, 5, 0, 512));
  auto r = c.reply();
  EXPECT_EQ(r.handle, 5u);
  EXPECT_EQ(r.error, kEshutdown);
  EXPECT_TRUE(logged("event=nbd_io_refused"));
}

TEST_F(NbdServerTest, DiscWaitsForRequestsInFlight) {
  ManualBackend b(1 << 20);
  serve(b);
  RawClient c(*loop);
  ASSERT_TRUE(c.connect_unix(socket));
  ASSERT_TRUE(c.handshake());
  c.send(encode_request(0, kCmdWrite, 1, 0, 512, std::string(512, 'x')) + encode_request(0, kCmdDisc, 2, 0, 0));
  ASSERT_TRUE(run_until(*loop, [&] { return b.ops.size() == 1; }));
  testing::run_for(*loop, 50);
  EXPECT_FALSE(c.ended);
  b.complete(0);
  EXPECT_EQ(c.reply().handle, 1u);
  EXPECT_TRUE(run_until(*loop, [&] { return c.ended; }));
}

TEST_F(NbdServerTest, ProtocolErrorClosesTheConnection) {
  ManualBackend b(1 << 20);
  serve(b);
  RawClient c(*loop);
  ASSERT_TRUE(c.connect_unix(socket));
  ASSERT_TRUE(c.handshake());
  c.send(std::string(28, 'Z'));
  EXPECT_TRUE(run_until(*loop, [&] { return c.ended; }));
  EXPECT_TRUE(logged("event=nbd_protocol_error"));
  EXPECT_TRUE(logged("bad request magic"));
}

TEST_F(NbdServerTest, ClientVanishingWithRequestsInFlightIsHarmless) {
  ManualBackend b(1 << 20);
  serve(b);
  {
    RawClient c(*loop);
    ASSERT_TRUE(c.connect_unix(socket));
    ASSERT_TRUE(c.handshake());
    c.send(encode_request(0, kCmdRead, 1, 0, 512));
    ASSERT_TRUE(run_until(*loop, [&] { return b.ops.size() == 1; }));
  }
  EXPECT_TRUE(run_until(*loop, [&] { return server->connection_count() == 0; }));
  b.complete(0);  // the completion finds no connection: dropped
  EXPECT_TRUE(logged("with 1 requests in flight"));
}

TEST_F(NbdServerTest, HandshakeTimeout) {
  ManualBackend b(1 << 20);
  ServerOptions o;
  o.handshake_timeout_ms = 100;
  serve(b, o);
  RawClient c(*loop);
  ASSERT_TRUE(c.connect_unix(socket));
  EXPECT_TRUE(run_until(*loop, [&] { return c.ended; }, 3000));
  EXPECT_TRUE(logged("no export chosen within 100 ms"));
}

}  // namespace
}  // namespace hamail::drbdlite::nbd

// Test helpers: a bounded loop runner, a raw NBD client on a hamail::uv stream and a
// backend whose completions the test releases by hand, in any order.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "hamail/uv/event_loop.h"
#include "hamail/uv/stream.h"
#include "hamail/uv/timer.h"
#include "hamail/drbdlite/nbd/block_backend.h"
#include "hamail/drbdlite/nbd/protocol.h"
#include "hamail/drbdlite/nbd/wire.h"

namespace hamail::drbdlite::nbd::testing {

// Runs the loop until `done()` holds or `timeout_ms` passed; returns done().
inline bool run_until(uv::EventLoop& loop, const std::function<bool()>& done, std::uint64_t timeout_ms = 5000) {
  bool expired = false;
  uv::Timer deadline(loop);
  // uv_stop too: when the deadline is already due as run_once starts, libuv runs it before
  // polling and would then poll with no timeout left (forever, if nothing else happens).
  deadline.start(timeout_ms, [&] {
    expired = true;
    loop.stop();
  });
  while (!done() && !expired) loop.run_once();
  return done();
}

inline void run_for(uv::EventLoop& loop, std::uint64_t ms) {
  run_until(loop, [] { return false; }, ms);
}

// A fresh directory under /tmp, removed at destruction.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char tmpl[] = "/tmp/nbd-test-XXXXXX";
    const char* p = ::mkdtemp(tmpl);
    EXPECT_NE(p, nullptr);
    path = p ? p : "/tmp";
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

// Speaks NBD byte by byte over a uv stream; the test reads replies from `in`.
class RawClient {
 public:
  explicit RawClient(uv::EventLoop& loop) : loop_(loop) {}

  bool connect_unix(const std::string& path) {
    auto pc = uv::connect_unix(loop_, path, [this](Result<std::unique_ptr<uv::Stream>> s) {
      if (!s) {
        failed = true;
        return;
      }
      stream = std::move(*s);
      (void)stream->start_reading([this](std::string_view d) { in.append(d); },
                                  [this](Status st) {
                                    ended = true;
                                    end_status = st;
                                    stream.reset();  // close our side too, like a real client
                                  });
    });
    if (!pc) return false;
    pending_ = std::move(*pc);
    return run_until(loop_, [&] { return stream != nullptr || failed; }) && stream != nullptr;
  }

  void send(const std::string& bytes) { ASSERT_TRUE(stream && stream->write(bytes).is_ok()); }

  // Waits until `n` bytes arrived, then removes and returns them.
  std::string take(std::size_t n, std::uint64_t timeout_ms = 5000) {
    if (!run_until(loop_, [&] { return in.size() >= n; }, timeout_ms)) return {};
    std::string out = in.substr(0, n);
    in.erase(0, n);
    return out;
  }

  // Greeting, client flags, NBD_OPT_GO for `name`; true when transmission began.
  bool handshake(const std::string& name = "r0") {
    if (take(18) != encode_greeting()) return false;
    send(encode_client_flags(kClientFlagFixedNewstyle | kClientFlagNoZeroes));
    send(encode_option(kOptGo, encode_go_data(name, {kInfoBlockSize})));
    for (int i = 0; i < 10; ++i) {
      std::string head = take(20);
      if (head.size() != 20) return false;
      std::uint32_t type = get_u32(head, 12);
      last_option_data = take(get_u32(head, 16));
      last_option_reply = type;
      if (type == kRepAck) return true;
      if (type & 0x80000000u) return false;
    }
    return false;
  }

  struct Reply {
    std::uint32_t error = 0;
    std::uint64_t handle = 0;
    bool ok = false;
  };
  Reply reply(std::uint64_t timeout_ms = 5000) {
    std::string h = take(kSimpleReplyHeaderSize, timeout_ms);
    if (h.size() != kSimpleReplyHeaderSize || get_u32(h, 0) != kSimpleReplyMagic) return {};
    return Reply{get_u32(h, 4), get_u64(h, 8), true};
  }

  std::unique_ptr<uv::Stream> stream;
  std::string in;
  bool failed = false;
  bool ended = false;
  Status end_status;
  std::uint32_t last_option_reply = 0;
  std::string last_option_data;

 private:
  uv::EventLoop& loop_;
  std::unique_ptr<uv::PendingConnect> pending_;
};

// Holds every operation until the test completes it: asynchronous, any order.
class ManualBackend : public BlockBackend {
 public:
  struct Op {
    std::string kind;
    std::uint64_t off = 0;
    std::uint32_t len = 0;
    std::string data;
    bool fua = false;
    bool may_punch = false;
    ReadDone read_done;
    Done done;
  };

  explicit ManualBackend(std::uint64_t size) : size_(size) {}
  std::uint64_t size() const override { return size_; }
  Status accepting_io() const override { return refusal; }
  void read(std::uint64_t off, std::uint32_t len, ReadDone done) override {
    ops.push_back(Op{"read", off, len, {}, false, false, std::move(done), {}});
  }
  void write(std::uint64_t off, std::string data, bool fua, Done done) override {
    ops.push_back(Op{"write", off, static_cast<std::uint32_t>(data.size()), std::move(data), fua, false, {},
                     std::move(done)});
  }
  void flush(Done done) override { ops.push_back(Op{"flush", 0, 0, {}, false, false, {}, std::move(done)}); }
  void trim(std::uint64_t off, std::uint32_t len, Done done) override {
    ops.push_back(Op{"trim", off, len, {}, false, false, {}, std::move(done)});
  }
  void write_zeroes(std::uint64_t off, std::uint32_t len, bool may_punch, bool fua, Done done) override {
    ops.push_back(Op{"write_zeroes", off, len, {}, fua, may_punch, {}, std::move(done)});
  }

  // Completes ops[i] (a read with `len` copies of `fill`, others with `st`) and removes it.
  void complete(std::size_t i, Status st = Status::ok(), char fill = 'r') {
    Op op = std::move(ops.at(i));
    ops.erase(ops.begin() + static_cast<long>(i));
    if (op.read_done) {
      if (st) {
        op.read_done(std::string(op.len, fill));
      } else {
        op.read_done(Error{st.message()});
      }
    } else {
      op.done(std::move(st));
    }
  }

  std::deque<Op> ops;
  Status refusal;

 private:
  std::uint64_t size_;
};

}  // namespace hamail::drbdlite::nbd::testing

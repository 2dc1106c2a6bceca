// tls-bench: throughput of the replication link's transport in one process. A
// TlsStream client sends N MiB over loopback TCP to a TlsStream server (PSK, TLS 1.3,
// TLS_AES_256_GCM_SHA384) on the same loop; prints MB/s. --plain measures bare TCP.
//   tls-bench [--mib N] [--chunk KiB] [--plain]
#include <uv.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "hamail/uv/event_loop.h"
#include "hamail/uv/stream.h"
#include "hamail/uv/timer.h"
#include "hamail/tls/tls_stream.h"

namespace {

using hamail::Result;
using hamail::Status;
namespace uv = hamail::uv;
namespace tls = hamail::tls;

struct Options {
  std::size_t mib = 1024;
  std::size_t chunk = 256 * 1024;
  bool plain = false;
};

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--plain") {
      o.plain = true;
    } else if ((a == "--mib" || a == "--chunk") && i + 1 < argc) {
      long v = std::strtol(argv[++i], nullptr, 10);
      if (v <= 0 || v > 1 << 20) return false;
      if (a == "--mib") o.mib = static_cast<std::size_t>(v);
      else o.chunk = static_cast<std::size_t>(v) * 1024;
    } else {
      return false;
    }
  }
  return o.chunk <= 512 * 1024;
}

// Either a plain Stream or a TlsStream, behind the calls the bench needs.
struct Endpoint {
  std::unique_ptr<uv::Stream> plain;
  std::unique_ptr<tls::TlsStream> secure;
  Status write(std::string d) { return secure ? secure->write(std::move(d)) : plain->write(std::move(d)); }
  std::size_t pending() const { return secure ? secure->pending_write_bytes() : plain->pending_write_bytes(); }
};

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!parse(argc, argv, opt)) {
    std::fprintf(stderr, "usage: tls-bench [--mib N] [--chunk KiB (<= 512)] [--plain]\n");
    return 2;
  }
  auto loop_r = uv::EventLoop::create();
  if (!loop_r) {
    std::fprintf(stderr, "tls-bench: %s\n", loop_r.error().c_str());
    return 1;
  }
  uv::EventLoop& loop = **loop_r;

  // A random secret, in memory only: never on the command line or in output.
  std::string secret_bytes(32, '\0');
  {
    std::FILE* f = std::fopen("/dev/urandom", "rb");
    if (f == nullptr || std::fread(secret_bytes.data(), 1, secret_bytes.size(), f) != secret_bytes.size()) {
      std::fprintf(stderr, "tls-bench: cannot read /dev/urandom\n");
      return 1;
    }
    std::fclose(f);
  }
  auto secret = tls::SharedSecret::from_bytes(secret_bytes);
  auto server_ctx = tls::TlsContext::psk_server(*secret, "bench");
  auto client_ctx = tls::TlsContext::psk_client(*secret, "bench");
  if (!server_ctx || !client_ctx) {
    std::fprintf(stderr, "tls-bench: %s\n", (!server_ctx ? server_ctx.error() : client_ctx.error()).c_str());
    return 1;
  }

  const std::size_t total = opt.mib << 20;
  std::size_t received = 0;
  std::string failure;
  Endpoint server, client;
  auto on_server_data = [&](std::string_view d) { received += d.size(); };
  auto on_end = [&](Status s) {
    if (!s && failure.empty()) failure = s.message();
  };

  auto listener = uv::StreamServer::listen_tcp(loop, "127.0.0.1", 0, [&](Result<std::unique_ptr<uv::Stream>> s) {
    if (!s) {
      failure = s.error();
      return;
    }
    if (opt.plain) {
      server.plain = std::move(*s);
      (void)server.plain->start_reading(on_server_data, on_end);
      return;
    }
    auto t = tls::TlsStream::start(loop, std::move(*s), *server_ctx);
    if (!t) {
      failure = t.error();
      return;
    }
    server.secure = std::move(*t);
    (void)server.secure->start_reading(on_server_data, on_end);
  });
  if (!listener) {
    std::fprintf(stderr, "tls-bench: %s\n", listener.error().c_str());
    return 1;
  }
  auto pc = uv::connect_tcp(loop, "127.0.0.1", (*listener)->local_port(), [&](Result<std::unique_ptr<uv::Stream>> s) {
    if (!s) {
      failure = s.error();
      return;
    }
    if (opt.plain) {
      client.plain = std::move(*s);
      (void)client.plain->start_reading([](std::string_view) {}, on_end);
      return;
    }
    auto t = tls::TlsStream::start(loop, std::move(*s), *client_ctx);
    if (!t) {
      failure = t.error();
      return;
    }
    client.secure = std::move(*t);
    (void)client.secure->start_reading([](std::string_view) {}, on_end);
  });
  if (!pc) {
    std::fprintf(stderr, "tls-bench: %s\n", pc.error().c_str());
    return 1;
  }

  // Keep the client's queue topped up after every loop iteration (uv_check runs after
  // I/O), so the socket never idles; at most 1 MiB (the write limit) is queued.
  const std::string chunk(opt.chunk, 'x');
  std::size_t sent = 0;
  using Clock = std::chrono::steady_clock;
  Clock::time_point started{};
  bool timing = false;
  struct Ctx {
    std::function<void()> top_up;
  } ctx;
  ctx.top_up = [&] {
    if (!client.plain && !client.secure) return;
    if (!timing) {
      started = Clock::now();
      timing = true;
    }
    while (sent < total && client.pending() + chunk.size() <= (1u << 20) - 64 * 1024) {
      Status st = client.write(chunk.substr(0, std::min(chunk.size(), total - sent)));
      if (!st) {
        failure = st.message();
        return;
      }
      sent += std::min(chunk.size(), total - sent);
    }
  };
  uv_check_t check{};
  uv_check_init(loop.raw(), &check);
  check.data = &ctx;
  uv_check_start(&check, [](uv_check_t* h) { static_cast<Ctx*>(h->data)->top_up(); });

  uv::Timer deadline(loop);
  bool expired = false;
  deadline.start(600 * 1000, [&] { expired = true; });
  while (received < total && failure.empty() && !expired) loop.run_once();
  double secs = std::chrono::duration<double>(Clock::now() - started).count();
  uv_check_stop(&check);
  uv_close(reinterpret_cast<uv_handle_t*>(&check), nullptr);

  if (!failure.empty() || expired) {
    std::fprintf(stderr, "tls-bench: %s\n", expired ? "timed out after 600 s" : failure.c_str());
    return 1;
  }
  std::string what = opt.plain ? "plain TCP" : "TLS 1.3 PSK (" + client.secure->describe() + ")";
  std::printf("tls-bench: %zu MiB over loopback %s in %.3f s: %.0f MB/s (%.0f MiB/s)\n", opt.mib, what.c_str(), secs,
              static_cast<double>(total) / secs / 1e6, static_cast<double>(total) / secs / (1 << 20));
  return 0;
}

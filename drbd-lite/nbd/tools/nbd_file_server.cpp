// nbd-file-server: serves a plain file over NBD on a unix socket with the FileBackend,
// for manual tests with nbdsh, nbdcopy, qemu-io or nbdfuse. Runs until SIGINT/SIGTERM.
//   nbd-file-server SOCKET FILE [--read-only] [--name NAME] [--refuse REASON]
#include <csignal>
#include <cstdio>
#include <string>

#include "hamail/base/log.h"
#include "hamail/uv/event_loop.h"
#include "hamail/uv/signals.h"
#include "hamail/drbdlite/nbd/file_backend.h"
#include "hamail/drbdlite/nbd/server.h"

using namespace hamail;
using namespace hamail::drbdlite::nbd;

int main(int argc, char** argv) {
  const char* usage = "usage: nbd-file-server SOCKET FILE [--read-only] [--name NAME] [--refuse REASON]\n";
  if (argc < 3) {
    std::fputs(usage, stderr);
    return 2;
  }
  std::string socket_path = argv[1], file = argv[2];
  ServerOptions options;
  std::string refuse;
  for (int i = 3; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--read-only") {
      options.export_info.read_only = true;
    } else if (a == "--name" && i + 1 < argc) {
      options.export_info.name = argv[++i];
    } else if (a == "--refuse" && i + 1 < argc) {
      refuse = argv[++i];
    } else {
      std::fprintf(stderr, "nbd-file-server: unknown argument '%s'\n%s", a.c_str(), usage);
      return 2;
    }
  }
  Logger log("nbd-file-server");
  auto backend = FileBackend::open(file, options.export_info.read_only);
  if (!backend) {
    log.error("startup_failed").kv("error", backend.error());
    return 1;
  }
  if (!refuse.empty()) (*backend)->set_refusal(Error{refuse});
  auto loop = uv::EventLoop::create();
  if (!loop) {
    log.error("startup_failed").kv("error", loop.error());
    return 1;
  }
  auto server = NbdServer::listen_unix(**loop, socket_path, 0600, **backend, log, options);
  if (!server) {
    log.error("startup_failed").kv("error", server.error());
    return 1;
  }
  auto signals = uv::Signals::watch(**loop, {SIGINT, SIGTERM}, [&](int) { (*loop)->stop(); });
  if (!signals) {
    log.error("startup_failed").kv("error", signals.error());
    return 1;
  }
  (*loop)->run();
  log.info("stopped");
  return 0;
}

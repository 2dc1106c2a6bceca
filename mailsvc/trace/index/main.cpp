// mailsvc-trace: the mail trace on the command line (see trace_cli.h and ../README.md).
//   mailsvc-trace [--db FILE] index|follow LOG... | show ID | search ... | stats
#include <csignal>
#include <iostream>

#include "hamail/mailsvc/traceindex/trace_cli.h"

namespace {
std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) { g_stop.store(true); }
}  // namespace

int main(int argc, char** argv) {
  struct sigaction sa {};
  sa.sa_handler = on_signal;  // no SA_RESTART: follow's poll() returns at once
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::vector<std::string> args(argv + 1, argv + argc);
  return hamail::mailsvc::traceindex::run_trace_cli(args, std::cout, std::cerr, g_stop);
}

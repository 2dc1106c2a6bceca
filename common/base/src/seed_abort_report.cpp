#include "seed_abort_report.h"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstddef>

namespace hamail {
namespace {

// Process-wide because a signal handler can read nothing else: the program name is set
// before the handlers are installed, the seed before each run (a lock-free atomic, so the
// handler reads it whole).
char g_program[64];
std::atomic<std::uint64_t> g_seed{0};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

// Formats into a fixed buffer: no allocation, nothing but write(2) in the handler.
struct ReportBuffer {
  char bytes[256];
  std::size_t size = 0;
  void put(const char* s) {
    while (*s && size < sizeof bytes) bytes[size++] = *s++;
  }
  void put(std::uint64_t v) {
    char digits[20];
    int n = 0;
    do {
      digits[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v);
    while (n > 0 && size < sizeof bytes) bytes[size++] = digits[--n];
  }
};

void on_fatal_signal(int sig) {
  const std::uint64_t seed = g_seed.load();
  ReportBuffer b;
  b.put("FAILED seed ");
  b.put(seed);
  b.put(sig == SIGSEGV ? ": the process crashed (SIGSEGV)\n"
                       : ": the process aborted (a HAMAIL_INVARIANT broke, see above)\n");
  b.put("  replay: ");
  b.put(g_program);
  b.put(" --seed ");
  b.put(seed);
  b.put(" --trace\n");
  (void)!write(STDOUT_FILENO, b.bytes, b.size);
  // SA_RESETHAND restored the default action and SA_NODEFER lets it act now.
  raise(sig);
}

}  // namespace

void install_seed_abort_report(std::string_view program) {
  std::size_t n = program.copy(g_program, sizeof g_program - 1);
  g_program[n] = '\0';
  struct sigaction sa {};
  sa.sa_handler = on_fatal_signal;
  sa.sa_flags = SA_RESETHAND | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGABRT, &sa, nullptr);
  sigaction(SIGSEGV, &sa, nullptr);
}

void set_running_seed(std::uint64_t seed) { g_seed.store(seed); }

}  // namespace hamail

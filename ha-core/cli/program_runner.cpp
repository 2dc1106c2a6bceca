#include "hamail/hacore/cli/program_runner.h"

#include <cstdlib>
#include <optional>
#include <sstream>

#include "hamail/uv/event_loop.h"

extern char** environ;

namespace hamail::hactl {

Result<uv::ChildResult> run_program(uv::ChildOptions options) {
  auto loop = uv::EventLoop::create();
  if (!loop) return Error{loop.error()};
  std::optional<uv::ChildResult> result;
  auto child = uv::ChildProcess::spawn(**loop, std::move(options), [&](uv::ChildResult r) { result = std::move(r); });
  if (!child) return Error{child.error()};
  (*loop)->run();
  if (!result) return Error{"the child process ended without a result"};
  return std::move(*result);
}

std::vector<std::string> inherited_environment() {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
  return env;
}

std::vector<std::string> command_prefix(const char* variable, std::vector<std::string> fallback) {
  const char* v = std::getenv(variable);
  std::vector<std::string> words;
  std::istringstream in(v ? v : "");
  for (std::string w; in >> w;) words.push_back(w);
  return words.empty() ? fallback : words;
}

}  // namespace hamail::hactl

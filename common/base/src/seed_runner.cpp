#include "hamail/base/seed_runner.h"

#include <charconv>
#include <chrono>
#include <limits>
#include <optional>
#include <ostream>

#include "hamail/base/program_options.h"
#include "hamail/base/result.h"
#include "hamail/base/version.h"
#include "seed_abort_report.h"

namespace hamail {
namespace {

struct SeedArgs {
  std::optional<std::uint64_t> seed;  // --seed N: replay this one
  bool trace = false;
  std::uint64_t seeds = 0, first = 1;
};

// "--name": a decimal number in [min, max], else an error naming the option.
Status read_number(const std::string& name, const std::string& text, std::uint64_t min, std::uint64_t max,
                   std::uint64_t& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  if (text.empty() || ec != std::errc() || ptr != end) return Error{"--" + name + ": '" + text + "' is not a number"};
  if (out < min && max == std::numeric_limits<std::uint64_t>::max())
    return Error{"--" + name + ": " + text + " is below " + std::to_string(min)};
  if (out < min || out > max)
    return Error{"--" + name + ": " + text + " is outside " + std::to_string(min) + ".." + std::to_string(max)};
  return Status::ok();
}

// The command line as ProgramOptions reads it: text, until read_number checks it. It holds
// pointers into this, so this lives as long as it.
struct SeedCommandLine {
  explicit SeedCommandLine(const SeedProgram& p) : program(p), options(p.name, p.summary) {
    options.value("seed", &seed, "N", "run this one seed (its whole trace with --trace)");
    options.flag("trace", &args.trace, "with --seed: print the trace as it is made");
    options.value("seeds", &seeds, "N", "run N seeds; print the failures, totals and seeds/s");
    options.value("first", &first, "N", "the first of the --seeds");
    numbers.reserve(p.numbers.size());  // no reallocation: options points into it
    for (const auto& n : p.numbers) {
      numbers.push_back(std::to_string(*n.value));
      options.value(n.name, &numbers.back(), "N", n.help);
    }
    usage = options.usage();  // with the defaults, not what parse reads
  }
  Status parse(int argc, const char* const* argv);

  const SeedProgram& program;
  ProgramOptions options;
  std::string usage;
  std::string seed, seeds, first = "1";
  std::vector<std::string> numbers;  // the text of program.numbers[i]
  SeedArgs args;
};

Status SeedCommandLine::parse(int argc, const char* const* argv) {
  constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
  Status st = options.parse(argc, argv);
  if (!st || options.help_requested() || options.version_requested()) return st;
  if (seed.empty() == seeds.empty())
    return Error{seed.empty() ? "give --seed N or --seeds N" : "--seed and --seeds exclude each other"};
  if (!seed.empty()) st = read_number("seed", seed, 0, kMax, args.seed.emplace());
  if (st && !seeds.empty()) st = read_number("seeds", seeds, 1, kMax, args.seeds);
  if (st) st = read_number("first", first, 0, kMax - args.seeds, args.first);
  for (std::size_t i = 0; i < numbers.size() && st; ++i) {
    const auto& n = program.numbers[i];
    st = read_number(n.name, numbers[i], n.min, n.max, *n.value);
  }
  return st;
}

void print_failure(const SeedProgram& p, const SeedOutcome& r, std::uint64_t seed, bool with_trace,
                   std::ostream& out) {
  if (with_trace)
    for (const auto& l : r.trace) out << l << "\n";
  out << "FAILED seed " << seed << ": " << r.failure << "\n  replay: " << p.name << " --seed " << seed
      << " --trace\n";
  out.flush();  // an abort in a later seed must not lose it
}

int run_one(const SeedProgram& p, const SeedArgs& a, std::ostream& out) {
  const std::uint64_t seed = *a.seed;
  set_running_seed(seed);
  TraceSink sink;
  if (a.trace) sink = [&out](const std::string& l) { out << l << "\n" << std::flush; };
  SeedOutcome r = p.run(seed, sink);
  if (!r.ok) print_failure(p, r, seed, !a.trace, out);
  out << "seed " << seed << " " << (r.ok ? "passed" : "FAILED") << " (" << r.scenario << ")\n";
  return r.ok ? 0 : 1;
}

int run_many(const SeedProgram& p, const SeedArgs& a, std::ostream& out) {
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t ran = 0, failed = 0;
  for (std::uint64_t s = a.first; s < a.first + a.seeds; ++s) {
    set_running_seed(s);
    SeedOutcome r = p.run(s, TraceSink());
    ++ran;
    if (!r.ok) {
      ++failed;
      print_failure(p, r, s, true, out);
      if (failed >= kMaxFailedSeeds) break;
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto rate = secs > 0 ? static_cast<std::uint64_t>(static_cast<double>(ran) / secs) : 0;
  out << "seeds " << a.first << ".." << a.first + ran - 1 << ": " << ran - failed << " passed, " << failed
      << " failed; " << p.totals() << "; " << secs << " s, " << rate << " seeds/s\n";
  return failed == 0 ? 0 : 1;
}

}  // namespace

int run_seed_program(const SeedProgram& program, int argc, const char* const* argv, std::ostream& out,
                     std::ostream& err) {
  SeedCommandLine cl(program);
  Status st = cl.parse(argc, argv);
  if (!st) {
    err << program.name << ": " << st.message() << "\n" << cl.usage;
    return 2;
  }
  if (cl.options.help_requested()) {
    out << cl.usage;
    return 0;
  }
  if (cl.options.version_requested()) {
    out << version_text(program.name);
    return 0;
  }
  install_seed_abort_report(program.name);
  return cl.args.seed ? run_one(program, cl.args, out) : run_many(program, cl.args, out);
}

}  // namespace hamail

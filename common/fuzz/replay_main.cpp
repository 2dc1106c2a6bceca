// The replay driver: `NAME_replay CORPUS_DIR [--mutations N] [--seed S] [--max-bytes B]`
// runs every file of CORPUS_DIR, then N seeded mutations of them, through the target's
// LLVMFuzzerTestOneInput. A crash, sanitizer report or failed check in the target fails
// the run; the input that did it is written to ./replay-crash-<seed>-<n> first, so it
// can be replayed.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "hamail/fuzz/mutator.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

int usage(const std::string& why) {
  std::cerr << "replay: " << why << "\nusage: replay CORPUS_DIR [--mutations N] [--seed S] [--max-bytes B]\n";
  return 2;
}

bool number(const char* text, std::uint64_t& out) {
  char* end = nullptr;
  out = std::strtoull(text, &end, 10);
  return end && *end == '\0' && end != text;
}

void run(const std::string& input) {
  (void)LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage("no corpus directory");
  std::filesystem::path dir = argv[1];
  std::uint64_t mutations = 10000, seed = 1, max_bytes = 1 << 16;
  for (int i = 2; i < argc; i += 2) {
    std::string opt = argv[i];
    if (i + 1 >= argc) return usage(opt + " needs a number");
    std::uint64_t* dst = opt == "--mutations" ? &mutations : opt == "--seed" ? &seed : opt == "--max-bytes" ? &max_bytes
                                                                                                             : nullptr;
    if (!dst) return usage("unknown option " + opt);
    if (!number(argv[i + 1], *dst)) return usage(opt + " needs a number, not " + argv[i + 1]);
  }
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.is_regular_file()) files.push_back(e.path());
  if (ec || files.empty()) return usage("no seed files in " + dir.string() + (ec ? ": " + ec.message() : ""));
  std::sort(files.begin(), files.end());
  std::vector<std::string> seeds;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    seeds.push_back(s.str());
    run(seeds.back());
  }
  hamail::fuzz::Mutator mutator(seed, max_bytes);
  std::mt19937_64 pick(seed ^ 0x9e3779b97f4a7c15ULL);
  std::string current;
  for (std::uint64_t n = 0; n < mutations; ++n) {
    const std::string& base = n % 4 == 3 && !current.empty() ? current : seeds[pick() % seeds.size()];
    current = mutator.mutate(base, seeds[pick() % seeds.size()]);
    std::string path = "replay-crash-" + std::to_string(seed) + "-" + std::to_string(n);
    {
      std::ofstream(path, std::ios::binary) << current;  // kept only if the run dies
    }
    run(current);
    std::filesystem::remove(path, ec);
  }
  std::printf("replay: %zu seeds and %llu mutations (seed %llu) of %s: no failure\n", seeds.size(),
              static_cast<unsigned long long>(mutations), static_cast<unsigned long long>(seed), dir.c_str());
  return 0;
}

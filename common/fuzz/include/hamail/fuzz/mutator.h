// Mutator: libFuzzer-like byte mutations for the replay driver (no libFuzzer needed):
// flip bits, erase, insert or repeat bytes, splice two inputs, splice in tokens that
// break parsers ("{", "[", "\"", "-1", "1e999", "null", huge numbers). Deterministic
// for a seed, and outputs are bounded in size.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace hamail::fuzz {

class Mutator {
 public:
  Mutator(std::uint64_t seed, std::size_t max_bytes) : rng_(seed), max_bytes_(max_bytes) {}
  // One to four mutations of `input`; `other` may be spliced in.
  std::string mutate(const std::string& input, const std::string& other);

 private:
  std::size_t below(std::size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  void one(std::string& s, const std::string& other);

  std::mt19937_64 rng_;
  std::size_t max_bytes_;
};

}  // namespace hamail::fuzz

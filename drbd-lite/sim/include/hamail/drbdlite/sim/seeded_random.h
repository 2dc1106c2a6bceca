// SeededRandom: the one source of randomness of the drbd-lite test doubles (splitmix64).
// The same seed gives the same sequence on every platform and compiler, so a failing
// crash or error-injection scenario replays exactly from its seed.
#pragma once

#include <cstdint>

namespace hamail::drbdlite::sim {

class SeededRandom {
 public:
  explicit SeededRandom(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); n > 0. The slight modulo bias does not matter for fault injection.
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // True with probability p. p <= 0 or >= 1 draws nothing: a disabled fault leaves the
  // sequence, and so every other outcome of a seed, as it was.
  bool chance(double p) {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return uniform() < p;
  }

 private:
  std::uint64_t state_;
};

}  // namespace hamail::drbdlite::sim

#include "hamail/fuzz/mutator.h"

#include <array>
#include <string_view>

namespace hamail::fuzz {
namespace {

constexpr std::array<std::string_view, 22> kTokens = {
    "{", "}", "[", "]", "\"", ",", ":", "null", "true", "false", "-1", "0", "1e999", "-0.5",
    "18446744073709551616", "9223372036854775807", "\\u0000", "\\ud800", "\xff", "\"\":", "[[[[[[[[", "{\"v\":3,"};

}  // namespace

void Mutator::one(std::string& s, const std::string& other) {
  switch (below(7)) {
    case 0:  // flip a bit
      if (!s.empty()) s[below(s.size())] ^= static_cast<char>(1u << below(8));
      break;
    case 1: {  // erase a run
      if (s.empty()) break;
      std::size_t at = below(s.size());
      s.erase(at, 1 + below(std::min<std::size_t>(16, s.size() - at)));
      break;
    }
    case 2:  // insert a random byte
      s.insert(below(s.size() + 1), 1, static_cast<char>(below(256)));
      break;
    case 3:  // insert a token
      s.insert(below(s.size() + 1), kTokens[below(kTokens.size())]);
      break;
    case 4: {  // repeat a chunk many times (huge arrays, long strings)
      if (s.empty()) break;
      std::size_t at = below(s.size()), len = 1 + below(std::min<std::size_t>(32, s.size() - at));
      std::string chunk = s.substr(at, len), many;
      for (std::size_t n = 1 + below(512); n > 0; --n) many += chunk;
      s.insert(at, many);
      break;
    }
    case 5: {  // splice: a prefix of this one, a suffix of the other
      std::size_t a = below(s.size() + 1), b = below(other.size() + 1);
      s = s.substr(0, a) + other.substr(b);
      break;
    }
    default: {  // overwrite a byte with a digit or quote: changes types and numbers
      static constexpr std::string_view kBytes = "0123456789-.\"eE";
      if (!s.empty()) s[below(s.size())] = kBytes[below(kBytes.size())];
      break;
    }
  }
}

std::string Mutator::mutate(const std::string& input, const std::string& other) {
  std::string s = input;
  for (std::size_t n = 1 + below(4); n > 0; --n) one(s, other);
  if (s.size() > max_bytes_) s.resize(max_bytes_);
  return s;
}

}  // namespace hamail::fuzz

// A configuration error that names exactly what is wrong: where (file:line:column),
// which key (a dotted path such as groups[0].resources[1].agent) and what was expected.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hamail {

struct ConfigError {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
  std::string key_path;
  std::string message;

  // "cluster.yaml:12:5: nodes[1].name: duplicate node name 'node1'"
  std::string to_string() const;
};

// Levenshtein edit distance, for "did you mean" suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is plausibly a typo of it, else nothing.
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace hamail

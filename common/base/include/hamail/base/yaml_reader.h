// Strict, error-collecting reading of YAML mappings. A MapReader hands out typed
// values by key and remembers which keys it was asked for; finish() reports every
// other key as unknown, with a "did you mean" suggestion. All errors carry
// file:line:column and the key path, and reading goes on so one run shows them all.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "hamail/base/config_error.h"

namespace hamail::config {

class ErrorSink {
 public:
  explicit ErrorSink(std::string file) : file_(std::move(file)) {}
  void add(const YAML::Node& at, const std::string& path, const std::string& message);
  void add(const YAML::Mark& at, const std::string& path, const std::string& message);
  const std::vector<ConfigError>& errors() const { return errors_; }
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::vector<ConfigError> errors_;
};

enum class Need { optional, required };

class MapReader {
 public:
  // Reports an error (and reads nothing) when `node` is not a mapping.
  MapReader(ErrorSink& sink, const YAML::Node& node, std::string path);
  ~MapReader() = default;

  bool valid() const { return valid_; }
  const std::string& path() const { return path_; }
  std::string key_path(const std::string& key) const;

  std::optional<std::string> string(const std::string& key, Need need = Need::optional);
  std::optional<std::int64_t> integer(const std::string& key, std::int64_t min, std::int64_t max,
                                      Need need = Need::optional);
  std::optional<bool> boolean(const std::string& key, Need need = Need::optional);
  std::optional<std::chrono::milliseconds> duration(const std::string& key, Need need = Need::optional);
  std::optional<std::uint64_t> size(const std::string& key, Need need = Need::optional);
  std::optional<std::string> choice(const std::string& key, const std::vector<std::string>& allowed,
                                    Need need = Need::optional);
  std::optional<std::vector<std::string>> string_list(const std::string& key, Need need = Need::optional);
  std::optional<std::map<std::string, std::string>> string_map(const std::string& key,
                                                                Need need = Need::optional);
  // For nested mappings and lists: marks the key known and returns the node
  // (undefined when absent; a required one absent is reported).
  YAML::Node child(const std::string& key, Need need = Need::optional);

  // Reports keys nobody asked for. Call once, after reading every known key.
  void finish();

  ErrorSink& sink() { return sink_; }
  const YAML::Node& node() const { return node_; }

 private:
  YAML::Node scalar(const std::string& key, Need need, const char* expected);

  ErrorSink& sink_;
  YAML::Node node_;
  std::string path_;
  bool valid_ = false;
  std::set<std::string> known_;
};

// Calls `each(item, path)` for every item of a YAML sequence; reports a non-list.
void for_each_item(ErrorSink& sink, const YAML::Node& list, const std::string& path,
                   const std::function<void(const YAML::Node&, const std::string&)>& each);

// "10s", "500ms", "2m", "1h", "5d" -> milliseconds.
std::optional<std::chrono::milliseconds> parse_duration(const std::string& text);
// "4096", "64K", "100M", "1G", "2T" (also KiB/MiB/GiB/TiB) -> bytes (binary units).
std::optional<std::uint64_t> parse_size(const std::string& text);

}  // namespace hamail::config

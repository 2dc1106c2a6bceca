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
  // A string that must be an absolute path / a numeric IPv4 or IPv6 address (the error
  // quotes what was found).
  std::optional<std::string> absolute_path(const std::string& key, Need need = Need::optional);
  std::optional<std::string> ip_address(const std::string& key, Need need = Need::optional);
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

// The YAML document of a config file: its text parsed, or an error in `sink` (syntax
// error with line:column, empty file) and an undefined node.
YAML::Node parse_document(ErrorSink& sink, const std::string& text);
// Reads sink.file(); a missing or unreadable file is an error in `sink` ("cannot read the file: ...").
std::optional<std::string> read_file_text(ErrorSink& sink);

// Checks shared by every config file.
bool is_ip_address(const std::string& text);        // numeric IPv4 or IPv6
bool is_ipv6_address(const std::string& text);
bool is_absolute_path(const std::string& text);
bool is_plain_name(const std::string& text);        // [A-Za-z0-9][A-Za-z0-9_.-]{0,62}: node, volume, cluster names

// "10s", "500ms", "2m", "1h", "5d" -> milliseconds.
std::optional<std::chrono::milliseconds> parse_duration(const std::string& text);
// "4096", "64K", "100M", "1G", "2T" (also KiB/MiB/GiB/TiB) -> bytes (binary units).
std::optional<std::uint64_t> parse_size(const std::string& text);

}  // namespace hamail::config

#include "hamail/base/yaml_reader.h"

#include <arpa/inet.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <regex>
#include <sstream>

namespace hamail::config {

void ErrorSink::add(const YAML::Mark& at, const std::string& path, const std::string& message) {
  int line = at.is_null() ? 0 : at.line + 1;
  int column = at.is_null() ? 0 : at.column + 1;
  errors_.push_back(ConfigError{file_, line, column, path, message});
}

void ErrorSink::add(const YAML::Node& at, const std::string& path, const std::string& message) {
  add(at.IsDefined() ? at.Mark() : YAML::Mark::null_mark(), path, message);
}

static const char* kind_name(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null: return "nothing (null)";
    case YAML::NodeType::Scalar: return "a scalar";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Undefined: return "nothing";
  }
  return "something else";
}

MapReader::MapReader(ErrorSink& sink, const YAML::Node& node, std::string path)
    : sink_(sink), node_(node), path_(std::move(path)) {
  if (!node.IsMap()) {
    sink_.add(node, path_.empty() ? "(top level)" : path_,
              std::string("expected a mapping of keys, found ") + kind_name(node));
    return;
  }
  valid_ = true;
  std::set<std::string> seen;
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) {
      sink_.add(kv.first, path_, "keys must be plain names");
      continue;
    }
    std::string k = kv.first.Scalar();
    if (!seen.insert(k).second) sink_.add(kv.first, key_path(k), "duplicate key");
  }
}

std::string MapReader::key_path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

YAML::Node MapReader::child(const std::string& key, Need need) {
  known_.insert(key);
  if (!valid_) return YAML::Node(YAML::NodeType::Undefined);
  for (const auto& kv : node_) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.second;
  }
  if (need == Need::required) sink_.add(node_, key_path(key), "missing required key '" + key + "'");
  return YAML::Node(YAML::NodeType::Undefined);
}

YAML::Node MapReader::scalar(const std::string& key, Need need, const char* expected) {
  YAML::Node n = child(key, need);
  if (!n.IsDefined()) return n;
  if (!n.IsScalar()) {
    sink_.add(n, key_path(key), std::string("expected ") + expected + ", found " + kind_name(n));
    return YAML::Node(YAML::NodeType::Undefined);
  }
  return n;
}

std::optional<std::string> MapReader::string(const std::string& key, Need need) {
  YAML::Node n = scalar(key, need, "a string");
  if (!n.IsDefined()) return std::nullopt;
  if (n.Scalar().empty()) {
    sink_.add(n, key_path(key), "expected a non-empty string");
    return std::nullopt;
  }
  return n.Scalar();
}

std::optional<std::int64_t> MapReader::integer(const std::string& key, std::int64_t min, std::int64_t max,
                                               Need need) {
  YAML::Node n = scalar(key, need, "an integer");
  if (!n.IsDefined()) return std::nullopt;
  const std::string& s = n.Scalar();
  std::size_t used = 0;
  long long v = 0;
  bool ok = !s.empty();
  if (ok) {
    try {
      v = std::stoll(s, &used, 10);
    } catch (...) {
      ok = false;
    }
  }
  if (!ok || used != s.size()) {
    sink_.add(n, key_path(key), "expected an integer, found '" + s + "'");
    return std::nullopt;
  }
  if (v < min || v > max) {
    sink_.add(n, key_path(key),
              "value " + s + " out of range (" + std::to_string(min) + ".." + std::to_string(max) + ")");
    return std::nullopt;
  }
  return v;
}

std::optional<bool> MapReader::boolean(const std::string& key, Need need) {
  YAML::Node n = scalar(key, need, "true or false");
  if (!n.IsDefined()) return std::nullopt;
  const std::string& s = n.Scalar();
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  sink_.add(n, key_path(key), "expected true or false, found '" + s + "'");
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> MapReader::duration(const std::string& key, Need need) {
  YAML::Node n = scalar(key, need, "a duration");
  if (!n.IsDefined()) return std::nullopt;
  auto d = parse_duration(n.Scalar());
  if (!d) sink_.add(n, key_path(key), "expected a duration such as 500ms, 3s, 2m, 1h or 5d, found '" + n.Scalar() + "'");
  return d;
}

std::optional<std::uint64_t> MapReader::size(const std::string& key, Need need) {
  YAML::Node n = scalar(key, need, "a size");
  if (!n.IsDefined()) return std::nullopt;
  auto v = parse_size(n.Scalar());
  if (!v) sink_.add(n, key_path(key), "expected a size such as 4096, 64K, 100M or 2G, found '" + n.Scalar() + "'");
  return v;
}

std::optional<std::string> MapReader::choice(const std::string& key, const std::vector<std::string>& allowed,
                                             Need need) {
  YAML::Node n = scalar(key, need, "one of the allowed words");
  if (!n.IsDefined()) return std::nullopt;
  for (const auto& a : allowed) {
    if (n.Scalar() == a) return a;
  }
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  std::string msg = "'" + n.Scalar() + "' is not one of: " + list;
  if (auto s = closest_match(n.Scalar(), allowed)) msg += " (did you mean '" + *s + "'?)";
  sink_.add(n, key_path(key), msg);
  return std::nullopt;
}

std::optional<std::vector<std::string>> MapReader::string_list(const std::string& key, Need need) {
  YAML::Node n = child(key, need);
  if (!n.IsDefined()) return std::nullopt;
  std::string p = key_path(key);
  if (!n.IsSequence()) {
    sink_.add(n, p, std::string("expected a list of strings, found ") + kind_name(n));
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (!n[i].IsScalar() || n[i].Scalar().empty()) {
      sink_.add(n[i], p + "[" + std::to_string(i) + "]", std::string("expected a string, found ") + kind_name(n[i]));
      ok = false;
      continue;
    }
    out.push_back(n[i].Scalar());
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::map<std::string, std::string>> MapReader::string_map(const std::string& key, Need need) {
  YAML::Node n = child(key, need);
  if (!n.IsDefined()) return std::nullopt;
  std::string p = key_path(key);
  if (n.IsNull()) return std::map<std::string, std::string>{};
  if (!n.IsMap()) {
    sink_.add(n, p, std::string("expected a mapping of names to values, found ") + kind_name(n));
    return std::nullopt;
  }
  std::map<std::string, std::string> out;
  bool ok = true;
  for (const auto& kv : n) {
    std::string k = kv.first.Scalar();
    if (!kv.second.IsScalar()) {
      sink_.add(kv.second, p + "." + k, std::string("expected a scalar value, found ") + kind_name(kv.second));
      ok = false;
      continue;
    }
    if (!out.emplace(k, kv.second.Scalar()).second) {
      sink_.add(kv.first, p + "." + k, "duplicate key");
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

void MapReader::finish() {
  if (!valid_) return;
  std::vector<std::string> candidates(known_.begin(), known_.end());
  for (const auto& kv : node_) {
    if (!kv.first.IsScalar()) continue;
    const std::string& k = kv.first.Scalar();
    if (known_.count(k)) continue;
    std::string msg = "unknown key '" + k + "'";
    if (auto s = closest_match(k, candidates)) msg += " (did you mean '" + *s + "'?)";
    sink_.add(kv.first, key_path(k), msg);
  }
}

std::optional<std::string> MapReader::absolute_path(const std::string& key, Need need) {
  auto v = string(key, need);
  if (v && !is_absolute_path(*v)) {
    sink_.add(child(key), key_path(key), "expected an absolute path, found '" + *v + "'");
    return std::nullopt;
  }
  return v;
}

std::optional<std::string> MapReader::ip_address(const std::string& key, Need need) {
  auto v = string(key, need);
  if (v && !is_ip_address(*v)) {
    sink_.add(child(key), key_path(key), "'" + *v + "' is not an IPv4 or IPv6 address");
    return std::nullopt;
  }
  return v;
}

YAML::Node parse_document(ErrorSink& sink, const std::string& text) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    sink.add(e.mark, "", "YAML syntax error: " + e.msg);
    return YAML::Node(YAML::NodeType::Undefined);
  }
  if (!root.IsDefined() || root.IsNull()) {
    sink.add(YAML::Mark::null_mark(), "", "the file is empty");
    return YAML::Node(YAML::NodeType::Undefined);
  }
  return root;
}

std::optional<std::string> read_file_text(ErrorSink& sink) {
  std::ifstream in(sink.file());
  if (!in) {
    sink.add(YAML::Mark::null_mark(), "", std::string("cannot read the file: ") + std::strerror(errno));
    return std::nullopt;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool is_ip_address(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

bool is_ipv6_address(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

bool is_absolute_path(const std::string& s) { return !s.empty() && s[0] == '/'; }

bool is_plain_name(const std::string& s) {
  static const std::regex re("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
  return std::regex_match(s, re);
}

void for_each_item(ErrorSink& sink, const YAML::Node& list, const std::string& path,
                   const std::function<void(const YAML::Node&, const std::string&)>& each) {
  if (!list.IsDefined()) return;
  if (!list.IsSequence()) {
    sink.add(list, path, std::string("expected a list, found ") + kind_name(list));
    return;
  }
  for (std::size_t i = 0; i < list.size(); ++i) each(list[i], path + "[" + std::to_string(i) + "]");
}

static std::optional<std::uint64_t> parse_number_prefix(const std::string& text, std::string& suffix) {
  std::size_t i = 0;
  std::uint64_t v = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    std::uint64_t d = static_cast<std::uint64_t>(text[i] - '0');
    if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) return std::nullopt;
    v = v * 10 + d;
    ++i;
  }
  if (i == 0) return std::nullopt;
  suffix = text.substr(i);
  return v;
}

std::optional<std::chrono::milliseconds> parse_duration(const std::string& text) {
  std::string unit;
  auto v = parse_number_prefix(text, unit);
  if (!v) return std::nullopt;
  std::uint64_t factor = 0;
  if (unit == "ms") factor = 1;
  else if (unit == "s") factor = 1000;
  else if (unit == "m" || unit == "min") factor = 60'000;
  else if (unit == "h") factor = 3'600'000;
  else if (unit == "d") factor = 86'400'000;
  else return std::nullopt;
  if (*v > std::numeric_limits<std::int64_t>::max() / factor / 1000) return std::nullopt;
  return std::chrono::milliseconds(static_cast<std::int64_t>(*v * factor));
}

std::optional<std::uint64_t> parse_size(const std::string& text) {
  std::string unit;
  auto v = parse_number_prefix(text, unit);
  if (!v) return std::nullopt;
  int shift = 0;
  if (unit.empty() || unit == "B") shift = 0;
  else if (unit == "K" || unit == "KiB") shift = 10;
  else if (unit == "M" || unit == "MiB") shift = 20;
  else if (unit == "G" || unit == "GiB") shift = 30;
  else if (unit == "T" || unit == "TiB") shift = 40;
  else return std::nullopt;
  if (shift && *v > (std::numeric_limits<std::uint64_t>::max() >> shift)) return std::nullopt;
  return *v << shift;
}

}  // namespace hamail::config

// JsonFields: reads one JSON object from outside (a peer's message, an operator's
// request) field by field, checking presence, type and bounds before every read; never
// throws. The first problem is kept as an error naming the field ("actions[2].kind");
// later reads return neutral values. Keys never asked for are reported by finish().
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "hamail/base/result.h"

namespace hamail {

class JsonFields {
 public:
  // `path` prefixes field names in errors: "" for a top-level object, "actions[2]." inside.
  explicit JsonFields(const nlohmann::json& object, std::string path = "");

  std::string text(std::string_view key, std::size_t max_bytes);
  std::optional<std::string> optional_text(std::string_view key, std::size_t max_bytes);
  bool boolean(std::string_view key);
  std::optional<bool> optional_boolean(std::string_view key);
  std::uint64_t unsigned_int(std::string_view key, std::uint64_t max);
  std::int64_t integer(std::string_view key, std::int64_t min, std::int64_t max);
  std::optional<std::int64_t> optional_integer(std::string_view key, std::int64_t min, std::int64_t max);
  // An array / object of at most max_items entries (an empty one on error).
  const nlohmann::json& array(std::string_view key, std::size_t max_items) { return container(key, max_items, true); }
  const nlohmann::json& object(std::string_view key, std::size_t max_items) { return container(key, max_items, false); }
  bool has(std::string_view key) const;

  // Records a problem with a field (only the first one is kept).
  void fail(std::string_view key, const std::string& what);
  // Takes a nested object's problem (its JsonFields' finish()) as this one's.
  void adopt(const Status& nested);
  bool ok() const { return !error_; }
  // The first problem, else the first key nobody asked for, else ok.
  Status finish() const;
  std::string field_name(std::string_view key) const;

 private:
  const nlohmann::json* find(std::string_view key, bool required);
  const nlohmann::json& container(std::string_view key, std::size_t max_items, bool want_array);

  const nlohmann::json& obj_;
  std::string path_;
  std::set<std::string, std::less<>> asked_;
  std::optional<std::string> error_;
};

// "string", "a negative integer", "a fractional number", ...: for "expected X, found Y".
std::string json_kind(const nlohmann::json& value);

// Whether `bytes` nests arrays/objects deeper than `max_depth` (checked before parsing,
// so a hostile input never builds a deep tree).
bool nests_deeper_than(std::string_view bytes, std::size_t max_depth);

}  // namespace hamail

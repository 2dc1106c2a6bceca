// JsonFields: reads one JSON object received from outside (a control request, a cluster
// message) into typed values, by key, with checked types and bounds, never throwing.
// The first problem is kept as an error naming the field and what was expected
// ("field 'since_ms': expected an integer, found a string"); later reads return nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "hamail/base/result.h"

namespace hamail {

enum class Field { optional, required };

class JsonFields {
 public:
  // `what` prefixes errors: "request", "message 'switchover' from node2".
  JsonFields(const nlohmann::json& object, std::string what);

  std::optional<std::string> string(const std::string& key, Field need = Field::optional,
                                    std::size_t max_bytes = 1024);
  std::optional<bool> boolean(const std::string& key, Field need = Field::optional);
  std::optional<std::int64_t> integer(const std::string& key, std::int64_t min, std::int64_t max,
                                      Field need = Field::optional);
  std::optional<std::uint64_t> unsigned_integer(const std::string& key, std::uint64_t max = UINT64_MAX,
                                                Field need = Field::optional);
  // An object or array member, checked for its kind and size (elements or members).
  const nlohmann::json* object(const std::string& key, Field need = Field::optional, std::size_t max_members = 1024);
  const nlohmann::json* array(const std::string& key, Field need = Field::optional, std::size_t max_items = 1024);

  // Every key must have been read: an unknown one is an error (unless the caller allows extras).
  Status finish(bool allow_unknown_keys = false);
  bool ok() const { return !error_; }
  Status status() const;

 private:
  const nlohmann::json* member(const std::string& key, Field need);
  void fail(const std::string& key, const std::string& problem);

  const nlohmann::json& j_;
  std::string what_;
  std::set<std::string> read_;
  std::optional<std::string> error_;
};

// "a string", "an integer", "an object", ... for error messages.
const char* json_kind(const nlohmann::json& j);

}  // namespace hamail

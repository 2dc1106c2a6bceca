#include "hamail/base/json_fields.h"

namespace hamail {

const char* json_kind(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::boolean: return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return "an integer";
    case nlohmann::json::value_t::number_float: return "a number with a fraction";
    default: return "something else";
  }
}

JsonFields::JsonFields(const nlohmann::json& object, std::string what) : j_(object), what_(std::move(what)) {
  if (!j_.is_object()) error_ = what_ + ": expected a JSON object, found " + json_kind(j_);
}

void JsonFields::fail(const std::string& key, const std::string& problem) {
  if (!error_) error_ = what_ + ": field '" + key + "': " + problem;
}

const nlohmann::json* JsonFields::member(const std::string& key, Field need) {
  read_.insert(key);
  if (error_) return nullptr;
  auto it = j_.find(key);
  if (it == j_.end()) {
    if (need == Field::required) fail(key, "missing");
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> JsonFields::string(const std::string& key, Field need, std::size_t max_bytes) {
  const auto* m = member(key, need);
  if (!m) return std::nullopt;
  if (!m->is_string()) {
    fail(key, std::string("expected a string, found ") + json_kind(*m));
    return std::nullopt;
  }
  const auto& s = m->get_ref<const std::string&>();
  if (s.size() > max_bytes) {
    fail(key, "longer than " + std::to_string(max_bytes) + " bytes");
    return std::nullopt;
  }
  return s;
}

std::optional<bool> JsonFields::boolean(const std::string& key, Field need) {
  const auto* m = member(key, need);
  if (!m) return std::nullopt;
  if (!m->is_boolean()) {
    fail(key, std::string("expected true or false, found ") + json_kind(*m));
    return std::nullopt;
  }
  return m->get<bool>();
}

std::optional<std::int64_t> JsonFields::integer(const std::string& key, std::int64_t min, std::int64_t max, Field need) {
  const auto* m = member(key, need);
  if (!m) return std::nullopt;
  std::string range = " (" + std::to_string(min) + ".." + std::to_string(max) + ")";
  if (m->is_number_unsigned()) {
    auto v = m->get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(max)) {
      fail(key, "value " + std::to_string(v) + " out of range" + range);
      return std::nullopt;
    }
    return static_cast<std::int64_t>(v);
  }
  if (!m->is_number_integer()) {
    fail(key, std::string("expected an integer, found ") + json_kind(*m));
    return std::nullopt;
  }
  auto v = m->get<std::int64_t>();
  if (v < min || v > max) {
    fail(key, "value " + std::to_string(v) + " out of range" + range);
    return std::nullopt;
  }
  return v;
}

std::optional<std::uint64_t> JsonFields::unsigned_integer(const std::string& key, std::uint64_t max, Field need) {
  const auto* m = member(key, need);
  if (!m) return std::nullopt;
  if (!m->is_number_integer()) {  // is_number_integer() covers both integer kinds
    fail(key, std::string("expected an unsigned integer, found ") + json_kind(*m));
    return std::nullopt;
  }
  if (!m->is_number_unsigned() && m->get<std::int64_t>() < 0) {
    fail(key, "value " + std::to_string(m->get<std::int64_t>()) + " is negative");
    return std::nullopt;
  }
  auto v = m->get<std::uint64_t>();
  if (v > max) {
    fail(key, "value " + std::to_string(v) + " out of range (0.." + std::to_string(max) + ")");
    return std::nullopt;
  }
  return v;
}

const nlohmann::json* JsonFields::object(const std::string& key, Field need, std::size_t max_members) {
  const auto* m = member(key, need);
  if (!m) return nullptr;
  if (!m->is_object()) {
    fail(key, std::string("expected an object, found ") + json_kind(*m));
    return nullptr;
  }
  if (m->size() > max_members) {
    fail(key, "more than " + std::to_string(max_members) + " members");
    return nullptr;
  }
  return m;
}

const nlohmann::json* JsonFields::array(const std::string& key, Field need, std::size_t max_items) {
  const auto* m = member(key, need);
  if (!m) return nullptr;
  if (!m->is_array()) {
    fail(key, std::string("expected an array, found ") + json_kind(*m));
    return nullptr;
  }
  if (m->size() > max_items) {
    fail(key, "more than " + std::to_string(max_items) + " items");
    return nullptr;
  }
  return m;
}

Status JsonFields::finish(bool allow_unknown_keys) {
  if (!error_ && !allow_unknown_keys && j_.is_object()) {
    for (const auto& [k, v] : j_.items()) {
      if (!read_.count(k)) {
        error_ = what_ + ": unknown field '" + k + "'";
        break;
      }
    }
  }
  return status();
}

Status JsonFields::status() const {
  if (error_) return Error{*error_};
  return Status::ok();
}

}  // namespace hamail

#include "hamail/base/json_fields.h"

#include "hamail/base/utf8_text.h"

namespace hamail {

using nlohmann::json;

namespace {
const json& empty_array() {
  static const json a = json::array();
  return a;
}
const json& empty_object() {
  static const json o = json::object();
  return o;
}
}  // namespace

std::string json_kind(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    case json::value_t::number_unsigned: return "an integer";
    case json::value_t::number_integer: return v.get<std::int64_t>() < 0 ? "a negative integer" : "an integer";
    case json::value_t::number_float: return "a fractional number";
    default: return "a value of another kind";
  }
}

bool nests_deeper_than(std::string_view bytes, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false, escaped = false;
  for (char c : bytes) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

JsonFields::JsonFields(const json& object, std::string path) : obj_(object), path_(std::move(path)) {
  if (!obj_.is_object()) error_ = (path_.empty() ? std::string("message") : path_) + ": expected an object, found " +
                                  json_kind(obj_);
}

std::string JsonFields::field_name(std::string_view key) const { return path_ + clip_utf8(key, 64); }

void JsonFields::fail(std::string_view key, const std::string& what) {
  if (!error_) error_ = "field \"" + field_name(key) + "\": " + what;
}

void JsonFields::adopt(const Status& nested) {
  if (!error_ && !nested) error_ = nested.message();
}

bool JsonFields::has(std::string_view key) const { return obj_.is_object() && obj_.contains(key); }

const json* JsonFields::find(std::string_view key, bool required) {
  asked_.insert(std::string(key));
  if (error_) return nullptr;
  auto it = obj_.find(key);
  if (it == obj_.end()) {
    if (required) fail(key, "missing");
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> JsonFields::optional_text(std::string_view key, std::size_t max_bytes) {
  const json* v = find(key, false);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    fail(key, "expected a string, found " + json_kind(*v));
    return std::nullopt;
  }
  const auto& s = v->get_ref<const std::string&>();
  if (s.size() > max_bytes) {
    fail(key, "longer than " + std::to_string(max_bytes) + " bytes (" + std::to_string(s.size()) + ")");
    return std::nullopt;
  }
  return s;
}

std::string JsonFields::text(std::string_view key, std::size_t max_bytes) {
  bool present = has(key);
  auto v = optional_text(key, max_bytes);
  if (!present) fail(key, "missing");
  return v.value_or("");
}

std::optional<bool> JsonFields::optional_boolean(std::string_view key) {
  const json* v = find(key, false);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    fail(key, "expected true or false, found " + json_kind(*v));
    return std::nullopt;
  }
  return v->get<bool>();
}

bool JsonFields::boolean(std::string_view key) {
  bool present = has(key);
  auto v = optional_boolean(key);
  if (!present) fail(key, "missing");
  return v.value_or(false);
}

std::uint64_t JsonFields::unsigned_int(std::string_view key, std::uint64_t max) {
  const json* v = find(key, true);
  if (!v) return 0;
  if (!v->is_number_unsigned() && !(v->is_number_integer() && v->get<std::int64_t>() >= 0)) {
    fail(key, "expected a non-negative integer, found " + json_kind(*v));
    return 0;
  }
  auto n = v->get<std::uint64_t>();
  if (n > max) {
    fail(key, "out of range: " + std::to_string(n) + " (at most " + std::to_string(max) + ")");
    return 0;
  }
  return n;
}

std::optional<std::int64_t> JsonFields::optional_integer(std::string_view key, std::int64_t min, std::int64_t max) {
  const json* v = find(key, false);
  if (!v) return std::nullopt;
  if (!v->is_number_integer()) {  // number_unsigned counts as integer too
    fail(key, "expected an integer, found " + json_kind(*v));
    return std::nullopt;
  }
  if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
    fail(key, "out of range: " + v->dump() + " (at most " + std::to_string(max) + ")");
    return std::nullopt;
  }
  auto n = v->get<std::int64_t>();
  if (n < min || n > max) {
    fail(key, "out of range: " + std::to_string(n) + " (expected " + std::to_string(min) + " to " + std::to_string(max) + ")");
    return std::nullopt;
  }
  return n;
}

std::int64_t JsonFields::integer(std::string_view key, std::int64_t min, std::int64_t max) {
  bool present = has(key);
  auto v = optional_integer(key, min, max);
  if (!present) fail(key, "missing");
  return v.value_or(0);
}

const json& JsonFields::container(std::string_view key, std::size_t max_items, bool want_array) {
  const json& empty = want_array ? empty_array() : empty_object();
  const json* v = find(key, true);
  if (!v) return empty;
  if (want_array ? !v->is_array() : !v->is_object()) {
    fail(key, std::string("expected ") + (want_array ? "an array" : "an object") + ", found " + json_kind(*v));
    return empty;
  }
  if (v->size() > max_items) {
    fail(key, "more than " + std::to_string(max_items) + (want_array ? " items (" : " entries (") +
                  std::to_string(v->size()) + ")");
    return empty;
  }
  return *v;
}

Status JsonFields::finish() const {
  if (error_) return Error{*error_};
  for (const auto& [key, value] : obj_.items())
    if (!asked_.count(key)) return Error{"unknown field \"" + field_name(key) + "\""};
  return Status::ok();
}

}  // namespace hamail

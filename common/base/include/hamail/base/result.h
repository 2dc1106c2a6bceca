// Errors as values at component boundaries: Status (ok or an error message) and
// Result<T> (a value or an error message). Small on purpose; std::expected is C++23.
// Both are [[nodiscard]] and the build makes ignoring one an error: a caller that really
// does not care says so with `(void)`.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace hamail {

struct Error {
  std::string message;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error e) : error_(std::move(e.message)) {}  // NOLINT: implicit by design
  static Status ok() { return Status(); }
  bool is_ok() const { return !error_.has_value(); }
  explicit operator bool() const { return is_ok(); }
  const std::string& message() const {
    assert(error_);
    return *error_;
  }

 private:
  std::optional<std::string> error_;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Error e) : v_(std::move(e)) {}             // NOLINT: implicit by design
  bool is_ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return is_ok(); }
  T& value() {
    assert(is_ok());
    return std::get<T>(v_);
  }
  const T& value() const {
    assert(is_ok());
    return std::get<T>(v_);
  }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const std::string& error() const {
    assert(!is_ok());
    return std::get<Error>(v_).message;
  }
  Status status() const { return is_ok() ? Status() : Status(std::get<Error>(v_)); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace hamail

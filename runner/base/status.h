// Errors as values. Every module boundary (config loading, plugins, readers) returns a Status or a
// Result<T>; exceptions from libraries (yaml-cpp, valijson) are caught in their adapters.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace arbiter {

class Status {
 public:
  enum class Code { kOk, kInvalidArgument, kNotFound, kIoError, kCorruption, kInternal };

  Status() = default;  // OK
  static Status OK() { return Status(); }
  // A configuration or usage problem: the user must change an input (exit code 2).
  static Status InvalidArgument(std::string msg) { return Status(Code::kInvalidArgument, std::move(msg)); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status IoError(std::string msg) { return Status(Code::kIoError, std::move(msg)); }
  // Input data that cannot be read as what it claims to be.
  static Status Corruption(std::string msg) { return Status(Code::kCorruption, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const { return ok() ? "OK" : message_; }

  // Prefixes the message with context ("file.yaml: ").
  Status WithContext(const std::string& context) const {
    if (ok()) return *this;
    return Status(code_, context + message_);
  }

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// A value or the Status that explains its absence.
template <typename T>
class Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : data_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(data_).ok() && "Result built from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(data_);
  }
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> data_;
};

#define ARBITER_RETURN_IF_ERROR(expr)        \
  do {                                       \
    ::arbiter::Status _st = (expr);          \
    if (!_st.ok()) return _st;               \
  } while (0)

// ARBITER_ASSIGN_OR_RETURN(T name, expr): evaluates `expr` (a Result<T>); on an error returns its
// Status from the enclosing function, otherwise declares `name` holding the value (moved out).
//
//   ARBITER_ASSIGN_OR_RETURN(YAML::Node root, LoadYamlFile(path));
//   ARBITER_ASSIGN_OR_RETURN(auto reader, LineReader::Open(path));
#define ARBITER_ASSIGN_OR_RETURN(lhs, ...) \
  ARBITER_ASSIGN_OR_RETURN_IMPL_(ARBITER_CONCAT_(arbiter_result_, __LINE__), lhs, __VA_ARGS__)
#define ARBITER_ASSIGN_OR_RETURN_IMPL_(result, lhs, ...) \
  auto result = (__VA_ARGS__);                           \
  if (!result.ok()) return result.status();              \
  lhs = std::move(result).value()
#define ARBITER_CONCAT_(a, b) ARBITER_CONCAT_INNER_(a, b)
#define ARBITER_CONCAT_INNER_(a, b) a##b

}  // namespace arbiter

// Error and Result types used by every layer. No exceptions cross layer
// boundaries: a failure is a value carrying a one-line message and, when it
// is known, the byte offset (binary) or line:column (text) where it happened.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kite {

// Which stage a failure comes from, so embedders (and the spec-test runner)
// can tell a malformed module from an invalid one, a link error, or a trap.
// Layers below the API leave it at Other; the API sets it at each stage.
enum class ErrorKind : uint8_t {
  Other,      // API misuse, I/O, anything not below
  Malformed,  // decoding (binary) or parsing (text) failed
  Invalid,    // validation failed
  Unlinkable, // imports missing or of the wrong type
  Trap,       // a trap while instantiating or running code
  Exception,  // an uncaught wasm exception
};

struct Error {
  static constexpr uint64_t kNoOffset = ~uint64_t{0};
  std::string message;
  uint64_t offset = kNoOffset; // byte offset in a binary module, if known
  uint32_t line = 0;           // 1-based text position, if known (0 = none)
  uint32_t column = 0;
  ErrorKind kind = ErrorKind::Other;
  // For traps: the functions active when it happened, innermost first, and
  // for each the module offset of the wasm instruction it was at (the one
  // that trapped, or a call; host functions and the "more frames" line
  // have kNoOffset).
  std::vector<std::string> backtrace = {};
  std::vector<uint64_t> backtrace_offsets = {};

  // "offset 0x1a: message" / "3:14: message" / "message".
  std::string describe() const;
};

inline Error error_at(uint64_t offset, std::string message) {
  return Error{std::move(message), offset, 0, 0};
}
inline Error error_text(uint32_t line, uint32_t column, std::string message) {
  return Error{std::move(message), Error::kNoOffset, line, column};
}

// An Error on its way up (KITE_TRY, failure_at), owned by the Result it is
// returned as: handed on without being moved into a fresh allocation at every
// level, and a plain pointer, so it travels in a register. Every failing site
// is one call and one move (a fifth of the decoder's code was failure paths).
struct [[nodiscard]] Failure {
  Error* error;
};
// Out of line, so a failing site is one call, whatever its message.
Failure failure_at(uint64_t offset, const char* message);
Failure failure_at(uint64_t offset, std::string message);

// A minimal std::expected stand-in (the toolchain's libstdc++ lacks it in C++20).
// The error lives out of line, so a success is one word beside the value:
// decoding and validation return millions of them, and an inline Error (a
// string and a vector to build and destroy) cost more than the reads did.
// No std::variant: its checked accessors were code at every use.
template <typename T> class [[nodiscard]] Result {
public:
  Result(T value) : value_(std::move(value)) {}
  Result(Error error) : error_(std::make_unique<Error>(std::move(error))) {}
  Result(Failure failure) : error_(failure.error) {}
  bool ok() const { return !error_; }
  explicit operator bool() const { return ok(); }
  T& value() & { return *value_; }
  T&& value() && { return std::move(*value_); }
  const T& value() const& { return *value_; }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const& { return *error_; }
  Error&& error() && { return std::move(*error_); }
  Failure failure() && { return {error_.release()}; }

private:
  std::unique_ptr<Error> error_; // null on success
  std::optional<T> value_;       // set on success
};

template <> class [[nodiscard]] Result<void> {
public:
  Result() = default;
  Result(Error error) : error_(std::make_unique<Error>(std::move(error))) {}
  Result(Failure failure) : error_(failure.error) {}
  bool ok() const { return !error_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const& { return *error_; }
  Error&& error() && { return std::move(*error_); }
  Failure failure() && { return {error_.release()}; }

private:
  std::unique_ptr<Error> error_;
};

using Status = Result<void>;

} // namespace kite

// Propagate a failed Result/Status out of the enclosing function.
#define KITE_TRY(expr)                                                                             \
  do {                                                                                             \
    auto&& kite_try_r_ = (expr);                                                                   \
    if (!kite_try_r_.ok()) return std::move(kite_try_r_).failure();                                \
  } while (0)

#define KITE_CONCAT_INNER_(a, b) a##b
#define KITE_CONCAT_(a, b) KITE_CONCAT_INNER_(a, b)

// Evaluate a Result<T>, propagate failure, else assign the value to `lhs`
// (which may be a declaration: `KITE_TRY_ASSIGN(uint32_t n, r.u32());`).
// Declares a temporary, so wrap it in braces inside a `case`.
#define KITE_TRY_ASSIGN(lhs, expr)                                                                 \
  KITE_TRY_ASSIGN_IMPL_(KITE_CONCAT_(kite_r_, __COUNTER__), lhs, expr)
#define KITE_TRY_ASSIGN_IMPL_(tmp, lhs, expr)                                                      \
  auto tmp = (expr);                                                                               \
  if (!tmp.ok()) return std::move(tmp).failure();                                                  \
  lhs = std::move(tmp).value()

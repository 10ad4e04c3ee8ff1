#include "support/result.h"

#include <cstdio>

namespace kite {

Failure failure_at(uint64_t offset, const char* message) { return {new Error{message, offset}}; }
Failure failure_at(uint64_t offset, std::string message) {
  return {new Error{std::move(message), offset}};
}

std::string Error::describe() const {
  char prefix[64];
  if (line != 0) {
    std::snprintf(prefix, sizeof prefix, "%u:%u: ", line, column);
  } else if (offset != kNoOffset) {
    std::snprintf(prefix, sizeof prefix, "offset 0x%llx: ", static_cast<unsigned long long>(offset));
  } else {
    prefix[0] = '\0';
  }
  return prefix + message;
}

} // namespace kite

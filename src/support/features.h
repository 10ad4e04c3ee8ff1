// The optional features a kite build may leave out (CMake options,
// cmake/features.cmake, which defines each KITE_<FEATURE> macro as 0 or 1).
// What a feature owns is a set of files and table rows (opcodes.def's
// Feature column, the IR .def families); a module that needs one that is
// not built in is rejected while it is decoded, with feature_missing's line.
#pragma once

#include <string>
#include <string_view>

namespace kite {

enum class Feature : unsigned char { Core, Simd, Gc, Threads, Exceptions };

constexpr bool built_in(Feature f) {
  switch (f) {
  case Feature::Core: return true;
  case Feature::Simd: return KITE_SIMD;
  case Feature::Gc: return KITE_GC;
  case Feature::Threads: return KITE_THREADS;
  case Feature::Exceptions: return KITE_EXCEPTIONS;
  }
  return false;
}

// Whether every instruction and type kite knows is built in: then no check
// is compiled into the decoder at all.
inline constexpr bool kAllFeatures = KITE_SIMD && KITE_GC && KITE_THREADS && KITE_EXCEPTIONS;

constexpr std::string_view feature_name(Feature f) {
  switch (f) {
  case Feature::Core: return "core";
  case Feature::Simd: return "SIMD";
  case Feature::Gc: return "GC";
  case Feature::Threads: return "Threads";
  case Feature::Exceptions: return "Exception handling";
  }
  return "";
}

// "SIMD is not built into this kite (opcode v128.load)": `what` names the
// instruction, type or section that needs the feature.
inline std::string feature_missing(Feature f, std::string_view what) {
  std::string message(feature_name(f));
  message += " is not built into this kite (";
  message += what;
  message += ')';
  return message;
}

} // namespace kite

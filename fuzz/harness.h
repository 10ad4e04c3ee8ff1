// What the module-running fuzz targets share: compile arbitrary bytes, then
// instantiate the module against dummy imports and run what is provably
// bounded. See docs/architecture.md ("Fuzzing").
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "model/module.h"
#include "support/result.h"

namespace kite::fuzz {

// Aborts (a finding for libFuzzer) when an Error carries no message: every
// rejection must say why.
void check_error_message(const Error& e, const char* stage);

// Decodes and validates `bytes` as a binary module; null when rejected.
std::shared_ptr<Module> compile(std::span<const uint8_t> bytes);

// Instantiates `module` (validated) in a fresh store with small limits, every
// import supplied by a dummy of its exact type, translates every function
// (a validated body must translate, or fail only as "unsupported ..."), then
// runs the start function and every exported function with zero arguments,
// each only when its execution is statically bounded (see harness.cpp).
// Returns a transcript: per call, the results or trap message and a digest
// of the instance's memories and globals afterwards.
std::string run_module(const std::shared_ptr<const Module>& module);

} // namespace kite::fuzz

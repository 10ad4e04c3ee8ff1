// The module decoder: binary bytes -> Module.
//
// Decoding checks the binary format only (structure, LEB128 encodings,
// section order and sizes, count consistency); the meaning of indices and
// types is checked by validate_module. Function bodies are not decoded here:
// they are kept as byte ranges and walked with InstrReader by the validator
// (which therefore also reports malformed instructions inside bodies) and the
// translator. Constant expressions are scanned up to their final `end` so
// that their ranges are known.
//
// Error messages follow the wording of the spec interpreter, as quoted by the
// testsuite's assert_malformed commands, and carry the byte offset.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "model/module.h"
#include "support/result.h"

namespace kite {

// Most locals a function may declare. The spec only bounds the total by
// 2^32-1; kite uses the limit of the JS API (and every major engine), which
// keeps the expanded FunctionDecl::locals small.
inline constexpr uint64_t kMaxFunctionLocals = 50000;

// The module keeps `bytes`.
Result<std::shared_ptr<Module>> decode_module(ByteBuffer bytes);
// Decodes `module.bytes` into `module` (empty but for them); the module
// keeps its bytes even when this fails, for a thread still reading them.
// With CodeBodies::Defer the code section's bodies are not walked (their
// sizes and locals: one cache miss each, 133,000 in LLVM's module); the
// module's deferred_code says where they are. The first error of a
// deferred decode may then differ from a full one: a caller reporting
// errors decodes again without deferring when it fails.
enum class CodeBodies { Walk, Defer };
Status decode_into(Module& module, CodeBodies bodies = CodeBodies::Walk);
// Walks deferred bodies (errors as a full decode reports them there).
Status decode_code_bodies(Module& module);
// What walking the bodies found (FunctionDecl body fields, local groups),
// as bytes for the module cache; and the same applied to a module whose
// bodies were deferred, instead of walking them. The bytes must come from
// this module's bytes (the cache's key and signature say so); they are
// still checked to lie within its code section, else this returns false
// and the bodies are still to walk (decode_code_bodies rewrites what a
// refused layout wrote).
std::vector<uint8_t> code_layout(const Module& module);
bool apply_code_layout(Module& module, std::span<const uint8_t> layout);
inline Result<std::shared_ptr<Module>> decode_module(std::vector<uint8_t> bytes) {
  return decode_module(ByteBuffer(std::move(bytes)));
}

} // namespace kite

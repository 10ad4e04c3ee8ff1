// Module validation: the spec's validation algorithm for WebAssembly 3.0
// plus threads, custom page sizes and wide arithmetic.
//
// validate_module checks every section and every function body (walking the
// bodies with InstrReader, so malformed instructions inside bodies are also
// reported here), and fills Module::canonical_types through the process-wide
// TypeRegistry. Messages follow the spec interpreter's wording used by the
// testsuite's assert_invalid commands ("type mismatch", "unknown global 3",
// ...) and carry the byte offset of the offending instruction or entry.
//
// Function bodies may instead be validated lazily (BodyValidation::Lazy):
// validate_module then checks everything instantiation and linking rely on
// (types, imports, exports, tables, memories, globals, tags, segments, the
// start function, constant expressions, declared locals) and leaves each
// body unchecked until validate_function_body, which the translator calls
// before it reads a body. Start-up then does not grow with the code size; the
// price is that an invalid body is only reported when its function is first
// called (as a trap), so an invalid module may run for a while.
#pragma once

#include <cstdint>

#include "model/module.h"
#include "support/result.h"

namespace kite {

// Proven: the bodies are known valid (a module cache entry, authenticated,
// says these exact bytes validated eagerly with this validator); only the
// module level is checked.
enum class BodyValidation : uint8_t { Eager, Lazy, Proven };

// Eager body validation runs on up to `max_threads` threads (0: one per core).
Status validate_module(Module& m, BodyValidation bodies = BodyValidation::Eager,
                       unsigned max_threads = 0);

// Validates the body of function `func_index` of a module whose bodies were
// deferred (Module::deferred_bodies), once: later calls for a valid body are
// a flag check. Succeeds at once for imported functions and for modules
// validated eagerly. Thread-safe. The error (kind Invalid) says "invalid
// function body: " and names the function and the instruction.
Status validate_function_body(const Module& m, uint32_t func_index);

} // namespace kite

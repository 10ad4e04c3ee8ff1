// Module validation: the spec's validation algorithm for WebAssembly 3.0
// plus threads, custom page sizes and wide arithmetic.
//
// validate_module checks every section and every function body (walking the
// bodies with InstrReader, so malformed instructions inside bodies are also
// reported here), and fills Module::canonical_types through the process-wide
// TypeRegistry. Messages follow the spec interpreter's wording used by the
// testsuite's assert_invalid commands ("type mismatch", "unknown global 3",
// ...) and carry the byte offset of the offending instruction or entry.
#pragma once

#include "model/module.h"
#include "support/result.h"

namespace kite {

Status validate_module(Module& m);

} // namespace kite

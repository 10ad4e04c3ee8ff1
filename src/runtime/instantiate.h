// Instantiation and linking (spec "instantiate"): check the supplied imports
// against the module's import types, allocate the module's own functions,
// tables, memories, globals and tags in the store, evaluate constant
// expressions, and apply the active element and data segments.
//
// Instantiation never runs wasm code: it returns the start function, which
// the caller (the API) runs through the interpreter.
#pragma once

#include <memory>
#include <span>

#include "model/module.h"
#include "runtime/objects.h"
#include "runtime/store.h"
#include "support/result.h"

namespace kite {

// One supplied import; `kind` says which pointer is set.
struct Extern {
  ExternKind kind = ExternKind::Func;
  Function* func = nullptr;
  Table* table = nullptr;
  Memory* memory = nullptr;
  Global* global = nullptr;
  Tag* tag = nullptr;

  static Extern of(Function* f) { return Extern{ExternKind::Func, f, {}, {}, {}, {}}; }
  static Extern of(Table* t) { return Extern{ExternKind::Table, {}, t, {}, {}, {}}; }
  static Extern of(Memory* m) { return Extern{ExternKind::Memory, {}, {}, m, {}, {}}; }
  static Extern of(Global* g) { return Extern{ExternKind::Global, {}, {}, {}, g, {}}; }
  static Extern of(Tag* t) { return Extern{ExternKind::Tag, {}, {}, {}, {}, t}; }
};

struct Instantiation {
  Instance* instance = nullptr;
  Function* start = nullptr; // the start function to run, if the module has one
};

// `module` must be validated. `imports` are in the module's import order.
// Errors: kind Unlinkable ("unknown import", "incompatible import type") for
// imports; kind Trap ("out of bounds table access", "out of bounds memory
// access") when a segment does not fit, in which case the segments applied
// before it stay applied (the instance and its objects stay in the store).
Result<Instantiation> instantiate(Store& store, std::shared_ptr<const Module> module,
                                  std::span<const Extern> imports);

// The export named `name` of `instance`, if any.
std::optional<Extern> find_export(const Instance& instance, std::string_view name);

// The object of `instance` an export refers to.
Extern export_value(const Instance& instance, const Export& e);

// Evaluates a constant expression in the context of `instance` (its globals
// and functions so far) into `out` (two slots for v128).
Status eval_const_expr(const Instance& instance, ConstExpr expr, Slot out[2]);

} // namespace kite

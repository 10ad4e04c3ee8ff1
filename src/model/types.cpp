#include "model/types.h"

namespace kite {

std::string to_string(HeapType h) {
  switch (h.kind) {
  case HeapKind::Index: return std::to_string(h.index);
  case HeapKind::Func: return "func";
  case HeapKind::NoFunc: return "nofunc";
  case HeapKind::Extern: return "extern";
  case HeapKind::NoExtern: return "noextern";
  case HeapKind::Any: return "any";
  case HeapKind::Eq: return "eq";
  case HeapKind::I31: return "i31";
  case HeapKind::Struct: return "struct";
  case HeapKind::Array: return "array";
  case HeapKind::None: return "none";
  case HeapKind::Exn: return "exn";
  case HeapKind::NoExn: return "noexn";
  case HeapKind::Bot: return "bot";
  }
  return "?";
}

// Text-format spelling: the shorthand (e.g. "funcref") for nullable abstract
// references, else "(ref null? ht)".
std::string to_string(ValType t) {
  switch (t.kind) {
  case ValKind::I32: return "i32";
  case ValKind::I64: return "i64";
  case ValKind::F32: return "f32";
  case ValKind::F64: return "f64";
  case ValKind::V128: return "v128";
  case ValKind::Bot: return "bot";
  case ValKind::Ref: break;
  }
  if (t.nullable && !t.heap.is_index() && t.heap.kind != HeapKind::Bot) {
    return to_string(t.heap) + "ref";
  }
  return std::string("(ref ") + (t.nullable ? "null " : "") + to_string(t.heap) + ")";
}

} // namespace kite

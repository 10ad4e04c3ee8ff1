// kite::api::Value: typed values and their mapping to interpreter slots.
#include <cstring>
#include <string>
#include <utility>

#include "kite/kite.h"
#include "runtime/objects.h"
#include "runtime/store.h"

namespace kite::api {

Value Value::f32(float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return f32_bits(bits);
}

Value Value::f64(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return f64_bits(bits);
}

Value Value::v128(const std::array<uint8_t, 16>& bytes) {
  uint64_t lanes[2];
  std::memcpy(lanes, bytes.data(), sizeof lanes);
  return Value(ValType::v128(), lanes[0], lanes[1]);
}

Value Value::funcref(const Func& f) {
  return Value(ValType::funcref(), reinterpret_cast<kite::Ref>(f.raw()));
}

Value Value::externref(Store& store, uint64_t payload) {
  return Value(ValType::externref(), reinterpret_cast<kite::Ref>(store.raw().extern_box(payload)));
}

Value Value::from_slots(ValType type, const uint64_t* slots) {
  return type.kind == ValKind::V128 ? Value(type, slots[0], slots[1]) : Value(type, slots[0]);
}

void Value::to_slots(uint64_t* slots) const {
  slots[0] = bits_[0];
  if (type_.kind == ValKind::V128) slots[1] = bits_[1];
}

float Value::f32() const {
  uint32_t bits = f32_bits();
  float v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

double Value::f64() const {
  double v;
  std::memcpy(&v, &bits_[0], sizeof v);
  return v;
}

std::array<uint8_t, 16> Value::v128() const {
  std::array<uint8_t, 16> bytes;
  std::memcpy(bytes.data(), bits_, bytes.size());
  return bytes;
}

RefKind Value::ref_kind() const {
  kite::Ref r = ref();
  if (r == kite::kNullRef) return RefKind::Null;
  if (r & 1) return RefKind::I31;
  switch (reinterpret_cast<const ObjectHeader*>(r)->kind) {
  case ObjectKind::Function: return RefKind::Func;
  case ObjectKind::Extern: return RefKind::Extern;
  case ObjectKind::Struct: return RefKind::Struct;
  case ObjectKind::Array: return RefKind::Array;
  case ObjectKind::Exception: return RefKind::Exception;
  case ObjectKind::Free: break; // a collected object: the host kept it without rooting it
  }
  return RefKind::Null;
}

std::optional<Func> Value::func() const {
  if (!type_.is_ref() || ref_kind() != RefKind::Func) return std::nullopt;
  return Func(reinterpret_cast<kite::Function*>(ref()));
}

std::optional<uint64_t> Value::extern_payload() const {
  if (!type_.is_ref() || ref_kind() != RefKind::Extern) return std::nullopt;
  return reinterpret_cast<const ExternObject*>(ref())->payload;
}

std::string Value::to_string() const {
  switch (type_.kind) {
  case ValKind::I32: return "i32:" + std::to_string(i32());
  case ValKind::I64: return "i64:" + std::to_string(i64());
  case ValKind::F32: return "f32:" + std::to_string(f32());
  case ValKind::F64: return "f64:" + std::to_string(f64());
  case ValKind::V128: {
    static const char digits[] = "0123456789abcdef";
    std::string text = "v128:0x";
    auto bytes = v128();
    for (size_t i = bytes.size(); i-- > 0;) {
      text += digits[bytes[i] >> 4];
      text += digits[bytes[i] & 15];
    }
    return text;
  }
  case ValKind::Ref:
  case ValKind::Bot: break;
  }
  switch (ref_kind()) {
  case RefKind::Null: return "ref.null";
  case RefKind::Func: return "ref.func " + function_name(*func()->raw());
  case RefKind::Extern: return "ref.extern " + std::to_string(*extern_payload());
  case RefKind::I31: return "ref.i31 " + std::to_string((ref() >> 1) & 0x7fffffff);
  case RefKind::Struct: return "ref.struct";
  case RefKind::Array: return "ref.array";
  case RefKind::Exception: return "ref.exn";
  }
  return "ref";
}

Rooted::Rooted(Store& store, const Value& value)
    : store_(&store.raw()), index_(store.raw().add_host_root(value.ref())), type_(value.type()) {}

Rooted::~Rooted() { release(); }

Rooted::Rooted(Rooted&& other) noexcept
    : store_(std::exchange(other.store_, nullptr)), index_(other.index_), type_(other.type_) {}

Rooted& Rooted::operator=(Rooted&& other) noexcept {
  if (this != &other) {
    release();
    store_ = std::exchange(other.store_, nullptr);
    index_ = other.index_;
    type_ = other.type_;
  }
  return *this;
}

void Rooted::release() {
  if (store_) store_->release_host_root(index_);
  store_ = nullptr;
}

Value Rooted::value() const {
  return store_ ? Value::ref(type_, store_->host_root(index_)) : Value::null(type_);
}

} // namespace kite::api

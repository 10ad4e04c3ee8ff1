// Functions: host functions (wasm_func_new, wasm_func_new_with_env), their
// types, and calls (wasm_func_call, multi-value).
#include "capi/capi.h"
#include "runtime/objects.h"

using namespace kite;
using namespace kite::capi;

namespace {

kite::Function* raw(const wasm_func_t* f) { return static_cast<kite::Function*>(f->object); }

// Runs a C callback for a call from wasm: converts the arguments, turns a
// returned trap into an Error, and checks the results it wrote.
Status call_callback(StoreBox* boxp, const FuncType& type, wasm_func_callback_t cb,
                     wasm_func_callback_with_env_t cb_env, void* env,
                     std::span<const api::Value> args, std::span<api::Value> results) {
  std::shared_ptr<StoreBox> box = boxp->shared_from_this();
  wasm_val_vec_t in, out;
  wasm_val_vec_new_uninitialized(&in, args.size());
  for (size_t i = 0; i < args.size(); ++i)
    in.data[i] = to_c(box, args[i]);
  wasm_val_vec_new_uninitialized(&out, results.size());
  for (size_t i = 0; i < results.size(); ++i)
    out.data[i].kind = valkind_of(type.results[i]);
  wasm_trap_t* trap = cb ? cb(&in, &out) : cb_env(env, &in, &out);
  Status status;
  if (trap) {
    status = Error{trap->trap->message};
    wasm_trap_delete(trap);
  }
  for (size_t i = 0; status.ok() && i < results.size(); ++i) {
    Result<api::Value> v = to_kite(*box, out.data[i], type.results[i]);
    if (!v.ok())
      status = Error{"host function result " + std::to_string(i) + ": " + v.error().message};
    else
      results[i] = *v;
  }
  wasm_val_vec_delete(&in);
  wasm_val_vec_delete(&out);
  return status;
}

wasm_func_t* func_new(wasm_store_t* s, const wasm_functype_t* type, wasm_func_callback_t cb,
                      wasm_func_callback_with_env_t cb_env, void* env) {
  if (!s || !type || (!cb && !cb_env)) return nullptr;
  FuncType ft = type->to_kite();
  StoreBox* boxp = s->box.get(); // not shared: the store owns the function
  api::Func f = api::Func::host(
      s->box->store, ft,
      [boxp, ft, cb, cb_env, env](std::span<const api::Value> args, std::span<api::Value> results) {
        return call_callback(boxp, ft, cb, cb_env, env, args, results);
      });
  return new_handle<wasm_func_t>(HandleKind::Func, s->box, f.raw());
}

} // namespace

extern "C" wasm_func_t* wasm_func_new(wasm_store_t* s, const wasm_functype_t* type,
                                      wasm_func_callback_t cb) {
  return func_new(s, type, cb, nullptr, nullptr);
}

extern "C" wasm_func_t* wasm_func_new_with_env(wasm_store_t* s, const wasm_functype_t* type,
                                               wasm_func_callback_with_env_t cb, void* env,
                                               void (*finalizer)(void*)) {
  wasm_func_t* f = func_new(s, type, nullptr, cb, env);
  if (f && finalizer) {
    std::lock_guard lock(s->box->mutex);
    s->box->envs.emplace_back(env, finalizer);
  } else if (!f && finalizer) {
    finalizer(env);
  }
  return f;
}

extern "C" wasm_functype_t* wasm_func_type(const wasm_func_t* f) {
  return new wasm_functype_t(*raw(f)->type);
}
extern "C" size_t wasm_func_param_arity(const wasm_func_t* f) {
  return raw(f)->type->params.size();
}
extern "C" size_t wasm_func_result_arity(const wasm_func_t* f) {
  return raw(f)->type->results.size();
}

extern "C" wasm_trap_t* wasm_func_call(const wasm_func_t* f, const wasm_val_vec_t* args,
                                       wasm_val_vec_t* results) {
  if (!f) return trap_new(nullptr, "wasm_func_call: null function");
  const FuncType& sig = *raw(f)->type;
  const size_t nargs = args ? args->size : 0, nresults = results ? results->size : 0;
  if (nargs != sig.params.size())
    return trap_new(f->box, "wrong number of arguments: expected " +
                                std::to_string(sig.params.size()) + ", got " +
                                std::to_string(nargs));
  if (nresults < sig.results.size())
    return trap_new(f->box, "results vector too small: " + std::to_string(sig.results.size()) +
                                " results, room for " + std::to_string(nresults));
  std::vector<api::Value> in;
  for (size_t i = 0; i < nargs; ++i) {
    Result<api::Value> v = to_kite(*f->box, args->data[i], sig.params[i]);
    if (!v.ok())
      return trap_new(f->box, "argument " + std::to_string(i) + ": " + v.error().message);
    in.push_back(*v);
  }
  Result<std::vector<api::Value>> out = api::Func(raw(f)).call(in);
  if (!out.ok()) return trap_from(f->box, out.error());
  for (size_t i = 0; i < out->size(); ++i)
    results->data[i] = to_c(f->box, (*out)[i]);
  return nullptr;
}

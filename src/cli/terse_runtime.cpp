// The C++ runtime pieces a CLI built for size (KITE_FOR_SIZE) defines itself
// so that the static libstdc++ does not link in its exception machinery.
// kite throws no exceptions and is built with -fno-exceptions, so what the
// library would throw (a failed allocation, a length error) ends the process
// with one line instead: libstdc++'s throwing hooks (bits/functexcept.h) are
// meant to be replaceable so, and operator new is a replaceable function.
// Without them the link pulls in the library's exception classes, their
// type information and the code that raises them (-8,000 B in minimal).
#include <pthread.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>

#include <unwind.h>

// std::terminate (what a noexcept function or a joinable std::thread's
// destructor calls) aborts: libstdc++'s eh_terminate.o would link in its
// verbose handler, which prints the exception's demangled type (the ~40 KB
// demangler), and exception catching, rethrowing and allocation (the
// emergency pool, with a static initialiser) and the type information
// classes behind them. kite throws nothing, so there is never a handler to
// run. (With _S_eq below: minimal -3,700 B.)
void std::terminate() noexcept { std::abort(); }

// Without RTTI, std::make_shared's control block asks this whether a
// type_info is the real one of its tag (libstdc++'s shared_ptr.o, which
// also holds bad_weak_ptr's throw and links the exception allocation and
// throwing in). Only code built with RTTI could pass that type_info: kite's
// own code is built without it here, and the library objects linked in make
// no shared_ptr, so the answer is always no.
bool std::_Sp_make_shared_tag::_S_eq(const std::type_info&) noexcept { return false; }

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "kite: %s\n", what);
  std::_Exit(1);
}

} // namespace

// Registers a thread_local object's destructor. glibc (2.18 on) implements
// it; libstdc++'s atexit_thread.o forwards there too, but is compiled with
// exception tables, so linking it links the personality routine and the
// exception machinery behind it.
extern "C" int __cxa_thread_atexit_impl(void (*dtor)(void*), void* obj, void* dso_symbol);
extern "C" int __cxa_thread_atexit(void (*dtor)(void*), void* obj, void* dso_symbol) noexcept {
  return __cxa_thread_atexit_impl(dtor, obj, dso_symbol);
}

// The C++ personality routine, which the unwinder calls for each frame with
// exception tables while an exception or a thread's forced unwind passes.
// None ever passes in kite: it throws nothing, is built without exception
// tables, and never exits or cancels a thread mid-stack (no pthread_exit or
// pthread_cancel). Only the library's own objects (std::thread's) name the
// routine; defining it as "nothing to do in this frame" keeps libstdc++'s
// out, and the exception allocation, catching and type information it links
// in (minimal: -4,200 B).
extern "C" _Unwind_Reason_Code __gxx_personality_v0(int, _Unwind_Action, uint64_t,
                                                    _Unwind_Exception*, _Unwind_Context*) {
  return _URC_CONTINUE_UNWIND;
}

// A function's static variables are initialised under these on first use.
// libstdc++'s throw on a recursive initialisation (guard.o), which links in
// the exception allocation, throwing and type information (minimal: -3,100 B).
// Here one recursive lock serialises every first initialisation (kite's
// initialise tables and wait for no other thread) and a recursive one
// cannot be detected: it finds the guard not yet set and runs again.
namespace {
pthread_mutex_t guard_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
bool guard_done(const uint64_t* guard) {
  return __atomic_load_n(reinterpret_cast<const uint8_t*>(guard), __ATOMIC_ACQUIRE) != 0;
}
} // namespace
extern "C" int __cxa_guard_acquire(uint64_t* guard) {
  if (guard_done(guard)) return 0;
  pthread_mutex_lock(&guard_lock);
  if (!guard_done(guard)) return 1; // initialise it, still holding the lock
  pthread_mutex_unlock(&guard_lock);
  return 0;
}
extern "C" void __cxa_guard_release(uint64_t* guard) {
  __atomic_store_n(reinterpret_cast<uint8_t*>(guard), 1, __ATOMIC_RELEASE);
  pthread_mutex_unlock(&guard_lock);
}
extern "C" void __cxa_guard_abort(uint64_t*) { pthread_mutex_unlock(&guard_lock); }

void* operator new(std::size_t size) {
  if (void* p = std::malloc(size ? size : 1)) return p;
  fail("out of memory");
}
void* operator new[](std::size_t size) { return operator new(size); }
// Aligned allocation (the module cache's page-aligned read buffer), for the
// same reason: libstdc++'s throws std::bad_alloc, which links its exception
// throwing (__cxa_throw) and with it eh_terminate.o. Its aligned operator
// delete frees with free(), as aligned_alloc's memory is freed.
void* operator new(std::size_t size, std::align_val_t alignment) {
  const auto align = static_cast<std::size_t>(alignment);
  // aligned_alloc wants a non-zero multiple of the alignment.
  if (size <= SIZE_MAX - align)
    if (void* p = std::aligned_alloc(align, size ? (size - 1) / align * align + align : align))
      return p;
  fail("out of memory");
}
void* operator new[](std::size_t size, std::align_val_t alignment) {
  return operator new(size, alignment);
}

// Every hook libstdc++'s functexcept.o defines (so that no library object
// needing one of them links that file in beside these), and the two others
// kite's code calls.
namespace std {
void __throw_bad_exception() { fail("bad exception"); }
void __throw_bad_alloc() { fail("out of memory"); }
void __throw_bad_array_new_length() { fail("out of memory (array length)"); }
void __throw_bad_cast() { fail("bad cast"); }
void __throw_bad_typeid() { fail("bad typeid"); }
void __throw_logic_error(const char* what) { fail(what); }
void __throw_domain_error(const char* what) { fail(what); }
void __throw_invalid_argument(const char* what) { fail(what); }
void __throw_length_error(const char* what) { fail(what); }
void __throw_out_of_range(const char* what) { fail(what); }
void __throw_out_of_range_fmt(const char* what, ...) { fail(what); }
void __throw_runtime_error(const char* what) { fail(what); }
void __throw_range_error(const char* what) { fail(what); }
void __throw_overflow_error(const char* what) { fail(what); }
void __throw_underflow_error(const char* what) { fail(what); }
void __throw_system_error(int error) { fail(std::strerror(error)); }
void __throw_bad_function_call() { fail("bad function call"); }
} // namespace std

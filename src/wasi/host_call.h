// What the WASI host functions of both versions share: the bounds-checked
// view of guest memory, the call a handler receives, the function tables,
// and the preview-1 pieces that snapshot 0 (wasi_unstable, snapshot0.cpp)
// wraps where its layouts or constants differ.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <sys/uio.h>
#include <vector>

#include "runtime/objects.h"
#include "wasi/context.h"

namespace kite::wasi {

// A handler's result: a WASI errno, or kExit when the guest ends (proc_exit,
// a fatal proc_raise); the exit status is then in Context::exit_code.
inline constexpr uint32_t kExit = 0x10000;

// The calling instance's linear memory, with every access bounds-checked:
// a pointer/length outside it yields EFAULT, never a host access.
class GuestMemory {
public:
  GuestMemory(uint8_t* base, uint64_t size) : base_(base), size_(size) {}
  bool fits(uint64_t ptr, uint64_t len) const { return ptr <= size_ && len <= size_ - ptr; }
  uint8_t* at(uint64_t ptr) const { return base_ + ptr; }
  template <typename T> bool load(uint64_t ptr, T* v) const {
    if (!fits(ptr, sizeof(T))) return false;
    std::memcpy(v, base_ + ptr, sizeof(T)); // wasm and the host are little-endian
    return true;
  }
  template <typename T> bool store(uint64_t ptr, T v) const {
    if (!fits(ptr, sizeof(T))) return false;
    std::memcpy(base_ + ptr, &v, sizeof(T));
    return true;
  }
  bool string(uint64_t ptr, uint64_t len, std::string* out) const {
    if (!fits(ptr, len)) return false;
    out->assign(reinterpret_cast<const char*>(base_ + ptr), len);
    return true;
  }

private:
  uint8_t* base_;
  uint64_t size_;
};

struct Call {
  Context& ctx;
  const GuestMemory& mem;
  const Slot* args;
  uint32_t u32(size_t i) const { return static_cast<uint32_t>(args[i]); }
  uint64_t u64(size_t i) const { return args[i]; }
};

struct FunctionSpec {
  const char* name;
  const char* params; // 'i' = i32, 'I' = i64
  bool returns_errno; // false only for proc_exit
  uint32_t (*fn)(Call&);
};

// The 46 functions of wasi_snapshot_preview1 / the 45 of wasi_unstable
// (functions.cpp, snapshot0.cpp); with KITE_WASI=minimal, preview 1's
// fd_write and proc_exit only (minimal.cpp), and no wasi_unstable.
std::span<const FunctionSpec> preview1_functions();
std::span<const FunctionSpec> snapshot0_functions();

// ---- what every build has (wasi.cpp) ----

inline uint32_t host_error() { return errno_from_host(errno); }
// Gathers a guest iovec/ciovec array into host iovecs (at most IOV_MAX).
uint16_t gather(const GuestMemory& mem, uint32_t iovs, uint32_t count, std::vector<iovec>* out);
// fd_read / fd_write on `host_fd`: scatter-gather I/O, the byte count
// stored at arg 3.
uint32_t transfer(Call& c, int host_fd, ssize_t (*io)(int, const iovec*, int));
uint32_t proc_exit(Call& c);
// fd_write: functions.cpp's on the fd table, or minimal.cpp's on stdio.
uint32_t fd_write(Call& c);

// ---- the full WASI's (functions.cpp) ----

// fd_read / fd_write: `transfer` on the fd, `right` needed on it.
uint32_t vectored_io(Call& c, uint64_t right, ssize_t (*io)(int, const iovec*, int));

// ---- preview-1 pieces snapshot 0 reuses ----

// filestat: 64 bytes with a u64 nlink in preview 1, 56 with a u32 nlink in
// snapshot 0.
enum class FilestatLayout { kPreview1, kSnapshot0 };
// fd_filestat_get / path_filestat_get writing `layout`.
uint32_t fd_filestat_get_as(Call& c, FilestatLayout layout);
uint32_t path_filestat_get_as(Call& c, FilestatLayout layout);

// Where the versions' poll_oneoff subscriptions differ: userdata, tag and an
// fd sit at 0, 8 and 16 in both, and a clock is {id u32, timeout u64 @8,
// precision u64 @16, flags u16 @24} in both, but snapshot 0 puts an
// `identifier` u64 before it.
struct SubscriptionLayout {
  uint32_t size;     // bytes per subscription: 48, or 56 in snapshot 0
  uint32_t clock_at; // offset of the clock's id: 16, or 24 in snapshot 0
};
// poll_oneoff with subscriptions in `layout` (events are alike in both).
uint32_t poll_oneoff_as(Call& c, const SubscriptionLayout& layout);

uint32_t fd_fdstat_get(Call& c);
uint32_t fd_seek(Call& c);

} // namespace kite::wasi

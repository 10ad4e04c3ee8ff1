// WASI snapshot 0 (`wasi_unstable`), what 2019-2020 toolchains import: the
// preview-1 functions (functions.cpp) under the older module name, with
// shims for the few places where snapshot 0's witx differs:
//   - filestat: nlink is u32, so the record is 56 bytes, not 64;
//   - whence: CUR = 0, END = 1, SET = 2 (preview 1: SET, CUR, END);
//   - subscription_clock starts with an `identifier` u64, so a subscription
//     is 56 bytes, not 48 (events are the same 32 bytes);
//   - rights: no SOCK_ACCEPT bit (bit 29), and no sock_accept function.
// Everything else (errno values, fdstat, dirent, prestat, iovecs, flags,
// signatures) is the same, so those functions are preview 1's own.
#include <cstring>
#include <vector>

#include "wasi/host_call.h"

namespace kite::wasi {
namespace {

uint32_t fd_filestat_get0(Call& c) { return fd_filestat_get_as(c, FilestatLayout::kSnapshot0); }
uint32_t path_filestat_get0(Call& c) { return path_filestat_get_as(c, FilestatLayout::kSnapshot0); }

// fd_seek(fd, offset, whence, *newoffset): whence renumbered to preview 1's
// (an unknown value stays unknown, so preview 1 rejects it with EINVAL).
uint32_t fd_seek0(Call& c) {
  static constexpr Slot kToPreview1[] = {1 /* CUR */, 2 /* END */, 0 /* SET */};
  const uint32_t whence = c.u32(2);
  const Slot args[] = {c.args[0], c.args[1], whence < 3 ? kToPreview1[whence] : Slot{whence},
                       c.args[3]};
  Call translated{c.ctx, c.mem, args};
  return fd_seek(translated);
}

// Rights as snapshot 0 knows them: without SOCK_ACCEPT, which came later.
uint32_t fd_fdstat_get0(Call& c) {
  const uint32_t result = fd_fdstat_get(c);
  if (result != kSuccess) return result;
  const uint32_t ptr = c.u32(1);
  for (uint32_t at : {ptr + 8, ptr + 16}) {
    uint64_t bits = 0;
    c.mem.load(at, &bits);
    c.mem.store(at, bits & ~rights::kSockAccept);
  }
  return kSuccess;
}

// snapshot 0 subscription (56 bytes): userdata u64, tag u8 @8, then clock
// {identifier u64 @16, id u32 @24, timeout u64 @32, precision u64 @40,
// flags u16 @48} or fd_readwrite {fd u32 @16}. The identifier is not
// reported back (events carry the userdata), so it is not read.
uint32_t poll_oneoff0(Call& c) { return poll_oneoff_as(c, {56, 24}); }

struct Override {
  const char* name;
  uint32_t (*fn)(Call&);
};
constexpr Override kOverrides[] = {
    {"fd_fdstat_get", fd_fdstat_get0},
    {"fd_filestat_get", fd_filestat_get0},
    {"fd_seek", fd_seek0},
    {"path_filestat_get", path_filestat_get0},
    {"poll_oneoff", poll_oneoff0},
};

} // namespace

std::span<const FunctionSpec> snapshot0_functions() {
  static const std::vector<FunctionSpec> table = [] {
    std::vector<FunctionSpec> functions;
    for (FunctionSpec spec : preview1_functions()) {
      if (std::strcmp(spec.name, "sock_accept") == 0) continue; // new in preview 1
      for (const Override& o : kOverrides)
        if (std::strcmp(o.name, spec.name) == 0) spec.fn = o.fn;
      functions.push_back(spec);
    }
    return functions;
  }();
  return table;
}

} // namespace kite::wasi

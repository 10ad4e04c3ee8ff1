// WASI for a build with KITE_WASI=minimal: wasi_snapshot_preview1's
// fd_write and proc_exit, enough for a program that prints and exits. Any
// other import is unknown to the linker, as for any missing one. The guest
// has fds 0-2 only (the Config's stdio descriptors), so the Context's fd
// table, preopens and listeners (context.cpp) are left out.
#include <sys/uio.h>

#include "wasi/host_call.h"

namespace kite::wasi {

Context::~Context() = default;

Status Context::open() {
  if (!config_.preopens.empty())
    return Error{"preopened directories are not built into this kite (WASI minimal)"};
  if (!config_.tcp_listen.empty())
    return Error{"sockets are not built into this kite (WASI minimal)"};
  return {};
}

// fd_write on fd 0, 1 or 2 (each may be written, as in the full WASI).
uint32_t fd_write(Call& c) {
  const Config& config = c.ctx.config();
  const int stdio[3] = {config.stdin_fd, config.stdout_fd, config.stderr_fd};
  const uint32_t fd = c.u32(0);
  if (fd > 2) return kBadf;
  return transfer(c, stdio[fd], writev);
}

namespace {

constexpr FunctionSpec kFunctions[] = {
    {"fd_write", "iiii", true, fd_write},
    {"proc_exit", "i", false, proc_exit},
};

} // namespace

std::span<const FunctionSpec> preview1_functions() { return kFunctions; }

} // namespace kite::wasi

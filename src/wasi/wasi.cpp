// The Wasi class, which registers the host functions (the table of
// functions.cpp, or minimal.cpp's), and what every build's table uses:
// host errno translation, iovec transfers and proc_exit.
#include <algorithm>
#include <cerrno>
#include <climits>
#include <sys/uio.h>

#include "runtime/store.h"
#include "runtime/type_match.h"
#include "wasi/context.h"
#include "wasi/host_call.h"
#include "wasi/threads.h"

namespace kite::wasi {

uint16_t errno_from_host(int e) {
  switch (e) {
  case 0: return kSuccess;
  case E2BIG: return 1;
  case EACCES: return 2;
  case EADDRINUSE: return 3;
  case EADDRNOTAVAIL: return 4;
  case EAFNOSUPPORT: return 5;
  case EAGAIN: return 6;
  case EALREADY: return 7;
  case EBADF: return 8;
  case EBADMSG: return 9;
  case EBUSY: return 10;
  case ECANCELED: return 11;
  case ECHILD: return 12;
  case ECONNABORTED: return 13;
  case ECONNREFUSED: return 14;
  case ECONNRESET: return 15;
  case EDEADLK: return 16;
  case EDESTADDRREQ: return 17;
  case EDOM: return 18;
  case EDQUOT: return 19;
  case EEXIST: return 20;
  case EFAULT: return 21;
  case EFBIG: return 22;
  case EHOSTUNREACH: return 23;
  case EIDRM: return 24;
  case EILSEQ: return 25;
  case EINPROGRESS: return 26;
  case EINTR: return 27;
  case EINVAL: return 28;
  case EIO: return 29;
  case EISCONN: return 30;
  case EISDIR: return 31;
  case ELOOP: return 32;
  case EMFILE: return 33;
  case EMLINK: return 34;
  case EMSGSIZE: return 35;
  case EMULTIHOP: return 36;
  case ENAMETOOLONG: return 37;
  case ENETDOWN: return 38;
  case ENETRESET: return 39;
  case ENETUNREACH: return 40;
  case ENFILE: return 41;
  case ENOBUFS: return 42;
  case ENODEV: return 43;
  case ENOENT: return 44;
  case ENOEXEC: return 45;
  case ENOLCK: return 46;
  case ENOLINK: return 47;
  case ENOMEM: return 48;
  case ENOMSG: return 49;
  case ENOPROTOOPT: return 50;
  case ENOSPC: return 51;
  case ENOSYS: return 52;
  case ENOTCONN: return 53;
  case ENOTDIR: return 54;
  case ENOTEMPTY: return 55;
  case ENOTRECOVERABLE: return 56;
  case ENOTSOCK: return 57;
  case EOPNOTSUPP: return 58; // == ENOTSUP on Linux
  case ENOTTY: return 59;
  case ENXIO: return 60;
  case EOVERFLOW: return 61;
  case EOWNERDEAD: return 62;
  case EPERM: return 63;
  case EPIPE: return 64;
  case EPROTO: return 65;
  case EPROTONOSUPPORT: return 66;
  case EPROTOTYPE: return 67;
  case ERANGE: return 68;
  case EROFS: return 69;
  case ESPIPE: return 70;
  case ESRCH: return 71;
  case ESTALE: return 72;
  case ETIMEDOUT: return 73;
  case ETXTBSY: return 74;
  case EXDEV: return 75;
  default: return kIo;
  }
}

// Gathers a guest iovec/ciovec array into host iovecs (at most IOV_MAX:
// a short transfer is allowed by the read/write contract).
uint16_t gather(const GuestMemory& mem, uint32_t iovs, uint32_t count, std::vector<iovec>* out) {
  count = std::min<uint32_t>(count, IOV_MAX);
  if (!mem.fits(iovs, uint64_t{count} * 8)) return kFault;
  out->resize(count);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t buf = 0, len = 0;
    mem.load(iovs + i * 8, &buf);
    mem.load(iovs + i * 8 + 4, &len);
    if (!mem.fits(buf, len)) return kFault;
    (*out)[i] = iovec{mem.at(buf), len};
  }
  return kSuccess;
}

// fd_read / fd_write once the fd is known: scatter-gather I/O between the
// guest's iovecs (args 1, 2) and `host_fd`, the byte count stored at arg 3.
uint32_t transfer(Call& c, int host_fd, ssize_t (*io)(int, const iovec*, int)) {
  std::vector<iovec> iov;
  if (uint16_t err = gather(c.mem, c.u32(1), c.u32(2), &iov)) return err;
  if (!c.mem.fits(c.u32(3), 4)) return kFault;
  ssize_t n = io(host_fd, iov.data(), static_cast<int>(iov.size()));
  if (n < 0) return host_error();
  c.mem.store<uint32_t>(c.u32(3), static_cast<uint32_t>(n));
  return kSuccess;
}

uint32_t proc_exit(Call& c) {
  c.ctx.set_exit_code(c.u32(0));
  return kExit;
}

namespace {

// Registers `functions` as host functions of `store` under `module`.
void define_module(api::Linker& linker, api::Store& store, const std::shared_ptr<Context>& context,
                   const char* module, std::span<const FunctionSpec> functions) {
  for (const FunctionSpec& spec : functions) {
    auto type = std::make_shared<FuncType>();
    for (const char* p = spec.params; *p; ++p)
      type->params.push_back(*p == 'I' ? ValType::i64() : ValType::i32());
    if (spec.returns_errno) type->results.push_back(ValType::i32());
    kite::Function* f = store.raw().new_function();
    f->host = std::make_unique<kite::HostFunction>();
    f->host->type = type;
    f->host->name = std::string(module) + "." + spec.name;
    f->type = type.get();
    f->header.type_id = canonical_host_func_type(*type);
    f->host->callback = [context, fn = spec.fn, name = spec.name](
                            HostContext& host, const Slot* args, Slot* results) -> Status {
      // WASI addresses the calling instance's memory 0.
      if (!host.caller || host.caller->memories.empty())
        return Error{std::string("WASI ") + name + " needs a calling instance with a memory"};
      const kite::Memory& memory = *host.caller->memories[0];
      GuestMemory mem(memory.base, memory.size);
      Call call{*context, mem, args};
      const uint32_t result = fn(call);
      if (result == kExit)
        return Error{"exit with status " + std::to_string(*context->exit_code())};
      results[0] = result;
      return {};
    };
    linker.define(module, spec.name, api::Func(f));
  }
}

} // namespace

// ---- Wasi ----

Wasi::Wasi(std::shared_ptr<Context> context)
    : context_(std::move(context)), threads_(std::make_shared<Threads>()) {}
Wasi::~Wasi() = default;

Result<std::shared_ptr<Wasi>> Wasi::create(Config config) {
  auto context = std::make_shared<Context>(std::move(config));
  KITE_TRY(context->open());
  return std::shared_ptr<Wasi>(new Wasi(std::move(context)));
}

std::optional<uint32_t> Wasi::exit_code() const { return context_->exit_code(); }

// Both versions share the one Context, so a program may mix them (no
// toolchain does, but nothing is lost by allowing it).
void Wasi::define(api::Linker& linker, api::Store& store) {
  define_module(linker, store, context_, "wasi_snapshot_preview1", preview1_functions());
  if constexpr (KITE_WASI_FULL) {
    define_module(linker, store, context_, "wasi_unstable", snapshot0_functions());
    define_thread_spawn(linker, store);
  }
}

Result<uint32_t> Wasi::run_start(const api::Instance& instance) {
  auto start = instance.func("_start");
  if (!start) return 0u;
  context_->clear_exit_code();
  auto result = start->call({});
  if (result.ok()) return 0u;
  if (auto code = context_->exit_code()) return *code;
  return std::move(result).error();
}

} // namespace kite::wasi

// The Wasi class, which registers the host functions (the table of
// functions.cpp, or minimal.cpp's), and what every build's table has:
// fd_write and proc_exit.
#include <algorithm>
#include <climits>
#include <sys/uio.h>

#include "runtime/store.h"
#include "runtime/type_match.h"
#include "wasi/context.h"
#include "wasi/host_call.h"
#include "wasi/threads.h"

namespace kite::wasi {

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

// fd_read / fd_write: scatter-gather I/O between the guest's iovecs (args 1,
// 2) and the fd (arg 0), the byte count stored at arg 3.
uint32_t vectored_io(Call& c, uint64_t right, ssize_t (*io)(int, const iovec*, int)) {
  FdHandle e;
  if (uint16_t err = c.ctx.lookup(c.u32(0), right, &e)) return err;
  std::vector<iovec> iov;
  if (uint16_t err = gather(c.mem, c.u32(1), c.u32(2), &iov)) return err;
  if (!c.mem.fits(c.u32(3), 4)) return kFault;
  ssize_t n = io(e->host_fd, iov.data(), static_cast<int>(iov.size()));
  if (n < 0) return host_error();
  c.mem.store<uint32_t>(c.u32(3), static_cast<uint32_t>(n));
  return kSuccess;
}

uint32_t fd_write(Call& c) { return vectored_io(c, rights::kFdWrite, writev); }

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

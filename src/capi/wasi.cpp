// WASI for C embedders (include/kite.h): wasi_config_t in wasmtime's shape,
// and kite_wasi_t, a kite::wasi::Wasi whose functions are handed out as
// imports (the C API has no linker).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "capi/capi.h"
#include "kite/wasi.h"

extern char** environ;

using namespace kite;
using namespace kite::capi;

namespace {

// A host descriptor for one of the guest's stdio streams: inherited (the
// host's own), a file opened for it (closed with its owner), or none yet
// (empty: /dev/null once the WASI instance is made).
struct StdioFd {
  int fd = -1;
  bool owned = false;
  StdioFd() = default;
  StdioFd(const StdioFd&) = delete;
  StdioFd& operator=(const StdioFd&) = delete;
  ~StdioFd() { reset(-1, false); }
  void reset(int new_fd, bool new_owned) {
    if (owned) ::close(fd);
    fd = new_fd;
    owned = new_owned;
  }
  bool open(const char* path, int flags) {
    int opened = path ? ::open(path, flags | O_CLOEXEC, 0666) : -1;
    if (opened < 0) return false;
    reset(opened, true);
    return true;
  }
};

std::vector<std::string> host_argv() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  for (size_t start = 0; start < all.size();) {
    size_t end = all.find('\0', start);
    if (end == std::string::npos) end = all.size();
    args.emplace_back(all, start, end - start);
    start = end + 1;
  }
  return args;
}

} // namespace

struct wasi_config_t {
  wasi::Config config;
  StdioFd stdio[3];
};

struct kite_wasi_t {
  std::shared_ptr<StoreBox> box;
  std::shared_ptr<wasi::Wasi> wasi;
  api::Linker linker; // the WASI functions, by module and name
  StdioFd stdio[3];   // kept open as long as the guest may use them
};

extern "C" wasi_config_t* wasi_config_new(void) { return new wasi_config_t(); }
extern "C" void wasi_config_delete(wasi_config_t* c) { delete c; }

extern "C" void wasi_config_set_argv(wasi_config_t* c, size_t argc, const char* const argv[]) {
  if (!c || (argc && !argv)) return;
  c->config.args.assign(argv, argv + argc);
}

extern "C" void wasi_config_inherit_argv(wasi_config_t* c) {
  if (c) c->config.args = host_argv();
}

extern "C" void wasi_config_set_env(wasi_config_t* c, size_t envc, const char* const names[],
                                    const char* const values[]) {
  if (!c || (envc && (!names || !values))) return;
  c->config.env.clear();
  for (size_t i = 0; i < envc; ++i)
    c->config.env.push_back(std::string(names[i]) + "=" + values[i]);
}

extern "C" void wasi_config_inherit_env(wasi_config_t* c) {
  if (!c) return;
  c->config.env.clear();
  for (char** e = environ; e && *e; ++e)
    c->config.env.emplace_back(*e);
}

extern "C" bool wasi_config_set_stdin_file(wasi_config_t* c, const char* path) {
  return c && c->stdio[0].open(path, O_RDONLY);
}
extern "C" bool wasi_config_set_stdout_file(wasi_config_t* c, const char* path) {
  return c && c->stdio[1].open(path, O_WRONLY | O_CREAT | O_TRUNC);
}
extern "C" bool wasi_config_set_stderr_file(wasi_config_t* c, const char* path) {
  return c && c->stdio[2].open(path, O_WRONLY | O_CREAT | O_TRUNC);
}
extern "C" void wasi_config_inherit_stdin(wasi_config_t* c) {
  if (c) c->stdio[0].reset(STDIN_FILENO, false);
}
extern "C" void wasi_config_inherit_stdout(wasi_config_t* c) {
  if (c) c->stdio[1].reset(STDOUT_FILENO, false);
}
extern "C" void wasi_config_inherit_stderr(wasi_config_t* c) {
  if (c) c->stdio[2].reset(STDERR_FILENO, false);
}

extern "C" bool wasi_config_preopen_dir(wasi_config_t* c, const char* path,
                                        const char* guest_path) {
  struct stat st{};
  if (!c || !path || !guest_path || ::stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) return false;
  c->config.preopens.push_back({path, guest_path});
  return true;
}

extern "C" kite_wasi_t* kite_wasi_new(wasm_store_t* s, wasi_config_t* c, kite_error_t** error) {
  std::unique_ptr<wasi_config_t> config(c);
  auto fail = [&](std::string message) -> kite_wasi_t* {
    if (error) *error = error_new(std::move(message));
    return nullptr;
  };
  if (!s || !config) return fail(s ? "null WASI config" : "null store");
  auto w = std::make_unique<kite_wasi_t>();
  w->box = s->box;
  constexpr int kStdioFlags[3] = {O_RDONLY, O_WRONLY, O_WRONLY};
  for (int i = 0; i < 3; ++i) {
    StdioFd& from = config->stdio[i];
    if (from.fd < 0) {
      if (!w->stdio[i].open("/dev/null", kStdioFlags[i]))
        return fail("cannot open /dev/null for the guest's stdio");
      continue;
    }
    w->stdio[i].reset(from.fd, from.owned);
    from.owned = false; // moved
  }
  config->config.stdin_fd = w->stdio[0].fd;
  config->config.stdout_fd = w->stdio[1].fd;
  config->config.stderr_fd = w->stdio[2].fd;
  Result<std::shared_ptr<wasi::Wasi>> wasi = wasi::Wasi::create(std::move(config->config));
  if (!wasi.ok()) return fail(wasi.error().message);
  w->wasi = std::move(*wasi);
  w->wasi->define(w->linker, s->box->store);
  return w.release();
}

extern "C" void kite_wasi_delete(kite_wasi_t* w) { delete w; }

extern "C" wasm_extern_t* kite_wasi_bind_import(const kite_wasi_t* w,
                                                const wasm_importtype_t* import) {
  if (!w || !import) return nullptr;
  std::optional<api::Extern> e = w->linker.get(to_view(import->module), to_view(import->name));
  return e ? extern_handle(w->box, *e) : nullptr;
}

extern "C" size_t kite_wasi_fill_imports(const kite_wasi_t* w, const wasm_module_t* module,
                                         wasm_extern_vec_t* imports) {
  if (!w || !module || !imports) return 0;
  wasm_importtype_vec_t types;
  wasm_module_imports(module, &types);
  size_t set = 0;
  for (size_t i = 0; i < types.size && i < imports->size; ++i) {
    if (imports->data[i]) continue;
    imports->data[i] = kite_wasi_bind_import(w, types.data[i]);
    set += imports->data[i] != nullptr;
  }
  wasm_importtype_vec_delete(&types);
  return set;
}

extern "C" wasm_trap_t* kite_wasi_run_start(kite_wasi_t* w, const wasm_instance_t* instance,
                                            uint32_t* exit_code) {
  if (!w || !instance) return trap_new(w ? w->box : nullptr, "null argument");
  Result<uint32_t> status =
      w->wasi->run_start(api::Instance(static_cast<kite::Instance*>(instance->object)));
  if (!status.ok()) return trap_from(w->box, status.error());
  if (exit_code) *exit_code = *status;
  return nullptr;
}

extern "C" bool kite_wasi_exit_code(const kite_wasi_t* w, uint32_t* exit_code) {
  std::optional<uint32_t> code = w ? w->wasi->exit_code() : std::nullopt;
  if (code && exit_code) *exit_code = *code;
  return code.has_value();
}

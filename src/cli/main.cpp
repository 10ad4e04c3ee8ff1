// kite: run, validate and inspect WebAssembly modules; run spec scripts.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/cli.h"

namespace {

constexpr const char* kUsage =
    R"(kite - a fast WebAssembly interpreter

usage: kite <command> [options] [args]

commands:
  run [OPTIONS] FILE [ARGS...]   run a module (.wasm or .wat); see `kite run --help`
)"
#if KITE_TEXT
    R"(  wast FILE...                   run WebAssembly spec scripts, print passed/total per file
)"
#endif
    R"(  validate FILE...               decode and validate modules
)"
#if KITE_INSPECT
    R"(  inspect [OPTIONS] FILE         show sections, imports, exports; --ir FUNC shows kite's IR
)"
#endif
    R"(  help                           this text
  version                        print the version
)";

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::fputs(kUsage, stderr);
    return 1;
  }
  const std::string command = args.front();
  args.erase(args.begin());
  using namespace kite::cli;
  if (command == "run") return run_command(args);
  if (command == "wast") {
    if constexpr (KITE_TEXT) return wast_command(args);
    report("wast: the text format is not built into this kite");
    return 1;
  }
  if (command == "validate") return validate_command(args);
  if (command == "inspect") {
    if constexpr (KITE_INSPECT) return inspect_command(args);
    report("the inspect command is not built into this kite");
    return 1;
  }
  if (command == "help" || command == "--help" || command == "-h") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (command == "version" || command == "--version" || command == "-V") {
    std::puts("kite 0.1.0");
    return 0;
  }
  report("unknown command '" + command + "' (try `kite help`)");
  return 1;
}

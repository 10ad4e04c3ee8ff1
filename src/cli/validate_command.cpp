// `kite validate FILE...`: decode and validate modules.
#include <cstdio>

#include "cli/cli.h"
#include "kite/kite.h"

namespace kite::cli {

int validate_command(const std::vector<std::string>& args) {
  if (args.empty()) {
    report("validate: no files given (usage: kite validate FILE...)");
    return 1;
  }
  if (args[0] == "-h" || args[0] == "--help") {
    std::puts("usage: kite validate FILE...\n\nDecodes and validates each module (.wasm or "
              ".wat); prints `FILE: valid` or one line naming the error and where it is.");
    return 0;
  }
  api::Engine engine;
  bool all_valid = true;
  for (const std::string& file : args) {
    if (file.starts_with("-")) {
      report("validate: unknown option '" + file + "'");
      return 1;
    }
    auto module = compile_file(engine, file);
    if (!module.ok()) {
      report(file, module.error());
      all_valid = false;
      continue;
    }
    std::printf("%s: valid\n", file.c_str());
  }
  return all_valid ? 0 : 1;
}

} // namespace kite::cli

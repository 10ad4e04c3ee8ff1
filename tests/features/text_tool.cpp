// kite_text_tool: the text format for testing a kite built without it
// (KITE_TEXT off, the minimal preset). `wast FILE...` runs spec scripts as
// `kite wast` does, against that build's engine (the scripts' modules are
// encoded here and compiled from binary); `wat2wasm IN OUT` encodes a module.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "text/text.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == "wast") {
    args.erase(args.begin());
    return kite::cli::wast_command(args);
  }
  if (args.size() == 3 && args[0] == "wat2wasm") {
    auto text = kite::read_file(args[1]);
    if (!text.ok()) {
      kite::cli::report(args[1], text.error());
      return 1;
    }
    auto binary = kite::text::wat_to_binary(
        std::string_view(reinterpret_cast<const char*>(text->data()), text->size()));
    if (!binary.ok()) {
      kite::cli::report(args[1], binary.error());
      return 1;
    }
    std::FILE* out = std::fopen(args[2].c_str(), "wb");
    if (!out || std::fwrite(binary->data(), 1, binary->size(), out) != binary->size() ||
        std::fclose(out) != 0) {
      kite::cli::report("cannot write " + args[2]);
      return 1;
    }
    return 0;
  }
  std::fputs("usage: kite_text_tool wast FILE... | wat2wasm IN.wat OUT.wasm\n", stderr);
  return 1;
}

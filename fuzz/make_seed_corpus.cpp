// Writes fuzzing seeds from the official testsuite: every binary module of
// every .wast script (text modules are encoded by the WAST parser) into
// <out>/wasm, and the text of every `(module ...)` form into <out>/wat.
// Files are named by a hash of their contents, so duplicates collapse.
//   fuzz_seed_corpus <testsuite dir> <out dir>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "text/script.h"

namespace fs = std::filesystem;

namespace {

void write_seed(const fs::path& dir, std::string_view contents, const char* extension) {
  char name[32];
  std::snprintf(name, sizeof name, "%016zx%s", std::hash<std::string_view>{}(contents), extension);
  std::ofstream(dir / name, std::ios::binary)
      .write(contents.data(), std::streamsize(contents.size()));
}

void write_binaries(const std::vector<kite::wast::Command>& commands, const fs::path& dir) {
  for (const kite::wast::Command& c : commands) {
    if (c.module.kind == kite::wast::ModuleSource::Kind::Binary && !c.module.bytes.empty())
      write_seed(dir, {reinterpret_cast<const char*>(c.module.bytes.data()), c.module.bytes.size()},
                 ".wasm");
    write_binaries(c.commands, dir);
  }
}

// The end of the parenthesised form starting at `open` (skipping strings and
// comments), or npos when it is not closed.
size_t form_end(std::string_view s, size_t open) {
  int depth = 0;
  for (size_t i = open; i < s.size(); ++i) {
    if (s[i] == '"') {
      for (++i; i < s.size() && s[i] != '"'; ++i)
        if (s[i] == '\\') ++i;
    } else if (s.substr(i, 2) == ";;") {
      i = s.find('\n', i);
      if (i == std::string_view::npos) return i;
    } else if (s.substr(i, 2) == "(;") {
      int nest = 1;
      for (i += 2; i < s.size() && nest; ++i) {
        if (s.substr(i, 2) == "(;")
          ++nest, ++i;
        else if (s.substr(i, 2) == ";)")
          --nest, ++i;
      }
      --i;
    } else if (s[i] == '(') {
      ++depth;
    } else if (s[i] == ')' && --depth == 0) {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

void write_texts(std::string_view source, const fs::path& dir) {
  for (size_t at = source.find("(module"); at != std::string_view::npos;
       at = source.find("(module", at + 1)) {
    size_t end = form_end(source, at);
    if (end != std::string_view::npos) write_seed(dir, source.substr(at, end - at), ".wat");
  }
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <testsuite dir> <out dir>\n", argv[0]);
    return 2;
  }
  const fs::path out = argv[2];
  fs::create_directories(out / "wasm");
  fs::create_directories(out / "wat");
  size_t scripts = 0;
  for (const auto& entry : fs::recursive_directory_iterator(argv[1])) {
    if (entry.path().extension() != ".wast") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string source(std::istreambuf_iterator<char>(in), {});
    write_texts(source, out / "wat");
    if (auto script = kite::wast::parse_script(source); script.ok())
      write_binaries(script->commands, out / "wasm");
    ++scripts;
  }
  std::printf("seeds from %zu scripts in %s\n", scripts, out.c_str());
  return 0;
}

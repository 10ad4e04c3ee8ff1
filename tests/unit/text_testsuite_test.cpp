// Acceptance: every .wast of the official testsuite parses; every text module
// outside assert_malformed encodes; every quoted module inside
// assert_malformed is rejected by the text parser.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "binary/decoder.h"
#include "text/script.h"
#include "text/text.h"
#include "validate/validate.h"

namespace kite {
namespace {

namespace fs = std::filesystem;

// Known disagreements, by "file:line" relative to the testsuite root.
const std::map<std::string, std::string>& known_exceptions() {
  static const std::map<std::string, std::string> exceptions = {
      // The threads proposal predates Wasm 3.0: it expects 32-bit memory
      // limits above 2^32 to be malformed, and multiple memories/tables to be
      // invalid; the 3.0 suite (memory.wast, multi-memory) says otherwise.
      {"proposals/threads/memory.wast:14", "pre-3.0: multiple memories"},
      {"proposals/threads/memory.wast:15", "pre-3.0: multiple memories"},
      {"proposals/threads/memory.wast:83", "pre-3.0: u32 memory limits"},
      {"proposals/threads/memory.wast:87", "pre-3.0: u32 memory limits"},
      {"proposals/threads/memory.wast:91", "pre-3.0: u32 memory limits"},
      {"proposals/threads/imports.wast:309", "pre-3.0: multiple tables"},
      {"proposals/threads/imports.wast:313", "pre-3.0: multiple tables"},
      {"proposals/threads/imports.wast:317", "pre-3.0: multiple tables"},
      {"proposals/threads/imports.wast:404", "pre-3.0: multiple memories"},
      {"proposals/threads/imports.wast:408", "pre-3.0: multiple memories"},
      {"proposals/threads/imports.wast:412", "pre-3.0: multiple memories"},
  };
  return exceptions;
}

bool is_known_exception(const std::string& where) {
  const std::string root = std::string(KITE_TESTSUITE_DIR) + "/";
  const std::string relative = where.starts_with(root) ? where.substr(root.size()) : where;
  return known_exceptions().count(relative) != 0;
}

std::vector<fs::path> testsuite_files() {
  std::vector<fs::path> files;
  const fs::path root = KITE_TESTSUITE_DIR;
  for (const fs::path& dir : {root, root / "custom", root / "legacy"}) {
    if (!fs::exists(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.path().extension() == ".wast") files.push_back(e.path());
    }
  }
  if (fs::exists(root / "proposals")) {
    for (const auto& e : fs::recursive_directory_iterator(root / "proposals")) {
      // custom-descriptors is a post-3.0 proposal kite does not implement.
      if (e.path().parent_path().filename() == "custom-descriptors") continue;
      if (e.path().extension() == ".wast") files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void check_commands(const std::string& file, const std::vector<wast::Command>& commands,
                    int& checked) {
  using K = wast::Command::Kind;
  for (const wast::Command& c : commands) {
    const std::string where = file + ":" + std::to_string(c.line);
    if (is_known_exception(where)) continue;
    const bool has_module = c.kind == K::Module || c.kind == K::AssertInvalid ||
                            c.kind == K::AssertMalformed || c.kind == K::AssertUnlinkable ||
                            c.kind == K::AssertUninstantiable ||
                            (c.kind == K::AssertTrap && c.has_module);
    if (has_module) {
      if (c.kind == K::AssertMalformed) {
        if (c.module.kind == wast::ModuleSource::Kind::Quote) {
          EXPECT_FALSE(text::wat_to_binary(c.module.text).ok())
              << where << ": malformed quote module accepted (" << c.message << ")";
          ++checked;
        }
      } else if (c.module.kind == wast::ModuleSource::Kind::Error) {
        ADD_FAILURE() << where << ": " << c.module.error.describe();
      } else if (c.module.kind == wast::ModuleSource::Kind::Quote) {
        auto r = text::wat_to_binary(c.module.text);
        EXPECT_TRUE(r.ok()) << where << ": quote module rejected: " << r.error().describe();
        ++checked;
      } else {
        ++checked;
      }
    }
    check_commands(file, c.commands, checked);
  }
}

TEST(TextTestsuite, EveryScriptParses) {
  const auto files = testsuite_files();
  ASSERT_FALSE(files.empty()) << "no testsuite at " << KITE_TESTSUITE_DIR;
  int checked = 0;
  for (const fs::path& p : files) {
    auto script = wast::parse_script(read_file(p));
    if (!script.ok()) {
      ADD_FAILURE() << p.string() << ": " << script.error().describe();
      continue;
    }
    check_commands(p.string(), script->commands, checked);
  }
  EXPECT_GT(checked, 5000);
}

// Modules that the script expects to be valid must decode and validate;
// assert_invalid modules must decode but fail validation. This checks the
// encoder against the independently written decoder and validator.
void check_binary(const std::string& file, const std::vector<wast::Command>& commands,
                  int& checked) {
  using K = wast::Command::Kind;
  for (const wast::Command& c : commands) {
    const std::string where = file + ":" + std::to_string(c.line);
    if (is_known_exception(where)) continue;
    const bool expect_valid = c.kind == K::Module || c.kind == K::AssertUnlinkable ||
                              c.kind == K::AssertUninstantiable ||
                              (c.kind == K::AssertTrap && c.has_module);
    if ((expect_valid || c.kind == K::AssertInvalid) &&
        c.module.kind != wast::ModuleSource::Kind::Error) {
      std::vector<uint8_t> bytes = c.module.bytes;
      if (c.module.kind == wast::ModuleSource::Kind::Quote) {
        auto r = text::wat_to_binary(c.module.text);
        if (!r.ok()) continue;
        bytes = std::move(r).value();
      }
      auto m = decode_module(std::move(bytes));
      if (!m.ok()) {
        ADD_FAILURE() << where << ": decode: " << m.error().describe();
        continue;
      }
      Status v = validate_module(**m);
      if (expect_valid && !v.ok()) ADD_FAILURE() << where << ": validate: " << v.error().describe();
      if (!expect_valid && v.ok() && !c.custom)
        ADD_FAILURE() << where << ": expected invalid (" << c.message << ")";
      ++checked;
    }
    check_binary(file, c.commands, checked);
  }
}

TEST(TextTestsuite, EncodedModulesDecodeAndValidate) {
  int checked = 0;
  for (const fs::path& p : testsuite_files()) {
    auto script = wast::parse_script(read_file(p));
    if (script.ok()) check_binary(p.string(), script->commands, checked);
  }
  EXPECT_GT(checked, 5000);
}

} // namespace
} // namespace kite

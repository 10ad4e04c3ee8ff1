// Acceptance: every .wast of the official testsuite parses; every text module
// outside assert_malformed encodes; every quoted module inside
// assert_malformed is rejected by the text parser.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "text/script.h"
#include "text/text.h"

namespace kite {
namespace {

namespace fs = std::filesystem;

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

} // namespace
} // namespace kite

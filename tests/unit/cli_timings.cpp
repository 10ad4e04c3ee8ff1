// `kite run --timings` and KITE_TIMINGS=1: one summary line on stderr naming
// the start-up phases; the guest's output is unchanged, and without either
// nothing is printed.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

namespace {

struct Output {
  int status;
  std::string out, err;
};

Output run(const std::string& env, const std::string& options) {
  char dir[] = "/tmp/kite-timings-XXXXXX";
  EXPECT_NE(mkdtemp(dir), nullptr);
  const std::string d = dir;
  {
    std::ofstream m(d + "/m.wat");
    m << "(module (func (export \"f\") (result i32) i32.const 42))";
  }
  const std::string cmd = env + " " + KITE_CLI + " run --no-cache " + options + " --invoke f " + d +
                          "/m.wat >" + d + "/out 2>" + d + "/err";
  const int status = std::system(cmd.c_str());
  std::ifstream o(d + "/out"), e(d + "/err");
  Output r{WIFEXITED(status) ? WEXITSTATUS(status) : -1,
           std::string(std::istreambuf_iterator<char>(o), {}),
           std::string(std::istreambuf_iterator<char>(e), {})};
  std::system(("rm -rf " + d).c_str());
  return r;
}

void expect_summary(const Output& r) {
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "42\n");
  EXPECT_EQ(r.err.rfind("kite: timings (ms): read ", 0), 0u) << r.err;
  for (const char* phase :
       {" decode ", " validate ", " instantiate ", " first instruction at ", " total "})
    EXPECT_NE(r.err.find(phase), std::string::npos) << phase << " in " << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
}

TEST(CliTimings, OptionPrintsTheStartUpPhases) { expect_summary(run("", "--timings")); }

TEST(CliTimings, EnvironmentVariableToo) { expect_summary(run("KITE_TIMINGS=1", "")); }

TEST(CliTimings, SilentByDefault) {
  const Output r = run("KITE_TIMINGS=0", "");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "42\n");
  EXPECT_EQ(r.err, "");
}

} // namespace

// Test support: a fresh temporary directory, removed with everything in it
// when the object goes (the cache tests each use their own).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace kite::test_support {

class TempDir {
public:
  explicit TempDir(const char* prefix = "kite-test") {
    std::string t =
        (std::filesystem::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
    path_ = mkdtemp(t.data()) ? t : "";
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

private:
  std::string path_;
};

} // namespace kite::test_support

// The state behind one WASI guest: the fd table (host descriptors with WASI
// rights and flags), args, environment and exit status; and the sandboxed
// path resolution every path_* function goes through.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kite/wasi.h"

namespace kite::wasi {

// WASI errno values (witx `errno`), only those kite returns by name.
enum Errno : uint16_t {
  kSuccess = 0,
  k2Big = 1,
  kAcces = 2,
  kAgain = 6,
  kBadf = 8,
  kExist = 20,
  kFault = 21,
  kInval = 28,
  kIo = 29,
  kIsdir = 31,
  kLoop = 32,
  kNametoolong = 37,
  kNoent = 44,
  kNosys = 52,
  kNotdir = 54,
  kNotsock = 57,
  kNotsup = 58,
  kOverflow = 61,
  kPerm = 63,
  kSpipe = 70,
  kNotcapable = 76,
};

// Host errno -> WASI errno.
uint16_t errno_from_host(int host_errno);

// The WASI file type of a host file mode; sockets are told apart by asking
// `socket_fd` (stream when it is negative).
uint8_t file_type_of_mode(mode_t mode, int socket_fd);

// witx `rights` bits.
namespace rights {
inline constexpr uint64_t kFdDatasync = 1ull << 0;
inline constexpr uint64_t kFdRead = 1ull << 1;
inline constexpr uint64_t kFdSeek = 1ull << 2;
inline constexpr uint64_t kFdFdstatSetFlags = 1ull << 3;
inline constexpr uint64_t kFdSync = 1ull << 4;
inline constexpr uint64_t kFdTell = 1ull << 5;
inline constexpr uint64_t kFdWrite = 1ull << 6;
inline constexpr uint64_t kFdAdvise = 1ull << 7;
inline constexpr uint64_t kFdAllocate = 1ull << 8;
inline constexpr uint64_t kPathCreateDirectory = 1ull << 9;
inline constexpr uint64_t kPathCreateFile = 1ull << 10;
inline constexpr uint64_t kPathLinkSource = 1ull << 11;
inline constexpr uint64_t kPathLinkTarget = 1ull << 12;
inline constexpr uint64_t kPathOpen = 1ull << 13;
inline constexpr uint64_t kFdReaddir = 1ull << 14;
inline constexpr uint64_t kPathReadlink = 1ull << 15;
inline constexpr uint64_t kPathRenameSource = 1ull << 16;
inline constexpr uint64_t kPathRenameTarget = 1ull << 17;
inline constexpr uint64_t kPathFilestatGet = 1ull << 18;
inline constexpr uint64_t kPathFilestatSetSize = 1ull << 19;
inline constexpr uint64_t kPathFilestatSetTimes = 1ull << 20;
inline constexpr uint64_t kFdFilestatGet = 1ull << 21;
inline constexpr uint64_t kFdFilestatSetSize = 1ull << 22;
inline constexpr uint64_t kFdFilestatSetTimes = 1ull << 23;
inline constexpr uint64_t kPathSymlink = 1ull << 24;
inline constexpr uint64_t kPathRemoveDirectory = 1ull << 25;
inline constexpr uint64_t kPathUnlinkFile = 1ull << 26;
inline constexpr uint64_t kPollFdReadwrite = 1ull << 27;
inline constexpr uint64_t kSockShutdown = 1ull << 28;
inline constexpr uint64_t kSockAccept = 1ull << 29;
inline constexpr uint64_t kAll = (1ull << 30) - 1;

// What a regular file / a directory / a socket / a terminal-like stream can
// ever be granted.
inline constexpr uint64_t kFile = kFdDatasync | kFdRead | kFdSeek | kFdFdstatSetFlags | kFdSync |
                                  kFdTell | kFdWrite | kFdAdvise | kFdAllocate | kFdFilestatGet |
                                  kFdFilestatSetSize | kFdFilestatSetTimes | kPollFdReadwrite;
inline constexpr uint64_t kDirectory =
    kFdFdstatSetFlags | kFdSync | kFdAdvise | kPathCreateDirectory | kPathCreateFile |
    kPathLinkSource | kPathLinkTarget | kPathOpen | kFdReaddir | kPathReadlink | kPathRenameSource |
    kPathRenameTarget | kPathFilestatGet | kPathFilestatSetSize | kPathFilestatSetTimes |
    kFdFilestatGet | kFdFilestatSetTimes | kPathSymlink | kPathRemoveDirectory | kPathUnlinkFile;
inline constexpr uint64_t kSocket = kFdRead | kFdWrite | kFdFdstatSetFlags | kFdFilestatGet |
                                    kPollFdReadwrite | kSockShutdown | kSockAccept;
inline constexpr uint64_t kStream = kFdRead | kFdWrite | kFdFdstatSetFlags | kFdFilestatGet |
                                    kPollFdReadwrite | kFdDatasync | kFdSync;
} // namespace rights

// witx `filetype`.
enum FileType : uint8_t {
  kUnknown = 0,
  kBlockDevice = 1,
  kCharacterDevice = 2,
  kDirectory = 3,
  kRegularFile = 4,
  kSocketDgram = 5,
  kSocketStream = 6,
  kSymbolicLink = 7,
};

struct DirEntry {
  uint64_t ino;
  uint8_t type;
  std::string name;
};

// One open guest fd. Entries are shared (FdHandle): a WASI call holds its
// entry while it works, so another thread closing or renumbering the fd
// meanwhile does not pull the host descriptor from under it; the host
// descriptor is closed when the last holder lets go.
struct FdEntry {
  FdEntry() = default;
  FdEntry(const FdEntry&) = delete;
  FdEntry& operator=(const FdEntry&) = delete;
  ~FdEntry();

  int host_fd = -1;
  bool owned = true; // false for the embedder's stdio descriptors
  uint8_t type = kUnknown;
  // Read by calls on any thread; fd_fdstat_set_rights only drops bits.
  std::atomic<uint64_t> rights_base = 0;
  std::atomic<uint64_t> rights_inheriting = 0;
  // Set for preopened directories: the name the guest sees.
  std::optional<std::string> preopen_name;
  // fd_readdir: the directory listing taken when a scan starts at cookie 0;
  // a cookie is an index into it. Guarded by listing_mutex.
  std::mutex listing_mutex;
  std::vector<DirEntry> listing;
};
using FdHandle = std::shared_ptr<FdEntry>;

// A path resolved inside a preopen: `name` (one component, never a
// symlink to follow) relative to the directory `dir_fd`, which stays open
// while this lives.
class ResolvedPath {
public:
  ResolvedPath() = default;
  ResolvedPath(const ResolvedPath&) = delete;
  ResolvedPath& operator=(const ResolvedPath&) = delete;
  ~ResolvedPath();

  int dir_fd = -1;
  std::string name;
  // The path ended in '/': the final component must be a directory. (The
  // slash is not passed to the host, whose *at calls would follow a
  // symlink swapped in after resolution.)
  bool must_be_directory = false;
  // Directories opened while walking (innermost last); dir_fd is the last
  // one, or the starting fd when empty.
  std::vector<int> opened;
};

class Context {
public:
  explicit Context(Config config) : config_(std::move(config)) {}
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  // Sets up fds 0-2, the preopens and the listeners.
  Status open();

  const Config& config() const { return config_; }

  // The status the guest exited with (proc_exit, a fatal proc_raise), from
  // whichever of its threads did.
  std::optional<uint32_t> exit_code() const {
    const int64_t code = exit_code_.load();
    return code < 0 ? std::nullopt : std::optional<uint32_t>(static_cast<uint32_t>(code));
  }
  void set_exit_code(uint32_t code) { exit_code_.store(code); }
  void clear_exit_code() { exit_code_.store(-1); }

  // The fd table may be used from several threads at once (wasi-threads).
  FdHandle get(uint32_t fd) const;
  // Checks that `fd` exists and holds every right in `needed`.
  uint16_t lookup(uint32_t fd, uint64_t needed, FdHandle* out) const;
  // Places `entry` at the lowest free number.
  uint32_t insert(FdHandle entry);
  // Removes `fd` (its host descriptor is closed, if owned, once no call
  // uses it any more).
  uint16_t close(uint32_t fd);
  uint16_t renumber(uint32_t from, uint32_t to);

  // Resolves `path` relative to directory `base` without ever leaving it:
  // component by component with openat(O_NOFOLLOW), expanding symlinks by
  // readlinkat. `..` above the base, absolute paths and absolute symlink
  // targets fail with EPERM; more than 40 symlinks with ELOOP. With
  // `follow_final`, a symlink in the last component is followed too.
  uint16_t resolve(const FdEntry& base, std::string_view path, bool follow_final,
                   ResolvedPath* out) const;

private:
  Config config_;
  std::atomic<int64_t> exit_code_ = -1;
  mutable std::mutex mutex_; // guards fds_
  std::map<uint32_t, FdHandle> fds_;
};

} // namespace kite::wasi

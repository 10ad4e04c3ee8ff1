// The fd table, start-up (stdio, preopens, listeners) and sandboxed path
// resolution.
#include "wasi/context.h"

#include <arpa/inet.h>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kite::wasi {

uint8_t file_type_of_mode(mode_t mode, int socket_fd) {
  switch (mode & S_IFMT) {
  case S_IFREG: return kRegularFile;
  case S_IFDIR: return kDirectory;
  case S_IFCHR: return kCharacterDevice;
  case S_IFBLK: return kBlockDevice;
  case S_IFLNK: return kSymbolicLink;
  case S_IFSOCK: {
    int type = SOCK_STREAM;
    socklen_t len = sizeof type;
    if (socket_fd >= 0) getsockopt(socket_fd, SOL_SOCKET, SO_TYPE, &type, &len);
    return type == SOCK_DGRAM ? kSocketDgram : kSocketStream;
  }
  default: return kUnknown; // pipes and FIFOs have no WASI file type
  }
}

namespace {

uint8_t file_type_of(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) return kUnknown;
  return file_type_of_mode(st.st_mode, fd);
}

uint64_t rights_for(uint8_t type) {
  switch (type) {
  case kRegularFile: return rights::kFile;
  case kDirectory: return rights::kDirectory;
  case kSocketStream:
  case kSocketDgram: return rights::kSocket;
  default: return rights::kStream;
  }
}

// Binds and listens on "HOST:PORT" ("[v6addr]:PORT" for IPv6).
Result<int> listen_on(const std::string& address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size())
    return Error{"--tcplisten '" + address + "': expected HOST:PORT"};
  std::string host = address.substr(0, colon);
  const std::string port = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0)
    return Error{"--tcplisten '" + address + "': " + gai_strerror(rc)};
  std::string failure = "no usable address";
  for (addrinfo* a = found; a; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, SOMAXCONN) == 0) {
      freeaddrinfo(found);
      return fd;
    }
    failure = std::strerror(errno);
    ::close(fd);
  }
  freeaddrinfo(found);
  return Error{"--tcplisten '" + address + "': " + failure};
}

void split_components(std::string_view path, std::vector<std::string>* reversed_out) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) parts.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  reversed_out->insert(reversed_out->end(), parts.rbegin(), parts.rend());
}

} // namespace

ResolvedPath::~ResolvedPath() {
  for (int fd : opened)
    ::close(fd);
}

FdEntry::~FdEntry() {
  if (owned && host_fd >= 0) ::close(host_fd);
}

Context::~Context() = default;

Status Context::open() {
  const int stdio[3] = {config_.stdin_fd, config_.stdout_fd, config_.stderr_fd};
  for (uint32_t i = 0; i < 3; ++i) {
    auto e = std::make_shared<FdEntry>();
    e->host_fd = stdio[i];
    e->owned = false;
    e->type = file_type_of(e->host_fd);
    e->rights_base = rights_for(e->type);
    fds_[i] = std::move(e);
  }
  for (const Preopen& p : config_.preopens) {
    int fd = ::open(p.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
      return Error{"cannot open directory '" + p.host_path + "': " + std::strerror(errno)};
    auto e = std::make_shared<FdEntry>();
    e->host_fd = fd;
    e->type = kDirectory;
    e->rights_base = rights::kDirectory;
    e->rights_inheriting = rights::kAll;
    e->preopen_name = p.guest_path;
    insert(std::move(e));
  }
  for (const std::string& address : config_.tcp_listen) {
    KITE_TRY_ASSIGN(int fd, listen_on(address));
    auto e = std::make_shared<FdEntry>();
    e->host_fd = fd;
    e->type = kSocketStream;
    e->rights_base = rights::kSocket;
    e->rights_inheriting = rights::kSocket & ~rights::kSockAccept;
    insert(std::move(e));
  }
  return {};
}

FdHandle Context::get(uint32_t fd) const {
  std::lock_guard lock(mutex_);
  auto it = fds_.find(fd);
  return it == fds_.end() ? nullptr : it->second;
}

uint16_t Context::lookup(uint32_t fd, uint64_t needed, FdHandle* out) const {
  FdHandle e = get(fd);
  if (!e) return kBadf;
  if ((e->rights_base & needed) != needed) return kNotcapable;
  *out = std::move(e);
  return kSuccess;
}

uint32_t Context::insert(FdHandle entry) {
  std::lock_guard lock(mutex_);
  uint32_t fd = 0;
  for (const auto& [num, e] : fds_) {
    if (num != fd) break;
    ++fd;
  }
  fds_[fd] = std::move(entry);
  return fd;
}

uint16_t Context::close(uint32_t fd) {
  FdHandle closed; // released after the lock
  std::lock_guard lock(mutex_);
  auto it = fds_.find(fd);
  if (it == fds_.end()) return kBadf;
  closed = std::move(it->second);
  fds_.erase(it);
  return kSuccess;
}

uint16_t Context::renumber(uint32_t from, uint32_t to) {
  FdHandle replaced; // released after the lock
  std::lock_guard lock(mutex_);
  // Both must be open (as in wasmtime); `to` is closed and replaced.
  auto src = fds_.find(from);
  auto dst = fds_.find(to);
  if (src == fds_.end() || dst == fds_.end()) return kBadf;
  if (from == to) return kSuccess;
  replaced = std::move(dst->second);
  dst->second = std::move(src->second);
  fds_.erase(src);
  return kSuccess;
}

uint16_t Context::resolve(const FdEntry& base, std::string_view path, bool follow_final,
                          ResolvedPath* out) const {
  if (path.empty()) return kNoent;
  if (path.find('\0') != std::string_view::npos) return kInval;
  if (path.front() == '/') return kPerm;
  // A trailing slash demands a directory, and (as in POSIX) follows a final symlink.
  const bool trailing_slash = path.back() == '/';
  follow_final = follow_final || trailing_slash;
  std::vector<std::string> pending; // components still to walk, next one last
  split_components(path, &pending);
  int symlinks_followed = 0;
  auto current = [&] { return out->opened.empty() ? base.host_fd : out->opened.back(); };

  // Replaces a symlink by its target's components (relative targets only).
  auto expand = [&](const std::string& target) -> uint16_t {
    if (++symlinks_followed > 40) return kLoop;
    if (target.empty()) return kNoent;
    if (target.front() == '/') return kPerm;
    split_components(target, &pending);
    return kSuccess;
  };
  auto read_link = [&](const std::string& name, std::string* target) {
    char buf[PATH_MAX];
    ssize_t n = readlinkat(current(), name.c_str(), buf, sizeof buf);
    if (n < 0) return false;
    target->assign(buf, static_cast<size_t>(n));
    return true;
  };

  out->name = ".";
  while (!pending.empty()) {
    std::string c = std::move(pending.back());
    pending.pop_back();
    const bool last = pending.empty();
    if (c == ".") continue;
    if (c == "..") {
      // Only ever back up the directories this walk opened: never the
      // physical parent of the base.
      if (out->opened.empty()) return kPerm;
      ::close(out->opened.back());
      out->opened.pop_back();
      continue;
    }
    std::string target;
    if (last) {
      if (follow_final && read_link(c, &target)) {
        if (uint16_t err = expand(target)) return err;
        continue;
      }
      out->name = std::move(c);
      break;
    }
    int fd = openat(current(), c.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
      out->opened.push_back(fd);
      continue;
    }
    const int open_errno = errno;
    if ((open_errno == ENOTDIR || open_errno == ELOOP) && read_link(c, &target)) {
      if (uint16_t err = expand(target)) return err;
      continue;
    }
    return errno_from_host(open_errno);
  }
  out->must_be_directory = trailing_slash;
  out->dir_fd = current();
  return kSuccess;
}

} // namespace kite::wasi

// The 46 functions of wasi_snapshot_preview1, each a thin, bounds-checked
// translation of its witx signature onto POSIX calls (proc_exit, which every
// build has, is in wasi.cpp). A build with KITE_WASI=minimal has
// minimal.cpp's table instead.
#include <algorithm>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "runtime/store.h"
#include "runtime/type_match.h"
#include "wasi/context.h"
#include "wasi/host_call.h"
#include "wasi/threads.h"

namespace kite::wasi {

uint32_t vectored_io(Call& c, uint64_t right, ssize_t (*io)(int, const iovec*, int)) {
  FdHandle e;
  if (uint16_t err = c.ctx.lookup(c.u32(0), right, &e)) return err;
  return transfer(c, e->host_fd, io);
}

uint32_t fd_write(Call& c) { return vectored_io(c, rights::kFdWrite, writev); }

namespace {

// ---- shared helpers ----

uint64_t to_ns(const timespec& ts) {
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

// witx filestat: dev u64, ino u64 @8, filetype u8 @16, then nlink (u64 @24
// in preview 1; u32 @20 in snapshot 0, where the fields after it sit 8
// bytes lower), size, atim, mtim, ctim (u64 each): 64 or 56 bytes.
uint16_t store_filestat(const GuestMemory& mem, uint32_t ptr, const struct stat& st, int fd,
                        FilestatLayout layout) {
  const bool narrow = layout == FilestatLayout::kSnapshot0;
  const uint32_t size_at = narrow ? 24 : 32;
  if (!mem.fits(ptr, size_at + 32)) return kFault;
  std::memset(mem.at(ptr), 0, size_at + 32);
  mem.store<uint64_t>(ptr, st.st_dev);
  mem.store<uint64_t>(ptr + 8, st.st_ino);
  mem.store<uint8_t>(ptr + 16, file_type_of_mode(st.st_mode, fd));
  if (narrow) // more than 2^32 links saturate, as in wasmtime
    mem.store<uint32_t>(ptr + 20,
                        static_cast<uint32_t>(std::min<uint64_t>(st.st_nlink, UINT32_MAX)));
  else
    mem.store<uint64_t>(ptr + 24, st.st_nlink);
  mem.store<uint64_t>(ptr + size_at, static_cast<uint64_t>(st.st_size));
  mem.store<uint64_t>(ptr + size_at + 8, to_ns(st.st_atim));
  mem.store<uint64_t>(ptr + size_at + 16, to_ns(st.st_mtim));
  mem.store<uint64_t>(ptr + size_at + 24, to_ns(st.st_ctim));
  return kSuccess;
}

// fstflags -> utimensat's times: ATIM=1, ATIM_NOW=2, MTIM=4, MTIM_NOW=8.
uint16_t times_from(uint64_t atim, uint64_t mtim, uint32_t flags, timespec out[2]) {
  if (flags & ~0xFu) return kInval;
  if ((flags & 1) && (flags & 2)) return kInval;
  if ((flags & 4) && (flags & 8)) return kInval;
  auto one = [](uint64_t ns, bool set, bool now) {
    if (now) return timespec{0, UTIME_NOW};
    if (!set) return timespec{0, UTIME_OMIT};
    return timespec{static_cast<time_t>(ns / 1'000'000'000u),
                    static_cast<long>(ns % 1'000'000'000u)};
  };
  out[0] = one(atim, flags & 1, flags & 2);
  out[1] = one(mtim, flags & 4, flags & 8);
  return kSuccess;
}

bool host_clock(uint32_t id, clockid_t* out) {
  switch (id) {
  case 0: *out = CLOCK_REALTIME; return true;
  case 1: *out = CLOCK_MONOTONIC; return true;
  case 2: *out = CLOCK_PROCESS_CPUTIME_ID; return true;
  case 3: *out = CLOCK_THREAD_CPUTIME_ID; return true;
  default: return false;
  }
}

// Resolves guest path (ptr, len) relative to directory fd `fd`, which must
// hold `needed` rights.
uint16_t resolve_path(Call& c, uint32_t fd, uint64_t needed, uint32_t ptr, uint32_t len,
                      bool follow, ResolvedPath* out, FdHandle* dir = nullptr) {
  FdHandle e = c.ctx.get(fd);
  if (!e) return kBadf;
  if (e->type != kDirectory) return kNotdir;
  if ((e->rights_base & needed) != needed) return kNotcapable;
  std::string path;
  if (!c.mem.string(ptr, len, &path)) return kFault;
  if (dir) *dir = e;
  if (uint16_t err = c.ctx.resolve(*e, path, follow, out)) return err;
  // "name/" must name a directory if it exists (creating it is up to the caller).
  struct stat st;
  if (out->must_be_directory &&
      fstatat(out->dir_fd, out->name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
      !S_ISDIR(st.st_mode))
    return kNotdir;
  return kSuccess;
}

// Whether `p` names an existing entry (not following a final symlink), and
// whether that is a directory.
bool exists(const ResolvedPath& p, bool* is_directory = nullptr) {
  struct stat st;
  if (fstatat(p.dir_fd, p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return false;
  if (is_directory) *is_directory = S_ISDIR(st.st_mode);
  return true;
}

// The new name of path_link/path_symlink ending in '/': as in wasmtime
// (cap-std opens "name" as the directory to create "." in), ENOENT when
// nothing is there; an existing directory fails later with EEXIST, an
// existing file already failed with ENOTDIR in resolve_path.
uint16_t check_new_name_slash(const ResolvedPath& to) {
  return to.must_be_directory && !exists(to) ? kNoent : kSuccess;
}

// Writes argv/environ-style string lists: `ptrs` gets one u32 per string,
// `buf` the NUL-terminated strings.
uint32_t store_strings(Call& c, const std::vector<std::string>& strings, uint32_t ptrs,
                       uint32_t buf) {
  uint64_t total = 0;
  for (const std::string& s : strings)
    total += s.size() + 1;
  if (!c.mem.fits(ptrs, strings.size() * 4ull) || !c.mem.fits(buf, total)) return kFault;
  for (const std::string& s : strings) {
    c.mem.store<uint32_t>(ptrs, buf);
    std::memcpy(c.mem.at(buf), s.c_str(), s.size() + 1);
    ptrs += 4;
    buf += static_cast<uint32_t>(s.size() + 1);
  }
  return kSuccess;
}

uint32_t store_sizes(Call& c, const std::vector<std::string>& strings, uint32_t count_ptr,
                     uint32_t size_ptr) {
  uint64_t total = 0;
  for (const std::string& s : strings)
    total += s.size() + 1;
  if (!c.mem.fits(count_ptr, 4) || !c.mem.fits(size_ptr, 4)) return kFault;
  c.mem.store<uint32_t>(count_ptr, static_cast<uint32_t>(strings.size()));
  c.mem.store<uint32_t>(size_ptr, static_cast<uint32_t>(total));
  return kSuccess;
}

// ---- args, environment, clocks, random, scheduling, process ----

uint32_t args_get(Call& c) { return store_strings(c, c.ctx.config().args, c.u32(0), c.u32(1)); }
uint32_t args_sizes_get(Call& c) { return store_sizes(c, c.ctx.config().args, c.u32(0), c.u32(1)); }
uint32_t environ_get(Call& c) { return store_strings(c, c.ctx.config().env, c.u32(0), c.u32(1)); }
uint32_t environ_sizes_get(Call& c) {
  return store_sizes(c, c.ctx.config().env, c.u32(0), c.u32(1));
}

uint32_t clock_res_get(Call& c) {
  clockid_t id;
  if (!host_clock(c.u32(0), &id)) return kInval;
  if (!c.mem.fits(c.u32(1), 8)) return kFault;
  timespec ts;
  if (clock_getres(id, &ts) != 0) return host_error();
  c.mem.store<uint64_t>(c.u32(1), to_ns(ts));
  return kSuccess;
}

uint32_t clock_time_get(Call& c) {
  clockid_t id;
  if (!host_clock(c.u32(0), &id)) return kInval;
  if (!c.mem.fits(c.u32(2), 8)) return kFault;
  timespec ts;
  if (clock_gettime(id, &ts) != 0) return host_error();
  c.mem.store<uint64_t>(c.u32(2), to_ns(ts));
  return kSuccess;
}

uint32_t random_get(Call& c) {
  const uint32_t buf = c.u32(0), len = c.u32(1);
  if (!c.mem.fits(buf, len)) return kFault;
  for (uint32_t done = 0; done < len;) {
    ssize_t n = getrandom(c.mem.at(buf + done), len - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return host_error();
    }
    done += static_cast<uint32_t>(n);
  }
  return kSuccess;
}

uint32_t sched_yield_(Call&) {
  sched_yield();
  return kSuccess;
}

// proc_raise: signals whose default action terminates a process end the
// guest with status 128 + signal (as a shell reports it); those whose
// default is to ignore (CHLD, URG, WINCH) or to stop/continue (a guest has
// no job control) return success.
uint32_t proc_raise(Call& c) {
  const uint32_t sig = c.u32(0);
  if (sig > 30) return kInval;
  switch (sig) {
  case 0:  // none
  case 16: // CHLD
  case 17: // CONT
  case 18: // STOP
  case 19: // TSTP
  case 20: // TTIN
  case 21: // TTOU
  case 22: // URG
  case 27: // WINCH
    return kSuccess;
  default: c.ctx.set_exit_code(128 + sig); return kExit;
  }
}

// ---- file descriptors ----

uint32_t fd_advise(Call& c) {
  FdHandle e;
  if (uint16_t err = c.ctx.lookup(c.u32(0), rights::kFdAdvise, &e)) return err;
  static constexpr int kAdvice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                    POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED,   POSIX_FADV_NOREUSE};
  const uint32_t advice = c.u32(3);
  if (advice > 5) return kInval;
  int rc = posix_fadvise(e->host_fd, static_cast<off_t>(c.u64(1)), static_cast<off_t>(c.u64(2)),
                         kAdvice[advice]);
  return errno_from_host(rc);
}

uint32_t fd_allocate(Call& c) {
  FdHandle e;
  if (uint16_t err = c.ctx.lookup(c.u32(0), rights::kFdAllocate, &e)) return err;
  int rc = posix_fallocate(e->host_fd, static_cast<off_t>(c.u64(1)), static_cast<off_t>(c.u64(2)));
  return errno_from_host(rc);
}

uint32_t fd_close(Call& c) { return c.ctx.close(c.u32(0)); }

uint32_t fd_datasync(Call& c) {
  FdHandle e;
  if (uint16_t err = c.ctx.lookup(c.u32(0), rights::kFdDatasync, &e)) return err;
  return fdatasync(e->host_fd) == 0 ? kSuccess : host_error();
}

uint32_t fd_sync(Call& c) {
  FdHandle e;
  if (uint16_t err = c.ctx.lookup(c.u32(0), rights::kFdSync, &e)) return err;
  return fsync(e->host_fd) == 0 ? kSuccess : host_error();
}

} // namespace

// witx fdstat: filetype u8, fs_flags u16 @2, rights_base @8, rights_inheriting @16.
uint32_t fd_fdstat_get(Call& c) {
  FdHandle e;
  if (uint16_t err = c.ctx.lookup(c.u32(0), 0, &e)) return err;
  const uint32_t ptr = c.u32(1);
  if (!c.mem.fits(ptr, 24)) return kFault;
  int fl = fcntl(e->host_fd, F_GETFL);
  if (fl < 0) return host_error();
  uint16_t flags = 0;
  if (fl & O_APPEND) flags |= 1;
  if ((fl & O_DSYNC) == O_DSYNC) flags |= 2;
  if (fl & O_NONBLOCK) flags |= 4;
  if ((fl & O_SYNC) == O_SYNC) flags |= 8 | 16; // Linux: O_RSYNC == O_SYNC
  std::memset(c.mem.at(ptr), 0, 24);
  c.mem.store<uint8_t>(ptr, e->type);
  c.mem.store<uint16_t>(ptr + 2, flags);
  c.mem.store<uint64_t>(ptr + 8, e->rights_base);
  c.mem.store<uint64_t>(ptr + 16, e->rights_inheriting);
  return kSuccess;
}

namespace {

// Only APPEND and NONBLOCK can change on an open Linux descriptor.
uint32_t fd_fdstat_set_flags(Call& c) {
  FdHandle e;
  if (uint16_t err = c.ctx.lookup(c.u32(0), rights::kFdFdstatSetFlags, &e)) return err;
  const uint32_t flags = c.u32(1);
  if (flags & ~0x1Fu) return kInval;
  if (flags & (2 | 8 | 16)) return kNotsup;
  int fl = fcntl(e->host_fd, F_GETFL);
  if (fl < 0) return host_error();
  fl &= ~(O_APPEND | O_NONBLOCK);
  if (flags & 1) fl |= O_APPEND;
  if (flags & 4) fl |= O_NONBLOCK;
  return fcntl(e->host_fd, F_SETFL, fl) == 0 ? kSuccess : host_error();
}

// Rights can only be dropped.
uint32_t fd_fdstat_set_rights(Call& c) {
  FdHandle e;
  if (uint16_t err = c.ctx.lookup(c.u32(0), 0, &e)) return err;
  const uint64_t base = c.u64(1), inheriting = c.u64(2);
  if ((base & ~e->rights_base) || (inheriting & ~e->rights_inheriting)) return kNotcapable;
  e->rights_base = base;
  e->rights_inheriting = inheriting;
  return kSuccess;
}

} // namespace

uint32_t fd_filestat_get_as(Call& c, FilestatLayout layout) {
  FdHandle e;
  if (uint16_t err = c.ctx.lookup(c.u32(0), rights::kFdFilestatGet, &e)) return err;
  struct stat st;
  if (fstat(e->host_fd, &st) != 0) return host_error();
  return store_filestat(c.mem, c.u32(1), st, e->host_fd, layout);
}

namespace {

uint32_t fd_filestat_get(Call& c) { return fd_filestat_get_as(c, FilestatLayout::kPreview1); }

uint32_t fd_filestat_set_size(Call& c) {
  FdHandle e;
  if (uint16_t err = c.ctx.lookup(c.u32(0), rights::kFdFilestatSetSize, &e)) return err;
  if (c.u64(1) > static_cast<uint64_t>(INT64_MAX)) return kInval;
  return ftruncate(e->host_fd, static_cast<off_t>(c.u64(1))) == 0 ? kSuccess : host_error();
}

uint32_t fd_filestat_set_times(Call& c) {
  FdHandle e;
  if (uint16_t err = c.ctx.lookup(c.u32(0), rights::kFdFilestatSetTimes, &e)) return err;
  timespec times[2];
  if (uint16_t err = times_from(c.u64(1), c.u64(2), c.u32(3), times)) return err;
  return futimens(e->host_fd, times) == 0 ? kSuccess : host_error();
}

// fd_pread / fd_pwrite: the same at the file offset in arg 3 (the file
// position is untouched), the byte count stored at arg 4.
uint32_t positioned_io(Call& c, uint64_t right, ssize_t (*io)(int, const iovec*, int, off_t)) {
  FdHandle e;
  if (uint16_t err = c.ctx.lookup(c.u32(0), right | rights::kFdSeek, &e)) return err;
  std::vector<iovec> iov;
  if (uint16_t err = gather(c.mem, c.u32(1), c.u32(2), &iov)) return err;
  if (!c.mem.fits(c.u32(4), 4)) return kFault;
  if (c.u64(3) > static_cast<uint64_t>(INT64_MAX)) return kInval;
  ssize_t n =
      io(e->host_fd, iov.data(), static_cast<int>(iov.size()), static_cast<off_t>(c.u64(3)));
  if (n < 0) return host_error();
  c.mem.store<uint32_t>(c.u32(4), static_cast<uint32_t>(n));
  return kSuccess;
}

uint32_t fd_pread(Call& c) { return positioned_io(c, rights::kFdRead, preadv); }
uint32_t fd_pwrite(Call& c) { return positioned_io(c, rights::kFdWrite, pwritev); }
uint32_t fd_read(Call& c) { return vectored_io(c, rights::kFdRead, readv); }

uint32_t fd_prestat_get(Call& c) {
  FdHandle e = c.ctx.get(c.u32(0));
  if (!e || !e->preopen_name) return kBadf;
  const uint32_t ptr = c.u32(1);
  if (!c.mem.fits(ptr, 8)) return kFault;
  std::memset(c.mem.at(ptr), 0, 8);
  c.mem.store<uint8_t>(ptr, 0); // preopentype dir
  c.mem.store<uint32_t>(ptr + 4, static_cast<uint32_t>(e->preopen_name->size()));
  return kSuccess;
}

uint32_t fd_prestat_dir_name(Call& c) {
  FdHandle e = c.ctx.get(c.u32(0));
  if (!e || !e->preopen_name) return kBadf;
  const uint32_t ptr = c.u32(1), len = c.u32(2);
  if (len < e->preopen_name->size()) return kNametoolong;
  if (!c.mem.fits(ptr, e->preopen_name->size())) return kFault;
  std::memcpy(c.mem.at(ptr), e->preopen_name->data(), e->preopen_name->size());
  return kSuccess;
}

uint8_t dirent_type(unsigned char d_type) {
  switch (d_type) {
  case DT_REG: return kRegularFile;
  case DT_DIR: return kDirectory;
  case DT_LNK: return kSymbolicLink;
  case DT_CHR: return kCharacterDevice;
  case DT_BLK: return kBlockDevice;
  case DT_SOCK: return kSocketStream;
  default: return kUnknown;
  }
}

// Lists a directory fresh (for a scan starting at cookie 0).
uint16_t list_directory(FdEntry& e) {
  int fd = openat(e.host_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_from_host(errno);
  DIR* dir = fdopendir(fd);
  if (!dir) {
    int saved = errno;
    ::close(fd);
    return errno_from_host(saved);
  }
  e.listing.clear();
  while (dirent* d = readdir(dir)) {
    uint8_t type = dirent_type(d->d_type);
    if (d->d_type == DT_UNKNOWN) {
      struct stat st;
      if (fstatat(fd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
        type = file_type_of_mode(st.st_mode, -1);
    }
    e.listing.push_back(DirEntry{d->d_ino, type, d->d_name});
  }
  closedir(dir);
  return kSuccess;
}

// witx dirent: d_next u64, d_ino u64, d_namlen u32, d_type u8 (24 bytes),
// then the name. The cookie is the index of the next entry; entries that do
// not fit are cut off and the buffer is reported full, so the caller
// retries with a larger buffer (the wasi-libc protocol).
uint32_t fd_readdir(Call& c) {
  FdHandle e;
  if (uint16_t err = c.ctx.lookup(c.u32(0), rights::kFdReaddir, &e)) return err;
  const uint32_t buf = c.u32(1), buf_len = c.u32(2), used_ptr = c.u32(4);
  const uint64_t cookie = c.u64(3);
  if (!c.mem.fits(buf, buf_len) || !c.mem.fits(used_ptr, 4)) return kFault;
  std::lock_guard listing_lock(e->listing_mutex);
  if (cookie == 0 || e->listing.empty())
    if (uint16_t err = list_directory(*e)) return err;
  uint32_t used = 0;
  for (uint64_t i = cookie; i < e->listing.size() && used < buf_len; ++i) {
    const DirEntry& d = e->listing[i];
    uint8_t header[24] = {};
    const uint64_t next = i + 1;
    const uint32_t namlen = static_cast<uint32_t>(d.name.size());
    std::memcpy(header, &next, 8);
    std::memcpy(header + 8, &d.ino, 8);
    std::memcpy(header + 16, &namlen, 4);
    header[20] = d.type;
    uint32_t n = std::min<uint32_t>(sizeof header, buf_len - used);
    std::memcpy(c.mem.at(buf + used), header, n);
    used += n;
    n = std::min<uint32_t>(namlen, buf_len - used);
    std::memcpy(c.mem.at(buf + used), d.name.data(), n);
    used += n;
  }
  c.mem.store<uint32_t>(used_ptr, used);
  return kSuccess;
}

uint32_t fd_renumber(Call& c) { return c.ctx.renumber(c.u32(0), c.u32(1)); }

} // namespace

uint32_t fd_seek(Call& c) {
  const int64_t offset = static_cast<int64_t>(c.u64(1));
  const uint32_t whence = c.u32(2), out = c.u32(3);
  // A pure position query needs only the tell right (wasi-libc's ftell).
  const uint64_t needed = (offset == 0 && whence == 1) ? rights::kFdTell : rights::kFdSeek;
  FdHandle e;
  if (uint16_t err = c.ctx.lookup(c.u32(0), needed, &e)) return err;
  if (whence > 2) return kInval;
  if (!c.mem.fits(out, 8)) return kFault;
  static constexpr int kWhence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
  off_t pos = lseek(e->host_fd, offset, kWhence[whence]);
  if (pos < 0) return host_error();
  c.mem.store<uint64_t>(out, static_cast<uint64_t>(pos));
  return kSuccess;
}

namespace {

uint32_t fd_tell(Call& c) {
  FdHandle e;
  if (uint16_t err = c.ctx.lookup(c.u32(0), rights::kFdTell, &e)) return err;
  if (!c.mem.fits(c.u32(1), 8)) return kFault;
  off_t pos = lseek(e->host_fd, 0, SEEK_CUR);
  if (pos < 0) return host_error();
  c.mem.store<uint64_t>(c.u32(1), static_cast<uint64_t>(pos));
  return kSuccess;
}

// ---- paths ----

uint32_t path_create_directory(Call& c) {
  ResolvedPath p;
  if (uint16_t err =
          resolve_path(c, c.u32(0), rights::kPathCreateDirectory, c.u32(1), c.u32(2), false, &p))
    return err;
  return mkdirat(p.dir_fd, p.name.c_str(), 0777) == 0 ? kSuccess : host_error();
}

} // namespace

uint32_t path_filestat_get_as(Call& c, FilestatLayout layout) {
  ResolvedPath p;
  if (uint16_t err =
          resolve_path(c, c.u32(0), rights::kPathFilestatGet, c.u32(2), c.u32(3), c.u32(1) & 1, &p))
    return err;
  struct stat st;
  if (fstatat(p.dir_fd, p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return host_error();
  return store_filestat(c.mem, c.u32(4), st, -1, layout);
}

namespace {

uint32_t path_filestat_get(Call& c) { return path_filestat_get_as(c, FilestatLayout::kPreview1); }

uint32_t path_filestat_set_times(Call& c) {
  ResolvedPath p;
  if (uint16_t err = resolve_path(c, c.u32(0), rights::kPathFilestatSetTimes, c.u32(2), c.u32(3),
                                  c.u32(1) & 1, &p))
    return err;
  timespec times[2];
  if (uint16_t err = times_from(c.u64(4), c.u64(5), c.u32(6), times)) return err;
  return utimensat(p.dir_fd, p.name.c_str(), times, AT_SYMLINK_NOFOLLOW) == 0 ? kSuccess
                                                                              : host_error();
}

// Following a symlink source is refused with EINVAL, as wasmtime does.
uint32_t path_link(Call& c) {
  if (c.u32(1) & 1) return kInval;
  ResolvedPath from, to;
  if (uint16_t err =
          resolve_path(c, c.u32(0), rights::kPathLinkSource, c.u32(2), c.u32(3), false, &from))
    return err;
  if (uint16_t err =
          resolve_path(c, c.u32(4), rights::kPathLinkTarget, c.u32(5), c.u32(6), false, &to))
    return err;
  if (uint16_t err = check_new_name_slash(to)) return err;
  return linkat(from.dir_fd, from.name.c_str(), to.dir_fd, to.name.c_str(), 0) == 0 ? kSuccess
                                                                                    : host_error();
}

// path_open(dirfd, dirflags, path, oflags, rights_base, rights_inheriting,
// fdflags, *fd). The host access mode follows the rights asked for, as in
// wasmtime: read for FD_READ/FD_READDIR, write for FD_WRITE and the other
// modifying rights. A directory asked for with FD_WRITE (with O_DIRECTORY
// or not) fails with EISDIR, as the host's open does; one asked for with
// only the other modifying rights, which a directory cannot hold anyway,
// opens read-only (wasmtime opens for writing only for FD_WRITE).
uint32_t path_open(Call& c) {
  const uint32_t oflags = c.u32(4), fdflags = c.u32(7), out = c.u32(8);
  const uint64_t want_base = c.u64(5), want_inheriting = c.u64(6);
  if (oflags & ~0xFu || fdflags & ~0x1Fu) return kInval;
  uint64_t needed = rights::kPathOpen;
  if (oflags & 1) needed |= rights::kPathCreateFile;
  if (oflags & 8) needed |= rights::kPathFilestatSetSize;
  if (!c.mem.fits(out, 4)) return kFault;
  ResolvedPath p;
  FdHandle dir;
  if (uint16_t err = resolve_path(c, c.u32(0), needed, c.u32(2), c.u32(3), c.u32(1) & 1, &p, &dir))
    return err;
  const uint64_t granted_base = want_base & dir->rights_inheriting;
  const uint64_t granted_inheriting = want_inheriting & dir->rights_inheriting;

  const bool read = want_base & (rights::kFdRead | rights::kFdReaddir);
  const bool write = want_base & (rights::kFdWrite | rights::kFdAllocate | rights::kFdDatasync |
                                  rights::kFdFilestatSetSize);
  int flags = O_CLOEXEC | O_NOFOLLOW; // the final symlink was followed by resolve() if asked
  if ((oflags & 2) || p.must_be_directory) flags |= O_DIRECTORY;
  const int access = write ? (read ? O_RDWR : O_WRONLY) : O_RDONLY;
  if (oflags & 1) flags |= O_CREAT;
  if (oflags & 4) flags |= O_EXCL;
  if (oflags & 8) flags |= O_TRUNC;
  if (fdflags & 1) flags |= O_APPEND;
  if (fdflags & 2) flags |= O_DSYNC;
  if (fdflags & 4) flags |= O_NONBLOCK;
  if (fdflags & (8 | 16)) flags |= O_SYNC;
  int fd = openat(p.dir_fd, p.name.c_str(), flags | access, 0666);
  if (fd < 0 && errno == EISDIR && access != O_RDONLY && !(want_base & rights::kFdWrite))
    fd = openat(p.dir_fd, p.name.c_str(), flags | O_RDONLY, 0666);
  if (fd < 0) return host_error();
  auto e = std::make_shared<FdEntry>();
  e->host_fd = fd;
  struct stat st;
  e->type = fstat(fd, &st) == 0 ? file_type_of_mode(st.st_mode, fd) : kUnknown;
  const uint64_t possible = e->type == kDirectory ? rights::kDirectory : rights::kFile;
  e->rights_base = granted_base & possible;
  e->rights_inheriting = e->type == kDirectory ? granted_inheriting : 0;
  c.mem.store<uint32_t>(out, c.ctx.insert(std::move(e)));
  return kSuccess;
}

uint32_t path_readlink(Call& c) {
  ResolvedPath p;
  if (uint16_t err =
          resolve_path(c, c.u32(0), rights::kPathReadlink, c.u32(1), c.u32(2), false, &p))
    return err;
  const uint32_t buf = c.u32(3), buf_len = c.u32(4), used_ptr = c.u32(5);
  if (!c.mem.fits(buf, buf_len) || !c.mem.fits(used_ptr, 4)) return kFault;
  char target[PATH_MAX];
  ssize_t n = readlinkat(p.dir_fd, p.name.c_str(), target, sizeof target);
  if (n < 0) return host_error();
  const uint32_t copied = std::min<uint32_t>(static_cast<uint32_t>(n), buf_len);
  std::memcpy(c.mem.at(buf), target, copied);
  c.mem.store<uint32_t>(used_ptr, copied);
  return kSuccess;
}

uint32_t path_remove_directory(Call& c) {
  ResolvedPath p;
  if (uint16_t err =
          resolve_path(c, c.u32(0), rights::kPathRemoveDirectory, c.u32(1), c.u32(2), false, &p))
    return err;
  return unlinkat(p.dir_fd, p.name.c_str(), AT_REMOVEDIR) == 0 ? kSuccess : host_error();
}

uint32_t path_rename(Call& c) {
  ResolvedPath from, to;
  if (uint16_t err =
          resolve_path(c, c.u32(0), rights::kPathRenameSource, c.u32(1), c.u32(2), false, &from))
    return err;
  if (uint16_t err =
          resolve_path(c, c.u32(3), rights::kPathRenameTarget, c.u32(4), c.u32(5), false, &to))
    return err;
  // "new/" needs a directory to move (POSIX rename; wasmtime drops the slash).
  bool from_directory = false;
  if (to.must_be_directory && exists(from, &from_directory) && !from_directory) return kNotdir;
  return renameat(from.dir_fd, from.name.c_str(), to.dir_fd, to.name.c_str()) == 0 ? kSuccess
                                                                                   : host_error();
}

// path_symlink(old_path, fd, new_path): the link's content is stored as
// given; following it later is sandboxed by resolve(). An absolute target
// is refused at once with EPERM (as wasmtime/cap-std do): it could never be
// followed inside the sandbox, and a host program might follow it outside.
uint32_t path_symlink(Call& c) {
  std::string target;
  if (!c.mem.string(c.u32(0), c.u32(1), &target)) return kFault;
  if (target.find('\0') != std::string::npos) return kInval;
  if (!target.empty() && target[0] == '/') return kPerm;
  ResolvedPath p;
  if (uint16_t err = resolve_path(c, c.u32(2), rights::kPathSymlink, c.u32(3), c.u32(4), false, &p))
    return err;
  if (uint16_t err = check_new_name_slash(p)) return err;
  return symlinkat(target.c_str(), p.dir_fd, p.name.c_str()) == 0 ? kSuccess : host_error();
}

uint32_t path_unlink_file(Call& c) {
  ResolvedPath p;
  if (uint16_t err =
          resolve_path(c, c.u32(0), rights::kPathUnlinkFile, c.u32(1), c.u32(2), false, &p))
    return err;
  return unlinkat(p.dir_fd, p.name.c_str(), 0) == 0 ? kSuccess : host_error();
}

// ---- poll_oneoff ----

uint64_t monotonic_now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return to_ns(ts);
}

} // namespace

// poll_oneoff(in, out, nsubscriptions, *nevents), subscriptions as `layout`
// says. event (32 bytes, both versions): userdata u64, error u16 @8,
// type u8 @10, fd_readwrite {nbytes u64 @16, flags u16 @24}.
// Waits (ppoll) until an fd is ready or the earliest clock expires.
uint32_t poll_oneoff_as(Call& c, const SubscriptionLayout& layout) {
  const uint32_t in = c.u32(0), out = c.u32(1), count = c.u32(2), nevents_ptr = c.u32(3);
  if (count == 0) return kInval;
  if (!c.mem.fits(in, uint64_t{count} * layout.size) || !c.mem.fits(out, uint64_t{count} * 32) ||
      !c.mem.fits(nevents_ptr, 4))
    return kFault;

  struct Event {
    uint64_t userdata;
    uint16_t error;
    uint8_t type;
    uint64_t nbytes;
    uint16_t flags;
  };
  struct Clock {
    uint64_t userdata;
    uint64_t deadline; // CLOCK_MONOTONIC ns
  };
  struct FdWait {
    uint64_t userdata;
    uint8_t type;
    int host_fd;
  };
  std::vector<Event> events;
  std::vector<Clock> clocks;
  std::vector<FdWait> waits;
  std::vector<FdHandle> held;
  const uint64_t start = monotonic_now();
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t s = in + i * layout.size;
    uint64_t userdata;
    uint8_t tag;
    c.mem.load(s, &userdata);
    c.mem.load(s + 8, &tag);
    if (tag == 0) {
      const uint32_t k = s + layout.clock_at;
      uint32_t id;
      uint64_t timeout;
      uint16_t flags;
      c.mem.load(k, &id);
      c.mem.load(k + 8, &timeout);
      c.mem.load(k + 24, &flags);
      clockid_t host;
      if (!host_clock(id, &host)) {
        events.push_back({userdata, kInval, 0, 0, 0});
        continue;
      }
      uint64_t relative = timeout;
      if (flags & 1) { // absolute time on that clock
        timespec now;
        clock_gettime(host, &now);
        relative = timeout > to_ns(now) ? timeout - to_ns(now) : 0;
      }
      clocks.push_back({userdata, relative > UINT64_MAX - start ? UINT64_MAX : start + relative});
    } else if (tag == 1 || tag == 2) {
      uint32_t fd;
      c.mem.load(s + 16, &fd);
      FdHandle e;
      if (uint16_t err = c.ctx.lookup(fd, rights::kPollFdReadwrite, &e)) {
        events.push_back({userdata, err, tag, 0, 0});
        continue;
      }
      waits.push_back({userdata, tag, e->host_fd});
      held.push_back(std::move(e)); // the host fd stays open while polled
    } else {
      return kInval;
    }
  }

  std::vector<pollfd> pfds;
  for (const FdWait& w : waits)
    pfds.push_back({w.host_fd, static_cast<short>(w.type == 1 ? POLLIN : POLLOUT), 0});
  while (events.empty()) {
    const uint64_t now = monotonic_now();
    uint64_t earliest = UINT64_MAX;
    for (const Clock& k : clocks)
      earliest = std::min(earliest, k.deadline);
    timespec wait{};
    timespec* wait_ptr = nullptr;
    if (earliest != UINT64_MAX) {
      const uint64_t left = earliest > now ? earliest - now : 0;
      wait = {static_cast<time_t>(left / 1'000'000'000u), static_cast<long>(left % 1'000'000'000u)};
      wait_ptr = &wait;
    }
    int ready = ppoll(pfds.data(), pfds.size(), wait_ptr, nullptr);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return host_error();
    }
    for (size_t i = 0; i < waits.size(); ++i) {
      const short re = pfds[i].revents;
      if (!re) continue;
      Event ev{waits[i].userdata, kSuccess, waits[i].type, 0, 0};
      if (re & POLLNVAL) ev.error = kBadf;
      if (re & POLLHUP) ev.flags = 1; // fd_readwrite_hangup
      if (waits[i].type == 1) {
        int avail = 0;
        struct stat st;
        if (ioctl(waits[i].host_fd, FIONREAD, &avail) == 0) {
          ev.nbytes = static_cast<uint64_t>(avail);
        } else if (fstat(waits[i].host_fd, &st) == 0 && S_ISREG(st.st_mode)) {
          const off_t pos = lseek(waits[i].host_fd, 0, SEEK_CUR);
          ev.nbytes = pos >= 0 && st.st_size > pos ? static_cast<uint64_t>(st.st_size - pos) : 0;
        }
      }
      events.push_back(ev);
    }
    const uint64_t after = monotonic_now();
    for (const Clock& k : clocks)
      if (after >= k.deadline) events.push_back({k.userdata, kSuccess, 0, 0, 0});
    if (clocks.empty() && waits.empty()) break;
  }

  for (size_t i = 0; i < events.size(); ++i) {
    const uint32_t e = out + static_cast<uint32_t>(i) * 32;
    std::memset(c.mem.at(e), 0, 32);
    c.mem.store<uint64_t>(e, events[i].userdata);
    c.mem.store<uint16_t>(e + 8, events[i].error);
    c.mem.store<uint8_t>(e + 10, events[i].type);
    c.mem.store<uint64_t>(e + 16, events[i].nbytes);
    c.mem.store<uint16_t>(e + 24, events[i].flags);
  }
  c.mem.store<uint32_t>(nevents_ptr, static_cast<uint32_t>(events.size()));
  return kSuccess;
}

namespace {

// subscription (48 bytes): userdata u64, tag u8 @8, then clock {id u32 @16,
// timeout u64 @24, precision u64 @32, flags u16 @40} or fd_readwrite {fd u32 @16}.
uint32_t poll_oneoff(Call& c) { return poll_oneoff_as(c, {48, 16}); }

// ---- sockets ----

// The socket behind `fd` holding `needed`: EBADF when there is no such fd,
// ENOTSOCK (as wasmtime) when it is not a socket, before any rights check.
uint16_t lookup_socket(Call& c, uint64_t needed, FdHandle* out) {
  FdHandle e = c.ctx.get(c.u32(0));
  if (!e) return kBadf;
  if (e->type != kSocketStream && e->type != kSocketDgram) return kNotsock;
  return c.ctx.lookup(c.u32(0), needed, out);
}

uint32_t sock_accept(Call& c) {
  FdHandle e;
  if (uint16_t err = lookup_socket(c, rights::kSockAccept, &e)) return err;
  const uint32_t flags = c.u32(1), out = c.u32(2);
  if (flags & ~4u) return kInval; // only fdflags.nonblock
  if (!c.mem.fits(out, 4)) return kFault;
  int fd = accept4(e->host_fd, nullptr, nullptr, SOCK_CLOEXEC | ((flags & 4) ? SOCK_NONBLOCK : 0));
  if (fd < 0) return host_error();
  auto conn = std::make_shared<FdEntry>();
  conn->host_fd = fd;
  conn->type = kSocketStream;
  conn->rights_base = rights::kSocket & ~rights::kSockAccept;
  c.mem.store<uint32_t>(out, c.ctx.insert(std::move(conn)));
  return kSuccess;
}

// sock_recv(fd, ri_data, ri_data_len, ri_flags, *ro_datalen, *ro_flags).
uint32_t sock_recv(Call& c) {
  FdHandle e;
  if (uint16_t err = lookup_socket(c, rights::kFdRead, &e)) return err;
  const uint32_t ri_flags = c.u32(3), len_ptr = c.u32(4), flags_ptr = c.u32(5);
  if (ri_flags & ~3u) return kInval;
  std::vector<iovec> iov;
  if (uint16_t err = gather(c.mem, c.u32(1), c.u32(2), &iov)) return err;
  if (!c.mem.fits(len_ptr, 4) || !c.mem.fits(flags_ptr, 2)) return kFault;
  msghdr msg{};
  msg.msg_iov = iov.data();
  msg.msg_iovlen = iov.size();
  int flags = ((ri_flags & 1) ? MSG_PEEK : 0) | ((ri_flags & 2) ? MSG_WAITALL : 0);
  ssize_t n = recvmsg(e->host_fd, &msg, flags);
  if (n < 0) return host_error();
  c.mem.store<uint32_t>(len_ptr, static_cast<uint32_t>(n));
  c.mem.store<uint16_t>(flags_ptr, (msg.msg_flags & MSG_TRUNC) ? 1 : 0);
  return kSuccess;
}

// sock_send(fd, si_data, si_data_len, si_flags, *so_datalen). MSG_NOSIGNAL:
// a closed peer is EPIPE for the guest, not a SIGPIPE for the host.
uint32_t sock_send(Call& c) {
  FdHandle e;
  if (uint16_t err = lookup_socket(c, rights::kFdWrite, &e)) return err;
  if (c.u32(3) != 0) return kInval; // no siflags are defined
  std::vector<iovec> iov;
  if (uint16_t err = gather(c.mem, c.u32(1), c.u32(2), &iov)) return err;
  if (!c.mem.fits(c.u32(4), 4)) return kFault;
  msghdr msg{};
  msg.msg_iov = iov.data();
  msg.msg_iovlen = iov.size();
  ssize_t n = sendmsg(e->host_fd, &msg, MSG_NOSIGNAL);
  if (n < 0) return host_error();
  c.mem.store<uint32_t>(c.u32(4), static_cast<uint32_t>(n));
  return kSuccess;
}

uint32_t sock_shutdown(Call& c) {
  FdHandle e;
  if (uint16_t err = lookup_socket(c, rights::kSockShutdown, &e)) return err;
  const uint32_t how = c.u32(1);
  if (how == 0 || how > 3) return kInval;
  const int host_how = how == 1 ? SHUT_RD : how == 2 ? SHUT_WR : SHUT_RDWR;
  return shutdown(e->host_fd, host_how) == 0 ? kSuccess : host_error();
}

// ---- the function table ----

constexpr FunctionSpec kFunctions[] = {
    {"args_get", "ii", true, args_get},
    {"args_sizes_get", "ii", true, args_sizes_get},
    {"environ_get", "ii", true, environ_get},
    {"environ_sizes_get", "ii", true, environ_sizes_get},
    {"clock_res_get", "ii", true, clock_res_get},
    {"clock_time_get", "iIi", true, clock_time_get},
    {"fd_advise", "iIIi", true, fd_advise},
    {"fd_allocate", "iII", true, fd_allocate},
    {"fd_close", "i", true, fd_close},
    {"fd_datasync", "i", true, fd_datasync},
    {"fd_fdstat_get", "ii", true, fd_fdstat_get},
    {"fd_fdstat_set_flags", "ii", true, fd_fdstat_set_flags},
    {"fd_fdstat_set_rights", "iII", true, fd_fdstat_set_rights},
    {"fd_filestat_get", "ii", true, fd_filestat_get},
    {"fd_filestat_set_size", "iI", true, fd_filestat_set_size},
    {"fd_filestat_set_times", "iIIi", true, fd_filestat_set_times},
    {"fd_pread", "iiiIi", true, fd_pread},
    {"fd_prestat_get", "ii", true, fd_prestat_get},
    {"fd_prestat_dir_name", "iii", true, fd_prestat_dir_name},
    {"fd_pwrite", "iiiIi", true, fd_pwrite},
    {"fd_read", "iiii", true, fd_read},
    {"fd_readdir", "iiiIi", true, fd_readdir},
    {"fd_renumber", "ii", true, fd_renumber},
    {"fd_seek", "iIii", true, fd_seek},
    {"fd_sync", "i", true, fd_sync},
    {"fd_tell", "ii", true, fd_tell},
    {"fd_write", "iiii", true, fd_write},
    {"path_create_directory", "iii", true, path_create_directory},
    {"path_filestat_get", "iiiii", true, path_filestat_get},
    {"path_filestat_set_times", "iiiiIIi", true, path_filestat_set_times},
    {"path_link", "iiiiiii", true, path_link},
    {"path_open", "iiiiiIIii", true, path_open},
    {"path_readlink", "iiiiii", true, path_readlink},
    {"path_remove_directory", "iii", true, path_remove_directory},
    {"path_rename", "iiiiii", true, path_rename},
    {"path_symlink", "iiiii", true, path_symlink},
    {"path_unlink_file", "iii", true, path_unlink_file},
    {"poll_oneoff", "iiii", true, poll_oneoff},
    {"proc_exit", "i", false, proc_exit},
    {"proc_raise", "i", true, proc_raise},
    {"sched_yield", "", true, sched_yield_},
    {"random_get", "ii", true, random_get},
    {"sock_accept", "iii", true, sock_accept},
    {"sock_recv", "iiiiii", true, sock_recv},
    {"sock_send", "iiiii", true, sock_send},
    {"sock_shutdown", "ii", true, sock_shutdown},
};
static_assert(std::size(kFunctions) == 46);

} // namespace

std::span<const FunctionSpec> preview1_functions() { return kFunctions; }

} // namespace kite::wasi

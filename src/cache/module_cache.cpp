#include "cache/module_cache.h"

#include "cache/aegis_mac.h"
#include "support/file_io.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <random>
#include <string_view>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#ifndef KITE_VALIDATOR_ID
#error "KITE_VALIDATOR_ID (a hash of the sources that decide validity) comes from CMakeLists.txt"
#endif

namespace kite::cache {

namespace {

// Entry file layout (little-endian):
//   0  magic "KITEMODC"      8  format version (u32)   12 options (u32)
//  16  module size (u64)    24  module MAC (32)        56 validator id (32)
//  88  payload length (u32) 92  zero (u32)
//  96  payload              ... keyed BLAKE3 of everything before it (32)
constexpr char kMagic[8] = {'K', 'I', 'T', 'E', 'M', 'O', 'D', 'C'};
// 1 keyed entries by the plain BLAKE3 of the module; 2 had no code layout.
constexpr uint32_t kFormat = 4;
// In Key::options: the module MAC is AEGISMAC-128L (else keyed BLAKE3).
constexpr uint32_t kKeyedByAegis = uint32_t{1} << 31;
constexpr size_t kHeaderSize = 96;
constexpr size_t kMacSize = 32;
// A code layout takes ~6 bytes per function (LLVM's 133,000: 1.26 MB).
constexpr size_t kMaxPayload = size_t{256} << 20;
constexpr const char* kSuffix = ".entry";

// The validator's identity: entries of another build do not apply.
const Digest& validator_id() {
  static const Digest id = [] {
    const char text[] = KITE_VALIDATOR_ID;
    return blake3({reinterpret_cast<const uint8_t*>(text), sizeof text - 1});
  }();
  return id;
}

template <typename T> void put(std::vector<uint8_t>& out, size_t at, T v) {
  std::memcpy(out.data() + at, &v, sizeof v);
}
template <typename T> T get(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// The header of `key`'s entry with a payload of `payload_len` bytes.
std::vector<uint8_t> header(const Key& key, uint32_t payload_len) {
  std::vector<uint8_t> out(kHeaderSize, 0);
  std::memcpy(out.data(), kMagic, 8);
  put(out, 8, kFormat);
  put(out, 12, key.options);
  put(out, 16, key.size);
  std::memcpy(out.data() + 24, key.module.data(), 32);
  std::memcpy(out.data() + 56, validator_id().data(), 32);
  put(out, 88, payload_len);
  return out;
}

std::string hex(std::span<const uint8_t> bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (uint8_t b : bytes) {
    s += kHex[b >> 4];
    s += kHex[b & 15];
  }
  return s;
}

// A file of exactly `max` bytes or fewer, whole; nullopt if unreadable.
// The whole file at `path` if it is a regular file of at most `max` bytes.
std::optional<ByteBuffer> read_whole_file(const std::string& path, size_t max) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st{};
  std::optional<ByteBuffer> out;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) <= max) {
    ByteBuffer bytes = ByteBuffer::uninitialized(static_cast<size_t>(st.st_size));
    if (read_fully(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()))
      out = std::move(bytes);
  }
  ::close(fd);
  return out;
}

// Writes `bytes` to `path` through a temporary file in the same directory,
// renamed into place (or, with `exclusive`, linked: an existing file wins).
bool write_file_atomically(const std::string& dir, const std::string& path,
                           std::span<const uint8_t> bytes, bool exclusive) {
  std::random_device random;
  const std::string tmp = dir + "/.tmp." + std::to_string(::getpid()) + "." +
                          std::to_string(random()) + "." + std::to_string(random());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  bool ok = write_fully(fd, bytes.data(), bytes.size());
  ok = ::close(fd) == 0 && ok;
  if (ok)
    ok = exclusive ? ::link(tmp.c_str(), path.c_str()) == 0
                   : ::rename(tmp.c_str(), path.c_str()) == 0;
  ::unlink(tmp.c_str()); // after a rename, nothing is there any more
  return ok;
}

// The directory's secret, made on first use by whichever process gets there
// first (a damaged one is replaced: the entries made under it are then
// rejected, which only costs their speed-up).
std::optional<Digest> load_secret(const std::string& dir) {
  const std::string path = dir + "/secret";
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (auto bytes = read_whole_file(path, 64); bytes && bytes->size() == 32) {
      Digest d;
      std::copy(bytes->begin(), bytes->end(), d.begin());
      return d;
    }
    if (attempt == 2) break;
    Digest fresh;
    if (::getrandom(fresh.data(), fresh.size(), 0) != static_cast<ssize_t>(fresh.size())) break;
    write_file_atomically(dir, path, fresh, /*exclusive=*/attempt == 0);
  }
  return std::nullopt;
}

bool make_dirs(const std::string& dir) {
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i < dir.size() && dir[i] != '/') continue;
    const std::string part = dir.substr(0, i);
    if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) return false;
  }
  struct stat st{};
  return ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

} // namespace

std::shared_ptr<ModuleCache> ModuleCache::open(const std::string& dir, uint64_t max_bytes) {
  if (dir.empty() || !make_dirs(dir)) return nullptr;
  auto secret = load_secret(dir);
  if (!secret) return nullptr;
  return std::shared_ptr<ModuleCache>(new ModuleCache(dir, *secret, max_bytes));
}

std::string ModuleCache::default_dir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg == '/')
    return std::string(xdg) + "/kite";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.cache/kite";
  return {};
}

ModuleCache::ModuleCache(std::string dir, Digest secret, uint64_t max_bytes)
    : dir_(std::move(dir)), secret_(secret), max_bytes_(max_bytes) {
  auto derive = [&](std::string_view purpose) {
    return blake3_keyed(secret_,
                        {reinterpret_cast<const uint8_t*>(purpose.data()), purpose.size()});
  };
  chunk_key_ = derive("kite module cache: module piece MAC key");
  tags_key_ = derive("kite module cache: piece tags MAC key");
}

namespace {
Digest mac_under(const Digest& key, std::span<const uint8_t> data) {
  if (aegis_mac_available()) {
    // The MAC allows one (key, nonce) for every input; the key is the first
    // half of `key`, the nonce fixed.
    MacKey mac_key;
    std::copy_n(key.begin(), mac_key.size(), mac_key.begin());
    return aegis_mac_128l(mac_key, MacNonce{}, data);
  }
  return blake3_keyed(key, data);
}
} // namespace

Digest ModuleCache::chunk_tag(std::span<const uint8_t> chunk) const {
  return mac_under(chunk_key_, chunk);
}

Key ModuleCache::key_of_tags(std::span<const Digest> tags, uint64_t module_size,
                             uint32_t options) const {
  const auto bytes = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(tags.data()),
                                              tags.size() * sizeof(Digest));
  return Key{mac_under(tags_key_, bytes), module_size,
             options | (aegis_mac_available() ? kKeyedByAegis : 0)};
}

Key ModuleCache::key_of(std::span<const uint8_t> module, uint32_t options) const {
  std::vector<Digest> tags((module.size() + kChunkSize - 1) / kChunkSize);
  for (size_t i = 0; i < tags.size(); ++i)
    tags[i] = chunk_tag(
        module.subspan(i * kChunkSize, std::min(kChunkSize, module.size() - i * kChunkSize)));
  return key_of_tags(tags, module.size(), options);
}

std::string ModuleCache::entry_path(const Key& key) const {
  // Named by a hash of the whole key, so builds and options do not collide.
  const std::vector<uint8_t> h = header(key, 0);
  const Digest name = blake3(std::span<const uint8_t>(h).subspan(8, 80));
  return dir_ + "/" + hex(std::span<const uint8_t>(name).first(16)) + kSuffix;
}

std::optional<Facts> ModuleCache::lookup(const Key& key) const {
  const std::string path = entry_path(key);
  auto bytes = read_whole_file(path, kHeaderSize + kMaxPayload + kMacSize);
  if (!bytes || bytes->size() < kHeaderSize + kMacSize) return std::nullopt;
  const size_t payload_len = bytes->size() - kHeaderSize - kMacSize;
  const std::vector<uint8_t> expected = header(key, static_cast<uint32_t>(payload_len));
  if (!std::equal(expected.begin(), expected.end(), bytes->begin())) return std::nullopt;
  const auto signed_part = std::span<const uint8_t>(*bytes).first(bytes->size() - kMacSize);
  const Digest mac = blake3_keyed(secret_, signed_part);
  if (!std::equal(mac.begin(), mac.end(), bytes->end() - kMacSize)) return std::nullopt;
  if (payload_len < 4) return std::nullopt;
  const uint32_t flags = get<uint32_t>(bytes->data() + kHeaderSize);
  Facts facts;
  facts.validated = flags & 1;
  facts.entry = std::move(*bytes);
  facts.code_layout =
      std::span<const uint8_t>(facts.entry).subspan(kHeaderSize + 4, payload_len - 4);
  ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0); // recently used: evicted last
  return facts;
}

void ModuleCache::store(const Key& key, bool validated,
                        std::span<const uint8_t> code_layout) const {
  const size_t payload_len = 4 + code_layout.size();
  if (payload_len > kMaxPayload) return;
  std::vector<uint8_t> entry = header(key, static_cast<uint32_t>(payload_len));
  entry.reserve(kHeaderSize + payload_len + kMacSize);
  const uint32_t flags = validated ? 1 : 0;
  entry.resize(kHeaderSize + 4);
  put(entry, kHeaderSize, flags);
  entry.insert(entry.end(), code_layout.begin(), code_layout.end());
  const Digest mac = blake3_keyed(secret_, entry);
  entry.insert(entry.end(), mac.begin(), mac.end());
  const std::string path = entry_path(key);
  if (write_file_atomically(dir_, path, entry, /*exclusive=*/false)) evict(path);
}

// Removes the least recently used entries (but `keep`, just written) until
// the rest fit the limit.
void ModuleCache::evict(const std::string& keep) const {
  DIR* d = ::opendir(dir_.c_str());
  if (!d) return;
  struct Entry {
    std::string path;
    int64_t mtime_ns;
    uint64_t size;
  };
  std::vector<Entry> entries;
  uint64_t total = 0;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (!name.ends_with(kSuffix)) continue;
    struct stat st{};
    std::string path = dir_ + "/" + name;
    if (::stat(path.c_str(), &st) != 0) continue;
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    total += size;
    entries.push_back(
        {std::move(path), st.st_mtim.tv_sec * 1'000'000'000 + st.st_mtim.tv_nsec, size});
  }
  ::closedir(d);
  if (total <= max_bytes_) return;
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.mtime_ns < b.mtime_ns; });
  for (const Entry& e : entries) {
    if (total <= max_bytes_) break;
    if (e.path != keep && ::unlink(e.path.c_str()) == 0) total -= e.size;
  }
}

} // namespace kite::cache

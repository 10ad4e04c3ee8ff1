// Fuzz target (d): structure-aware. Runs like instantiate_run, but its custom
// mutator keeps the binary's section framing intact: it splits the module
// into sections (and the code section into function bodies), lets libFuzzer
// mutate one section payload or one function body, drops or duplicates a
// section now and then, and re-encodes every size field. Starting from the
// testsuite's modules (the fuzz_corpus target), mutations therefore reach the
// validator, instantiation and the interpreter instead of dying in the
// decoder's size checks.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <random>
#include <vector>

#include "harness.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace {

using Bytes = std::vector<uint8_t>;

struct Section {
  uint8_t id;
  Bytes payload;
};

constexpr uint8_t kCodeSection = 10;
constexpr uint8_t kHeader[8] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};

std::optional<uint32_t> read_u32(const uint8_t*& p, const uint8_t* end) {
  uint64_t value = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (p == end) return std::nullopt;
    uint8_t byte = *p++;
    value |= uint64_t{byte & 0x7fu} << shift;
    if (!(byte & 0x80)) return value <= UINT32_MAX ? std::optional<uint32_t>(value) : std::nullopt;
  }
  return std::nullopt;
}

void put_u32(Bytes& out, uint32_t v) {
  do {
    uint8_t byte = v & 0x7f;
    v >>= 7;
    out.push_back(byte | (v ? 0x80 : 0));
  } while (v);
}

std::optional<std::vector<Section>> split_sections(const uint8_t* data, size_t size) {
  if (size < sizeof(kHeader) || std::memcmp(data, kHeader, sizeof(kHeader)) != 0)
    return std::nullopt;
  std::vector<Section> sections;
  const uint8_t *p = data + sizeof(kHeader), *end = data + size;
  while (p != end) {
    uint8_t id = *p++;
    auto len = read_u32(p, end);
    if (!len || *len > static_cast<size_t>(end - p)) return std::nullopt;
    sections.push_back(Section{id, Bytes(p, p + *len)});
    p += *len;
  }
  return sections;
}

std::optional<std::vector<Bytes>> split_bodies(const Bytes& code) {
  const uint8_t *p = code.data(), *end = p + code.size();
  auto count = read_u32(p, end);
  if (!count) return std::nullopt;
  std::vector<Bytes> bodies;
  for (uint32_t i = 0; i < *count; ++i) {
    auto len = read_u32(p, end);
    if (!len || *len > static_cast<size_t>(end - p)) return std::nullopt;
    bodies.emplace_back(p, p + *len);
    p += *len;
  }
  return p == end ? std::optional(bodies) : std::nullopt;
}

Bytes join_bodies(const std::vector<Bytes>& bodies) {
  Bytes out;
  put_u32(out, static_cast<uint32_t>(bodies.size()));
  for (const Bytes& b : bodies) {
    put_u32(out, static_cast<uint32_t>(b.size()));
    out.insert(out.end(), b.begin(), b.end());
  }
  return out;
}

// Lets libFuzzer mutate `bytes` in place, growing it by at most `room`.
void mutate(Bytes& bytes, size_t room) {
  size_t size = bytes.size();
  bytes.resize(size + room + 1); // LLVMFuzzerMutate needs a non-empty buffer
  if (size == 0) bytes[0] = 0;
  bytes.resize(LLVMFuzzerMutate(bytes.data(), size ? size : 1, bytes.size()));
}

} // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned seed) {
  std::minstd_rand rng(seed);
  auto sections = split_sections(data, size);
  if (!sections || sections->empty() || rng() % 16 == 0)
    return LLVMFuzzerMutate(data, size, max_size);

  const size_t room = max_size > size ? std::min<size_t>(max_size - size, 64) : 0;
  const size_t index = rng() % sections->size();
  Section& target = (*sections)[index];
  switch (rng() % 8) {
  case 0: // drop a section
    sections->erase(sections->begin() + index);
    break;
  case 1: { // duplicate a section (order and count errors)
    Section copy = target;
    sections->insert(sections->begin() + index, std::move(copy));
    break;
  }
  default:
    if (target.id == kCodeSection) {
      if (auto bodies = split_bodies(target.payload); bodies && !bodies->empty()) {
        mutate((*bodies)[rng() % bodies->size()], room);
        target.payload = join_bodies(*bodies);
        break;
      }
    }
    mutate(target.payload, room);
    break;
  }

  Bytes out(kHeader, kHeader + sizeof(kHeader));
  for (const Section& s : *sections) {
    out.push_back(s.id);
    put_u32(out, static_cast<uint32_t>(s.payload.size()));
    out.insert(out.end(), s.payload.begin(), s.payload.end());
  }
  if (out.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, out.data(), out.size());
  return out.size();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (auto module = kite::fuzz::compile({data, size})) kite::fuzz::run_module(module);
  return 0;
}

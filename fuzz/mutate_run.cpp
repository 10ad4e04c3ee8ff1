// Fuzz target (d): structure-aware and differential.
//
// Structure: the custom mutator keeps the binary's section framing intact:
// it splits the module into sections (and the code section into function
// bodies), lets libFuzzer mutate one section payload or one function body,
// drops or duplicates a section now and then, and re-encodes every size
// field. Starting from the testsuite's modules (the fuzz_corpus target),
// mutations therefore reach the validator, instantiation and the interpreter
// instead of dying in the decoder's size checks.
//
// Differential: every module that validates is run twice, as it is and with
// an empty `block end` after every instruction of every body. The blocks
// change nothing a program can observe, but they make the translator
// materialise its operand stack everywhere, so the second run executes
// without the fused, immediate and retargeted forms of the first. Both runs
// must validate and must give the same transcript (results, traps, memory
// and global digests).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "binary/instr_reader.h"
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

// `m` with `block end` (02 40 0b) after every instruction of every body
// except the last `end`; the other sections are copied.
Bytes with_empty_blocks(const kite::Module& m) {
  auto sections = split_sections(m.bytes.data(), m.bytes.size());
  Bytes out(kHeader, kHeader + sizeof(kHeader));
  for (const Section& s : *sections) {
    Bytes payload = s.payload;
    if (s.id == kCodeSection) {
      std::vector<Bytes> bodies;
      for (uint32_t f = m.num_imported_functions; f < m.functions.size(); ++f) {
        const kite::FunctionDecl& decl = m.functions[f];
        const uint8_t* p = m.bytes.data() + decl.code_offset;
        (void)read_u32(p, m.bytes.data() + m.bytes.size()); // the body size
        Bytes body(p, m.data_at(decl.body));                // the locals
        kite::InstrReader reader(m.data_at(decl.body), decl.body.size, decl.body.offset);
        kite::Instr in;
        while (!reader.at_end()) {
          const uint64_t start = reader.offset();
          (void)reader.next(in); // validated
          body.insert(body.end(), m.bytes.data() + start, m.bytes.data() + reader.offset());
          if (!reader.at_end()) body.insert(body.end(), {0x02, 0x40, 0x0b});
        }
        bodies.push_back(std::move(body));
      }
      payload = join_bodies(bodies);
    }
    out.push_back(s.id);
    put_u32(out, static_cast<uint32_t>(payload.size()));
    out.insert(out.end(), payload.begin(), payload.end());
  }
  return out;
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
  auto module = kite::fuzz::compile({data, size});
  if (!module) return 0;
  const std::string transcript = kite::fuzz::run_module(module);
  const Bytes twin_bytes = with_empty_blocks(*module);
  auto twin = kite::fuzz::compile(twin_bytes);
  if (!twin) {
    std::fprintf(stderr, "adding empty blocks made the module invalid\n");
    std::abort();
  }
  const std::string twin_transcript = kite::fuzz::run_module(twin);
  if (twin_transcript != transcript) {
    std::fprintf(stderr, "transcripts differ\n-- as given:\n%s-- with empty blocks:\n%s",
                 transcript.c_str(), twin_transcript.c_str());
    std::abort();
  }
  return 0;
}

// `kite inspect [--disasm] [--ir FUNC] FILE`: what a module contains, its
// instructions, and what kite's translator made of a function.
#include <cinttypes>
#include <cstdio>

#include "binary/instr_reader.h"
#include "cli/cli.h"
#include "interp/interp.h"
#include "kite/kite.h"
#include "kite/wasi.h"
#include "runtime/objects.h"

namespace kite::cli {

namespace {

constexpr const char* kInspectHelp = R"(usage: kite inspect [OPTIONS] FILE

Prints the module's types, imports, exports and functions.
  --disasm      also disassemble every function body
  --ir FUNC     print kite's register IR for FUNC (an export name or index)
)";

std::string func_type_text(const FuncType& t) {
  std::string s = "(";
  for (size_t i = 0; i < t.params.size(); ++i)
    s += (i ? " " : "") + to_string(t.params[i]);
  s += ") -> (";
  for (size_t i = 0; i < t.results.size(); ++i)
    s += (i ? " " : "") + to_string(t.results[i]);
  return s + ")";
}

std::string extern_type_text(const api::ExternType& t) {
  switch (t.kind) {
  case ExternKind::Func: return "func " + func_type_text(t.func);
  case ExternKind::Tag: return "tag " + func_type_text(t.func);
  case ExternKind::Global:
    return std::string("global ") + (t.global.mut ? "mut " : "") + to_string(t.global.type);
  case ExternKind::Memory: {
    const Limits& l = t.memory.limits;
    std::string s = std::string("memory ") + (l.is64 ? "i64 " : "") + std::to_string(l.min);
    if (l.max) s += ".." + std::to_string(*l.max);
    return s + (l.shared ? " shared" : "");
  }
  case ExternKind::Table: {
    const Limits& l = t.table.limits;
    std::string s = std::string("table ") + (l.is64 ? "i64 " : "") + std::to_string(l.min);
    if (l.max) s += ".." + std::to_string(*l.max);
    return s + " " + to_string(t.table.elem);
  }
  }
  return "?";
}

// One instruction with its immediates, in text-format order.
std::string instr_text(const Instr& in) {
  const OpInfo& info = op_info(in.op);
  std::string s(info.name());
  auto num = [&](uint64_t v) { s += " " + std::to_string(v); };
  if (const uint32_t n = index_immediates(info.imm)) {
    num(in.a);
    if (n == 2) num(in.b);
    return s;
  }
  switch (info.imm) {
  case ImmKind::None:
  case ImmKind::AtomicFence: break;
  case ImmKind::BlockType:
  case ImmKind::TryTable:
    if (in.block.kind == BlockType::Kind::Value) s += " (result " + to_string(in.block.value) + ")";
    if (in.block.kind == BlockType::Kind::Index)
      s += " (type " + std::to_string(in.block.index) + ")";
    for (const CatchClause& c : in.catches) {
      s += " (catch" + std::to_string(static_cast<int>(c.kind)) + " " + std::to_string(c.tag) +
           " " + std::to_string(c.label) + ")";
    }
    break;
  case ImmKind::LabelTable:
    for (uint32_t l : in.labels)
      num(l);
    break;
  case ImmKind::MemArg:
  case ImmKind::MemArgLane:
    if (in.mem.memory) num(in.mem.memory);
    if (in.mem.offset) s += " offset=" + std::to_string(in.mem.offset);
    s += " align=" + std::to_string(1u << in.mem.align_log2);
    if (info.imm == ImmKind::MemArgLane) num(in.lane);
    break;
  case ImmKind::I32: s += " " + std::to_string(in.i32); break;
  case ImmKind::I64: s += " " + std::to_string(in.i64); break;
  case ImmKind::F32: {
    float f;
    std::memcpy(&f, &in.f32, 4);
    s += " " + std::to_string(f);
    break;
  }
  case ImmKind::F64: {
    double d;
    std::memcpy(&d, &in.f64, 8);
    s += " " + std::to_string(d);
    break;
  }
  case ImmKind::V128:
  case ImmKind::Shuffle:
    for (uint8_t b : in.v128)
      num(b);
    break;
  case ImmKind::Lane: num(in.lane); break;
  case ImmKind::HeapType: s += " " + to_string(in.heap); break;
  case ImmKind::SelectT:
    for (ValType t : in.select_types)
      s += " " + to_string(t);
    break;
  case ImmKind::BrOnCast:
    num(in.a);
    s += " " + to_string(in.cast_from) + " " + to_string(in.cast_to);
    break;
  default: break; // index-only layouts, printed above
  }
  return s;
}

void disassemble(const Module& m, uint32_t index) {
  const FunctionDecl& f = m.functions[index];
  InstrReader reader(m.data_at(f.body), f.body.size, f.body.offset);
  Instr in;
  while (!reader.at_end()) {
    if (!reader.next(in).ok()) {
      std::printf("    <malformed>\n");
      return;
    }
    std::printf("    0x%06" PRIx64 ": %s\n", in.offset, instr_text(in).c_str());
  }
}

} // namespace

int inspect_command(const std::vector<std::string>& args) {
  bool disasm = false;
  std::string ir_func;
  std::string file;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      std::fputs(kInspectHelp, stdout);
      return 0;
    } else if (a == "--disasm") {
      disasm = true;
    } else if (a == "--ir") {
      if (i + 1 >= args.size()) {
        report("inspect: --ir needs a function (export name or index)");
        return 1;
      }
      ir_func = args[++i];
    } else if (a.starts_with("-")) {
      report("inspect: unknown option '" + a + "' (try `kite inspect --help`)");
      return 1;
    } else if (file.empty()) {
      file = a;
    } else {
      report("inspect: more than one file given");
      return 1;
    }
  }
  if (file.empty()) {
    report("inspect: no module file given (try `kite inspect --help`)");
    return 1;
  }
  api::Engine engine;
  auto module = compile_file(engine, file);
  if (!module.ok()) {
    report(file, module.error());
    return 1;
  }
  const Module& m = module->raw();

  if (!ir_func.empty()) {
    // Instantiating runs no code: WASI (nothing preopened) and the spectest
    // module only satisfy the imports of the programs and tests people inspect.
    api::Store store(engine);
    api::Linker linker;
    linker.define_spectest(store);
    auto wasi = wasi::Wasi::create(wasi::Config{});
    if (!wasi.ok()) {
      report(file, wasi.error());
      return 1;
    }
    (*wasi)->define(linker, store);
    auto instance = linker.instantiate(store, *module);
    if (!instance.ok()) {
      report(file, instance.error());
      return 1;
    }
    Function* fn = nullptr;
    if (auto f = instance->func(ir_func)) {
      fn = f->raw();
    } else {
      char* end = nullptr;
      const unsigned long index = std::strtoul(ir_func.c_str(), &end, 10);
      if (*end == '\0' && index < instance->raw()->functions.size()) {
        fn = instance->raw()->functions[index];
      }
    }
    if (!fn) {
      report(file, Error{"no function '" + ir_func + "' (give an export name or an index)"});
      return 1;
    }
    auto ir = interp::dump_ir(*fn);
    if (!ir.ok()) {
      report(file, ir.error());
      return 1;
    }
    std::fputs(ir->c_str(), stdout);
    return 0;
  }

  std::printf("module %s (%zu bytes)\n", file.c_str(), m.bytes.size());
  std::printf("types: %zu\n", m.types.size());
  std::printf("imports: %zu\n", m.imports.size());
  for (const api::ImportType& imp : module->imports()) {
    std::printf("  %s.%s: %s\n", imp.module.c_str(), imp.name.c_str(),
                extern_type_text(imp.type).c_str());
  }
  std::printf("exports: %zu\n", m.exports.size());
  for (const api::ExportType& exp : module->exports()) {
    std::printf("  %s: %s\n", exp.name.c_str(), extern_type_text(exp.type).c_str());
  }
  std::printf("memories: %zu, tables: %zu, globals: %zu, tags: %zu, elems: %zu, datas: %zu\n",
              m.memories.size(), m.tables.size(), m.globals.size(), m.tags.size(), m.elems.size(),
              m.datas.size());
  if (m.start) std::printf("start: func %u\n", *m.start);
  std::printf("functions: %zu (%u imported)\n", m.functions.size(), m.num_imported_functions);
  for (uint32_t i = m.num_imported_functions; i < m.functions.size(); ++i) {
    std::string_view name = m.function_name(i);
    std::printf("  func %u%s%.*s: %s, %u locals, %u body bytes\n", i, name.empty() ? "" : " $",
                static_cast<int>(name.size()), name.data(),
                func_type_text(m.function_type(i)).c_str(), m.functions[i].num_locals,
                m.functions[i].body.size);
    if (disasm) disassemble(m, i);
  }
  return 0;
}

} // namespace kite::cli

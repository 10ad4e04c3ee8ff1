// IR metadata and the text rendering used by `kite inspect --ir`.
#include <cstdio>

#include "translate/ir.h"

namespace kite::ir {

std::string print(const Code& code) {
  std::string out;
  char buf[64];
  std::snprintf(buf, sizeof buf, "; params %u, locals %u, frame %u slots\n", code.num_param_slots,
                code.num_local_slots, code.frame_slots);
  out += buf;
  for (size_t i = 0; i < code.instr_starts.size(); ++i) {
    uint32_t start = code.instr_starts[i];
    const uint64_t* ip = &code.words[start];
    IrOp op = code.instr_ops[i];
    const IrOpInfo& info = ir_op_info(unfused(op));
    std::snprintf(buf, sizeof buf, "%5u: %s", start, std::string(info.name).c_str());
    out += buf;
    uint32_t k = 0;
    for (char c : info.layout) {
      switch (c) {
      case 's': std::snprintf(buf, sizeof buf, " s%u", unit(ip, k++)); break;
      case 'i': // signed when that reads better (addends like -8)
        std::snprintf(buf, sizeof buf, " #%d", static_cast<int32_t>(unit(ip, k++)));
        break;
      case 'j':
        std::snprintf(buf, sizeof buf, " ->%d",
                      static_cast<int32_t>(start) + static_cast<int32_t>(unit(ip, k++)));
        break;
      case 'L':
        std::snprintf(buf, sizeof buf, " #%llu", static_cast<unsigned long long>(unit64(ip, k)));
        k += 2;
        break;
      case 'p':
        std::snprintf(buf, sizeof buf, " @%llx", static_cast<unsigned long long>(unit64(ip, k)));
        k += 2;
        break;
      case 'n': {
        uint32_t n = unit(ip, k++);
        std::string targets = " [";
        for (uint32_t t = 0; t <= n; ++t) {
          std::snprintf(buf, sizeof buf, "%s->%d", t ? " " : "",
                        static_cast<int32_t>(start) + static_cast<int32_t>(unit(ip, k)));
          k += 3;
          targets += buf;
        }
        targets += "]";
        out += targets;
        buf[0] = 0;
        break;
      }
      }
      out += buf;
    }
    if (op != unfused(op)) {
      // Forwarding variants are named A_B_k (ir_fusions.def).
      std::string_view name = ir_op_info(op).name;
      out += name.back() >= '0' && name.back() <= '9'
                 ? "  ; fused with the next, result passed in a register"
                 : "  ; fused with the next";
    }
    out += '\n';
  }
  return out;
}

} // namespace kite::ir

// The GC heap of a build with neither GC nor exception handling
// (cmake/features.cmake): nothing can allocate a heap object there (the
// decoder refuses GC types and instructions, tags and throws), so this heap
// stays empty. It keeps heap.h's interface, so the store, the interpreter's
// collection point and the roots it reports are the same code in every
// build; only heap.cpp's chunks, collector and the object layouts it traces
// (gc/layout.cpp) are left out.
#include "gc/heap.h"

namespace kite::gc {

struct Heap::Chunk {};

Heap::Heap(StorageBudget& own, StorageBudget& shared) : own_budget_(own), shared_budget_(shared) {}

Heap::~Heap() = default;

// Unreachable without GC and exceptions; were it reached, the caller's
// "out of memory" path (a null object) is the honest answer.
void* Heap::allocate_slow(size_t, ObjectKind, uint32_t, bool) { return nullptr; }

// No object exists, so none is marked (mark() pushes heap objects only).
void Heap::trace() { mark_stack_.clear(); }

void Heap::sweep() {
  allocated_since_collection_.store(0, std::memory_order_relaxed);
  ++collections_;
}

} // namespace kite::gc

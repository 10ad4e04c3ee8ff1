// Test support: a module compiled from WAT and instantiated in a store of
// its own, with its exports at hand (the interpreter's unit tests).
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

#include "interp/interp.h"
#include "kite/kite.h"

namespace kite::api::test_support {

struct RunningModule {
  Engine engine;
  Store store{engine};
  Linker linker;
  std::optional<Instance> instance;

  explicit RunningModule(std::string_view wat, EngineConfig config = {}) : engine(config) {
    auto module = Module::compile(engine, wat);
    EXPECT_TRUE(module.ok()) << module.error().describe();
    if (!module.ok()) return;
    auto inst = linker.instantiate(store, *module);
    EXPECT_TRUE(inst.ok()) << inst.error().describe();
    if (inst.ok()) instance = std::move(*inst);
  }
  Func func(std::string_view name) { return *instance->func(name); }
  // The function's register IR, as `kite inspect --ir` prints it.
  std::string ir(std::string_view name) {
    auto text = interp::dump_ir(*func(name).raw());
    EXPECT_TRUE(text.ok());
    return text.ok() ? *text : "";
  }
};

} // namespace kite::api::test_support

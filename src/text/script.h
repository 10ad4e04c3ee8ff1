// The WAST script form: the commands of a .wast file, as parsed by
// parse_script (wast.cpp). Modules written as text are encoded to binary at
// parse time; `(module quote ...)` keeps its text for the runner to parse.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "support/result.h"

namespace kite::wast {

// An argument value of an `invoke` (or a constant in `either`/results).
struct Const {
  enum class Kind : uint8_t {
    I32,
    I64,
    F32,
    F64,
    V128,
    RefNull,   // (ref.null ht): `heap` names the heap type text (func, extern, any, ...)
    RefExtern, // (ref.extern N): a host reference with payload N
    RefHost,   // (ref.host N): same as RefExtern for kite
  } kind = Kind::I32;
  uint64_t bits = 0;              // I32/I64/F32/F64 bit pattern; RefExtern/RefHost payload
  std::array<uint8_t, 16> v128{}; // V128, little-endian bytes
  std::string heap;               // RefNull
};

// One expected result of assert_return.
struct Expected {
  enum class Kind : uint8_t {
    Const, // exact match of `value` (floats bitwise; v128 by lanes below)
    F32CanonicalNan,
    F32ArithmeticNan,
    F64CanonicalNan,
    F64ArithmeticNan,
    V128,      // lane-wise: `lane_shape` is i8/i16/i32/i64/f32/f64, each lane a pattern
    RefNull,   // any null reference
    RefExtern, // (ref.extern N) or, with no payload, any extern reference
    RefHost,
    RefFunc, // any non-null function reference
    RefAny,
    RefEq,
    RefI31,
    RefStruct,
    RefArray,
    RefExn, // any non-null ref of that kind
    Either, // any one of `alternatives`
  } kind = Kind::Const;
  Const value;                 // Const; RefExtern/RefHost payload in value.bits
  bool has_payload = false;    // RefExtern/RefHost: (ref.extern) without N matches any
  std::string lane_shape;      // V128
  std::vector<Expected> lanes; // V128: Const / *Nan per lane
  std::vector<Expected> alternatives;
};

struct Action {
  enum class Kind : uint8_t { Invoke, Get } kind = Kind::Invoke;
  std::optional<std::string> module; // $id of a named instance; none = the latest
  std::string field;
  std::vector<Const> args;
  uint32_t line = 0;
};

struct ModuleSource {
  enum class Kind : uint8_t {
    Binary, // `bytes` holds the binary (text modules are encoded at parse time)
    Quote,  // `text` holds the module text, to be parsed by the runner
    Error,  // a text module that failed to encode: `error` says why
  } kind = Kind::Binary;
  std::optional<std::string> id; // (module $id ...)
  bool is_definition = false;    // (module definition ...)
  std::vector<uint8_t> bytes;
  std::string text;
  Error error;
  uint32_t line = 0;
};

struct Command;

struct Command {
  enum class Kind : uint8_t {
    Module,         // define (and, unless a definition, instantiate) `module`
    ModuleInstance, // (module instance $inst $def): `instance_id`, `definition_id`
    Register,       // (register "name" $id?)
    Action,         // a bare invoke/get
    AssertReturn,
    AssertTrap, // action or module (instantiation trap)
    AssertExhaustion,
    AssertException,
    AssertInvalid,
    AssertMalformed,
    AssertUnlinkable,
    AssertUninstantiable,
    Thread, // (thread $t (shared (module $m))* command*)
    Wait,   // (wait $t)
  } kind = Kind::Module;
  uint32_t line = 0;

  ModuleSource
      module; // Module, Assert{Invalid,Malformed,Unlinkable,Uninstantiable}, AssertTrap on a module
  bool has_module = false; // AssertTrap: module form
  Action action;           // Action, AssertReturn, AssertTrap, AssertExhaustion, AssertException
  std::vector<Expected> expected; // AssertReturn
  std::string message;            // the expected failure text of assert_*
  // assert_malformed_custom / assert_invalid_custom: the failure concerns a
  // custom section or annotation, which an implementation may ignore.
  bool custom = false;
  std::string register_name; // Register
  std::optional<std::string> register_id;
  std::optional<std::string> instance_id;  // ModuleInstance
  std::string definition_id;               // ModuleInstance
  std::string thread_id;                   // Thread, Wait
  std::vector<std::string> shared_modules; // Thread: ids of modules shared into the thread
  std::vector<Command> commands;           // Thread body
};

struct Script {
  std::vector<Command> commands;
};

// Parses a whole .wast file. A syntax error in the script structure itself
// (not inside an assert_malformed module) fails the whole parse.
Result<Script> parse_script(std::string_view source);

} // namespace kite::wast

;; 64-bit memories past 4 GiB (65,537 pages and more): addresses, static
;; offsets, bulk operations and atomics above 2^32, exact bounds, growth.
;; Only touched pages are committed, so the test needs little real memory.
(module
  (memory i64 65537)
  (data (i64.const 0x1_0000_0010) "kite")
  (func (export "size") (result i64) (memory.size))
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
  (func (export "store64") (param i64 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "load64") (param i64) (result i64) (i64.load (local.get 0)))
  (func (export "load8") (param i64) (result i32) (i32.load8_u (local.get 0)))
  (func (export "load_high_offset") (param i64) (result i64)
    (i64.load offset=0x1_0000_0000 (local.get 0)))
  (func (export "fill") (param i64 i32 i64) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i64 i64 i64) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "v128_load_lane0") (param i64) (result i64)
    (i64x2.extract_lane 0 (v128.load (local.get 0))))
  (func (export "atomic_add") (param i64 i64) (result i64)
    (i64.atomic.rmw.add (local.get 0) (local.get 1)))
)

(assert_return (invoke "size") (i64.const 65537))
;; the data segment above 4 GiB
(assert_return (invoke "load8" (i64.const 0x1_0000_0010)) (i32.const 0x6b))
(assert_return (invoke "load8" (i64.const 0x1_0000_0013)) (i32.const 0x65))
(invoke "store64" (i64.const 0x1_0000_0000) (i64.const 0x1122334455667788))
(assert_return (invoke "load64" (i64.const 0x1_0000_0000)) (i64.const 0x1122334455667788))
(assert_return (invoke "load64" (i64.const 0)) (i64.const 0))
(assert_return (invoke "load_high_offset" (i64.const 0)) (i64.const 0x1122334455667788))
;; the last byte is 65537 * 65536 - 1 = 0x1_0000_FFFF
(invoke "store64" (i64.const 0x1_0000_FFF8) (i64.const -1))
(assert_return (invoke "load8" (i64.const 0x1_0000_FFFF)) (i32.const 255))
(assert_trap (invoke "load8" (i64.const 0x1_0001_0000)) "out of bounds memory access")
(assert_trap (invoke "load64" (i64.const 0x1_0000_FFF9)) "out of bounds memory access")
(assert_trap (invoke "load_high_offset" (i64.const 0x1_0000)) "out of bounds memory access")
(assert_trap (invoke "load64" (i64.const -1)) "out of bounds memory access")
(assert_trap (invoke "load_high_offset" (i64.const -4)) "out of bounds memory access")
(assert_trap (invoke "v128_load_lane0" (i64.const 0x1_0000_FFF1)) "out of bounds memory access")
(assert_return (invoke "v128_load_lane0" (i64.const 0x1_0000_FFF0)) (i64.const 0))
;; bulk operations across the 4 GiB line
(invoke "fill" (i64.const 0xFFFF_FFFC) (i32.const 0xAB) (i64.const 8))
(assert_return (invoke "load64" (i64.const 0xFFFF_FFFC)) (i64.const 0xABABABABABABABAB))
(invoke "copy" (i64.const 0x1_0000_8000) (i64.const 0xFFFF_FFFC) (i64.const 8))
(assert_return (invoke "load64" (i64.const 0x1_0000_8000)) (i64.const 0xABABABABABABABAB))
(assert_trap (invoke "fill" (i64.const 0x1_0000_FFFF) (i32.const 0) (i64.const 2)) "out of bounds memory access")
(assert_trap (invoke "copy" (i64.const 0) (i64.const 0x1_0000_FFF0) (i64.const 0x11)) "out of bounds memory access")
;; atomics on an unshared memory64 above 4 GiB
(assert_return (invoke "atomic_add" (i64.const 0x1_0000_0100) (i64.const 5)) (i64.const 0))
(assert_return (invoke "atomic_add" (i64.const 0x1_0000_0100) (i64.const 5)) (i64.const 5))
;; growth keeps the contents; past the implementation limit it fails
(assert_return (invoke "grow" (i64.const 65535)) (i64.const 65537))
(assert_return (invoke "size") (i64.const 131072))
;; (the fill above overwrote the low four bytes)
(assert_return (invoke "load64" (i64.const 0x1_0000_0000)) (i64.const 0x11223344ABABABAB))
(invoke "store64" (i64.const 0x1_FFFF_FFF8) (i64.const 7))
(assert_return (invoke "load64" (i64.const 0x1_FFFF_FFF8)) (i64.const 7))
(assert_return (invoke "grow" (i64.const 0x1_0000_0000_0000)) (i64.const -1))
(assert_return (invoke "grow" (i64.const -1)) (i64.const -1))
(assert_return (invoke "size") (i64.const 131072))

;; a declared maximum past 4 GiB is honoured exactly
(module
  (memory i64 65537 65538)
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
)
(assert_return (invoke "grow" (i64.const 1)) (i64.const 65537))
(assert_return (invoke "grow" (i64.const 1)) (i64.const -1))

;; a shared memory64 reserves its maximum; atomics work above 4 GiB
(module
  (memory i64 65537 65600 shared)
  (func (export "cmpxchg") (param i64 i32 i32) (result i32)
    (i32.atomic.rmw.cmpxchg (local.get 0) (local.get 1) (local.get 2)))
  (func (export "notify") (param i64) (result i32)
    (memory.atomic.notify (local.get 0) (i32.const 1)))
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
)
(assert_return (invoke "cmpxchg" (i64.const 0x1_0000_0004) (i32.const 0) (i32.const 9)) (i32.const 0))
(assert_return (invoke "cmpxchg" (i64.const 0x1_0000_0004) (i32.const 9) (i32.const 1)) (i32.const 9))
(assert_return (invoke "notify" (i64.const 0x1_0000_0004)) (i32.const 0))
(assert_trap (invoke "cmpxchg" (i64.const 0x1_0001_0000) (i32.const 0) (i32.const 1)) "out of bounds memory access")
(assert_return (invoke "grow" (i64.const 63)) (i64.const 65537))
(assert_return (invoke "grow" (i64.const 1)) (i64.const -1))

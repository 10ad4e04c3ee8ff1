;; Four threads at once: each adds 1 to an atomic counter 200,000 times, and
;; 50,000 times to a plain counter guarded by a spin-then-wait mutex built
;; from atomic.rmw.cmpxchg, wait and notify (as a libc mutex is).
(module $Lib
  (memory (export "shared") 1 1 shared)
  ;; 0: atomic counter, 4: mutex (0 free, 1 locked, 2 locked with waiters),
  ;; 8: plain counter
  (func $lock
    (local $state i32)
    (local.set $state (i32.atomic.rmw.cmpxchg (i32.const 4) (i32.const 0) (i32.const 1)))
    (if (local.get $state)
      (then
        (if (i32.ne (local.get $state) (i32.const 2))
          (then (local.set $state (i32.atomic.rmw.xchg (i32.const 4) (i32.const 2)))))
        (block $acquired
          (loop $retry
            (br_if $acquired (i32.eqz (local.get $state)))
            (drop (memory.atomic.wait32 (i32.const 4) (i32.const 2) (i64.const -1)))
            (local.set $state (i32.atomic.rmw.xchg (i32.const 4) (i32.const 2)))
            (br $retry))))))
  (func $unlock
    (if (i32.ne (i32.atomic.rmw.sub (i32.const 4) (i32.const 1)) (i32.const 1))
      (then
        (i32.atomic.store (i32.const 4) (i32.const 0))
        (drop (memory.atomic.notify (i32.const 4) (i32.const 1))))))
  (func (export "work")
    (local $i i32)
    (loop $atomic
      (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $atomic (i32.lt_u (local.get $i) (i32.const 200000))))
    (local.set $i (i32.const 0))
    (loop $locked
      (call $lock)
      (i32.store (i32.const 8) (i32.add (i32.load (i32.const 8)) (i32.const 1)))
      (call $unlock)
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $locked (i32.lt_u (local.get $i) (i32.const 50000)))))
  (func (export "atomic_total") (result i32) (i32.atomic.load (i32.const 0)))
  (func (export "locked_total") (result i32) (i32.atomic.load (i32.const 8)))
)

(thread $A (shared (module $Lib)) (invoke $Lib "work"))
(thread $B (shared (module $Lib)) (invoke $Lib "work"))
(thread $C (shared (module $Lib)) (invoke $Lib "work"))
(thread $D (shared (module $Lib)) (invoke $Lib "work"))
(wait $A)
(wait $B)
(wait $C)
(wait $D)
(assert_return (invoke $Lib "atomic_total") (i32.const 800000))
(assert_return (invoke $Lib "locked_total") (i32.const 200000))

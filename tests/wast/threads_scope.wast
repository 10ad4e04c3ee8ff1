;; Each (thread ...) has its own registry and module scope: it starts with
;; the registrations of the scope that started it and the modules it names
;; as shared; what it registers or defines stays inside it.
(module $Mem
  (memory (export "shared") 1 1 shared)
  (global (export "tag") i32 (i32.const 11))
)
(register "outer" $Mem)

(thread $T (shared (module $Mem))
  ;; The outer registration is visible here.
  (module (global (import "outer" "tag") i32))
  (register "inner" $Mem)
  (module $Inside
    (memory (import "inner" "shared") 1 1 shared)
    (func (export "store") (i32.atomic.store (i32.const 0) (i32.const 42)))
    (func (export "load") (result i32) (i32.atomic.load (i32.const 0)))
  )
  (invoke "store")
  ;; A nested thread keeps its parent's current module ($Inside).
  (thread $Nested (shared (module $Inside))
    (assert_return (invoke "load") (i32.const 42))
    (assert_return (invoke $Inside "load") (i32.const 42))
  )
  (wait $Nested)
  ;; $Mem was shared into $T, so it is known by name here.
  (assert_return (get $Mem "tag") (i32.const 11))
)
(wait $T)

;; "inner" was registered inside $T only.
(assert_unlinkable
  (module (memory (import "inner" "shared") 1 1 shared))
  "unknown import"
)
;; The thread's store reached the outer scope's memory.
(module
  (memory (import "outer" "shared") 1 1 shared)
  (func (export "load") (result i32) (i32.atomic.load (i32.const 0)))
)
(assert_return (invoke "load") (i32.const 42))

;; A thread started after a module acts on it as the current module.
(module (func (export "f") (result i32) (i32.const 1)))
(thread $U
  (assert_return (invoke "f") (i32.const 1))
)
(wait $U)

;; One thread blocks in memory.atomic.wait32 with no timeout; another keeps
;; notifying until it has woken a waiter. Run one after the other, this
;; script would never end; run concurrently it passes.
(module $Mem
  (memory (export "shared") 1 1 shared)
)

(thread $Waiter (shared (module $Mem))
  (register "mem" $Mem)
  (module
    (memory (import "mem" "shared") 1 1 shared)
    (func (export "wait") (result i32)
      (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1))
    )
  )
  ;; 0: woken by a notify
  (assert_return (invoke "wait") (i32.const 0))
)

(thread $Notifier (shared (module $Mem))
  (register "mem" $Mem)
  (module
    (memory (import "mem" "shared") 1 1 shared)
    ;; Notifies address 0 until one waiter was woken; returns how many.
    (func (export "notify_until_woken") (result i32)
      (local $woken i32)
      (loop $again
        (local.set $woken (memory.atomic.notify (i32.const 0) (i32.const 1)))
        (br_if $again (i32.eqz (local.get $woken)))
      )
      (local.get $woken)
    )
  )
  (assert_return (invoke "notify_until_woken") (i32.const 1))
)

(wait $Waiter)
(wait $Notifier)

;; A waiter whose value differs returns 1 at once; a timeout returns 2.
(module
  (memory (import "spectest" "shared_memory") 1 2 shared)
  (func (export "not_equal") (result i32)
    (memory.atomic.wait32 (i32.const 0) (i32.const 7) (i64.const -1)))
  (func (export "timed_out") (result i32)
    (memory.atomic.wait64 (i32.const 8) (i64.const 0) (i64.const 1000000)))
)
(assert_return (invoke "not_equal") (i32.const 1))
(assert_return (invoke "timed_out") (i32.const 2))

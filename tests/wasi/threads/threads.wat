;; A wasi-threads program written the way wasi-libc's pthreads work, for
;; want of a threads-enabled C sysroot in Debian or npm: the memory is
;; imported and shared (env.memory), passive data is copied in by _start
;; only, `wasi_thread_start(tid, arg)` runs each new thread in an instance
;; of its own (own globals: its stack pointer), threads are joined by
;; waiting on a word they set and notify when done, and the mutex and
;; condition variables are the futex algorithms libc uses.
;;
;;   kite run threads.wat sum      4 threads sum 1..400000 in quarters
;;   kite run threads.wat mutex    4 threads x 100000 locked increments
;;   kite run threads.wat queue    1 producer, 2 consumers, 8-slot queue
;;   kite run --dir D::/ threads.wat files   4 threads each write D/tK.txt
;;   kite run threads.wat exit     a thread calls proc_exit(7)
;;   kite run threads.wat trap     a thread traps (unreachable)
(module
  (import "env" "memory" (memory 64 64 shared))
  (import "wasi" "thread-spawn" (func $thread_spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))

  ;; Memory map: 0 mutex, 4 counter, 64.. i64 results per thread,
  ;; 128 queue head, 132 tail, 136 count, 160 cond not_empty, 164 cond
  ;; not_full, 200.. per-consumer counts, 256.. queue slots, 512.. text,
  ;; 1024.. thread records {stack top, worker, arg, done}, 0x8000 argv,
  ;; 0xF0000 main stack top, 0x100000 the array, 0x300000.. thread stacks.
  (global $sp (mut i32) (i32.const 0xF0000))
  (global $next_record (mut i32) (i32.const 1024))
  (global $N i32 (i32.const 400000))

  (type $worker (func (param i32)))
  (table 8 funcref)
  (elem (i32.const 0) $sum_worker $mutex_worker $producer $consumer $file_worker $exit_worker
    $trap_worker)

  ;; "sum " @512, "counter " @516, "total " @524, "consumed " @530,
  ;; "files done\n" @539, "thread " @550, ".txt" @557, "t" @561,
  ;; "spawn failed\n" @562
  (data $text "sum counter total consumed files done\nthread .txtt spawn failed\n")

  ;; ---- output ----
  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.sub (global.get $sp) (i32.const 16)) (local.get $ptr))
    (i32.store (i32.sub (global.get $sp) (i32.const 12)) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.sub (global.get $sp) (i32.const 16)) (i32.const 1)
      (i32.sub (global.get $sp) (i32.const 8)))))
  ;; Writes the decimal digits of $v ending just before $end; returns the start.
  (func $digits (param $v i64) (param $end i32) (result i32)
    (loop $more
      (local.set $end (i32.sub (local.get $end) (i32.const 1)))
      (i64.store8 (local.get $end) (i64.add (i64.const 48) (i64.rem_u (local.get $v) (i64.const 10))))
      (local.set $v (i64.div_u (local.get $v) (i64.const 10)))
      (br_if $more (i64.ne (local.get $v) (i64.const 0))))
    (local.get $end))
  ;; Prints "<label><v>\n" in one write.
  (func $print_labelled (param $label i32) (param $len i32) (param $v i64)
    (local $end i32) (local $start i32)
    (local.set $end (i32.sub (global.get $sp) (i32.const 32)))
    (i32.store8 (local.get $end) (i32.const 10))
    (local.set $start (call $digits (local.get $v) (local.get $end)))
    (local.set $start (i32.sub (local.get $start) (local.get $len)))
    (memory.copy (local.get $start) (local.get $label) (local.get $len))
    (call $print (local.get $start)
      (i32.add (i32.sub (local.get $end) (local.get $start)) (i32.const 1))))

  ;; ---- mutex and condition variables (futex algorithms) ----
  ;; 0 free, 1 locked, 2 locked with waiters
  (func $lock (param $m i32)
    (local $state i32)
    (local.set $state (i32.atomic.rmw.cmpxchg (local.get $m) (i32.const 0) (i32.const 1)))
    (if (local.get $state)
      (then
        (if (i32.ne (local.get $state) (i32.const 2))
          (then (local.set $state (i32.atomic.rmw.xchg (local.get $m) (i32.const 2)))))
        (block $acquired
          (loop $retry
            (br_if $acquired (i32.eqz (local.get $state)))
            (drop (memory.atomic.wait32 (local.get $m) (i32.const 2) (i64.const -1)))
            (local.set $state (i32.atomic.rmw.xchg (local.get $m) (i32.const 2)))
            (br $retry))))))
  (func $unlock (param $m i32)
    (if (i32.ne (i32.atomic.rmw.sub (local.get $m) (i32.const 1)) (i32.const 1))
      (then
        (i32.atomic.store (local.get $m) (i32.const 0))
        (drop (memory.atomic.notify (local.get $m) (i32.const 1))))))
  ;; A condition variable is a sequence number: a waiter sleeps unless it moved.
  (func $cond_wait (param $cv i32) (param $m i32)
    (local $seq i32)
    (local.set $seq (i32.atomic.load (local.get $cv)))
    (call $unlock (local.get $m))
    (drop (memory.atomic.wait32 (local.get $cv) (local.get $seq) (i64.const -1)))
    (call $lock (local.get $m)))
  (func $cond_broadcast (param $cv i32)
    (drop (i32.atomic.rmw.add (local.get $cv) (i32.const 1)))
    (drop (memory.atomic.notify (local.get $cv) (i32.const -1))))

  ;; ---- threads ----
  (func $spawn (param $worker i32) (param $arg i32) (result i32)
    (local $record i32)
    (local.set $record (global.get $next_record))
    (global.set $next_record (i32.add (local.get $record) (i32.const 16)))
    ;; each thread's stack: 64 KiB at 0x300000 + 64 KiB * k, top at its end
    (i32.store (local.get $record)
      (i32.add (i32.const 0x310000)
        (i32.shl (i32.shr_u (i32.sub (local.get $record) (i32.const 1024)) (i32.const 4))
          (i32.const 16))))
    (i32.store offset=4 (local.get $record) (local.get $worker))
    (i32.store offset=8 (local.get $record) (local.get $arg))
    (i32.atomic.store offset=12 (local.get $record) (i32.const 0))
    (if (i32.le_s (call $thread_spawn (local.get $record)) (i32.const 0))
      (then (call $print (i32.const 562) (i32.const 13)) (unreachable)))
    (local.get $record))
  (func $join (param $record i32)
    (loop $wait
      (if (i32.eqz (i32.atomic.load offset=12 (local.get $record)))
        (then
          (drop (memory.atomic.wait32 offset=12 (local.get $record) (i32.const 0) (i64.const -1)))
          (br $wait)))))
  (func (export "wasi_thread_start") (param $tid i32) (param $record i32)
    (global.set $sp (i32.load (local.get $record)))
    (call_indirect (type $worker) (i32.load offset=8 (local.get $record))
      (i32.load offset=4 (local.get $record)))
    (i32.atomic.store offset=12 (local.get $record) (i32.const 1))
    (drop (memory.atomic.notify offset=12 (local.get $record) (i32.const -1))))

  ;; ---- workers ----
  (func $sum_worker (param $k i32)
    (local $i i32) (local $end i32) (local $sum i64)
    (local.set $i (i32.mul (local.get $k) (i32.div_u (global.get $N) (i32.const 4))))
    (local.set $end (i32.add (local.get $i) (i32.div_u (global.get $N) (i32.const 4))))
    (loop $add
      (local.set $sum (i64.add (local.get $sum)
        (i64.extend_i32_u (i32.load offset=0x100000 (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $add (i32.lt_u (local.get $i) (local.get $end))))
    (i64.store offset=64 (i32.shl (local.get $k) (i32.const 3)) (local.get $sum)))
  (func $mutex_worker (param $unused i32)
    (local $i i32)
    (loop $again
      (call $lock (i32.const 0))
      (i32.store (i32.const 4) (i32.add (i32.load (i32.const 4)) (i32.const 1)))
      (call $unlock (i32.const 0))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (i32.const 100000)))))
  (func $push (param $v i32)
    (call $lock (i32.const 0))
    (block $room
      (loop $full
        (br_if $room (i32.lt_u (i32.load (i32.const 136)) (i32.const 8)))
        (call $cond_wait (i32.const 164) (i32.const 0))
        (br $full)))
    (i32.store offset=256
      (i32.shl (i32.and (i32.load (i32.const 132)) (i32.const 7)) (i32.const 2)) (local.get $v))
    (i32.store (i32.const 132) (i32.add (i32.load (i32.const 132)) (i32.const 1)))
    (i32.store (i32.const 136) (i32.add (i32.load (i32.const 136)) (i32.const 1)))
    (call $cond_broadcast (i32.const 160))
    (call $unlock (i32.const 0)))
  (func $pop (result i32)
    (local $v i32)
    (call $lock (i32.const 0))
    (block $some
      (loop $empty
        (br_if $some (i32.load (i32.const 136)))
        (call $cond_wait (i32.const 160) (i32.const 0))
        (br $empty)))
    (local.set $v (i32.load offset=256
      (i32.shl (i32.and (i32.load (i32.const 128)) (i32.const 7)) (i32.const 2))))
    (i32.store (i32.const 128) (i32.add (i32.load (i32.const 128)) (i32.const 1)))
    (i32.store (i32.const 136) (i32.sub (i32.load (i32.const 136)) (i32.const 1)))
    (call $cond_broadcast (i32.const 164))
    (call $unlock (i32.const 0))
    (local.get $v))
  (func $producer (param $unused i32)
    (local $i i32)
    (loop $produce
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (call $push (local.get $i))
      (br_if $produce (i32.lt_u (local.get $i) (i32.const 10000))))
    (call $push (i32.const 0)) ;; one end mark per consumer
    (call $push (i32.const 0)))
  (func $consumer (param $k i32)
    (local $v i32) (local $sum i64) (local $n i32)
    (block $done
      (loop $consume
        (local.set $v (call $pop))
        (br_if $done (i32.eqz (local.get $v)))
        (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (local.get $v))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $consume)))
    (i64.store offset=64 (i32.shl (local.get $k) (i32.const 3)) (local.get $sum))
    (i32.store offset=200 (i32.shl (local.get $k) (i32.const 2)) (local.get $n)))
  ;; Creates tK.txt in the preopen (fd 3) and writes "thread K\n" 100 times.
  (func $file_worker (param $k i32)
    (local $name i32) (local $fd i32) (local $line i32) (local $i i32)
    (local.set $name (i32.sub (global.get $sp) (i32.const 64)))
    (i32.store8 (local.get $name) (i32.const 116)) ;; 't'
    (i32.store8 offset=1 (local.get $name) (i32.add (i32.const 48) (local.get $k)))
    (memory.copy (i32.add (local.get $name) (i32.const 2)) (i32.const 557) (i32.const 4))
    (if (call $path_open (i32.const 3) (i32.const 0) (local.get $name) (i32.const 6)
          (i32.const 9) (i64.const 0x40) (i64.const 0) (i32.const 0)
          (i32.sub (global.get $sp) (i32.const 68)))
      (then (unreachable)))
    (local.set $fd (i32.load (i32.sub (global.get $sp) (i32.const 68))))
    (local.set $line (i32.sub (global.get $sp) (i32.const 48)))
    (memory.copy (local.get $line) (i32.const 550) (i32.const 7))
    (i32.store8 offset=7 (local.get $line) (i32.add (i32.const 48) (local.get $k)))
    (i32.store8 offset=8 (local.get $line) (i32.const 10))
    (loop $write
      (i32.store (i32.sub (global.get $sp) (i32.const 16)) (local.get $line))
      (i32.store (i32.sub (global.get $sp) (i32.const 12)) (i32.const 9))
      (if (call $fd_write (local.get $fd) (i32.sub (global.get $sp) (i32.const 16)) (i32.const 1)
            (i32.sub (global.get $sp) (i32.const 8)))
        (then (unreachable)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $write (i32.lt_u (local.get $i) (i32.const 100))))
    (drop (call $fd_close (local.get $fd))))
  (func $exit_worker (param i32) (call $proc_exit (i32.const 7)))
  (func $trap_worker (param i32) (unreachable))

  ;; ---- scenarios ----
  (func $run_sum
    (local $i i32) (local $k i32) (local $total i64) (local $threads i32)
    (loop $fill
      (i32.store offset=0x100000 (i32.shl (local.get $i) (i32.const 2))
        (i32.add (local.get $i) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $i) (global.get $N))))
    (local.set $threads (global.get $next_record))
    (loop $start
      (drop (call $spawn (i32.const 0) (local.get $k)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $start (i32.lt_u (local.get $k) (i32.const 4))))
    (local.set $k (i32.const 0))
    (loop $gather
      (call $join (i32.add (local.get $threads) (i32.shl (local.get $k) (i32.const 4))))
      (local.set $total (i64.add (local.get $total)
        (i64.load offset=64 (i32.shl (local.get $k) (i32.const 3)))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $gather (i32.lt_u (local.get $k) (i32.const 4))))
    (call $print_labelled (i32.const 512) (i32.const 4) (local.get $total)))
  (func $run_mutex
    (local $a i32) (local $b i32) (local $c i32) (local $d i32)
    (local.set $a (call $spawn (i32.const 1) (i32.const 0)))
    (local.set $b (call $spawn (i32.const 1) (i32.const 0)))
    (local.set $c (call $spawn (i32.const 1) (i32.const 0)))
    (local.set $d (call $spawn (i32.const 1) (i32.const 0)))
    (call $join (local.get $a)) (call $join (local.get $b))
    (call $join (local.get $c)) (call $join (local.get $d))
    (call $print_labelled (i32.const 516) (i32.const 8) (i64.extend_i32_u (i32.load (i32.const 4)))))
  (func $run_queue
    (local $p i32) (local $c0 i32) (local $c1 i32)
    (local.set $c0 (call $spawn (i32.const 3) (i32.const 0)))
    (local.set $c1 (call $spawn (i32.const 3) (i32.const 1)))
    (local.set $p (call $spawn (i32.const 2) (i32.const 0)))
    (call $join (local.get $p)) (call $join (local.get $c0)) (call $join (local.get $c1))
    (call $print_labelled (i32.const 524) (i32.const 6)
      (i64.add (i64.load (i32.const 64)) (i64.load (i32.const 72))))
    (call $print_labelled (i32.const 530) (i32.const 9)
      (i64.extend_i32_u (i32.add (i32.load (i32.const 200)) (i32.load (i32.const 204))))))
  (func $run_files
    (local $k i32) (local $threads i32)
    (local.set $threads (global.get $next_record))
    (loop $start
      (drop (call $spawn (i32.const 4) (local.get $k)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $start (i32.lt_u (local.get $k) (i32.const 4))))
    (local.set $k (i32.const 0))
    (loop $gather
      (call $join (i32.add (local.get $threads) (i32.shl (local.get $k) (i32.const 4))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $gather (i32.lt_u (local.get $k) (i32.const 4))))
    (call $print (i32.const 539) (i32.const 11)))

  (func (export "_start")
    (local $scenario i32)
    (memory.init $text (i32.const 512) (i32.const 0) (i32.const 64))
    (data.drop $text)
    (drop (call $args_sizes_get (i32.const 0x7FF0) (i32.const 0x7FF4)))
    (if (i32.lt_u (i32.load (i32.const 0x7FF0)) (i32.const 2)) (then (unreachable)))
    (drop (call $args_get (i32.const 0x8000) (i32.const 0x9000)))
    (local.set $scenario (i32.load8_u (i32.load (i32.const 0x8004))))
    (if (i32.eq (local.get $scenario) (i32.const 115)) (then (call $run_sum) (return)))   ;; s
    (if (i32.eq (local.get $scenario) (i32.const 109)) (then (call $run_mutex) (return))) ;; m
    (if (i32.eq (local.get $scenario) (i32.const 113)) (then (call $run_queue) (return))) ;; q
    (if (i32.eq (local.get $scenario) (i32.const 102)) (then (call $run_files) (return))) ;; f
    (if (i32.eq (local.get $scenario) (i32.const 101))                                     ;; e
      (then (call $join (call $spawn (i32.const 5) (i32.const 0))) (return)))
    (if (i32.eq (local.get $scenario) (i32.const 116))                                     ;; t
      (then (call $join (call $spawn (i32.const 6) (i32.const 0))) (return)))
    (unreachable))
)

;; binary-trees (the Computer Language Benchmarks Game program) with Wasm GC
;; structs: allocates and walks perfect binary trees of `$Node`s, most of them
;; garbage at once, one long-lived. A WASI command; the optional argument is
;; the maximum depth (default 16). Prints the benchmarks-game output:
;;
;;   stretch tree of depth 17	 check: 262143
;;   131072	 trees of depth 4	 check: 4063232
;;   ...
;;   long lived tree of depth 16	 check: 131071
(module
  (type $Node (struct (field $left (ref null $Node)) (field $right (ref null $Node))))

  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get"
    (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get"
    (func $args_get (param i32 i32) (result i32)))

  ;; Memory: 0 iovec, 8 nwritten, 16 argc, 20 argv buffer size, 32..63
  ;; digits, 256.. strings, 4096..8191 output buffer, 8192.. argv pointers,
  ;; 9216.. argv strings (up to the end of the second page).
  (memory (export "memory") 2)
  (data (i32.const 256) "stretch tree of depth ")       ;; 22
  (data (i32.const 288) "\09 check: ")                  ;; 9
  (data (i32.const 304) "\09 trees of depth ")          ;; 17
  (data (i32.const 336) "long lived tree of depth ")    ;; 25
  (global $out (mut i32) (i32.const 4096))

  (func $puts (param $p i32) (param $n i32)
    (memory.copy (global.get $out) (local.get $p) (local.get $n))
    (global.set $out (i32.add (global.get $out) (local.get $n))))

  (func $putc (param $c i32)
    (i32.store8 (global.get $out) (local.get $c))
    (global.set $out (i32.add (global.get $out) (i32.const 1))))

  ;; Unsigned decimal.
  (func $putu (param $v i32)
    (local $p i32)
    (local.set $p (i32.const 64))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.rem_u (local.get $v) (i32.const 10))))
      (local.set $v (i32.div_u (local.get $v) (i32.const 10)))
      (br_if $digits (local.get $v)))
    (call $puts (local.get $p) (i32.sub (i32.const 64) (local.get $p))))

  (func $flush
    (i32.store (i32.const 0) (i32.const 4096))
    (i32.store (i32.const 4) (i32.sub (global.get $out) (i32.const 4096)))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (global.set $out (i32.const 4096)))

  ;; argv[1] as an unsigned decimal, or $default when absent or not a number.
  (func $arg1 (param $default i32) (result i32)
    (local $p i32) (local $c i32) (local $v i32)
    (if (call $args_sizes_get (i32.const 16) (i32.const 20))
      (then (return (local.get $default))))
    (if (i32.or (i32.lt_u (i32.load (i32.const 16)) (i32.const 2))
                (i32.or (i32.gt_u (i32.load (i32.const 16)) (i32.const 256))
                        (i32.gt_u (i32.load (i32.const 20)) (i32.const 121856))))
      (then (return (local.get $default))))
    (if (call $args_get (i32.const 8192) (i32.const 9216))
      (then (return (local.get $default))))
    (local.set $p (i32.load (i32.const 8196)))
    (if (i32.eqz (i32.load8_u (local.get $p)))
      (then (return (local.get $default))))
    (block $done
      (loop $next
        (local.set $c (i32.load8_u (local.get $p)))
        (br_if $done (i32.eqz (local.get $c)))
        (if (i32.gt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 9))
          (then (return (local.get $default))))
        (local.set $v (i32.add (i32.mul (local.get $v) (i32.const 10))
                               (i32.sub (local.get $c) (i32.const 48))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next)))
    (local.get $v))

  (func $bottomUp (param $depth i32) (result (ref $Node))
    (if (result (ref $Node)) (local.get $depth)
      (then
        (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
        (struct.new $Node (call $bottomUp (local.get $depth))
                          (call $bottomUp (local.get $depth))))
      (else (struct.new $Node (ref.null $Node) (ref.null $Node)))))

  ;; (No br_on_null here: WAMR 2.4.3's fast interpreter miscompiles it.)
  (func $check (param $t (ref $Node)) (result i32)
    (local $left (ref null $Node))
    (local.set $left (struct.get $Node $left (local.get $t)))
    (if (result i32) (ref.is_null (local.get $left))
      (then (i32.const 1))
      (else
        (i32.add
          (i32.add (i32.const 1) (call $check (ref.as_non_null (local.get $left))))
          (call $check (ref.as_non_null (struct.get $Node $right (local.get $t))))))))

  ;; "<label><depth>\t check: <check>\n"
  (func $line (param $label i32) (param $len i32) (param $depth i32) (param $check i32)
    (call $puts (local.get $label) (local.get $len))
    (call $putu (local.get $depth))
    (call $puts (i32.const 288) (i32.const 9))
    (call $putu (local.get $check))
    (call $putc (i32.const 10)))

  (func (export "_start")
    (local $max i32) (local $depth i32) (local $iters i32) (local $i i32) (local $sum i32)
    (local $long (ref null $Node))
    (local.set $max (call $arg1 (i32.const 16)))
    (if (i32.lt_u (local.get $max) (i32.const 6)) (then (local.set $max (i32.const 6))))
    (if (i32.gt_u (local.get $max) (i32.const 24)) (then (local.set $max (i32.const 24))))

    (call $line (i32.const 256) (i32.const 22) (i32.add (local.get $max) (i32.const 1))
      (call $check (call $bottomUp (i32.add (local.get $max) (i32.const 1)))))
    (call $flush)

    (local.set $long (call $bottomUp (local.get $max)))

    (local.set $depth (i32.const 4))
    (loop $depths
      (local.set $iters (i32.shl (i32.const 1)
        (i32.add (i32.sub (local.get $max) (local.get $depth)) (i32.const 4))))
      (local.set $sum (i32.const 0))
      (local.set $i (i32.const 0))
      (loop $trees
        (local.set $sum (i32.add (local.get $sum)
          (call $check (call $bottomUp (local.get $depth)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $trees (i32.lt_u (local.get $i) (local.get $iters))))
      (call $putu (local.get $iters))
      (call $puts (i32.const 304) (i32.const 17))
      (call $putu (local.get $depth))
      (call $puts (i32.const 288) (i32.const 9))
      (call $putu (local.get $sum))
      (call $putc (i32.const 10))
      (call $flush)
      (local.set $depth (i32.add (local.get $depth) (i32.const 2)))
      (br_if $depths (i32.le_u (local.get $depth) (local.get $max))))

    (call $line (i32.const 336) (i32.const 25) (local.get $max)
      (call $check (ref.as_non_null (local.get $long))))
    (call $flush))
)

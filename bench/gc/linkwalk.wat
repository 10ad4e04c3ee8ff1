;; linkwalk: a graph of Wasm GC structs and arrays, walked and mutated.
;;
;; 8192 shapes of a small class hierarchy (Shape > Circle, Rect > Square,
;; Poly with an i32 array of points), each with a vtable struct of typed
;; function references, a `next` link (a list, rebuilt every round) and a
;; `link` to another shape (a graph with cycles). Every round:
;;   - walks the list, dispatching on the subtype with br_on_cast/ref.test/
;;     ref.cast, mutating fields;
;;   - walks the array of shapes, calling each one's area through its vtable
;;     (call_ref), every fourth one's scale too;
;;   - chases `link` pointers 8192 steps (ref.eq against the head);
;;   - rotates the shape array (overlapping array.copy on a ref array) and
;;     relinks the list from it (struct.set of refs), does array.fill /
;;     array.copy / array.get on an i32 array;
;;   - boxes 256 values in an eqref array, half i31refs, half shapes, and
;;     sums them through br_on_cast_fail;
;;   - replaces 256 shapes with new ones (allocation; the old ones become
;;     garbage once nothing links to them).
;; A WASI command; the optional argument is the number of rounds (default
;; 500, at least 1). Prints
;;   linkwalk: <rounds> rounds, <shapes> shapes, checksum <u32>
;;
;; br_on_cast / br_on_cast_fail are used only with the value they let fall
;; through dropped (the branch's own value is used): WAMR 2.4.3's fast
;; interpreter corrupts the fall-through value of br_on_* instructions.
(module
  (type $I32s (array (mut i32)))
  (type $Eqs (array (mut eqref)))   ;; not anyref: WAMR rejects anyref fields and elements
  (rec
    (type $VT (struct (field $area (ref $AreaFn)) (field $scale (ref $ScaleFn))))
    (type $AreaFn (func (param (ref $Shape)) (result i32)))
    (type $ScaleFn (func (param (ref $Shape) i32)))
    (type $Shape (sub (struct
      (field $vt (ref $VT)) (field $id i32) (field $acc (mut i32))
      (field $next (mut (ref null $Shape))) (field $link (mut (ref null $Shape))))))
    (type $Circle (sub final $Shape (struct
      (field $vt (ref $VT)) (field $id i32) (field $acc (mut i32))
      (field $next (mut (ref null $Shape))) (field $link (mut (ref null $Shape)))
      (field $r (mut i32)))))
    (type $Rect (sub $Shape (struct
      (field $vt (ref $VT)) (field $id i32) (field $acc (mut i32))
      (field $next (mut (ref null $Shape))) (field $link (mut (ref null $Shape)))
      (field $w (mut i32)) (field $h (mut i32)))))
    (type $Square (sub final $Rect (struct
      (field $vt (ref $VT)) (field $id i32) (field $acc (mut i32))
      (field $next (mut (ref null $Shape))) (field $link (mut (ref null $Shape)))
      (field $w (mut i32)) (field $h (mut i32)) (field $tag i32))))
    (type $Poly (sub final $Shape (struct
      (field $vt (ref $VT)) (field $id i32) (field $acc (mut i32))
      (field $next (mut (ref null $Shape))) (field $link (mut (ref null $Shape)))
      (field $pts (ref $I32s))))))
  (type $Shapes (array (mut (ref null $Shape))))

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
  (data (i32.const 256) "linkwalk: ")     ;; 10
  (data (i32.const 272) " rounds, ")      ;; 9
  (data (i32.const 288) " shapes, checksum ") ;; 18
  (global $out (mut i32) (i32.const 4096))

  (global $vtCircle (ref $VT) (struct.new $VT (ref.func $circleArea) (ref.func $circleScale)))
  (global $vtRect (ref $VT) (struct.new $VT (ref.func $rectArea) (ref.func $rectScale)))
  (global $vtSquare (ref $VT) (struct.new $VT (ref.func $squareArea) (ref.func $rectScale)))
  (global $vtPoly (ref $VT) (struct.new $VT (ref.func $polyArea) (ref.func $polyScale)))

  (global $seed (mut i32) (i32.const 20261207))
  (global $hash (mut i32) (i32.const -2128831035))

  ;; ------------------------------------------------------------ output
  (func $puts (param $p i32) (param $n i32)
    (memory.copy (global.get $out) (local.get $p) (local.get $n))
    (global.set $out (i32.add (global.get $out) (local.get $n))))

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

  ;; ------------------------------------------------------------ helpers
  (func $rand (result i32)
    (global.set $seed (i32.add (i32.mul (global.get $seed) (i32.const 1103515245))
                               (i32.const 12345)))
    (i32.shr_u (global.get $seed) (i32.const 8)))

  ;; FNV-1a-style mixing of one value into the checksum.
  (func $mix (param $v i32)
    (global.set $hash (i32.mul (i32.xor (global.get $hash) (local.get $v))
                               (i32.const 16777619))))

  ;; ------------------------------------------------------------ methods
  (func $circleArea (type $AreaFn)
    (local $r i32)
    (local.set $r (struct.get $Circle $r (ref.cast (ref $Circle) (local.get 0))))
    (i32.mul (i32.const 3) (i32.mul (local.get $r) (local.get $r))))

  (func $circleScale (type $ScaleFn)
    (local $c (ref $Circle))
    (local.set $c (ref.cast (ref $Circle) (local.get 0)))
    (struct.set $Circle $r (local.get $c)
      (i32.and (i32.add (struct.get $Circle $r (local.get $c)) (local.get 1)) (i32.const 255))))

  (func $rectArea (type $AreaFn)
    (local $r (ref $Rect))
    (local.set $r (ref.cast (ref $Rect) (local.get 0)))
    (i32.mul (struct.get $Rect $w (local.get $r)) (struct.get $Rect $h (local.get $r))))

  ;; Shared by Rect and Square (a Square's vtable points here too).
  (func $rectScale (type $ScaleFn)
    (local $r (ref $Rect))
    (local.set $r (ref.cast (ref $Rect) (local.get 0)))
    (struct.set $Rect $w (local.get $r)
      (i32.add (i32.and (i32.mul (struct.get $Rect $w (local.get $r)) (local.get 1))
                        (i32.const 63)) (i32.const 1)))
    (struct.set $Rect $h (local.get $r)
      (i32.add (i32.and (i32.add (struct.get $Rect $h (local.get $r)) (local.get 1))
                        (i32.const 63)) (i32.const 1))))

  (func $squareArea (type $AreaFn)
    (local $s (ref $Square))
    (local.set $s (ref.cast (ref $Square) (local.get 0)))
    (i32.add (i32.mul (struct.get $Square $w (local.get $s)) (struct.get $Square $w (local.get $s)))
             (struct.get $Square $tag (local.get $s))))

  ;; A shoelace-like sum over the points array.
  (func $polyArea (type $AreaFn)
    (local $pts (ref $I32s)) (local $n i32) (local $i i32) (local $a i32) (local $prev i32) (local $cur i32)
    (local.set $pts (struct.get $Poly $pts (ref.cast (ref $Poly) (local.get 0))))
    (local.set $n (array.len (local.get $pts)))
    (local.set $prev (array.get $I32s (local.get $pts) (i32.sub (local.get $n) (i32.const 1))))
    (loop $pts
      (local.set $cur (array.get $I32s (local.get $pts) (local.get $i)))
      (local.set $a (i32.add (local.get $a)
        (i32.xor (i32.mul (local.get $prev) (i32.add (local.get $cur) (i32.const 1)))
                 (local.get $i))))
      (local.set $prev (local.get $cur))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $pts (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $a))

  (func $polyScale (type $ScaleFn)
    (local $pts (ref $I32s)) (local $i i32)
    (local.set $pts (struct.get $Poly $pts (ref.cast (ref $Poly) (local.get 0))))
    (local.set $i (i32.rem_u (local.get 1) (array.len (local.get $pts))))
    (array.set $I32s (local.get $pts) (local.get $i)
      (i32.and (i32.add (array.get $I32s (local.get $pts) (local.get $i)) (local.get 1))
               (i32.const 1023))))

  ;; ------------------------------------------------------------ objects
  ;; A new shape of a kind chosen by $r, with no links yet.
  (func $newShape (param $id i32) (param $r i32) (result (ref $Shape))
    (local $n i32) (local $i i32) (local $pts (ref null $I32s))
    (block $poly
      (block $square
        (block $rect
          (block $circle
            (br_table $circle $rect $square $poly (i32.and (local.get $r) (i32.const 3))))
          (return (struct.new $Circle (global.get $vtCircle) (local.get $id) (i32.const 0)
            (ref.null $Shape) (ref.null $Shape)
            (i32.and (i32.shr_u (local.get $r) (i32.const 2)) (i32.const 255)))))
        (return (struct.new $Rect (global.get $vtRect) (local.get $id) (i32.const 0)
          (ref.null $Shape) (ref.null $Shape)
          (i32.add (i32.and (i32.shr_u (local.get $r) (i32.const 2)) (i32.const 63)) (i32.const 1))
          (i32.add (i32.and (i32.shr_u (local.get $r) (i32.const 8)) (i32.const 63)) (i32.const 1)))))
      (local.set $n (i32.add (i32.and (i32.shr_u (local.get $r) (i32.const 2)) (i32.const 63)) (i32.const 1)))
      (return (struct.new $Square (global.get $vtSquare) (local.get $id) (i32.const 0)
        (ref.null $Shape) (ref.null $Shape)
        (local.get $n) (local.get $n) (i32.and (local.get $id) (i32.const 7)))))
    ;; Poly: 4 points from array.new_fixed, or 5..11 from array.new / array.new_default.
    (local.set $n (i32.add (i32.and (i32.shr_u (local.get $r) (i32.const 2)) (i32.const 7)) (i32.const 4)))
    (if (i32.eq (local.get $n) (i32.const 4))
      (then
        (local.set $pts (array.new_fixed $I32s 4
          (i32.and (local.get $r) (i32.const 31))
          (i32.and (i32.shr_u (local.get $r) (i32.const 5)) (i32.const 31))
          (i32.and (i32.shr_u (local.get $r) (i32.const 10)) (i32.const 31))
          (local.get $id))))
      (else
        (if (i32.and (local.get $r) (i32.const 64))
          (then (local.set $pts (array.new $I32s (i32.const 7) (local.get $n))))
          (else (local.set $pts (array.new_default $I32s (local.get $n)))))
        (loop $fill
          (array.set $I32s (local.get $pts) (local.get $i)
            (i32.add (array.get $I32s (local.get $pts) (local.get $i))
                     (i32.and (i32.shr_u (local.get $r) (local.get $i)) (i32.const 31))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $fill (i32.lt_u (local.get $i) (local.get $n))))))
    (struct.new $Poly (global.get $vtPoly) (local.get $id) (i32.const 0)
      (ref.null $Shape) (ref.null $Shape) (ref.as_non_null (local.get $pts))))

  ;; Dispatch on the subtype by casts; mutates the shape's accumulator.
  (func $typecase (param $s (ref $Shape)) (param $k i32) (result i32)
    (local $v i32) (local $rect (ref $Rect)) (local $pts (ref $I32s))
    (block $done
      (block $isPoly (result (ref $Poly))
        (block $isRect (result (ref $Rect))
          (block $isCircle (result (ref $Circle))
            (drop (br_on_cast $isCircle (ref $Shape) (ref $Circle) (local.get $s)))
            (drop (br_on_cast $isRect (ref $Shape) (ref $Rect) (local.get $s)))
            (drop (br_on_cast $isPoly (ref $Shape) (ref $Poly) (local.get $s)))
            (unreachable))
          ;; Circle
          struct.get $Circle $r
          local.set $v
          (br $done))
        ;; Rect or Square
        local.set $rect
        (if (ref.test (ref $Square) (local.get $rect))
          (then
            (local.set $v (i32.add (i32.shl (struct.get $Rect $w (local.get $rect)) (i32.const 2))
              (struct.get $Square $tag (ref.cast (ref $Square) (local.get $rect))))))
          (else
            (local.set $v (i32.add (struct.get $Rect $w (local.get $rect))
                                   (struct.get $Rect $h (local.get $rect))))))
        (br $done))
      ;; Poly
      struct.get $Poly $pts
      local.set $pts
      (local.set $v (i32.add (array.len (local.get $pts))
        (array.get $I32s (local.get $pts) (i32.rem_u (local.get $k) (array.len (local.get $pts)))))))
    (struct.set $Shape $acc (local.get $s)
      (i32.add (struct.get $Shape $acc (local.get $s)) (i32.xor (local.get $v) (local.get $k))))
    (local.get $v))

  ;; The sum of a boxed value: an i31ref's value, or a shape's id + acc.
  (func $unbox (param $a eqref) (result i32)
    (local $s (ref $Shape))
    (block $notI31 (result eqref)
      (drop (br_on_cast_fail $notI31 eqref (ref i31) (local.get $a)))
      (return (i31.get_u (ref.cast (ref i31) (local.get $a)))))
    ref.cast (ref $Shape)
    local.set $s
    (i32.add (struct.get $Shape $id (local.get $s)) (struct.get $Shape $acc (local.get $s))))

  ;; ------------------------------------------------------------ main
  (func (export "_start")
    (local $rounds i32) (local $round i32) (local $n i32) (local $i i32) (local $j i32)
    (local $r i32) (local $v i32)
    (local $shapes (ref null $Shapes)) (local $boxes (ref null $Eqs)) (local $buf (ref null $I32s))
    (local $s (ref null $Shape)) (local $p (ref null $Shape)) (local $head (ref null $Shape))
    (local $fresh (ref null $Shape))
    (local.set $rounds (call $arg1 (i32.const 500)))
    (if (i32.eqz (local.get $rounds)) (then (local.set $rounds (i32.const 1))))
    (local.set $n (i32.const 8192))

    (local.set $shapes (array.new_default $Shapes (local.get $n)))
    (local.set $boxes (array.new_default $Eqs (i32.const 256)))
    (local.set $buf (array.new $I32s (i32.const 0) (i32.const 1024)))
    (loop $build
      (array.set $Shapes (local.get $shapes) (local.get $i)
        (call $newShape (local.get $i) (call $rand)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $build (i32.lt_u (local.get $i) (local.get $n))))
    (local.set $i (i32.const 0))
    (loop $links
      (struct.set $Shape $link (ref.as_non_null (array.get $Shapes (local.get $shapes) (local.get $i)))
        (array.get $Shapes (local.get $shapes) (i32.rem_u (call $rand) (local.get $n))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $links (i32.lt_u (local.get $i) (local.get $n))))

    (loop $rounds
      ;; Relink the list in array order.
      (local.set $i (i32.const 0))
      (loop $relink
        (struct.set $Shape $next (ref.as_non_null (array.get $Shapes (local.get $shapes) (local.get $i)))
          (array.get $Shapes (local.get $shapes) (i32.add (local.get $i) (i32.const 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $relink (i32.lt_u (local.get $i) (i32.sub (local.get $n) (i32.const 1)))))
      (struct.set $Shape $next
        (ref.as_non_null (array.get $Shapes (local.get $shapes) (i32.sub (local.get $n) (i32.const 1))))
        (ref.null $Shape))
      (local.set $head (array.get $Shapes (local.get $shapes) (i32.const 0)))

      ;; Walk the list, dispatching by casts.
      (local.set $s (local.get $head))
      (local.set $v (i32.const 0))
      (loop $walk
        (local.set $v (i32.add (local.get $v)
          (call $typecase (ref.as_non_null (local.get $s)) (local.get $round))))
        (local.set $s (struct.get $Shape $next (ref.as_non_null (local.get $s))))
        (br_if $walk (i32.eqz (ref.is_null (local.get $s)))))
      (call $mix (local.get $v))

      ;; Virtual calls over the array; every fourth shape is scaled.
      (local.set $i (i32.const 0))
      (local.set $v (i32.const 0))
      (loop $calls
        (local.set $s (array.get $Shapes (local.get $shapes) (local.get $i)))
        (local.set $v (i32.add (local.get $v)
          (call_ref $AreaFn (ref.as_non_null (local.get $s))
            (struct.get $VT $area (struct.get $Shape $vt (ref.as_non_null (local.get $s)))))))
        (if (i32.eqz (i32.and (local.get $i) (i32.const 3)))
          (then
            (call_ref $ScaleFn (ref.as_non_null (local.get $s)) (i32.add (local.get $round) (i32.const 1))
              (struct.get $VT $scale (struct.get $Shape $vt (ref.as_non_null (local.get $s)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $calls (i32.lt_u (local.get $i) (local.get $n))))
      (call $mix (local.get $v))

      ;; Chase links.
      (local.set $p (array.get $Shapes (local.get $shapes)
        (i32.rem_u (i32.mul (local.get $round) (i32.const 97)) (local.get $n))))
      (local.set $i (i32.const 0))
      (local.set $v (i32.const 0))
      (loop $chase
        (local.set $p (struct.get $Shape $link (ref.as_non_null (local.get $p))))
        (local.set $v (i32.add (i32.add (local.get $v) (struct.get $Shape $id (ref.as_non_null (local.get $p))))
                               (ref.eq (local.get $p) (local.get $head))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $chase (i32.lt_u (local.get $i) (local.get $n))))
      (call $mix (local.get $v))

      ;; Rotate the shape array left by 1 + round % 7 (overlapping ref array.copy).
      (local.set $j (i32.add (i32.const 1) (i32.rem_u (local.get $round) (i32.const 7))))
      (local.set $i (i32.const 0))
      (loop $save
        (array.set $Eqs (local.get $boxes) (local.get $i)
          (array.get $Shapes (local.get $shapes) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $save (i32.lt_u (local.get $i) (local.get $j))))
      (array.copy $Shapes $Shapes (local.get $shapes) (i32.const 0)
        (local.get $shapes) (local.get $j) (i32.sub (local.get $n) (local.get $j)))
      (local.set $i (i32.const 0))
      (loop $restore
        (array.set $Shapes (local.get $shapes) (i32.add (i32.sub (local.get $n) (local.get $j)) (local.get $i))
          (ref.cast (ref null $Shape) (array.get $Eqs (local.get $boxes) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $restore (i32.lt_u (local.get $i) (local.get $j))))

      ;; i32 array operations: fill, overlapping copies both ways, a copy
      ;; from a Poly's points, reads.
      (array.fill $I32s (local.get $buf) (i32.const 0) (local.get $round) (i32.const 1024))
      (array.fill $I32s (local.get $buf) (i32.and (local.get $round) (i32.const 255))
        (i32.mul (local.get $round) (i32.const 3)) (i32.const 300))
      (array.copy $I32s $I32s (local.get $buf) (i32.const 1) (local.get $buf) (i32.const 0) (i32.const 1000))
      (array.copy $I32s $I32s (local.get $buf) (i32.const 500) (local.get $buf) (i32.const 510) (i32.const 400))
      (local.set $i (i32.const 0))
      (loop $polys
        (local.set $s (array.get $Shapes (local.get $shapes) (local.get $i)))
        (if (ref.test (ref $Poly) (local.get $s))
          (then
            (array.copy $I32s $I32s (local.get $buf) (i32.and (local.get $i) (i32.const 1008))
              (struct.get $Poly $pts (ref.cast (ref $Poly) (local.get $s))) (i32.const 0) (i32.const 4))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br_if $polys (i32.lt_u (local.get $i) (local.get $n))))
      (local.set $i (i32.const 0))
      (local.set $v (i32.const 0))
      (loop $reads
        (local.set $v (i32.add (i32.rotl (local.get $v) (i32.const 1))
                               (array.get $I32s (local.get $buf) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $reads (i32.lt_u (local.get $i) (array.len (local.get $buf)))))
      (call $mix (local.get $v))

      ;; Box values: half i31refs, half shapes; unbox through casts.
      (local.set $i (i32.const 0))
      (loop $box
        (local.set $r (call $rand))
        (if (i32.and (local.get $r) (i32.const 1))
          (then (array.set $Eqs (local.get $boxes) (local.get $i)
                  (ref.i31 (i32.shr_u (local.get $r) (i32.const 1)))))
          (else (array.set $Eqs (local.get $boxes) (local.get $i)
                  (array.get $Shapes (local.get $shapes) (i32.rem_u (local.get $r) (local.get $n))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $box (i32.lt_u (local.get $i) (i32.const 256))))
      (local.set $i (i32.const 0))
      (local.set $v (i32.const 0))
      (loop $unbox
        (local.set $v (i32.add (local.get $v)
          (call $unbox (array.get $Eqs (local.get $boxes) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $unbox (i32.lt_u (local.get $i) (i32.const 256))))
      (call $mix (local.get $v))

      ;; Churn: 256 shapes replaced by new ones, each linked both ways.
      (local.set $i (i32.const 0))
      (loop $churn
        (local.set $j (i32.rem_u (call $rand) (local.get $n)))
        (local.set $fresh (call $newShape (local.get $j) (call $rand)))
        (struct.set $Shape $link (ref.as_non_null (local.get $fresh))
          (array.get $Shapes (local.get $shapes) (i32.rem_u (call $rand) (local.get $n))))
        (array.set $Shapes (local.get $shapes) (local.get $j) (local.get $fresh))
        (struct.set $Shape $link
          (ref.as_non_null (array.get $Shapes (local.get $shapes) (i32.rem_u (call $rand) (local.get $n))))
          (local.get $fresh))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $churn (i32.lt_u (local.get $i) (i32.const 256))))

      (local.set $round (i32.add (local.get $round) (i32.const 1)))
      (br_if $rounds (i32.lt_u (local.get $round) (local.get $rounds))))

    ;; Fold every shape's final state into the checksum.
    (local.set $i (i32.const 0))
    (loop $final
      (local.set $s (array.get $Shapes (local.get $shapes) (local.get $i)))
      (call $mix (struct.get $Shape $acc (ref.as_non_null (local.get $s))))
      (call $mix (call $typecase (ref.as_non_null (local.get $s)) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $final (i32.lt_u (local.get $i) (local.get $n))))

    (call $puts (i32.const 256) (i32.const 10))
    (call $putu (local.get $rounds))
    (call $puts (i32.const 272) (i32.const 9))
    (call $putu (local.get $n))
    (call $puts (i32.const 288) (i32.const 18))
    (call $putu (global.get $hash))
    (i32.store8 (global.get $out) (i32.const 10))
    (global.set $out (i32.add (global.get $out) (i32.const 1)))
    (call $flush))
)

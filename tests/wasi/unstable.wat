;; WASI snapshot 0 (`wasi_unstable`) under `kite run`: a module that imports
;; only wasi_unstable, runs one group of calls (argv[1]: fd, path, clock or
;; poll) in the preopened directory (fd 3) and prints what the calls wrote
;; to memory, one line per step; run_wasi_test.sh compares the lines with
;; what snapshot 0's layouts must give. A call that used preview 1's layout
;; instead (64-byte filestat, SET=0 whence, 48-byte subscription) prints
;; other numbers.
;;
;; Memory: 0 iovec + 8 byte count (line output); 16 u32 result; 24 u64
;; result; 40 iovec + 48 count (file data); 256 filestat (72 bytes filled
;; with 0xAA first, so byte 56 shows where the record ends); 384 fdstat;
;; 512 subscriptions (56 bytes each); 768 events (32 bytes each); 960 digit
;; scratch; 1024 the output line; 2048 file data; 4096 argv; 8192 on: the
;; NUL-terminated strings, 32 bytes apart.
(module
  (import "wasi_unstable" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_unstable" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_unstable" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_tell" (func $fd_tell (param i32 i32) (result i32)))
  (import "wasi_unstable" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_unstable" "fd_fdstat_get" (func $fd_fdstat_get (param i32 i32) (result i32)))
  (import "wasi_unstable" "fd_filestat_get" (func $fd_filestat_get (param i32 i32) (result i32)))
  (import "wasi_unstable" "fd_filestat_set_times"
    (func $fd_filestat_set_times (param i32 i64 i64 i32) (result i32)))
  (import "wasi_unstable" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "path_filestat_get"
    (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "path_create_directory"
    (func $path_create_directory (param i32 i32 i32) (result i32)))
  (import "wasi_unstable" "path_remove_directory"
    (func $path_remove_directory (param i32 i32 i32) (result i32)))
  (import "wasi_unstable" "path_unlink_file" (func $path_unlink_file (param i32 i32 i32) (result i32)))
  (import "wasi_unstable" "path_rename" (func $path_rename (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "path_symlink" (func $path_symlink (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "clock_res_get" (func $clock_res_get (param i32 i32) (result i32)))
  (import "wasi_unstable" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_unstable" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "proc_exit" (func $proc_exit (param i32)))
  ;; The rest of snapshot 0's 45 functions, unused: the module links only if
  ;; kite defines each with snapshot 0's signature.
  (import "wasi_unstable" "environ_get" (func (param i32 i32) (result i32)))
  (import "wasi_unstable" "environ_sizes_get" (func (param i32 i32) (result i32)))
  (import "wasi_unstable" "fd_advise" (func (param i32 i64 i64 i32) (result i32)))
  (import "wasi_unstable" "fd_allocate" (func (param i32 i64 i64) (result i32)))
  (import "wasi_unstable" "fd_datasync" (func (param i32) (result i32)))
  (import "wasi_unstable" "fd_fdstat_set_flags" (func (param i32 i32) (result i32)))
  (import "wasi_unstable" "fd_fdstat_set_rights" (func (param i32 i64 i64) (result i32)))
  (import "wasi_unstable" "fd_filestat_set_size" (func (param i32 i64) (result i32)))
  (import "wasi_unstable" "fd_pread" (func (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_unstable" "fd_prestat_get" (func (param i32 i32) (result i32)))
  (import "wasi_unstable" "fd_prestat_dir_name" (func (param i32 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_pwrite" (func (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_unstable" "fd_readdir" (func (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_unstable" "fd_renumber" (func (param i32 i32) (result i32)))
  (import "wasi_unstable" "fd_sync" (func (param i32) (result i32)))
  (import "wasi_unstable" "path_filestat_set_times"
    (func (param i32 i32 i32 i32 i64 i64 i32) (result i32)))
  (import "wasi_unstable" "path_link" (func (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "path_readlink" (func (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "proc_raise" (func (param i32) (result i32)))
  (import "wasi_unstable" "sched_yield" (func (result i32)))
  (import "wasi_unstable" "random_get" (func (param i32 i32) (result i32)))
  (import "wasi_unstable" "sock_recv" (func (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "sock_send" (func (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "sock_shutdown" (func (param i32 i32) (result i32)))
  (memory (export "memory") 1)

  ;; ---- output: a line is built at 1024 and written to fd 1 by $nl ----
  (global $n (mut i32) (i32.const 0))
  (func $byte (param $b i32)
    (i32.store8 (i32.add (i32.const 1024) (global.get $n)) (local.get $b))
    (global.set $n (i32.add (global.get $n) (i32.const 1))))
  (func $len (param $p i32) (result i32) (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (i32.load8_u (i32.add (local.get $p) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $i))
  (func $str (param $p i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (i32.load8_u (local.get $p))))
        (call $byte (i32.load8_u (local.get $p)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next))))
  (func $dec (param $v i64) (local $k i32)
    (local.set $k (i32.const 990))
    (loop $digit
      (local.set $k (i32.sub (local.get $k) (i32.const 1)))
      (i32.store8 (local.get $k)
        (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $v) (i64.const 10)))))
      (local.set $v (i64.div_u (local.get $v) (i64.const 10)))
      (br_if $digit (i64.ne (local.get $v) (i64.const 0))))
    (loop $copy
      (call $byte (i32.load8_u (local.get $k)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $copy (i32.lt_u (local.get $k) (i32.const 990)))))
  ;; " label=" (no space first on a line), then a value: signed ($kv), or a
  ;; string ($kvs).
  (func $key (param $label i32)
    (if (global.get $n) (then (call $byte (i32.const 32))))
    (call $str (local.get $label))
    (call $byte (i32.const 61)))
  (func $kvs (param $label i32) (param $s i32)
    (call $key (local.get $label))
    (call $str (local.get $s)))
  (func $kv (param $label i32) (param $v i64)
    (call $key (local.get $label))
    (if (i64.lt_s (local.get $v) (i64.const 0))
      (then (call $byte (i32.const 45)) (local.set $v (i64.sub (i64.const 0) (local.get $v)))))
    (call $dec (local.get $v)))
  (func $kv32 (param $label i32) (param $v i32)
    (call $kv (local.get $label) (i64.extend_i32_u (local.get $v))))
  (func $nl
    (call $byte (i32.const 10))
    (i32.store (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 4) (global.get $n))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (global.set $n (i32.const 0)))

  ;; ---- helpers over the preopen (fd 3) ----
  (func $open (param $path i32) (param $oflags i32) (result i32)
    ;; rights: FD_READ FD_SEEK FD_TELL FD_WRITE FD_FILESTAT_GET
    ;; FD_FILESTAT_SET_TIMES POLL_FD_READWRITE
    (call $kv32 (i32.const 8192 (;"open";)) (call $path_open (i32.const 3) (i32.const 0) (local.get $path)
      (call $len (local.get $path)) (local.get $oflags) (i64.const 144703590) (i64.const 0)
      (i32.const 0) (i32.const 16)))
    (i32.load (i32.const 16)))
  (func $write (param $fd i32) (param $text i32)
    (i32.store (i32.const 40) (local.get $text))
    (i32.store (i32.const 44) (call $len (local.get $text)))
    (call $kv32 (i32.const 8224 (;"write";)) (call $fd_write (local.get $fd) (i32.const 40) (i32.const 1) (i32.const 48)))
    (call $kv32 (i32.const 8256 (;"n";)) (i32.load (i32.const 48))))
  ;; Prints the filestat a successful call left at 256: type, nlink (u32
  ;; @20), size (@24), and the byte just past a 56-byte record. Not for a
  ;; directory its nlink and size, which depend on the host file system.
  (func $clear_filestat (memory.fill (i32.const 256) (i32.const 0xAA) (i32.const 72)))
  (func $show_filestat (param $errno i32)
    (call $kv32 (i32.const 8288 (;"filestat";)) (local.get $errno))
    (if (local.get $errno) (then (return)))
    (call $kv32 (i32.const 8320 (;"type";)) (i32.load8_u (i32.const 272)))
    (if (i32.ne (i32.load8_u (i32.const 272)) (i32.const 3)) (then
      (call $kv32 (i32.const 8352 (;"nlink";)) (i32.load (i32.const 276)))
      (call $kv (i32.const 8384 (;"size";)) (i64.load (i32.const 280)))))
    (call $kv32 (i32.const 8416 (;"byte56";)) (i32.load8_u (i32.const 312))))
  (func $path_stat (param $flags i32) (param $path i32)
    (call $clear_filestat)
    (call $kvs (i32.const 8448 (;"path";)) (local.get $path))
    (call $kv32 (i32.const 8480 (;"follow";)) (local.get $flags))
    (call $show_filestat (call $path_filestat_get (i32.const 3) (local.get $flags)
      (local.get $path) (call $len (local.get $path)) (i32.const 256)))
    (call $nl))
  (func $seek (param $fd i32) (param $offset i64) (param $whence i32)
    (i64.store (i32.const 24) (i64.const 0xdead))
    (call $kv32 (i32.const 8512 (;"whence";)) (local.get $whence))
    (call $kv (i32.const 8544 (;"offset";)) (local.get $offset))
    (call $kv32 (i32.const 8576 (;"seek";)) (call $fd_seek (local.get $fd) (local.get $offset) (local.get $whence)
      (i32.const 24)))
    (call $kv (i32.const 8608 (;"pos";)) (i64.load (i32.const 24)))
    (call $nl))

  ;; ---- fd: write, seek with each snapshot-0 whence, read, tell, filestat ----
  (func $fd_group (local $fd i32)
    (local.set $fd (call $open (i32.const 8640 (;"f.txt";)) (i32.const 9))) ;; CREAT | TRUNC
    (call $write (local.get $fd) (i32.const 8672 (;"hello world";)))
    (call $nl)
    (call $seek (local.get $fd) (i64.const 0) (i32.const 2))  ;; SET
    (call $seek (local.get $fd) (i64.const 6) (i32.const 2))  ;; SET
    (i32.store (i32.const 40) (i32.const 2048))
    (i32.store (i32.const 44) (i32.const 5))
    (call $kv32 (i32.const 8704 (;"read";)) (call $fd_read (local.get $fd) (i32.const 40) (i32.const 1) (i32.const 48)))
    (call $kv32 (i32.const 8256 (;"n";)) (i32.load (i32.const 48)))
    (i32.store8 (i32.add (i32.const 2048) (i32.load (i32.const 48))) (i32.const 0))
    (call $kvs (i32.const 8736 (;"data";)) (i32.const 2048))
    (call $nl)
    (call $seek (local.get $fd) (i64.const -5) (i32.const 0)) ;; CUR
    (call $seek (local.get $fd) (i64.const -3) (i32.const 1)) ;; END
    (call $seek (local.get $fd) (i64.const 0) (i32.const 3))  ;; none: EINVAL
    (call $kv32 (i32.const 8768 (;"tell";)) (call $fd_tell (local.get $fd) (i32.const 24)))
    (call $kv (i32.const 8608 (;"pos";)) (i64.load (i32.const 24)))
    (call $nl)
    (call $clear_filestat)
    (call $show_filestat (call $fd_filestat_get (local.get $fd) (i32.const 256)))
    (call $nl)
    ;; mtim is at 40 in snapshot 0 (48 in preview 1). MTIM = 4.
    (call $kv32 (i32.const 8800 (;"set_times";)) (call $fd_filestat_set_times (local.get $fd) (i64.const 0)
      (i64.const 1234567890123) (i32.const 4)))
    (call $clear_filestat)
    (call $kv32 (i32.const 8288 (;"filestat";)) (call $fd_filestat_get (local.get $fd) (i32.const 256)))
    (call $kv (i32.const 8832 (;"mtim";)) (i64.load (i32.const 296)))
    (call $nl)
    ;; The preopen's rights: PATH_OPEN (bit 13) is there; SOCK_ACCEPT (bit
    ;; 29) does not exist in snapshot 0, though kite's preopens inherit it.
    (call $kv32 (i32.const 8864 (;"fdstat";)) (call $fd_fdstat_get (i32.const 3) (i32.const 384)))
    (call $kv32 (i32.const 8320 (;"type";)) (i32.load8_u (i32.const 384)))
    (call $kv (i32.const 8896 (;"path_open";)) (i64.and (i64.shr_u (i64.load (i32.const 392)) (i64.const 13)) (i64.const 1)))
    (call $kv (i32.const 8928 (;"inherits_sock_accept";))
      (i64.and (i64.shr_u (i64.load (i32.const 400)) (i64.const 29)) (i64.const 1)))
    (call $nl)
    (call $kv32 (i32.const 8960 (;"close";)) (call $fd_close (local.get $fd)))
    (call $nl))

  ;; ---- path: directories, filestat of paths, rename, symlinks ----
  (func $path_group (local $fd i32)
    (call $kv32 (i32.const 8992 (;"mkdir";)) (call $path_create_directory (i32.const 3) (i32.const 9024 (;"d";)) (i32.const 1)))
    (call $nl)
    (call $path_stat (i32.const 0) (i32.const 9024 (;"d";)))
    (local.set $fd (call $open (i32.const 9056 (;"d/a";)) (i32.const 1))) ;; CREAT
    (call $write (local.get $fd) (i32.const 9088 (;"abc";)))
    (call $kv32 (i32.const 8960 (;"close";)) (call $fd_close (local.get $fd)))
    (call $nl)
    (call $path_stat (i32.const 0) (i32.const 9056 (;"d/a";)))
    (call $kv32 (i32.const 9120 (;"rename";)) (call $path_rename (i32.const 3) (i32.const 9056 (;"d/a";)) (i32.const 3) (i32.const 3)
      (i32.const 9152 (;"d/b";)) (i32.const 3)))
    (call $nl)
    (call $path_stat (i32.const 0) (i32.const 9056 (;"d/a";)))
    (call $path_stat (i32.const 0) (i32.const 9152 (;"d/b";)))
    (call $kv32 (i32.const 9184 (;"symlink";)) (call $path_symlink (i32.const 9152 (;"d/b";)) (i32.const 3) (i32.const 3) (i32.const 9216 (;"s";)) (i32.const 1)))
    (call $nl)
    (call $path_stat (i32.const 0) (i32.const 9216 (;"s";)))  ;; the link itself
    (call $path_stat (i32.const 1) (i32.const 9216 (;"s";)))  ;; SYMLINK_FOLLOW: d/b
    (call $kv32 (i32.const 9248 (;"rmdir";)) (call $path_remove_directory (i32.const 3) (i32.const 9024 (;"d";)) (i32.const 1)))
    (call $kv32 (i32.const 9280 (;"unlink";)) (call $path_unlink_file (i32.const 3) (i32.const 9152 (;"d/b";)) (i32.const 3)))
    (call $kv32 (i32.const 9280 (;"unlink";)) (call $path_unlink_file (i32.const 3) (i32.const 9216 (;"s";)) (i32.const 1)))
    (call $kv32 (i32.const 9248 (;"rmdir";)) (call $path_remove_directory (i32.const 3) (i32.const 9024 (;"d";)) (i32.const 1)))
    (call $nl)
    (call $path_stat (i32.const 0) (i32.const 9024 (;"d";))))

  ;; ---- clock ----
  (func $clock_group (local $t0 i64)
    (call $kv32 (i32.const 9312 (;"res";)) (call $clock_res_get (i32.const 1) (i32.const 24)))
    (call $kv32 (i32.const 9344 (;"res_positive";)) (i64.gt_u (i64.load (i32.const 24)) (i64.const 0)))
    (call $nl)
    (call $kv32 (i32.const 9376 (;"time";)) (call $clock_time_get (i32.const 1) (i64.const 1) (i32.const 24)))
    (local.set $t0 (i64.load (i32.const 24)))
    (call $kv32 (i32.const 9376 (;"time";)) (call $clock_time_get (i32.const 1) (i64.const 1) (i32.const 24)))
    (call $kv32 (i32.const 9408 (;"monotonic";)) (i64.ge_u (i64.load (i32.const 24)) (local.get $t0)))
    (call $nl)
    ;; realtime after 2017-07-14 (1.5e18 ns)
    (call $kv32 (i32.const 9376 (;"time";)) (call $clock_time_get (i32.const 0) (i64.const 1) (i32.const 24)))
    (call $kv32 (i32.const 9440 (;"realtime_sane";))
      (i64.gt_u (i64.load (i32.const 24)) (i64.const 1500000000000000000)))
    (call $nl)
    (call $kv32 (i32.const 9312 (;"res";)) (call $clock_res_get (i32.const 4) (i32.const 24)))
    (call $kv32 (i32.const 9376 (;"time";)) (call $clock_time_get (i32.const 99) (i64.const 1) (i32.const 24)))
    (call $nl))

  ;; ---- poll: clock and fd subscriptions in the 56-byte layout ----
  ;; subscription: userdata u64, tag u8 @8, clock {identifier u64 @16, id
  ;; u32 @24, timeout u64 @32, precision u64 @40, flags u16 @48} or fd u32 @16.
  (func $clock_sub (param $at i32) (param $userdata i64) (param $id i32) (param $timeout i64)
                   (param $flags i32)
    (memory.fill (local.get $at) (i32.const 0) (i32.const 56))
    (i64.store (local.get $at) (local.get $userdata))
    (i64.store offset=16 (local.get $at) (i64.const 0x2222)) ;; identifier
    (i32.store offset=24 (local.get $at) (local.get $id))
    (i64.store offset=32 (local.get $at) (local.get $timeout))
    (i32.store16 offset=48 (local.get $at) (local.get $flags)))
  (func $fd_sub (param $at i32) (param $userdata i64) (param $tag i32) (param $fd i32)
    (memory.fill (local.get $at) (i32.const 0) (i32.const 56))
    (i64.store (local.get $at) (local.get $userdata))
    (i32.store8 offset=8 (local.get $at) (local.get $tag))
    (i32.store offset=16 (local.get $at) (local.get $fd)))
  ;; poll_oneoff(512, 768, count) and one line per event.
  (func $poll (param $count i32) (local $i i32) (local $e i32)
    (memory.fill (i32.const 768) (i32.const 0xAA) (i32.const 128))
    (call $kv32 (i32.const 9472 (;"poll";)) (call $poll_oneoff (i32.const 512) (i32.const 768) (local.get $count)
      (i32.const 16)))
    (call $kv32 (i32.const 9504 (;"nevents";)) (i32.load (i32.const 16)))
    (call $nl)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.load (i32.const 16))))
        (local.set $e (i32.add (i32.const 768) (i32.shl (local.get $i) (i32.const 5))))
        (call $kv (i32.const 9536 (;"userdata";)) (i64.load (local.get $e)))
        (call $kv32 (i32.const 9568 (;"error";)) (i32.load16_u offset=8 (local.get $e)))
        (call $kv32 (i32.const 8320 (;"type";)) (i32.load8_u offset=10 (local.get $e)))
        (call $kv (i32.const 9600 (;"nbytes";)) (i64.load offset=16 (local.get $e)))
        (call $nl)
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))
  (func $now (result i64)
    (drop (call $clock_time_get (i32.const 1) (i64.const 1) (i32.const 32)))
    (i64.load (i32.const 32)))
  (func $poll_group (local $t0 i64) (local $fd i32)
    ;; A relative 20 ms timeout on the monotonic clock (preview 1's layout
    ;; would read the identifier as the clock id: EINVAL).
    (call $clock_sub (i32.const 512) (i64.const 0x1111) (i32.const 1) (i64.const 20000000)
      (i32.const 0))
    (local.set $t0 (call $now))
    (call $poll (i32.const 1))
    (call $kv32 (i32.const 9632 (;"waited_20ms";)) (i64.ge_u (i64.sub (call $now) (local.get $t0)) (i64.const 20000000)))
    (call $nl)
    ;; An absolute deadline 10 ms ahead (flags @48) beside a relative 5 s
    ;; one: the first must fire alone.
    (local.set $t0 (call $now))
    (call $clock_sub (i32.const 512) (i64.const 0x3333) (i32.const 1)
      (i64.add (local.get $t0) (i64.const 10000000)) (i32.const 1))
    (call $clock_sub (i32.const 568) (i64.const 0x4444) (i32.const 1) (i64.const 5000000000)
      (i32.const 0))
    (call $poll (i32.const 2))
    ;; (9: the deadline is converted to a relative one a moment after $t0)
    (call $kv32 (i32.const 9664 (;"waited_9ms";)) (i64.ge_u (i64.sub (call $now) (local.get $t0)) (i64.const 9000000)))
    (call $nl)
    ;; fd subscriptions 56 bytes apart: a file with 5 bytes left to read,
    ;; stdout (a file here) for writing; then an fd that is not open after
    ;; a clock (an error event returns at once).
    (local.set $fd (call $open (i32.const 8640 (;"f.txt";)) (i32.const 9)))
    (call $write (local.get $fd) (i32.const 8672 (;"hello world";)))
    (call $nl)
    (call $seek (local.get $fd) (i64.const 6) (i32.const 2))
    (call $fd_sub (i32.const 512) (i64.const 7) (i32.const 1) (local.get $fd))
    (call $fd_sub (i32.const 568) (i64.const 8) (i32.const 2) (i32.const 1))
    (call $poll (i32.const 2))
    (call $clock_sub (i32.const 512) (i64.const 0x5555) (i32.const 1) (i64.const 5000000000)
      (i32.const 0))
    (call $fd_sub (i32.const 568) (i64.const 9) (i32.const 1) (i32.const 99))
    (call $poll (i32.const 2)))

  (func (export "_start") (local $arg i32)
    (drop (call $args_sizes_get (i32.const 16) (i32.const 20)))
    (if (i32.lt_u (i32.load (i32.const 16)) (i32.const 2)) (then (call $proc_exit (i32.const 2))))
    (drop (call $args_get (i32.const 4096) (i32.const 4160)))
    (local.set $arg (i32.load (i32.const 4100))) ;; argv[1]
    (if (i32.eq (i32.load8_u (local.get $arg)) (i32.const 102)) ;; 'f'
      (then (call $fd_group) (return)))
    (if (i32.eq (i32.load8_u (local.get $arg)) (i32.const 99)) ;; 'c'
      (then (call $clock_group) (return)))
    (if (i32.eq (i32.load16_u (local.get $arg)) (i32.const 0x6170)) ;; "pa"
      (then (call $path_group) (return)))
    (if (i32.eq (i32.load16_u (local.get $arg)) (i32.const 0x6f70)) ;; "po"
      (then (call $poll_group) (return)))
    (call $proc_exit (i32.const 2)))


  ;; ---- strings, 32 bytes apart ----
  (data (i32.const 8192) "open\00")
  (data (i32.const 8224) "write\00")
  (data (i32.const 8256) "n\00")
  (data (i32.const 8288) "filestat\00")
  (data (i32.const 8320) "type\00")
  (data (i32.const 8352) "nlink\00")
  (data (i32.const 8384) "size\00")
  (data (i32.const 8416) "byte56\00")
  (data (i32.const 8448) "path\00")
  (data (i32.const 8480) "follow\00")
  (data (i32.const 8512) "whence\00")
  (data (i32.const 8544) "offset\00")
  (data (i32.const 8576) "seek\00")
  (data (i32.const 8608) "pos\00")
  (data (i32.const 8640) "f.txt\00")
  (data (i32.const 8672) "hello world\00")
  (data (i32.const 8704) "read\00")
  (data (i32.const 8736) "data\00")
  (data (i32.const 8768) "tell\00")
  (data (i32.const 8800) "set_times\00")
  (data (i32.const 8832) "mtim\00")
  (data (i32.const 8864) "fdstat\00")
  (data (i32.const 8896) "path_open\00")
  (data (i32.const 8928) "inherits_sock_accept\00")
  (data (i32.const 8960) "close\00")
  (data (i32.const 8992) "mkdir\00")
  (data (i32.const 9024) "d\00")
  (data (i32.const 9056) "d/a\00")
  (data (i32.const 9088) "abc\00")
  (data (i32.const 9120) "rename\00")
  (data (i32.const 9152) "d/b\00")
  (data (i32.const 9184) "symlink\00")
  (data (i32.const 9216) "s\00")
  (data (i32.const 9248) "rmdir\00")
  (data (i32.const 9280) "unlink\00")
  (data (i32.const 9312) "res\00")
  (data (i32.const 9344) "res_positive\00")
  (data (i32.const 9376) "time\00")
  (data (i32.const 9408) "monotonic\00")
  (data (i32.const 9440) "realtime_sane\00")
  (data (i32.const 9472) "poll\00")
  (data (i32.const 9504) "nevents\00")
  (data (i32.const 9536) "userdata\00")
  (data (i32.const 9568) "error\00")
  (data (i32.const 9600) "nbytes\00")
  (data (i32.const 9632) "waited_20ms\00")
  (data (i32.const 9664) "waited_9ms\00"))

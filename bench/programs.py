"""Real programs for bench/run (imported by it; not run on its own).

Four WASI programs, the modules of tests/programs (npm packages fetched at
exact versions into ~/.cache/kite-fixtures by tests/programs/fetch.sh, or
built from source here), with bigger workloads:

  sqlite   tests/programs/sqlite/driver.c + the SQLite amalgamation of
           better-sqlite3, built for wasm32-wasi with clang-19 at bench time
           into <build>/bench/programs/sqlite/; runs bench/programs/sqlite.sql
           on a fresh database file.
  esbuild  @esbuild/wasi-preview1 (Go, wasip1) bundles, minifies and
           source-maps a generated project of 240 modules (~2.4 MB).
  quickjs  quickjs-wasi's quickjs.wasm evaluates bench/programs/quickjs.js.
           The module is a reactor driven through a C-style API (strings go
           in through wasm_malloc + qjs_eval), so it needs an embedder: kite
           runs it with tests/programs/quickjs/qjs_eval (<build>/tests/
           programs/qjs_eval, or $QJS_EVAL), Node with the package's own JS
           glue. The wasm3 and iwasm CLIs can only call exports with numeric
           arguments, so they cannot run it.
  yosys    @yowasp/yosys's yosys.core.wasm: synth_ice40 of
           tests/programs/yosys/design.v to JSON.

Each run gets a fresh work directory that the guest sees as "/" (kite and
node: --dir WORK::/; iwasm: --map-dir=/::WORK; wasm3's simple WASI has no
preopen option and preopens its working directory as "/" and "./", so it
runs inside WORK). Peers get a 16 MiB stack (--stack-size): iwasm's default
64 KiB operand stack overflows in yosys. The checked output (stdout or a
file written) must have the sha256 of bench/programs/expected.txt.
"""
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import time
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PROGRAMS_DIR = os.path.join(ROOT, "tests", "programs")
PEER_STACK = 16 * 1024 * 1024
PROGRAMS = ["sqlite", "esbuild", "quickjs", "yosys"]
FIXTURES = {  # program -> (npm package, exact version), as in tests/programs/*/run.sh
    "sqlite": ("better-sqlite3", "13.2.0"),
    "esbuild": ("@esbuild/wasi-preview1", "0.27.2"),
    "quickjs": ("quickjs-wasi", "3.6.2"),
    "yosys": ("@yowasp/yosys", "0.55.944"),
}
YOSYS_SCRIPT = "read_verilog design.v; synth_ice40 -top top -json out.json"
ESBUILD_MODULES = 240


def cache_dir():
    return os.environ.get("KITE_FIXTURES") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "kite-fixtures")


def available():
    """True when every fixture is cached or npm can fetch them."""
    cached = all(os.path.exists(os.path.join(cache_dir(), f"{p.replace('/', '+')}@{v}", ".complete"))
                 for p, v in FIXTURES.values())
    return cached or shutil.which("npm") is not None


def fixture(name):
    pkg, version = FIXTURES[name]
    out = subprocess.run([os.path.join(PROGRAMS_DIR, "fetch.sh"), pkg, version],
                         check=True, stdout=subprocess.PIPE, text=True).stdout
    return out.strip()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def node_binary(rts):
    for rt, cmd in rts:
        if rt == "node":
            return cmd[0]
    return os.environ.get("NODE") or shutil.which("node")


def wasi_command(rt, cmd, work, wasm, args):
    """argv running WASI command WASM with ARGS under runtime RT, WORK as "/"."""
    exe = cmd[0]
    if rt == "kite":
        return [exe, "run", "--dir", f"{work}::/", wasm, *args]
    if rt == "wasm3":
        return [exe, "--stack-size", str(PEER_STACK), wasm, *args]
    if rt == "wamr":
        return [exe, f"--stack-size={PEER_STACK}", f"--map-dir=/::{work}", wasm, *args]
    if rt == "node":
        return [exe, os.path.join(PROGRAMS_DIR, "wasi-run.mjs"), "--dir", f"{work}::/", wasm, *args]
    raise ValueError(rt)


# ---------------------------------------------------------------- programs
# Each program: prepare(build_dir, rts) -> spec dict with
#   "command": fn(rt, cmd, work) -> argv or a string saying why RT cannot run it
#   "setup":   fn(work) filling a fresh work directory (untimed)
#   "output":  fn(work, stdout) -> bytes that are checked


def prepare_sqlite(bench_dir, rts):
    amalgamation = os.path.join(fixture("sqlite"), "deps", "sqlite3")
    src = os.path.join(PROGRAMS_DIR, "sqlite", "driver.c")
    out_dir = os.path.join(bench_dir, "sqlite")
    os.makedirs(out_dir, exist_ok=True)
    wasm = os.path.join(out_dir, "driver.wasm")
    inputs = [src, os.path.join(amalgamation, "sqlite3.c")]
    if not os.path.exists(wasm) or any(os.path.getmtime(i) > os.path.getmtime(wasm) for i in inputs):
        cc = os.environ.get("KITE_CLANG", "clang-19")
        print(f"bench/run: building {wasm} (SQLite for wasm32-wasi, about a minute)", file=sys.stderr)
        # The options of tests/programs/sqlite/run.sh.
        subprocess.run([cc, "-O2", "-DSQLITE_OMIT_LOAD_EXTENSION", "-DSQLITE_THREADSAFE=0",
                        "-DSQLITE_ENABLE_MATH_FUNCTIONS", f"-I{amalgamation}", src,
                        os.path.join(amalgamation, "sqlite3.c"), "-o", wasm + ".tmp",
                        "--target=wasm32-wasi", "--sysroot=/usr"], check=True)
        os.replace(wasm + ".tmp", wasm)
    script = os.path.join(HERE, "programs", "sqlite.sql")

    def setup(work):
        shutil.copy(script, os.path.join(work, "script.sql"))

    return {"wasm": wasm, "setup": setup,
            "command": lambda rt, cmd, work: wasi_command(rt, cmd, work, wasm, ["test.db", "script.sql"]),
            "output": lambda work, out: out}


def generate_esbuild_project(dest):
    """A deterministic project: src/main.js importing ESBUILD_MODULES modules."""
    marker = os.path.join(dest, f".complete-{ESBUILD_MODULES}")
    if os.path.exists(marker):
        return
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(os.path.join(dest, "src", "lib"))
    names = []
    for i in range(ESBUILD_MODULES):
        name = f"m{i:03d}"
        names.append(name)
        deps = [f"m{j:03d}" for j in (i - 1, i // 2, i // 3) if 0 <= j < i]
        deps = sorted(set(deps))
        lines = [f'import {{ value_{d} }} from "./{d}.js";' for d in deps]
        lines.append(f"// module {i}: classes, closures, templates and arithmetic")
        for k in range(12):
            lines += [
                f"export class Shape{i}_{k} {{",
                f"  constructor(width, height, label = \"shape-{i}-{k}\") {{",
                "    this.width = width;",
                "    this.height = height;",
                "    this.label = label;",
                "    this.history = [];",
                "  }",
                "  area() { return this.width * this.height; }",
                "  perimeter() { return 2 * (this.width + this.height); }",
                f"  scale(factor = {k + 1}) {{",
                "    const next = new this.constructor(this.width * factor, this.height * factor, this.label);",
                "    next.history = [...this.history, { op: 'scale', factor }];",
                "    return next;",
                "  }",
                f"  describe() {{ return `${{this.label}}: ${{this.width}}x${{this.height}} (area ${{this.area()}}, {k})`; }}",
                "}",
                f"export function compute{i}_{k}(values, options = {{}}) {{",
                f"  const {{ offset = {i % 17}, factor = {k + 2}, filter = (v) => v % {k + 2} !== 0 }} = options;",
                "  let total = 0;",
                "  for (const [index, value] of values.entries()) {",
                "    if (!filter(value)) continue;",
                "    total += (value * factor + offset) ^ (index << 2);",
                "    if (total > 1e9) total = total % 1000003;",
                "  }",
                f"  const memo = new Map([[\"k{k}\", total]]);",
                "  return { total, memo, label: `compute" + f"{i}_{k}" + " -> ${total}` };",
                "}",
            ]
        body = " + ".join([f"value_{d}" for d in deps] + [f"compute{i}_0([1, 2, 3, {i}]).total"])
        lines.append(f"export const value_{name} = {body};")
        lines.append(f"export const shapes_{name} = [" + ", ".join(
            f"new Shape{i}_{k}({k + 1}, {i % 9 + 1})" for k in range(12)) + "];")
        with open(os.path.join(dest, "src", "lib", name + ".js"), "w") as f:
            f.write("\n".join(lines) + "\n")
    with open(os.path.join(dest, "src", "main.js"), "w") as f:
        for n in names:
            f.write(f'import {{ value_{n}, shapes_{n} }} from "./lib/{n}.js";\n')
        f.write("const all = [" + ", ".join(f"[value_{n}, shapes_{n}]" for n in names) + "];\n")
        f.write("for (const [value, shapes] of all) console.log(value, shapes.map((s) => s.describe()).join('; '));\n")
    open(marker, "w").close()


def prepare_esbuild(bench_dir, rts):
    wasm = os.path.join(fixture("esbuild"), "esbuild.wasm")
    project = os.path.join(bench_dir, "esbuild-project")
    generate_esbuild_project(project)
    args = ["src/main.js", "--bundle", "--minify", "--format=esm", "--sourcemap",
            "--outfile=out/bundle.js", "--log-level=warning"]

    def setup(work):
        shutil.copytree(os.path.join(project, "src"), os.path.join(work, "src"))

    def output(work, out):
        with open(os.path.join(work, "out", "bundle.js"), "rb") as f:
            bundle = f.read()
        with open(os.path.join(work, "out", "bundle.js.map"), "rb") as f:
            return bundle + f.read()

    return {"wasm": wasm, "setup": setup,
            "command": lambda rt, cmd, work: wasi_command(rt, cmd, work, wasm, args),
            "output": output}


def prepare_quickjs(bench_dir, rts):
    pkg = fixture("quickjs")
    wasm = os.path.join(pkg, "quickjs.wasm")
    qjs_eval = os.environ.get("QJS_EVAL") or os.path.join(os.path.dirname(bench_dir), "..", "tests",
                                                          "programs", "qjs_eval")
    script = os.path.join(HERE, "programs", "quickjs.js")
    why = ("a reactor driven through its C API (source strings passed through wasm_malloc + "
           "qjs_eval, 6 `env` host imports); the CLI can only invoke exports with numeric "
           "arguments, so it cannot evaluate JS")

    def command(rt, cmd, work):
        if rt == "kite":
            if not os.access(qjs_eval, os.X_OK):
                return f"no qjs_eval at {qjs_eval} (build the qjs_eval target, or set QJS_EVAL)"
            return [os.path.abspath(qjs_eval), wasm, "quickjs.js"]
        if rt == "node":
            return [cmd[0], os.path.join(PROGRAMS_DIR, "quickjs", "node-eval.mjs"), "--quickjs", pkg,
                    "quickjs.js"]
        return why

    def setup(work):
        shutil.copy(script, os.path.join(work, "quickjs.js"))

    return {"wasm": wasm, "setup": setup, "command": command, "output": lambda work, out: out}


def yosys_share(bench_dir, rts):
    pkg = fixture("yosys")
    share = os.path.join(bench_dir, "yosys-share-" + FIXTURES["yosys"][1])
    if not os.path.exists(os.path.join(share, ".complete")):
        node = node_binary(rts)
        if not node:
            raise RuntimeError("extracting yosys's share directory needs node (set NODE)")
        shutil.rmtree(share, ignore_errors=True)
        subprocess.run([node, os.path.join(PROGRAMS_DIR, "yosys", "extract-share.mjs"), pkg, share],
                       check=True, stdout=subprocess.DEVNULL)
        open(os.path.join(share, ".complete"), "w").close()
    return os.path.join(pkg, "gen", "yosys.core.wasm"), os.path.join(share, "share")


def prepare_yosys(bench_dir, rts):
    wasm, share = yosys_share(bench_dir, rts)

    def setup(work):
        os.mkdir(os.path.join(work, "tmp"))  # abc's scratch files
        shutil.copytree(share, os.path.join(work, "share"))
        shutil.copy(os.path.join(PROGRAMS_DIR, "yosys", "design.v"), work)

    def output(work, out):
        with open(os.path.join(work, "out.json"), "rb") as f:
            return f.read()

    return {"wasm": wasm, "setup": setup,
            "command": lambda rt, cmd, work: wasi_command(rt, cmd, work, wasm, ["-q", "-p", YOSYS_SCRIPT]),
            "output": output}


PREPARE = {"sqlite": prepare_sqlite, "esbuild": prepare_esbuild,
           "quickjs": prepare_quickjs, "yosys": prepare_yosys}


# ---------------------------------------------------------------- running

def measured(argv, build):
    """argv run through <build>/bench/peak_rss (bench/tools/peak_rss.c), and
    the file it writes the peak RSS to; wait4's figure for a child of this
    process would start from this process's own. Without the helper: argv
    and None."""
    helper = os.path.join(build, "bench", "peak_rss")
    if not os.access(helper, os.X_OK):
        return argv, None
    fd, path = tempfile.mkstemp(prefix="kite-rss-")
    os.close(fd)
    return [helper, path] + argv, path


def peak_kib(path, usage):
    """The peak RSS peak_rss wrote to `path`, else wait4's."""
    if path is None:
        return usage.ru_maxrss
    try:
        with open(path) as f:
            return int(f.read() or 0)
    finally:
        os.unlink(path)


def run_rusage(argv, work, build, timeout=None):
    """Wall seconds, the child's peak RSS (KiB), exit code, stdout, stderr of
    `argv` run in `work` (None: here); killed after `timeout` seconds if given."""
    argv, rss_file = measured(argv, build)
    start = time.perf_counter()
    try:
        proc = subprocess.Popen(argv, cwd=work, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as e:
        if rss_file:
            os.unlink(rss_file)
        return 0.0, 0, 127, b"", str(e).encode()
    # Read both pipes without deadlock, then reap with wait4 for rusage.
    bufs = {}

    def drain(name, pipe):
        bufs[name] = pipe.read()

    threads = [threading.Thread(target=drain, args=("out", proc.stdout)),
               threading.Thread(target=drain, args=("err", proc.stderr))]
    for t in threads:
        t.start()
    timer = threading.Timer(timeout, proc.kill) if timeout else None
    if timer:
        timer.start()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    timed_out = timer is not None and not timer.is_alive()
    if timer:
        timer.cancel()
    for t in threads:
        t.join()
    err = bufs["err"]
    if timed_out:
        err += f"\n(killed after {timeout} s)".encode()
    return elapsed, peak_kib(rss_file, usage), os.waitstatus_to_exitcode(status), bufs["out"], err


def fmt_time(t):
    return f"{t * 1000:.1f} ms" if t < 1 else f"{t:.3f} s"


def time_table(title, first, rows, rts, times, unsupported):
    """Markdown: a table of median times (min-max) per runtime and each peer's
    ratio to kite; rows are (label, name) with times keyed (name, runtime)."""
    peers = [rt for rt, _ in rts[1:]]
    md = [title, "",
          f"| {first} | kite | " + " | ".join(peers) + " | "
          + " | ".join(f"{p}/kite" for p in peers) + " |",
          "|---|---:|" + "---:|" * (2 * len(peers))]

    def cell(key):
        ts = times.get(key)
        if not ts:
            return "n/a" if key in unsupported else "FAIL"
        return f"{fmt_time(statistics.median(ts))} ({fmt_time(min(ts))}–{fmt_time(max(ts))})"

    for label, n in rows:
        row = [label, cell((n, "kite"))] + [cell((n, p)) for p in peers]
        for p in peers:
            k, o = times.get((n, "kite")), times.get((n, p))
            row.append(f"{statistics.median(o) / statistics.median(k):.2f}×" if k and o else "—")
        md.append("| " + " | ".join(row) + " |")
    return md


def rss_table(rows, rts, rss):
    """Markdown: the peak RSS of each row (label, name) under each runtime."""
    md = ["| peak RSS | " + " | ".join(rt for rt, _ in rts) + " |",
          "|---|" + "---:|" * len(rts)]
    for label, n in rows:
        md.append(f"| {label} | " + " | ".join(
            f"{rss[(n, rt)] / 1024:.1f} MiB" if (n, rt) in rss else "—" for rt, _ in rts) + " |")
    return md


def problem_lines(cannot, failures):
    """Markdown: what did not run or failed, with its error."""
    md = []
    if cannot:
        md += ["", "**Not run (n/a) or failed (FAIL)**, with the exact error (last lines):"]
        md += [f"- {n} under {rt}: {why}" for (n, rt), why in sorted(cannot.items())]
    if failures:
        md += ["", "**Failures:**"]
        md += [f"- {f}" for f in failures]
    return md


def load_expected(path=None):
    """name -> sha256 from an expected.txt (default: bench/programs/expected.txt)."""
    expected = {}
    with open(path or os.path.join(HERE, "programs", "expected.txt")) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                name, digest = line.split()
                expected[name] = digest
    return expected


def run(args, rts, names=None):
    """Runs the programs (and the start-up measurement); returns (status, markdown)."""
    names = names or PROGRAMS
    bench_dir = os.path.join(args.build, "bench", "programs")
    os.makedirs(bench_dir, exist_ok=True)
    expected = load_expected()
    specs, failures, cannot = {}, [], {}
    for n in names:
        try:
            specs[n] = PREPARE[n](bench_dir, rts)
        except (subprocess.CalledProcessError, RuntimeError, OSError) as e:
            failures.append(f"{n}: set-up failed: {e}")
    times, rss, unsupported = {}, {}, set()
    work_root = os.path.join(bench_dir, "work")
    for n, spec in specs.items():
        for _ in range(args.runs):
            for rt, cmd in rts:
                work = os.path.join(work_root, f"{n}-{rt}")
                shutil.rmtree(work, ignore_errors=True)
                os.makedirs(work)
                argv = spec["command"](rt, cmd, work)
                if isinstance(argv, str):
                    cannot[(n, rt)] = argv
                    unsupported.add((n, rt))
                    continue
                spec["setup"](work)
                t, peak, code, out, err = run_rusage(argv, work, args.build)
                try:
                    got = sha256(spec["output"](work, out))
                except OSError as e:
                    got = f"no output ({e.strerror}: {e.filename})"
                if code != 0 or got != expected.get(n):
                    msg = (err or out).decode(errors="replace").strip().splitlines()
                    cannot[(n, rt)] = (f"exit {code}: " + " / ".join(msg[-3:])[-300:]
                                       if code != 0 else f"wrong output (sha256 {got})")
                    times.setdefault((n, rt), [])
                    continue
                times.setdefault((n, rt), []).append(t)
                rss[(n, rt)] = max(rss.get((n, rt), 0), peak)
        line = "  ".join(f"{rt} {fmt_time(statistics.median(times[(n, rt)]))}"
                         for rt, _ in rts if times.get((n, rt)))
        print(f"{n:10} {line}", file=sys.stderr)
    shutil.rmtree(work_root, ignore_errors=True)

    rows = [(n, n) for n in specs]
    md = time_table("### Real programs", "program", rows, rts, times, unsupported)
    md.append("")
    md.append(f"Times: median of {args.runs} runs (min–max), whole process, outputs checked "
              "(sha256, bench/programs/expected.txt). Ratio = peer time / kite time.")
    md.append("")
    md.extend(rss_table(rows, rts, rss))

    if "yosys" in specs:
        md.append("")
        md.extend(startup(args, rts, specs["yosys"]["wasm"], cannot))
    md.extend(problem_lines(cannot, failures))
    kite_failed = any((n, "kite") in cannot for n in specs) or any(
        k[1].startswith("kite") for k in cannot if k[0].startswith("yosys "))
    return (1 if failures or kite_failed else 0), "\n".join(md) + "\n"


def startup(args, rts, wasm, cannot):
    """yosys's start-up: to its first instruction (the module with `_start`
    replaced by proc_exit(0), bench/startup_probe.py) and `-V` to exit, under
    kite (default and --lazy-validation) and each peer."""
    probe = os.path.join(os.path.dirname(wasm), "yosys-exit-at-start.wasm")
    # In a child process, so that this one never holds the 30 MB module.
    subprocess.run([sys.executable, os.path.join(HERE, "startup_probe.py"), wasm, probe], check=True)
    size = os.path.getsize(wasm) / 1e6
    md = []
    for key, title, module, args_, check in (
            ("yosys start", "to its first instruction (`_start` replaced by `proc_exit(0)`)", probe, [],
             lambda out: True),
            ("yosys -V", "`-V`, to exit", wasm, ["-V"], lambda out: out.startswith(b"Yosys "))):
        variants = []
        for rt, cmd in rts:
            if rt == "kite":
                # Without the module cache, as before it existed (bench/startup.py
                # measures it): eager validation on every run.
                variants.append(("kite", [cmd[0], "run", "--no-cache", module] + args_))
                variants.append(("kite --lazy-validation",
                                 [cmd[0], "run", "--no-cache", "--lazy-validation", module] + args_))
            elif rt == "node":
                variants.append(("node", [cmd[0], os.path.join(PROGRAMS_DIR, "wasi-run.mjs"), module] + args_))
            else:
                variants.append((rt, wasi_command(rt, cmd, "/", module, args_)))
        times, rss = {}, {}
        for _ in range(args.startup_runs):
            for name, argv in variants:
                t, peak, code, out, err = run_rusage(argv, "/", args.build)
                if code != 0 or not check(out):
                    cannot[(key, name)] = f"exit {code}: " + (err or out).decode(errors="replace")[-200:]
                    continue
                times.setdefault(name, []).append(t)
                rss[name] = max(rss.get(name, 0), peak)
        md += [f"Start-up of `yosys.core.wasm` ({size:.1f} MB module) {title}: "
               f"median of {args.startup_runs} (min–max), and peak RSS:", "",
               "| runtime | time | peak RSS |", "|---|---:|---:|"]
        for name, _ in variants:
            ts = times.get(name)
            md.append(f"| {name} | " + (f"{fmt_time(statistics.median(ts))} ({fmt_time(min(ts))}–{fmt_time(max(ts))})"
                                       if ts else "FAIL") + " | "
                      + (f"{rss[name] / 1024:.1f} MiB" if name in rss else "—") + " |")
        md.append("")
    return md[:-1]

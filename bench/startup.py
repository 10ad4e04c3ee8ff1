"""Start-up of large real modules, for bench/run --startup (imported by it).

Three WASI commands from npm (fetched like tests/programs, see programs.py):
yosys (@yowasp/yosys, 30.8 MB), esbuild (@esbuild/wasi-preview1, 19.9 MB)
and LLVM (@yowasp/clang's llvm.core.wasm, 75.5 MB, a multi-call binary run
as `clang`). For each: the time to its first instruction (a copy whose
`_start` body is `proc_exit(0)`, bench/startup_probe.py) and of a
`--version`-style run to exit, under
  kite cold   the first run: an empty module cache (--cache on a fresh
              directory), so the module is validated eagerly and recorded;
  kite warm   the cache filled by an earlier run (the default set-up of a
              second run: validation is skipped with the same guarantee);
  kite lazy   --no-cache --lazy-validation, for reference;
and each peer (wasm3, WAMR, Node 26: see bench/run).

Then a multi-invocation C build through clang-as-wasm: three .c files
compiled with `clang -O2 -c` (driver and cc1 in one process each) and linked
with `wasm-ld`, four fresh runs of the 75 MB module, under kite (cold: an
empty cache at the start of the build; warm: filled) and Node 26, the
resulting program checked by running it under kite. The sysroot is the
package's llvm-resources.tar, preopened as /usr (as @yowasp/clang does).

Runs alternate between runtimes; reported: the median (min-max).
"""
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile

import programs
from programs import PROGRAMS_DIR, fmt_time, run_rusage, wasi_command

HERE = os.path.dirname(os.path.abspath(__file__))
CLANG = ("@yowasp/clang", "22.0.0-git20542-10")
PROJECT = {
    "util.h": "int add(int a, int b);\nint fib(int n);\nvoid print_table(void);\n",
    "main.c": '#include <stdio.h>\n#include "util.h"\n'
              'int main(void) { printf("%d %d\\n", add(2, 3), fib(20)); print_table(); return 0; }\n',
    "math.c": '#include "util.h"\nint add(int a, int b) { return a + b; }\n'
              "int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }\n",
    "table.c": '#include <stdio.h>\n#include <string.h>\n#include "util.h"\n'
               "void print_table(void) {\n  char buf[64];\n"
               '  for (int i = 1; i <= 3; ++i) { snprintf(buf, sizeof buf, "%d^2=%d", i, i * i); puts(buf); }\n'
               '  printf("%zu\\n", strlen(buf));\n}\n',
}
PROJECT_OUTPUT = b"5 6765\n1^2=1\n2^2=4\n3^2=9\n5\n"


def fetch(pkg, version):
    out = subprocess.run([os.path.join(PROGRAMS_DIR, "fetch.sh"), pkg, version],
                         check=True, stdout=subprocess.PIPE, text=True).stdout
    return out.strip()


def prepare(build):
    """The modules, their probes, the clang/wasm-ld names and the sysroot,
    under <build>/bench/startup."""
    base = os.path.join(build, "bench", "startup")
    os.makedirs(os.path.join(base, "bin"), exist_ok=True)
    llvm = os.path.join(fetch(*CLANG), "gen", "llvm.core.wasm")
    mods = {
        "yosys": (os.path.join(programs.fixture("yosys"), "gen", "yosys.core.wasm"), ["-V"], b"Yosys "),
        "esbuild": (os.path.join(programs.fixture("esbuild"), "esbuild.wasm"), ["--version"], b"0."),
        "clang": (os.path.join(base, "bin", "clang"), ["--version"], b"clang version"),
    }
    for tool in ("clang", "wasm-ld"):  # a multi-call binary: argv[0] picks the tool
        link = os.path.join(base, "bin", tool)
        if not os.path.islink(link):
            os.symlink(llvm, link)
    usr = os.path.join(base, "usr")
    if not os.path.exists(os.path.join(usr, ".complete")):
        shutil.rmtree(usr, ignore_errors=True)
        with tarfile.open(os.path.join(os.path.dirname(llvm), "llvm-resources.tar")) as tar:
            tar.extractall(usr)
        open(os.path.join(usr, ".complete"), "w").close()
    out = {}
    for name, (wasm, args, check) in mods.items():
        probe = os.path.join(base, f"{name}-exit-at-start.wasm")
        if not os.path.exists(probe):
            subprocess.run([sys.executable, os.path.join(HERE, "startup_probe.py"), wasm, probe], check=True)
        out[name] = (wasm, probe, args, check)
    return base, out


def variants(rts, module, args, caches):
    """(name, argv) of each way to run `module` with `args`."""
    found = []
    for rt, cmd in rts:
        if rt == "kite":
            found.append(("kite cold", [cmd[0], "run", "--cache", caches["cold"], module] + args))
            found.append(("kite warm", [cmd[0], "run", "--cache", caches["warm"], module] + args))
            found.append(("kite lazy", [cmd[0], "run", "--no-cache", "--lazy-validation", module] + args))
        elif rt == "node":
            found.append(("node", [cmd[0], os.path.join(PROGRAMS_DIR, "wasi-run.mjs"), module] + args))
        else:
            found.append((rt, wasi_command(rt, cmd, "/", module, args)))
    return found


def build_steps(rt, cmd, base, work, cache):
    """argv of each step of the C build under runtime rt (kite or node)."""
    clang, wasm_ld = os.path.join(base, "bin", "clang"), os.path.join(base, "bin", "wasm-ld")
    usr = os.path.join(base, "usr")

    def run(tool, args):
        if rt == "kite":
            return [cmd[0], "run", "--cache", cache, "--dir", f"{usr}::/usr", "--dir", f"{work}::/proj",
                    tool] + args
        return [cmd[0], os.path.join(PROGRAMS_DIR, "wasi-run.mjs"), "--dir", f"{usr}::/usr",
                "--dir", f"{work}::/proj", tool] + args

    steps = [run(clang, ["-O2", "-c", f"/proj/{c}", "-o", f"/proj/{c[:-2]}.o"])
             for c in sorted(PROJECT) if c.endswith(".c")]
    objs = [f"/proj/{c[:-2]}.o" for c in sorted(PROJECT) if c.endswith(".c")]
    steps.append(run(wasm_ld, ["-m", "wasm32", "-L/usr/lib/wasm32-wasip1", "/usr/lib/wasm32-wasip1/crt1-command.o",
                               *objs, "-lc", "/usr/lib/wasm32-unknown-wasip1/libclang_rt.builtins.a",
                               "-o", "/proj/app.wasm"]))
    return steps


def run(args, rts):
    """The start-up tables and the C build; returns (exit status, markdown)."""
    base, mods = prepare(args.build)
    kite = rts[0][1][0]
    md, failures = [], []
    scratch = tempfile.mkdtemp(prefix="kite-startup-")
    try:
        warm = os.path.join(scratch, "warm-cache")
        caches = {"warm": warm}
        md += ["Start-up (median of %d runs, min–max): to the first instruction (`_start` replaced by "
               "`proc_exit(0)`) and a `--version` run to exit." % args.startup_runs, "",
               "| module | measure | " + " | ".join(n for n, _ in variants(rts, "", [], {"cold": "", "warm": ""}))
               + " |", "|---|---|" + "---:|" * len(variants(rts, "", [], {"cold": "", "warm": ""}))]
        for name, (wasm, probe, vargs, check) in mods.items():
            size = os.path.getsize(os.path.realpath(wasm)) / 1e6
            for label, module, margs, ok in (("first instruction", probe, [], lambda out: True),
                                              (" ".join(vargs) + " to exit", wasm, vargs,
                                               lambda out, c=check: c in out)):
                # Fill the warm cache (untimed).
                subprocess.run([kite, "run", "--cache", warm, module] + margs, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
                times = {}
                for _ in range(args.startup_runs):
                    caches["cold"] = tempfile.mkdtemp(dir=scratch)
                    for vname, argv in variants(rts, module, margs, caches):
                        t, _, code, out, err = run_rusage(argv, "/", args.build)
                        if code != 0 or not ok(out):
                            failures.append(f"{name} {label} under {vname}: exit {code}: "
                                            + (err or out).decode(errors="replace")[-160:])
                            continue
                        times.setdefault(vname, []).append(t)
                    shutil.rmtree(caches["cold"], ignore_errors=True)
                cells = []
                for vname, _ in variants(rts, module, margs, caches):
                    ts = times.get(vname)
                    cells.append(f"{fmt_time(statistics.median(ts))} ({fmt_time(min(ts))}–{fmt_time(max(ts))})"
                                 if ts and len(ts) == args.startup_runs else "—")
                md.append(f"| {name} ({size:.1f} MB) | {label} | " + " | ".join(cells) + " |")
        md += ["", build_table(args, rts, base, scratch, failures)]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if failures:
        md += ["", "Could not run:", ""] + [f"- {f}" for f in sorted(set(f[:300] for f in failures))]
    return (1 if any(f.startswith(("yosys", "esbuild", "clang", "build")) and "kite" in f.split(":")[0]
                     for f in failures) else 0), "\n".join(md) + "\n"


def build_table(args, rts, base, scratch, failures):
    """The multi-invocation C build under kite (cold, warm) and node."""
    kite = rts[0][1][0]
    who = [("kite cold", "kite"), ("kite warm", "kite")] + [(rt, rt) for rt, _ in rts if rt == "node"]
    cmd_of = dict(rts)
    warm = os.path.join(scratch, "build-warm-cache")
    times = {}
    for i in range(args.startup_runs + 1):  # the first round fills the warm cache, untimed
        for name, rt in who:
            work = tempfile.mkdtemp(dir=scratch)
            for f, text in PROJECT.items():
                with open(os.path.join(work, f), "w") as out:
                    out.write(text)
            cache = tempfile.mkdtemp(dir=scratch) if name == "kite cold" else warm
            total, ok = 0.0, True
            for argv in build_steps(rt, cmd_of[rt], base, work, cache):
                t, _, code, out, err = run_rusage(argv, work, args.build)
                total += t
                if code != 0:
                    failures.append(f"build under {name}: exit {code}: " + (err or out).decode(errors="replace")[-160:])
                    ok = False
                    break
            if ok:
                _, _, code, out, _ = run_rusage([kite, "run", "--no-cache", os.path.join(work, "app.wasm")],
                                                work, args.build)
                if code != 0 or out != PROJECT_OUTPUT:
                    failures.append(f"build under {name}: the program printed {out[:80]!r}")
                    ok = False
            if ok and i > 0:
                times.setdefault(name, []).append(total)
            shutil.rmtree(work, ignore_errors=True)
    lines = ["C build through clang-as-wasm (3 × `clang -O2 -c`, 1 × `wasm-ld`: four runs of the "
             "75.5 MB module; median of %d builds, min–max):" % args.startup_runs, "",
             "| runtime | build |", "|---|---:|"]
    for name, _ in who:
        ts = times.get(name)
        lines.append(f"| {name} | " + (f"{fmt_time(statistics.median(ts))} ({fmt_time(min(ts))}–{fmt_time(max(ts))})"
                                      if ts else "FAIL") + " |")
    return "\n".join(lines)

#!/usr/bin/env python3
"""Regenerates the rows of src/translate/ir_fusions.def from counts.

Usage:
  cmake -S . -B build/count -G Ninja -DCMAKE_BUILD_TYPE=Release \\
      -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \\
      -DKITE_DISPATCH=switch -DKITE_COUNT_PAIRS=ON
  ninja -C build/count kite qjs_eval
  cmake --build --preset release            # the kernels (bench_programs)
  bench/fusions.py build/count [--build build/release] > rows.txt

The counting build writes, per process, how often each pair of adjacent
dispatches ran; the switch build runs fused pairs as their plain ops, so
the counts are of plain ops. The script runs the bench/ kernels and
the real programs of bench/programs.py (sqlite, esbuild, quickjs) under
it, then prints the selection:

  KITE_FUSE(A, B)         every pair of step ops (A runs straight through)
                          making at least 0.2% of one program's executed
                          pairs on average over all programs, or 1.5% in
                          one program, or among the RANK most frequent of a
                          real program (--rank, default 300)
  KITE_FUSE_FWD(A, B, k)  per selected pair whose A writes unit 0, per slot
                          unit k that B reads
  KITE_FUSE_PREV(A, B, k, j)  per such pair whose B reads two or more slot
                          units, per ordered two of them (k from A, j from
                          the accumulator before A)
  KITE_FUSE_KEEP(A, B, k)  per KITE_FUSE_FWD row whose B has no result (a
                          branch, a store)
  KITE_FUSE_LOOP(Loop<n>, via_jump, (ops), (units))  every short loop (the
                          "L" and "J" lines of the counts: per handler, its
                          op and the unit it reads from the accumulator; up
                          to ten handlers) whose handler would save at least
                          1% of one program's dispatches (LOOP_SHARE:
                          iterations times handlers over the ops executed),
                          if its handlers are all selected step ops or pairs
                          of them (not a call)
  KITE_FUSE_ENTER(A, B)   by the same rule, a step A followed by an op B
                          without a step (a call, a return, a br_table...)
  KITE_FUSE_ENTER_FWD(A, B, k)  per selected such pair whose A writes unit
                          0, per unit k that B's handler can take from the
                          accumulator (its IO_HANDLER mask)

Step ops, their read units and which ones write unit 0 follow the rules of
src/interp/steps.inc; they are derived here from src/translate/ir_ops.def.
"""
import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
import programs  # noqa: E402

KERNELS = ["coremark", "crc32", "fib", "hashmap", "interp", "matmul", "memops", "nbody",
           "objects", "quicksort", "sha256", "sieve"]
REAL = ["sqlite", "esbuild", "quickjs"]
# A loop's row needs this share of one program's executed ops in dispatches
# its handler saves (iterations times handlers).
LOOP_SHARE = 0.01


def step_ops():
    """{op: slot units it reads} and the ops writing unit 0 (steps.inc)."""
    reads = {"Copy": [1], "Const": [], "Select": [1, 2, 3], "I32AddScaled": [1, 2],
             "GlobalGet": [], "GlobalSet": [2], "Br": [], "BrIfNez": [0], "BrIfEqz": [0],
             "BrIfI64Nez": [0], "BrIfI64Eqz": [0]}
    producers = {"Copy", "Const", "Select", "I32AddScaled", "GlobalGet"}
    with open(os.path.join(ROOT, "src", "translate", "ir_ops.def")) as f:
        text = f.read()
    for kind, name in re.findall(r"^KITE_IR_(UN|BIN|BINI|CMP|LOAD|STORE)\((\w+)", text, re.M):
        if kind == "UN":
            rows = {name: [1]}
        elif kind == "BIN":
            rows = {name: [1, 2]}
        elif kind == "BINI":
            rows = {name: [1, 2], name + "Imm": [1]}
        elif kind == "CMP":
            rows = {name: [1, 2], name + "Imm": [1]}
            reads.update({"BrIf" + name: [0, 1], "BrIf" + name + "Imm": [0]})
        elif kind == "LOAD":
            rows = {name: [1], name + "Idx": [1, 2], name + "Abs": []}
        else:  # STORE: no result
            reads.update({name: [0, 1], name + "Imm": [0], name + "Idx": [0, 1, 2],
                          name + "Abs": [0]})
            continue
        reads.update(rows)
        producers.update(rows)
    return reads, producers


def accumulator_reads():
    """{op: units it can read from the accumulator} of the ops without a
    step: the masks of the IO_HANDLERs in src/interp/*.inc, and the trapping
    arithmetic, loads and stores that ir_ops.def declares through them."""
    units = {}
    interp = os.path.join(ROOT, "src", "interp")
    for name in sorted(os.listdir(interp)):
        if name.endswith(".inc"):
            with open(os.path.join(interp, name)) as f:
                for op, mask in re.findall(r"^IO_HANDLER\((\w+), ([^{]+), \{", f.read(), re.M):
                    units[op] = [int(k) for k in re.findall(r"1u << (\d)", mask)]
    with open(os.path.join(ROOT, "src", "translate", "ir_ops.def")) as f:
        text = f.read()
    for kind, op in re.findall(r"^KITE_IR_(UN_TRAP|BIN_TRAP|LOAD|STORE)\((\w+)", text, re.M):
        if kind == "UN_TRAP":
            units[op] = [1]
        elif kind == "BIN_TRAP":
            units[op] = [1, 2]
        elif kind == "LOAD":
            units[op + "Checked"] = [1]
        else:
            units[op + "Checked"] = [0, 1]
    return units


def jumps(op):
    return op == "Br" or op.startswith("BrIf")


def count(kite_build, kernel_build, name, work):
    """The counts file of one program run under the counting build."""
    out = os.path.join(work, name + ".counts")
    env = dict(os.environ, KITE_PAIR_COUNTS=out)
    kite = os.path.join(kite_build, "kite")
    if name in KERNELS:
        wasm = os.path.join(kernel_build, "bench", name + ".wasm")
        subprocess.run([kite, "run", "--invoke", "run", wasm], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        return out
    spec = getattr(programs, "prepare_" + name)(os.path.join(kernel_build, "bench", "programs"), [])
    run_dir = os.path.join(work, name)
    os.makedirs(run_dir)
    spec["setup"](run_dir)
    if name == "quickjs":
        argv = [os.path.join(kite_build, "tests", "programs", "qjs_eval"), spec["wasm"], "quickjs.js"]
    else:
        argv = spec["command"]("kite", [kite], run_dir)
    subprocess.run(argv, env=env, cwd=run_dir, check=True, stdout=subprocess.DEVNULL)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("count_build", help="build directory configured with KITE_COUNT_PAIRS=ON")
    ap.add_argument("--build", default=os.path.join(ROOT, "build", "release"),
                    help="build directory holding the kernels (bench/*.wasm)")
    ap.add_argument("--rank", type=int, default=300)
    args = ap.parse_args()
    count_build, kernel_build = os.path.abspath(args.count_build), os.path.abspath(args.build)
    reads, producers = step_ops()
    from_acc = accumulator_reads()
    mean, most, rank, loops = collections.Counter(), collections.Counter(), {}, collections.Counter()
    names = KERNELS + REAL
    work = tempfile.mkdtemp(prefix="kite-fusions-")
    try:
        for name in names:
            print(f"bench/fusions.py: counting {name}", file=sys.stderr)
            with open(count(count_build, kernel_build, name, work)) as f:
                lines = [line.split() for line in f]
            total = sum(int(line[1]) for line in lines if line[0] == "S")
            pairs = sorted(((int(line[1]) / total, (line[2], line[3])) for line in lines
                            if line[0] == "P" and line[2] in reads and not jumps(line[2])),
                           reverse=True)
            shares = collections.Counter()
            for line in lines:
                if line[0] in "LJ":
                    ops, units = line[2::2], line[3::2]
                    shares[(line[0], tuple(ops), tuple(units[1:]))] += int(line[1]) * len(ops) / total
            for loop, share in shares.items():
                loops[loop] = max(loops[loop], share)
            for position, (share, pair) in enumerate(pairs):
                mean[pair] += share / len(names)
                most[pair] = max(most[pair], share)
                if name in REAL and position < args.rank:
                    rank[pair] = min(rank.get(pair, position + 1), position + 1)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    chosen = sorted((p for p in mean if mean[p] >= 0.002 or most[p] >= 0.015 or p in rank),
                    key=lambda p: -mean[p])
    emitted = set(reads)  # op names a loop row may use: step ops and pairs of them
    for a, b in chosen:
        if b in reads:
            emitted.add(f"{a}_{b}")
        why = f" rank {rank[(a, b)]} in a real program" if (a, b) in rank else ""
        macro = "KITE_FUSE" if b in reads else "KITE_FUSE_ENTER"
        print(f"{macro}({a}, {b})  // {mean[(a, b)] * 100:.2f}% max {most[(a, b)] * 100:.1f}%{why}")
    print()
    for a, b in chosen:
        if a in producers and b in reads:
            for k in reads[b]:
                emitted |= {f"{a}_{b}_{k}", f"{a}_{b}_{k}_Unstored"}
                print(f"KITE_FUSE_FWD({a}, {b}, {k})")
    print()
    for a, b in chosen:
        if a in producers and b in reads and len(reads[b]) > 1:
            for k in reads[b]:
                for j in reads[b]:
                    if j != k:
                        emitted.add(f"{a}_{b}_{k}_Prev{j}")
                        print(f"KITE_FUSE_PREV({a}, {b}, {k}, {j})")
    print()
    for a, b in chosen:
        if a in producers and b in reads and b not in producers:
            for k in reads[b]:
                emitted.add(f"{a}_{b}_{k}_Keep")
                print(f"KITE_FUSE_KEEP({a}, {b}, {k})")
    print()
    number = 0
    for (kind, ops, units), share in sorted(loops.items(), key=lambda item: -item[1]):
        if share < LOOP_SHARE or not all(op in emitted for op in ops):
            continue
        number += 1
        print(f"KITE_FUSE_LOOP(Loop{number}, {'true' if kind == 'J' else 'false'}, ({', '.join(ops)}), "
              f"(X, {', '.join(units)}))  // saves {share * 100:.1f}% in a program")
    print()
    for a, b in chosen:
        if a in producers and b not in reads:
            for k in from_acc.get(b, []):
                print(f"KITE_FUSE_ENTER_FWD({a}, {b}, {k})")


if __name__ == "__main__":
    main()

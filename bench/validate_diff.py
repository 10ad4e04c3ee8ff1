#!/usr/bin/env python3
"""Differential check of two kite builds' validators on mutated modules.

Writes randomly mutated copies of the seed modules (most mutations inside the
code section, where the validator's fast path works), runs `kite validate` of
both builds on each batch, and compares what they print (verdict and message
per file, on stdout and stderr) and their exit status. Any difference is
reported, and the module kept in --keep, and the exit status is 1.

  bench/validate_diff.py OLD_KITE NEW_KITE SEED... [--mutants N] [--seed S]

A SEED is a .wasm file or a directory of them (e.g. the fuzz corpus from the
testsuite: fuzz_seed_corpus <testsuite> <out>, then <out>/wasm). Used to show
a faster validator decides exactly as the one before it (docs/performance.md).
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile

# Bytes that steer the validator into interesting places: end, block, loop,
# if, br, br_if, br_table, call, call_indirect, drop, select, locals,
# globals, loads, stores, constants, a LEB continuation, a prefix.
INTERESTING = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11,
               0x1A, 0x1B, 0x1C, 0x20, 0x21, 0x22, 0x23, 0x24, 0x28, 0x29, 0x2D, 0x36, 0x37,
               0x3A, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x6A, 0x7C, 0x7D, 0x7E, 0x7F, 0x80,
               0xFC, 0xFD, 0xFF]


def read_leb(data, pos):
    value = shift = 0
    while pos < len(data):
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return value, pos
    return None, pos


def code_section(data):
    """(start, end) of the code section's contents, or None."""
    pos = 8
    while pos < len(data):
        sid = data[pos]
        size, body = read_leb(data, pos + 1)
        if size is None or body + size > len(data):
            return None
        if sid == 10:
            return body, body + size
        pos = body + size
    return None


def mutate(data, rng):
    data = bytearray(data)
    code = code_section(data)
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 4])):
        if code and rng.random() < 0.95:
            pos = rng.randrange(code[0], code[1])
        else:
            pos = rng.randrange(8, len(data)) if len(data) > 8 else len(data)
        kind = rng.random()
        if pos >= len(data):
            data.append(rng.randrange(256))
        elif kind < 0.4:
            data[pos] = rng.choice(INTERESTING)
        elif kind < 0.7:
            data[pos] = rng.randrange(256)
        elif kind < 0.95:
            data[pos] ^= 1 << rng.randrange(8)
        elif kind < 0.975:  # sizes no longer match: mostly decoding errors
            data.insert(pos, rng.choice(INTERESTING))
        else:
            del data[pos]
    return bytes(data)


def run(kite, files):
    p = subprocess.run([kite, "validate", *files], capture_output=True, timeout=600)
    return p.returncode, p.stdout, p.stderr


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("seeds", nargs="+")
    ap.add_argument("--mutants", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=250)
    ap.add_argument("--keep", default="validate_diff_failures")
    args = ap.parse_args()

    seeds = []
    for s in args.seeds:
        if os.path.isdir(s):
            seeds += sorted(os.path.join(s, f) for f in os.listdir(s) if f.endswith(".wasm"))
        else:
            seeds.append(s)
    if not seeds:
        sys.exit("no seed modules")
    rng = random.Random(args.seed)
    cache = {}
    differ = checked = 0
    invalid = 0
    with tempfile.TemporaryDirectory() as work:
        done = 0
        while done < args.mutants:
            files = []
            for i in range(min(args.batch, args.mutants - done)):
                seed = rng.choice(seeds)
                if seed not in cache:
                    with open(seed, "rb") as f:
                        cache[seed] = f.read()
                name = os.path.join(work, f"m{done + i}.wasm")
                with open(name, "wb") as f:
                    f.write(mutate(cache[seed], rng))
                files.append(name)
            old, new = run(args.old, files), run(args.new, files)
            checked += len(files)
            invalid += old[2].count(b"\n")
            if old != new:
                os.makedirs(args.keep, exist_ok=True)
                # Find the modules that differ, one by one.
                for name in files:
                    a, b = run(args.old, [name]), run(args.new, [name])
                    if a != b:
                        differ += 1
                        kept = os.path.join(args.keep, os.path.basename(name))
                        os.replace(name, kept)
                        print(f"DIFFER {kept}\n  old: {a}\n  new: {b}")
            for name in files:
                if os.path.exists(name):
                    os.remove(name)
            done += len(files)
    print(f"{checked} mutated modules from {len(seeds)} seeds: {checked - invalid} valid, "
          f"{invalid} invalid; {differ} differ between {args.old} and {args.new}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()

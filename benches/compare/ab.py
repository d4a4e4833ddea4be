#!/usr/bin/env python3
"""Compare two builds of the `compare` example on the same workloads, in
interleaved runs (A B, then B A, ...), so that a noisy shared machine slows
both alike; prints the medians and their ratio.

    # build the two binaries (each in its own checkout or target directory):
    git worktree add ../before <commit> && (cd ../before && cargo build --release --example compare)
    cargo build --release --example compare
    python3 benches/compare/ab.py ../before/target/release/examples/compare \\
        target/release/examples/compare --only W3,W4a,W4b,W5,W7 --runs 7

Each run is a fresh process of `compare <workload> --impl ndchunk`; the
time is the job's own (the JSON `seconds`). "same result" compares the
results of the last runs (in-memory workloads must agree bit for bit).
"""

import argparse
import json
import statistics
import subprocess
import sys


def run(binary, workload, extra):
    out = subprocess.run([binary, workload, "--impl", "ndchunk", *extra],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", help="the `compare` binary measured first (A)")
    parser.add_argument("after", help="the `compare` binary it is compared with (B)")
    parser.add_argument("--only", default="W3,W4a,W4b,W5,W7", help="comma-separated workloads (default W3,W4a,W4b,W5,W7)")
    parser.add_argument("--runs", type=int, default=7, help="runs of each binary per workload (default 7)")
    parser.add_argument("--threads", type=int, help="passed on as --threads")
    args = parser.parse_args()
    extra = ["--threads", str(args.threads)] if args.threads else []
    workloads = args.only.split(",")
    times = {(w, side): [] for w in workloads for side in ("A", "B")}
    last = {}
    for r in range(args.runs):
        order = [("A", args.before), ("B", args.after)]
        for w in workloads:
            for side, binary in (order if r % 2 == 0 else order[::-1]):
                result = run(binary, w, extra)
                times[(w, side)].append(result["seconds"])
                last[(w, side)] = result
    print(f"medians of {args.runs} interleaved runs; A = {args.before}, B = {args.after}")
    for w in workloads:
        a, b = statistics.median(times[(w, "A")]), statistics.median(times[(w, "B")])
        same = last[(w, "A")]["result"] == last[(w, "B")]["result"]
        tasks = f"{last[(w, 'A')].get('tasks')} -> {last[(w, 'B')].get('tasks')}"
        print(f"{w}: A {a * 1e3:.1f} ms, B {b * 1e3:.1f} ms, B/A {b / a:.2f}; tasks {tasks}; same result: {same}")


if __name__ == "__main__":
    sys.exit(main())

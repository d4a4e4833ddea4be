#!/usr/bin/env python3
"""ndchunk on MPI ranks: time, bytes sent per rank and peak RSS per rank.

Runs the `compare` example (built with `--features mpi`) under `mpirun` on 1,
2 and 4 ranks, each with cores/ranks threads, and without MPI, in
interleaved rounds; prints medians as Markdown tables:

  cargo build --release --features mpi --example compare
  python3 benches/compare/mpi.py                 # everything, 3 rounds
  python3 benches/compare/mpi.py --only W1,W5 --rounds 5

Also: W1 on 2 ranks of 1 thread against 1 process of 2 threads (the cost of
ranks on one machine), and the microseconds per task of W5 on ranks against
the threaded scheduler. The minimum bytes a plan needs to send are given per
workload (what must cross ranks whatever the schedule).
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXE = os.path.join(ROOT, "target", "release", "examples", "compare")
CORES = os.cpu_count() or 1
MPIRUN = ["mpirun", "--oversubscribe", "--bind-to", "none",
          "--mca", "btl", "self,vader", "--mca", "oob_tcp_if_include", "lo"]

# workload -> (n, chunk, what must cross ranks at least, as a function of ranks)
WORKLOADS = {
    "W1": (10_000, 1_000, lambda r: "a partial (24 B) per rank, the mean to every rank"),
    "W7": (10_000, 1_000, lambda r: "x is in memory on every rank: partials only"),
    "RECHUNK": (10_000, 1_000,
                lambda r: f"{(r - 1) / r * 8e8 / 2**20:.0f} MiB in all (the pieces of other ranks' rows)"),
    "W5": (1_000, 10, lambda r: "partials only"),
    "IO-W": (20_000, 1_000, lambda r: "receipts only (each rank writes its chunks)"),
    "IO-R": (20_000, 1_000, lambda r: "partials and the 20000 column sums (160 KB)"),
}


def run(workload, ranks, store):
    """One run: a list of per-rank JSON records. ranks = 0: without MPI."""
    n, chunk, _ = WORKLOADS[workload]
    args = [EXE, workload, "--impl", "ndchunk", "--n", str(n), "--chunk", str(chunk)]
    if workload.startswith("IO"):
        args += ["--store", store]
    if workload == "IO-W":
        shutil.rmtree(os.path.join(store, "x"), ignore_errors=True)
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    if ranks == 0:
        env["RAYON_NUM_THREADS"] = str(CORES)
        cmd = args
    else:
        threads = max(1, CORES // ranks)
        cmd = MPIRUN + ["-n", str(ranks), "-x", f"RAYON_NUM_THREADS={threads}"] + args + ["--mpi"]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1800)
    if out.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stderr}")
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


def mib(b):
    return f"{b / 2**20:.1f}"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", help="comma-separated workloads (default: all)")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--ranks", default="0,1,2,4", help="0 = without MPI")
    a = p.parse_args()
    if not os.path.exists(EXE):
        sys.exit(f"{EXE} missing: cargo build --release --features mpi --example compare")
    chosen = a.only.split(",") if a.only else list(WORKLOADS)
    ranks_list = [int(r) for r in a.ranks.split(",")]
    store = tempfile.mkdtemp(prefix="ndchunk-mpi-bench-")
    results = {}
    for _ in range(a.rounds):
        for w in chosen:
            for r in ranks_list:
                results.setdefault((w, r), []).append(run(w, r, store))
    print(f"{CORES} cores; medians of {a.rounds} interleaved rounds; threads per rank = cores / ranks\n")
    print("| workload | ranks x threads | seconds | bytes sent per rank (MiB) | peak RSS per rank (MiB) | at least must be sent |")
    print("|---|---|---|---|---|---|")
    for w in chosen:
        for r in ranks_list:
            rounds = results[(w, r)]
            secs = statistics.median(max(rec["seconds"] for rec in recs) for recs in rounds)
            last = sorted(rounds[-1], key=lambda rec: rec.get("rank", 0))
            sent = " / ".join(mib(rec.get("bytes_sent", 0)) for rec in last)
            rss = " / ".join(mib(rec["peak_rss"]) for rec in last)
            label = f"no MPI, 1 x {CORES}" if r == 0 else f"{r} x {max(1, CORES // r)}"
            need = "-" if r in (0, 1) else WORKLOADS[w][2](r)
            extra = ""
            if w == "W5":
                us = statistics.median(max(rec["us_per_task"] for rec in recs) for recs in rounds)
                extra = f" ({us:.2f} µs/task)"
            print(f"| {w} | {label} | {secs:.3f}{extra} | {sent if r else '-'} | {rss} | {need} |")
    if "W1" in chosen and 0 in ranks_list and 2 in ranks_list:
        one = statistics.median(max(rec["seconds"] for rec in recs) for recs in results[("W1", 0)])
        two = statistics.median(max(rec["seconds"] for rec in recs) for recs in results[("W1", 2)])
        print(f"\nW1: 2 ranks x {max(1, CORES // 2)} thread(s) / 1 process x {CORES} threads = {two / one:.3f}")
    if "W5" in chosen and 0 in ranks_list and 2 in ranks_list:
        med = lambda r: statistics.median(max(rec["us_per_task"] for rec in recs) for recs in results[("W5", r)])
        print(f"W5: µs per task, 2 ranks / threaded = {med(2) / med(0):.2f}")
    shutil.rmtree(store, ignore_errors=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Side-by-side timing of the headline job: NumPy, dask and ndchunk.

The job: the mean of a 10000 x 10000 standard-normal array (dask and ndchunk
in 1000 x 1000 chunks). Every case runs in a fresh process, `--runs` times
(default 3); the runs are interleaved (one of each case per round) so that
a busy machine slows every case alike. Prints a markdown table of medians.

    python3 benches/compare/headline.py                 # builds the example
    python3 benches/compare/headline.py --runs 5 --size 20000
    python3 benches/compare/headline.py --ndchunk-bin target/release/examples/mean_normal

Columns:
  compute   wall time of the job inside the process (the array's creation,
            which is lazy for dask and ndchunk, is not counted; NumPy's
            drawing is the job itself and is counted); median, then min-max
  process   wall time of the whole process (interpreter start, imports)
  CPU       user + system CPU time of the whole process
  peak RSS  the process's maximum resident set size: VmHWM read by the
            process itself from /proc/self/status (Linux). Elsewhere, from
            wait4(2) as `/usr/bin/time -v` does, which on some kernels also
            counts the size of this script's process before the child's exec

Needs Python 3.8+ on Linux or macOS, NumPy and dask (stdlib otherwise), and
for the ndchunk rows a Rust toolchain (or --ndchunk-bin).
"""

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Each snippet runs in a fresh interpreter, gets N (side) and C (chunk) as
# globals, and prints one JSON line: {"seconds": ..., "result": ...}.
PREAMBLE = """
import json, time
def vm_hwm():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None
def report(seconds, result):
    print(json.dumps({"seconds": seconds, "result": str(result), "hwm": vm_hwm()}), flush=True)
"""

PY_CASES = [
    (
        "numpy: default_rng(42).standard_normal(...).mean()",
        "mean",
        """
import numpy as np
t = time.perf_counter()
m = np.random.default_rng(42).standard_normal((N, N)).mean()
report(time.perf_counter() - t, f"{m:+.6e}")
""",
    ),
    (
        "dask: da.random.normal(0, 1, ...).mean(), threads",
        "mean",
        """
import dask.array as da
x = da.random.normal(0, 1, size=(N, N), chunks=(C, C))
t = time.perf_counter()
m = x.mean().compute(scheduler="threads")
report(time.perf_counter() - t, f"{m:+.6e}")
""",
    ),
    (
        "dask: da.random.default_rng(42).standard_normal(...).mean(), threads",
        "mean",
        """
import dask.array as da
if not hasattr(da.random, "default_rng"):
    report(None, "da.random.default_rng not available")
    raise SystemExit(0)
x = da.random.default_rng(42).standard_normal((N, N), chunks=(C, C))
t = time.perf_counter()
m = x.mean().compute(scheduler="threads")
report(time.perf_counter() - t, f"{m:+.6e}")
""",
    ),
    (
        "dask: default_rng(42), mean + std in one compute, threads",
        "mean+std",
        """
import dask, dask.array as da
if not hasattr(da.random, "default_rng"):
    report(None, "da.random.default_rng not available")
    raise SystemExit(0)
x = da.random.default_rng(42).standard_normal((N, N), chunks=(C, C))
t = time.perf_counter()
m, s = dask.compute(x.mean(), x.std(), scheduler="threads")
report(time.perf_counter() - t, f"{m:+.6e}, std {s:.6f}")
""",
    ),
]


def run_measured(argv, env=None):
    """Run argv to completion: (stdout, process wall seconds, CPU seconds, peak RSS bytes)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    # Drain the pipes without reaping the child, then reap it with wait4 to
    # get its own resource usage (getrusage(RUSAGE_CHILDREN) would mix runs).
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(argv)} failed with status {proc.returncode}:\n{err.decode(errors='replace')}"
        )
    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    rss = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    return out.decode(), wall, usage.ru_utime + usage.ru_stime, rss


def run_python_case(snippet, n, c):
    code = PREAMBLE + f"N, C = {n}, {c}\n" + snippet
    out, wall, cpu, rss = run_measured([sys.executable, "-c", code])
    data = json.loads(out.strip().splitlines()[-1])
    return data["seconds"], data["result"], wall, cpu, data["hwm"] or rss


def run_ndchunk_case(binary, n, c):
    out, wall, cpu, rss = run_measured([binary, "--size", str(n), "--chunk", str(c)])
    seconds = float(re.search(r"compute time\s+([0-9.]+) s", out).group(1))
    mean = re.search(r"^\s*mean\s+(\S+)", out, re.M).group(1)
    std = re.search(r"^\s*std\s+(\S+)", out, re.M).group(1)
    hwm = re.search(r"peak RSS\s+([0-9.]+) MiB \(VmHWM\)", out)
    rss = float(hwm.group(1)) * 2**20 if hwm else rss
    return seconds, f"{float(mean):+.6e}, std {float(std):.6f}", wall, cpu, rss


def ndchunk_binary(args):
    if args.ndchunk_bin:
        return args.ndchunk_bin
    if args.no_ndchunk:
        return None
    print("building: cargo build --release --example mean_normal", file=sys.stderr)
    subprocess.run(
        ["cargo", "build", "--release", "--quiet", "--example", "mean_normal"],
        cwd=REPO,
        check=True,
    )
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))
    return os.path.join(target, "release", "examples", "mean_normal")


def fmt_seconds(values):
    values = [v for v in values if v is not None]
    if not values:
        return "n/a"
    med = statistics.median(values)
    return f"{med:.3f} s ({min(values):.3f}-{max(values):.3f})"


def cpu_pressure():
    try:
        with open("/proc/pressure/cpu") as f:
            return f.readline().strip()
    except OSError:
        return "n/a"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per case (default 3)")
    parser.add_argument("--size", type=int, default=10_000, help="side N of the N x N array")
    parser.add_argument("--chunk", type=int, default=1_000, help="side of the chunks")
    parser.add_argument("--ndchunk-bin", help="path of a built mean_normal example")
    parser.add_argument("--no-ndchunk", action="store_true", help="skip the ndchunk row")
    args = parser.parse_args()
    if args.runs < 1 or args.size < 1 or args.chunk < 1:
        parser.error("--runs, --size and --chunk must be at least 1")

    cases = [(label, what, "python", snippet) for label, what, snippet in PY_CASES]
    binary = ndchunk_binary(args)
    if binary:
        cases.append(
            ("ndchunk: examples/mean_normal (mean + std, one pass)", "mean+std", "ndchunk", binary)
        )

    results = {label: [] for label, *_ in cases}
    load_before, pressure_before = os.getloadavg(), cpu_pressure()
    for r in range(args.runs):
        for label, _, kind, payload in cases:
            print(f"run {r + 1}/{args.runs}: {label}", file=sys.stderr)
            if kind == "python":
                results[label].append(run_python_case(payload, args.size, args.chunk))
            else:
                results[label].append(run_ndchunk_case(payload, args.size, args.chunk))
    load_after, pressure_after = os.getloadavg(), cpu_pressure()

    import dask
    import numpy

    print(
        f"Mean of a {args.size} x {args.size} standard-normal array "
        f"(chunks {args.chunk} x {args.chunk}); median of {args.runs} fresh processes each.\n"
    )
    print("| case | computes | compute (median, min-max) | process wall | CPU time | peak RSS | result (last run) |")
    print("|---|---|---|---|---|---|---|")
    for label, what, *_ in cases:
        rows = results[label]
        compute = fmt_seconds([row[0] for row in rows])
        wall = statistics.median(row[2] for row in rows)
        cpu = statistics.median(row[3] for row in rows)
        rss = statistics.median(row[4] for row in rows) / 2**20
        print(f"| {label} | {what} | {compute} | {wall:.2f} s | {cpu:.2f} s | {rss:.1f} MiB | {rows[-1][1]} |")
    print()
    print(
        f"Machine: {platform.platform()}, {os.cpu_count()} logical CPUs; "
        f"Python {platform.python_version()}, NumPy {numpy.__version__}, dask {dask.__version__}."
    )
    print(f"Load average before {load_before[0]:.2f}, after {load_after[0]:.2f}.")
    print(f"CPU pressure before `{pressure_before}`, after `{pressure_after}`.")


if __name__ == "__main__":
    main()

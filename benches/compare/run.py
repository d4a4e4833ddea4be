#!/usr/bin/env python3
"""Side-by-side comparison: ndchunk, eager ndarray, hand-written rayon, NumPy and dask.array.

Every case (one workload in one implementation at one size) runs in a fresh
process: first one warm-up round, then `--runs` measured rounds (default 3).
Rounds are interleaved (one run of every case per round), so a busy machine
slows every case alike. Each process times only the job and reads its own
peak RSS (VmHWM, /proc/self/status) at the end; the tables show the median
time (min-max) and the median peak RSS. Nothing is estimated: every number
printed comes from one of these runs.

    python3 benches/compare/run.py                  # full run (about 15-20 minutes on 2 cores)
    python3 benches/compare/run.py --quick          # smoke test at small sizes
    python3 benches/compare/run.py --only W1,W3 --runs 5
    python3 benches/compare/run.py --skip-python    # Rust implementations only
    python3 benches/compare/run.py --only IO --io-n 4000   # the Zarr rows, small

Implementations
  ndchunk   this crate: the `compare` example (benches/compare/workloads.rs),
            built with `cargo build --release --example compare` (honours
            CARGO_TARGET_DIR; default: the repository's target/)
  eager     plain ndarray on one thread, written the way a user would
            (`a.mapv(..).sum()`, `&a + &a.t()`, ... with their temporaries)
  rayon     hand-written parallel code on slices (rayon, all cores)
  numpy     NumPy, eager
  dask      dask.array on the threaded scheduler (all cores);
            `da.random.default_rng(42)`, and for W1 also the legacy
            `da.random.normal` (second line of the W1 dask cell)

Workloads (N = 10000, chunks 1000 x 1000 unless noted)
  W1   mean of an N x N standard-normal array
  W2   std (ddof 0) of the same
  W3   ((x*2+1)^2 - x).sum() of an in-memory N x N array
  W4a  x.sum_axis(Axis(0)) of the in-memory array  (W4 is reported as two
  W4b  x.mean_axis(Axis(1)) of the in-memory array  rows: the two axes differ)
  W5   (x + 1).sum() of a 1000 x 1000 in-memory array in 10 x 10 chunks
  W7   (x + x.t()).sum() of the in-memory N x N array
  W8   max of a 20000 x 20000 uniform(0, 1) array, chunks 2000 x 2000
  W9   y = x - x.mean(); y.std() of an N x N normal array (also N = 40000,
       ndchunk only: NumPy would need 12.8 GB for x alone)
  MATMUL (a @ b).sum() of two in-memory 4000 x 4000 arrays, chunks 1000 x 1000:
       the product is computed whole (the sum only saves moving it out);
       NumPy and dask get OPENBLAS_NUM_THREADS (and OMP_/MKL_) = the number of
       cores ndchunk uses, and dask multiplies numpy chunks of the same size
  QR   qr (TSQR) of a 1,000,000 x 50 standard-normal array in 50,000 x 50
       row blocks: |r|.sum(), with q.sum() computed in the same pass (NumPy:
       np.linalg.qr of the whole array, drawn in the clock as for W1)
  SVDC svd_compressed(k=10, no power iteration) of a 20000 x 20000
       standard-normal array, chunks 2000 x 2000: s.sum(), with u.sum() and
       vt.sum() in the same compute (NumPy has none); QR and SVDC results
       differ across implementations (different random streams, signs)
  GRAPH  build and lower ones((10000, 10000), (10, 10)).sum(): ~1.1 M tasks
  IO-W   write an N x N standard-normal array (N = 20000 unless --io-n,
         3.2 GB) to a new Zarr v3 store with zstd level 1, chunks 1000 x 1000;
         dask writes with zarr-python (da.to_zarr)
  IO-R   reopen that store, y = x - x.mean(), y.std(), and x.sum(axis=0)
         written to a second array of the store, in one compute; both
         implementations read the same store, written by ndchunk before the
         rounds (so their results must agree)
What is timed: the IO rows time the compute (the write, or the reads and
the write of the sums); their stores live in one temporary directory
(honours TMPDIR: IO-W needs twice the store's size free, about 6 GB at N =
20000, plus 6 GB for the two inputs of IO-R), removed at the end. The
in-memory input of W3/W4/W5/W7 (the same hash of the index
everywhere, so their results must agree exactly) and the lazy random arrays of
ndchunk and dask are made before the clock starts; drawing the samples is the
job itself for the eager, rayon and NumPy versions of W1, W2, W8 and W9.

Machine limits (`compare <limit> --impl limit`)
  gen          N*N standard-normal samples (Xoshiro256++ and ndchunk's
               ziggurat, ndchunk::random::StandardNormal), summed without
               storing them, on all cores
  gen_uniform  the same with uniform(0, 1) samples (for W8, which draws those);
               both also time ndchunk's counter-based generator on a 1-D array
  bw           parallel sum of an in-memory 800 MB f64 array (best of 5 passes)
  bw_blocked   the same array read block by block in C x C blocks, each
               block's rows in turn: the access pattern any chunked reader of
               a row-major array has (8 KB runs for C = 1000)
The last column relates ndchunk to them: W1/W2/W8/W9 its time over the time of
generating N*N samples at the measured rate; W3/W4/W7 the read bandwidth it
achieves (8 N^2 bytes / time) as a fraction of the measured one; W5 µs/task;
MATMUL the GFLOP/s (2 N^3 / time) of ndchunk and of NumPy (OpenBLAS).

After the rounds, with IO-R and Python, an interoperability check: zarr-python
opens the store ndchunk wrote and sums columns of x itself, against the
column sums ndchunk and dask wrote; ndchunk reads a store dask wrote with
zarr-python, and its std and column sums are compared with dask's.

Needs Linux, Python 3.8+, a Rust toolchain, NumPy, dask and zarr-python 3
(installed with pip if missing, unless --skip-python).
"""

import argparse
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

MAIN_ROWS = ["W1", "W2", "W3", "W4a", "W4b", "W5", "W7", "W8", "W9", "MATMUL", "QR", "SVDC"]
# Rows whose NumPy and dask cases get BLAS threads = the cores ndchunk uses.
BLAS_ROWS = ("MATMUL", "QR", "SVDC")
IO_ROWS = ["IO-W", "IO-R"]
SELECTABLE = MAIN_ROWS + ["GRAPH"] + IO_ROWS
RUST_IMPLS = ["ndchunk", "eager", "rayon"]
PY_IMPLS = ["numpy", "dask"]
TIMEOUT = 3600  # seconds, per process

DESCRIPTION = {
    "W1": "mean of N x N normal",
    "W2": "std of N x N normal",
    "W3": "((x*2+1)^2 - x).sum(), in memory",
    "W4a": "x.sum_axis(Axis(0)), in memory",
    "W4b": "x.mean_axis(Axis(1)), in memory",
    "W5": "(x + 1).sum(), tiny chunks",
    "W7": "(x + x.t()).sum(), in memory",
    "W8": "max of uniform(0, 1)",
    "W9": "y = x - x.mean(); y.std()",
    "MATMUL": "(a @ b).sum(), in memory",
    "QR": "qr of N x 50 normal (TSQR)",
    "SVDC": "svd_compressed(k=10) of N x N normal",
    "IO-W": "write N x N normal to Zarr (zstd 1)",
    "IO-R": "reopen; (x - x.mean()).std(),<br>x.sum(axis=0) to Zarr",
}

# Each Python case runs this, then `N, C = ...`, then its snippet.
PREAMBLE = r"""
import json, time, warnings
warnings.simplefilter("ignore")
def vm_hwm():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None
def summary(r):
    import numpy as np
    r = np.asarray(r)
    if r.ndim == 0:
        return float(r)
    return {"len": int(r.size), "sum": float(r.sum()), "first": float(r.flat[0]), "last": float(r.flat[-1])}
def report(seconds, result, **extra):
    out = {"workload": WORKLOAD, "impl": IMPL, "n": N, "chunk": C, "threads": None,
           "seconds": seconds, "result": summary(result), "tasks": None, "peak_rss": vm_hwm()}
    out.update(extra)
    print(json.dumps(out), flush=True)
def make_input(N):
    # The same values as `cell` in workloads.rs, filled in row blocks so
    # that no temporary of the full size is made.
    import numpy as np
    a = np.empty((N, N))
    j = np.arange(N, dtype=np.int64) * 7919
    step = max(1, (1 << 21) // N)
    for i0 in range(0, N, step):
        i = np.arange(i0, min(i0 + step, N), dtype=np.int64)[:, None] * 1000003
        a[i0:i0 + i.shape[0]] = ((i + j) % 65536) / 65536.0 - 0.5
    return a
def make_input_b(N):
    # `input_b` in workloads.rs: the same hash with i and j swapped.
    return make_input(N).T.copy()
def read_bytes():
    # Bytes returned by the process's read calls (rchar): the disk or the page cache.
    with open("/proc/self/io") as f:
        for line in f:
            if line.startswith("rchar:"):
                return int(line.split()[1])
def blas_threads():
    import os
    return int(os.environ.get("OPENBLAS_NUM_THREADS", "0")) or None
"""

DASK_RNG = """
import dask.array as da
if hasattr(da.random, "default_rng"):
    rng, RNG = da.random.default_rng(42), "default_rng"
else:
    rng, RNG = da.random.RandomState(42), "RandomState (no default_rng)"
"""

PY_SNIPPETS = {
    ("numpy", "W1"): """
import numpy as np
t = time.perf_counter()
r = np.random.default_rng(42).standard_normal((N, N)).mean()
report(time.perf_counter() - t, r)
""",
    ("numpy", "W2"): """
import numpy as np
t = time.perf_counter()
r = np.random.default_rng(42).standard_normal((N, N)).std()
report(time.perf_counter() - t, r)
""",
    ("numpy", "W3"): """
import numpy as np
a = make_input(N)
t = time.perf_counter()
r = ((a * 2 + 1) ** 2 - a).sum()
report(time.perf_counter() - t, r)
""",
    ("numpy", "W4a"): """
import numpy as np
a = make_input(N)
t = time.perf_counter()
r = a.sum(axis=0)
report(time.perf_counter() - t, r)
""",
    ("numpy", "W4b"): """
import numpy as np
a = make_input(N)
t = time.perf_counter()
r = a.mean(axis=1)
report(time.perf_counter() - t, r)
""",
    ("numpy", "W5"): """
import numpy as np
a = make_input(N)
t = time.perf_counter()
r = (a + 1.0).sum()
report(time.perf_counter() - t, r)
""",
    ("numpy", "W7"): """
import numpy as np
a = make_input(N)
t = time.perf_counter()
r = (a + a.T).sum()
report(time.perf_counter() - t, r)
""",
    ("numpy", "W8"): """
import numpy as np
t = time.perf_counter()
r = np.random.default_rng(42).uniform(0.0, 1.0, (N, N)).max()
report(time.perf_counter() - t, r)
""",
    ("numpy", "W9"): """
import numpy as np
t = time.perf_counter()
x = np.random.default_rng(42).standard_normal((N, N))
y = x - x.mean()
r = y.std()
report(time.perf_counter() - t, r)
""",
    ("numpy", "MATMUL"): """
import numpy as np
a, b = make_input(N), make_input_b(N)
t = time.perf_counter()
r = (a @ b).sum()
report(time.perf_counter() - t, r, threads=blas_threads())
""",
    ("numpy", "QR"): """
import numpy as np
t = time.perf_counter()
q, r = np.linalg.qr(np.random.default_rng(42).standard_normal((N, 50)))
report(time.perf_counter() - t, np.abs(r).sum(), q_sum=float(q.sum()), threads=blas_threads())
""",
    ("dask", "QR"): DASK_RNG + """
import dask
x = rng.standard_normal((N, 50), chunks=(C, 50))
q, r = da.linalg.qr(x)
t = time.perf_counter()
q_sum, r_abs = dask.compute(q.sum(), abs(r).sum(), scheduler="threads")
report(time.perf_counter() - t, r_abs, q_sum=float(q_sum), rng=RNG, threads=blas_threads())
""",
    ("dask", "SVDC"): DASK_RNG + """
import dask
x = rng.standard_normal((N, N), chunks=(C, C))
u, s, v = da.linalg.svd_compressed(x, 10, n_power_iter=0, seed=42)
t = time.perf_counter()
_, s_sum, _ = dask.compute(u.sum(), s.sum(), v.sum(), scheduler="threads")
report(time.perf_counter() - t, s_sum, rng=RNG, threads=blas_threads())
""",
    ("dask", "W1"): DASK_RNG + """
x = rng.standard_normal((N, N), chunks=(C, C))
t = time.perf_counter()
r = x.mean().compute(scheduler="threads")
report(time.perf_counter() - t, r, rng=RNG)
""",
    ("dask-legacy", "W1"): """
import dask.array as da
x = da.random.normal(0, 1, size=(N, N), chunks=(C, C))
t = time.perf_counter()
r = x.mean().compute(scheduler="threads")
report(time.perf_counter() - t, r, rng="legacy da.random.normal")
""",
    ("dask", "W2"): DASK_RNG + """
x = rng.standard_normal((N, N), chunks=(C, C))
t = time.perf_counter()
r = x.std().compute(scheduler="threads")
report(time.perf_counter() - t, r, rng=RNG)
""",
    ("dask", "W3"): """
import dask.array as da
x = da.from_array(make_input(N), chunks=(C, C))
t = time.perf_counter()
r = ((x * 2 + 1) ** 2 - x).sum().compute(scheduler="threads")
report(time.perf_counter() - t, r)
""",
    ("dask", "W4a"): """
import dask.array as da
x = da.from_array(make_input(N), chunks=(C, C))
t = time.perf_counter()
r = x.sum(axis=0).compute(scheduler="threads")
report(time.perf_counter() - t, r)
""",
    ("dask", "W4b"): """
import dask.array as da
x = da.from_array(make_input(N), chunks=(C, C))
t = time.perf_counter()
r = x.mean(axis=1).compute(scheduler="threads")
report(time.perf_counter() - t, r)
""",
    ("dask", "W5"): """
import dask.array as da
x = da.from_array(make_input(N), chunks=(C, C))
t = time.perf_counter()
r = (x + 1.0).sum().compute(scheduler="threads")
report(time.perf_counter() - t, r)
""",
    ("dask", "W7"): """
import dask.array as da
x = da.from_array(make_input(N), chunks=(C, C))
t = time.perf_counter()
r = (x + x.T).sum().compute(scheduler="threads")
report(time.perf_counter() - t, r)
""",
    ("dask", "W8"): DASK_RNG + """
x = rng.uniform(0.0, 1.0, size=(N, N), chunks=(C, C))
t = time.perf_counter()
r = x.max().compute(scheduler="threads")
report(time.perf_counter() - t, r, rng=RNG)
""",
    ("dask", "W9"): DASK_RNG + """
x = rng.standard_normal((N, N), chunks=(C, C))
t = time.perf_counter()
y = x - x.mean()
r = y.std().compute(scheduler="threads")
report(time.perf_counter() - t, r, rng=RNG)
""",
    ("dask", "MATMUL"): """
import dask.array as da
a = da.from_array(make_input(N), chunks=(C, C))
b = da.from_array(make_input_b(N), chunks=(C, C))
t = time.perf_counter()
r = (a @ b).sum().compute(scheduler="threads")
report(time.perf_counter() - t, r, threads=blas_threads())
""",
}


DASK_IO = {
    "IO-W": DASK_RNG + """
import zarr
from zarr.codecs import ZstdCodec
x = rng.standard_normal((N, N), chunks=(C, C))
t = time.perf_counter()
da.to_zarr(x, STORE, component="x", compressors=[ZstdCodec(level=1)])
report(time.perf_counter() - t, float(x.nbytes), rng=RNG)
""",
    "IO-R": """
import dask, dask.array as da, zarr
x = da.from_zarr(STORE, component="x")
std = (x - x.mean()).std()
write = da.to_zarr(x.sum(axis=0), STORE, component="sum0-dask", compute=False, overwrite=True)
before = read_bytes()
t = time.perf_counter()
r, _ = dask.compute(std, write, scheduler="threads")
seconds = time.perf_counter() - t
read = read_bytes() - before
s = zarr.open_array(STORE, path="sum0-dask", mode="r")[:]
report(seconds, r, sum0_sum=float(s.sum()), sum0_first=float(s[0]), sum0_last=float(s[-1]),
       read_bytes=read)
""",
}
PY_SNIPPETS.update({("dask", w): snippet for w, snippet in DASK_IO.items()})

# zarr-python's own reading of a store after both IO-R runs on it: the
# metadata of x, column sums of its first C columns, and the sums ndchunk
# and dask wrote.
INTEROP = r"""
import json, zarr, numpy as np
x = zarr.open_array(STORE, path="x", mode="r")
meta = x.metadata.to_dict()
nd = zarr.open_array(STORE, path="sum0-ndchunk", mode="r")[:]
dk = zarr.open_array(STORE, path="sum0-dask", mode="r")[:]
direct = x[:, :C].sum(axis=0)
print(json.dumps({
    "zarr": zarr.__version__, "format": meta["zarr_format"], "dtype": str(x.dtype),
    "shape": list(x.shape), "chunks": list(x.chunks),
    "codecs": [c["name"] for c in meta["codecs"]], "corner": x[0, :2].tolist(),
    "direct_vs_ndchunk": float(np.abs(direct - nd[:C]).max()),
    "dask_vs_ndchunk": float(np.abs(dk - nd).max()),
    "scale": float(np.abs(nd).max()),
}))
"""


class Case(tuple):
    """(impl, workload, n, chunk, threads): one process to run `runs + 1` times."""

    def __new__(cls, impl, workload, n, chunk, threads=None):
        return super().__new__(cls, (impl, workload, n, chunk, threads))

    impl = property(lambda self: self[0])
    workload = property(lambda self: self[1])
    n = property(lambda self: self[2])
    chunk = property(lambda self: self[3])
    threads = property(lambda self: self[4])

    def label(self):
        t = f" --threads {self.threads}" if self.threads else ""
        return f"{self.workload} {self.impl} n={self.n} chunk={self.chunk}{t}"


def sizes(quick):
    """Sizes of every part of the run."""
    if quick:
        return dict(
            n=2000, c=500, w5=(300, 10), w8=(4000, 1000), w9=[2000], matmul=(1000, 250),
            qr=(100_000, 10_000), svdc=(4000, 1000),
            scale=[1000, 2000, 4000], graph=(2000, 10), bw=10000, io=(2000, 500),
        )
    return dict(
        n=10000, c=1000, w5=(1000, 10), w8=(20000, 2000), w9=[10000, 40000], matmul=(4000, 1000),
        qr=(1_000_000, 50_000), svdc=(20_000, 2_000),
        scale=[5000, 10000, 20000, 40000], graph=(10000, 10), bw=10000, io=(20000, 1000),
    )


def main_size(sz, workload):
    if workload == "W5":
        return sz["w5"]
    if workload == "W8":
        return sz["w8"]
    if workload in ("MATMUL", "QR", "SVDC"):
        return sz[workload.lower()]
    if workload in IO_ROWS:
        return sz["io"]
    return sz["n"], sz["c"]


def plan_cases(selected, sz, skip_python):
    """All cases, deduplicated, in the order they run in each round."""
    cases = {}

    def add(*args):
        cases.setdefault(Case(*args), None)

    for w in MAIN_ROWS:
        if w not in selected:
            continue
        n, c = main_size(sz, w)
        for impl in RUST_IMPLS:
            add(impl, w, n, c)
        if not skip_python:
            for impl in PY_IMPLS:
                add(impl, w, n, c)
            if w == "W1":
                add("dask-legacy", w, n, c)
    # Limits the selected rows are related to.
    if selected & {"W1", "W2", "W9"}:
        add("limit", "gen", sz["n"], sz["c"])
    if "W8" in selected:
        add("limit", "gen_uniform", sz["n"], sz["c"])
    if selected & {"W3", "W4a", "W4b", "W7"}:
        add("limit", "bw", sz["bw"], sz["c"])
        add("limit", "bw_blocked", sz["bw"], sz["c"])
    # Scale, parallel efficiency, W9 at large N, graph.
    if "W1" in selected:
        for n in sz["scale"]:
            add("ndchunk", "W1", n, sz["c"])
        add("ndchunk", "W1", sz["n"], sz["c"], 1)
        add("ndchunk", "W1", sz["n"], sz["c"], 2)
    if "W9" in selected:
        for n in sz["w9"]:
            add("ndchunk", "W9", n, sz["c"])
        if not skip_python:
            add("dask", "W9", sz["w9"][0], sz["c"])
    if "GRAPH" in selected:
        add("ndchunk", "GRAPH", *sz["graph"])
    for w in IO_ROWS:
        if w in selected:
            add("ndchunk", w, *sz["io"])
            if not skip_python:
                add("dask", w, *sz["io"])
    return list(cases)


def run_case(case, binary, store=None):
    """Run the case once in a fresh process (the IO rows on the Zarr store
    `store`): its JSON line, as a dict."""
    if case.impl in RUST_IMPLS + ["limit"]:
        argv = [binary, case.workload, "--impl", case.impl, "--n", str(case.n), "--chunk", str(case.chunk)]
        if case.threads:
            argv += ["--threads", str(case.threads)]
        if store:
            argv += ["--store", store]
    else:
        snippet = PY_SNIPPETS.get((case.impl, case.workload))
        if snippet is None:
            return {"unsupported": True}
        code = (
            PREAMBLE
            + f"N, C = {case.n}, {case.chunk}\nWORKLOAD, IMPL = {case.workload!r}, {case.impl!r}\n"
            + f"STORE = {store!r}\n"
            + snippet
        )
        argv = [sys.executable, "-c", code]
    env = dict(os.environ)
    if case.workload in BLAS_ROWS and case.impl in PY_IMPLS:
        # BLAS on as many threads as ndchunk uses (all cores), set explicitly.
        cores = str(len(os.sched_getaffinity(0)))
        env.update(OPENBLAS_NUM_THREADS=cores, OMP_NUM_THREADS=cores, MKL_NUM_THREADS=cores)
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT, cwd=REPO, env=env)
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-5:])
        raise RuntimeError(f"exit status {proc.returncode}: {tail}")
    lines = [l for l in proc.stdout.splitlines() if l.startswith("{")]
    if not lines:
        raise RuntimeError(f"no JSON line in output: {proc.stdout[-300:]!r}")
    return json.loads(lines[-1])


def build(args):
    if args.bin:
        return args.bin
    target = os.environ.get("CARGO_TARGET_DIR")
    env = dict(os.environ)
    if target:
        target = os.path.abspath(target)  # relative to where run.py was started
        env["CARGO_TARGET_DIR"] = target
    else:
        target = os.path.join(REPO, "target")
    print(f"building: cargo build --release --example compare (target dir {target})", file=sys.stderr)
    proc = subprocess.run(["cargo", "build", "--release", "--example", "compare"], cwd=REPO, env=env)
    if proc.returncode != 0:
        sys.exit("run.py: cargo build failed")
    return os.path.join(target, "release", "examples", "compare")


def ensure_python_deps():
    # zarr-python 3 writes and reads Zarr v3 (the IO rows).
    probe = [sys.executable, "-c",
             "import numpy, dask, dask.array, zarr; assert int(zarr.__version__.split('.')[0]) >= 3"]
    if subprocess.run(probe, capture_output=True).returncode == 0:
        return
    packages = ["numpy", "dask[array]", "zarr>=3"]
    print("run.py: numpy, dask.array and/or zarr-python 3 are missing; installing them with "
          f"`{sys.executable} -m pip install {' '.join(packages)}`", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "pip", "install", *packages], check=True)
    importlib.invalidate_caches()
    if subprocess.run(probe, capture_output=True).returncode != 0:
        sys.exit("run.py: numpy/dask/zarr still cannot be imported after pip install; use --skip-python")


class IoStores:
    """The Zarr stores of the IO rows, all in one temporary directory: a new
    one for every IO-W run (deleted after it), and the inputs of IO-R, one
    written by each implementation before the rounds."""

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="ndchunk-compare-io-")
        self.count = 0
        self.inputs = {}  # impl -> (store, JSON line of the write)

    def fresh(self, impl):
        self.count += 1
        return os.path.join(self.root, f"w-{impl}-{self.count}")

    def input(self, impl):
        return os.path.join(self.root, f"input-{impl}")

    def write_input(self, impl, n, c, binary):
        """Write the IO-R input of `impl` (untimed here: not a measured run)."""
        store = self.input(impl)
        out = run_case(Case(impl, "IO-W", n, c), binary, store)
        out["disk_bytes"] = dir_bytes(os.path.join(store, "x"))
        self.inputs[impl] = (store, out)

    def remove(self):
        shutil.rmtree(self.root, ignore_errors=True)


def dir_bytes(path):
    """The apparent size of the files under `path`: what a store holds on disk."""
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files)


def run_io_case(case, binary, io):
    """run_case for an IO row: IO-W into a new store (its size on disk
    recorded, then deleted), IO-R on the store ndchunk wrote."""
    if case.workload == "IO-R":
        return run_case(case, binary, io.input("ndchunk"))
    store = io.fresh(case.impl)
    try:
        out = run_case(case, binary, store)
        out["disk_bytes"] = dir_bytes(os.path.join(store, "x"))
        return out
    finally:
        shutil.rmtree(store, ignore_errors=True)


def interop(io, n, c, binary, res):
    """Lines of the interoperability check (after the rounds)."""

    def check(store):
        code = f"STORE, C = {store!r}, {c}\n" + INTEROP
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT)
        if proc.returncode != 0:
            raise RuntimeError(" ".join(proc.stderr.strip().splitlines()[-3:]))
        return json.loads(proc.stdout.strip().splitlines()[-1])

    def line(who, store, nd, dk):
        z = check(store)
        tol = 1e-9 * max(1.0, z["scale"])
        std_diff = abs(nd["result"] - dk["result"])
        agree = z["direct_vs_ndchunk"] <= tol and z["dask_vs_ndchunk"] <= tol and std_diff <= 1e-9
        return (f"- {who}: zarr-python {z['zarr']} opens x: Zarr v{z['format']}, {z['dtype']}, shape "
                f"{z['shape']}, chunks {z['chunks']}, codecs {'+'.join(z['codecs'])}, x[0, :2] = "
                f"{z['corner'][0]:.6f}, {z['corner'][1]:.6f}. Column sums of x[:, :{c}] read by zarr-python "
                f"vs ndchunk's sum0: max |diff| {z['direct_vs_ndchunk']:.2e}; dask's sum0 vs ndchunk's "
                f"(all {n}): max |diff| {z['dask_vs_ndchunk']:.2e} (largest |sum| {z['scale']:.1f}); "
                f"std ndchunk {nd['result']:.12f}, dask {dk['result']:.12f} — "
                + ("all agree" if agree else "**DISAGREE**"))

    lines = []
    try:
        # ndchunk's store: the last IO-R runs of both wrote their sums into it.
        nd, dk = res.last(Case("ndchunk", "IO-R", n, c)), res.last(Case("dask", "IO-R", n, c))
        if not (nd and dk):
            raise RuntimeError("IO-R did not run in both implementations")
        lines.append(line("zarr-python and dask read the store ndchunk wrote", io.input("ndchunk"), nd, dk))
        # dask's store (written with zarr-python), read by ndchunk.
        dask_store = io.input("dask")
        nd = run_case(Case("ndchunk", "IO-R", n, c), binary, dask_store)
        dk = run_case(Case("dask", "IO-R", n, c), binary, dask_store)
        lines.append(line("ndchunk reads the store dask wrote (da.to_zarr)", dask_store, nd, dk))
    except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError, KeyError) as e:
        lines.append("- interoperability check FAILED: " + " ".join(str(e).split())[:300])
    return lines


# ------------------------------------------------------------------ output


def fmt_t(s):
    if s is None:
        return "n/a"
    if s < 0.001:
        return f"{s * 1e6:.0f} µs"
    if s < 0.1:
        return f"{s * 1e3:.1f} ms"
    if s < 10:
        return f"{s:.3f} s"
    return f"{s:.1f} s"


def fmt_bytes(b):
    if b is None:
        return "RSS n/a"
    mib = b / 2**20
    return f"{mib / 1024:.2f} GiB" if mib >= 1024 else f"{mib:.1f} MiB"


def ratio(t, ref):
    if t is None or not ref:
        return "n/a"
    r = t / ref
    if 0.95 <= r <= 1.05:
        return f"same as ndchunk ({r:.2f}x)"
    return f"{r:.1f}x slower" if r > 1 else f"{1 / r:.1f}x faster"


class Results:
    def __init__(self):
        self.runs = {}  # case -> [json dict]
        self.status = {}  # case -> "unsupported" | "failed: ..."

    def ok(self, case):
        return bool(self.runs.get(case)) and case not in self.status

    def median(self, case, key="seconds"):
        vals = [r[key] for r in self.runs.get(case, []) if r.get(key) is not None]
        return statistics.median(vals) if vals else None

    def spread(self, case):
        vals = [r["seconds"] for r in self.runs.get(case, [])]
        return (min(vals), max(vals)) if vals else (None, None)

    def last(self, case):
        runs = self.runs.get(case)
        return runs[-1] if runs else None

    def timing(self, case):
        """'0.237 s (0.234-0.250) · 3.1 MiB'"""
        lo, hi = self.spread(case)
        return f"**{fmt_t(self.median(case))}** ({fmt_t(lo)}-{fmt_t(hi)})", fmt_bytes(self.median(case, "peak_rss"))

    def cell(self, case, ref=None, skipped=None):
        if skipped:
            return skipped
        if case is None:
            return "not run"
        if case in self.status:
            return self.status[case]
        if not self.runs.get(case):
            return "not run"
        t, rss = self.timing(case)
        parts = [t, rss]
        if ref is not None:
            parts.append(ratio(self.median(case), ref))
        return "<br>".join(parts)


def limit_column(w, res, nd, sz, limits):
    t = res.median(nd)
    if t is None:
        return "n/a (ndchunk not measured)"
    n = nd.n
    if w in ("W1", "W2", "W8", "W9"):
        lim = limits.get("gen_uniform" if w == "W8" else "gen")
        if lim is None or not res.ok(lim):
            return "n/a (limit not measured)"
        rate = res.median(lim, "samples_per_s")
        kind = "uniform" if w == "W8" else "normal"
        lt = n * n / rate
        what = "one generation pass" if w == "W9" else "the generation limit"
        return (f"{t / lt:.2f}x {what}<br>({fmt_t(lt)} for {n}² {kind} samples "
                f"at {rate / 1e6:.0f} M/s)")
    if w in ("W3", "W4a", "W4b", "W7"):
        lim = limits.get("bw")
        if lim is None or not res.ok(lim):
            return "n/a (limit not measured)"
        bw = res.median(lim, "gb_per_s") * 1e9
        achieved = 8 * n * n / t
        cell = f"{achieved / 1e9:.1f} GB/s read<br>= {100 * achieved / bw:.0f}% of measured {bw / 1e9:.1f} GB/s"
        blocked = limits.get("bw_blocked")
        if blocked is not None and res.ok(blocked):
            bb = res.median(blocked, "gb_per_s") * 1e9
            cell += f"<br>= {100 * achieved / bb:.0f}% of {bb / 1e9:.1f} GB/s read in blocks"
        return cell
    if w == "MATMUL":
        flops = 2.0 * n ** 3
        cell = f"{flops / t / 1e9:.1f} GFLOP/s"
        npc = Case("numpy", w, n, nd.chunk)
        if res.ok(npc):
            tn = res.median(npc)
            threads = (res.last(npc) or {}).get("threads")
            cell += (f"<br>numpy (OpenBLAS, {threads} threads): {flops / tn / 1e9:.1f} GFLOP/s"
                     f"<br>ndchunk time = {t / tn:.2f}x numpy's")
        return cell
    if w == "W5":
        tasks = (res.last(nd) or {}).get("tasks")
        if not tasks:
            return "n/a"
        # Tiny in-memory blocks are folded in bands: fewer tasks than blocks.
        blocks = (-(-n // nd.chunk)) ** 2  # ceil: a last block may be short
        return f"{blocks:,} blocks in {tasks:,} tasks<br>{t / blocks * 1e6:.2f} µs/block, {t / tasks * 1e6:.2f} µs/task"
    return ""


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def cpu_pressure():
    try:
        with open("/proc/pressure/cpu") as f:
            return f.readline().strip()
    except OSError:
        return "n/a"


def mem_total():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def git_state():
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                               capture_output=True, text=True).stdout.strip()
        return f"{head}{' + uncommitted changes' if dirty else ''}"
    except OSError:
        return "unknown"


def python_versions():
    code = ("import numpy, dask, zarr, platform; "
            "print(platform.python_version(), numpy.__version__, dask.__version__, zarr.__version__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.split()
    return out if len(out) == 4 else None


def result_checks(res, cases, selected, sz):
    """Lines comparing the results of the last run across implementations."""

    def short(r):
        if isinstance(r, dict):
            return f"len {r['len']}, sum {r['sum']:.10g}, first {r['first']:.6g}, last {r['last']:.6g}"
        return f"{r:.10g}" if isinstance(r, (int, float)) else str(r)

    lines = []
    for w in MAIN_ROWS:
        if w not in selected:
            continue
        n, c = main_size(sz, w)
        got = [(case.impl, res.last(case)["result"]) for case in cases
               if case[1:] == (w, n, c, None) and case.impl != "limit" and res.ok(case)]
        if not got:
            continue
        text = "; ".join(f"{name} {short(r)}" for name, r in got)
        if w in ("W3", "W4a", "W4b", "W5", "W7", "MATMUL"):
            vals = [r["sum"] if isinstance(r, dict) else r for _, r in got]
            agree = all(abs(v - vals[0]) <= 1e-9 * max(1.0, abs(vals[0])) for v in vals)
            text += " — " + ("all agree" if agree else "**DISAGREE**")
        lines.append(f"- {w}: {text}")
    if "IO-R" in selected:
        # Both read the same store: the results must agree.
        got = [(case.impl, res.last(case)) for case in cases
               if case.workload == "IO-R" and res.ok(case)]
        if got:
            text = "; ".join(f"{name} std {r['result']:.12f}, sum of sum0 {r['sum0_sum']:.10g}"
                             for name, r in got)
            std0, sum0 = got[0][1]["result"], got[0][1]["sum0_sum"]
            scale = max(1.0, abs(sum0), abs(got[0][1]["sum0_first"]) * sz["io"][0])
            agree = all(abs(r["result"] - std0) <= 1e-9 and abs(r["sum0_sum"] - sum0) <= 1e-9 * scale
                        for _, r in got)
            lines.append(f"- IO-R: {text} — " + ("all agree" if agree else "**DISAGREE**"))
    return lines


def io_throughput(w, res, cases, n, input_disk):
    """The throughput cell of an IO row: MB/s (10^6 bytes/s) of each implementation."""
    parts = []
    for case in cases:
        if not res.ok(case):
            continue
        t = res.median(case)
        raw = 8 * n * n / t / 1e6
        if w == "IO-W":
            disk = res.median(case, "disk_bytes")
            parts.append(f"{case.impl}: {raw:.0f} MB/s raw, {disk / t / 1e6:.0f} MB/s on disk "
                         f"({fmt_bytes(disk)})")
        else:
            read = res.median(case, "read_bytes")
            passes = f", x read {read / input_disk:.2f} times" if read and input_disk else ""
            parts.append(f"{case.impl}: {raw:.0f} MB/s of x{passes}")
    return "<br>".join(parts) or "n/a"


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n\n".join(__doc__.split("\n\n")[1:]),
    )
    parser.add_argument("--runs", type=int, default=3, help="measured runs per case, after one warm-up (default 3)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: N=2000, W8 at 4000, W9 at 2000 only, scale 1000..4000")
    parser.add_argument("--only", help="comma-separated workloads: W1,W2,W3,W4 (=W4a,W4b),W4a,W4b,W5,W7,W8,W9,"
                        "MATMUL,QR,SVDC,GRAPH,IO (=IO-W,IO-R),IO-W,IO-R")
    parser.add_argument("--io-n", type=int,
                        help="side of the IO rows' array (default 20000; with --quick 2000); chunks "
                             "1000 x 1000 (--quick: 500 x 500)")
    parser.add_argument("--skip-python", action="store_true", help="skip the NumPy and dask cases")
    parser.add_argument("--bin", help="use this built `compare` example instead of building it")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    selected = set(SELECTABLE)
    if args.only:
        selected = set()
        for name in args.only.split(","):
            name = name.strip().upper().replace("W4A", "W4a").replace("W4B", "W4b")
            if name == "W4":
                selected |= {"W4a", "W4b"}
            elif name == "IO":
                selected |= set(IO_ROWS)
            elif name in SELECTABLE:
                selected.add(name)
            else:
                parser.error(f"--only: unknown workload {name!r} (choose from {', '.join(SELECTABLE)}, W4, IO)")
    if args.io_n is not None and args.io_n < 1:
        parser.error("--io-n must be at least 1")

    if not args.skip_python:
        ensure_python_deps()
    binary = build(args)
    sz = sizes(args.quick)
    if args.io_n:
        sz["io"] = (args.io_n, min(sz["io"][1], args.io_n))
    cases = plan_cases(selected, sz, args.skip_python)
    io = IoStores()
    try:
        run_all(args, selected, sz, cases, binary, io)
    finally:
        io.remove()


def run_all(args, selected, sz, cases, binary, io):
    """The rounds, then the tables."""
    res = Results()
    load_before, psi_before = os.getloadavg(), cpu_pressure()
    started = time.time()
    if "IO-R" in selected:
        # The input of IO-R, written once: by ndchunk (both read it), and by
        # dask for the interoperability check.
        for impl in ["ndchunk"] + ([] if args.skip_python else ["dask"]):
            try:
                io.write_input(impl, *sz["io"], binary)
            except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as e:
                message = "FAILED: writing the input store: " + " ".join(str(e).split())[:200]
                for case in cases:
                    if case.workload == "IO-R" and (impl == "ndchunk" or case.impl == impl):
                        res.status[case] = message
                print(f"IO-R input of {impl}: {message}", file=sys.stderr)
    rounds = args.runs + 1
    for r in range(rounds):
        tag = "warm-up" if r == 0 else f"run {r}/{args.runs}"
        for case in cases:
            if case in res.status:
                continue
            t0 = time.perf_counter()
            try:
                out = run_io_case(case, binary, io) if case.workload in IO_ROWS else run_case(case, binary)
            except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as e:
                res.status[case] = "FAILED: " + " ".join(str(e).split())[:200]
                print(f"[{tag}] {case.label()}: FAILED {e}", file=sys.stderr)
                continue
            if out.get("unsupported"):
                res.status[case] = "unsupported"
                print(f"[{tag}] {case.label()}: unsupported", file=sys.stderr)
                continue
            if r > 0:
                res.runs.setdefault(case, []).append(out)
            print(f"[{tag}] {case.label()}: {fmt_t(out.get('seconds'))} job, "
                  f"{fmt_t(time.perf_counter() - t0)} process, {fmt_bytes(out.get('peak_rss'))}",
                  file=sys.stderr)
    elapsed = time.time() - started
    load_after, psi_after = os.getloadavg(), cpu_pressure()
    interop_lines = []
    if "IO-R" in selected and not args.skip_python:
        interop_lines = interop(io, *sz["io"], binary, res)

    # ------------------------------------------------------------- main table
    limits = {c.workload: c for c in cases if c.impl == "limit"}
    py_skip = "skipped (--skip-python)" if args.skip_python else None
    mode = "quick smoke test" if args.quick else "full run"
    print(f"## ndchunk side by side ({mode}; median of {args.runs} fresh processes after 1 warm-up, "
          f"interleaved rounds)\n")
    print("Each cell: job wall time, median (min-max) · peak RSS of the process (VmHWM, "
          "median) · time relative to ndchunk in the same row.\n")
    if selected & set(MAIN_ROWS):
        print("| workload | ndchunk | eager ndarray (1 thread) | rayon (hand-written) | numpy (eager) "
              "| dask.array (threads) | ndchunk vs machine limit |")
        print("|---|---|---|---|---|---|---|")
    for w in MAIN_ROWS:
        if w not in selected:
            continue
        n, c = main_size(sz, w)
        nd = Case("ndchunk", w, n, c)
        ref = res.median(nd) if res.ok(nd) else None
        cells = [res.cell(nd)]
        for impl in ["eager", "rayon"]:
            cells.append(res.cell(Case(impl, w, n, c), ref))
        cells.append(res.cell(Case("numpy", w, n, c), ref, py_skip))
        dask_cell = res.cell(Case("dask", w, n, c), ref, py_skip)
        if w == "W1" and not args.skip_python:
            rng = (res.last(Case("dask", w, n, c)) or {}).get("rng", "default_rng")
            dask_cell = (f"{rng}:<br>{dask_cell}<br>legacy da.random.normal:<br>"
                         f"{res.cell(Case('dask-legacy', w, n, c), ref)}")
        elif w in ("W2", "W8", "W9") and not args.skip_python:
            rng = (res.last(Case("dask", w, n, c)) or {}).get("rng")
            if rng and rng != "default_rng":
                dask_cell = f"{rng}:<br>{dask_cell}"
        cells.append(dask_cell)
        cells.append(limit_column(w, res, nd, sz, limits) if res.ok(nd) else "n/a")
        size = f"N={n}, chunks {c}x50" if w == "QR" else f"N={n}, chunks {c}x{c}"
        print(f"| **{w}** {DESCRIPTION[w]}<br>{size} | " + " | ".join(cells) + " |")

    # --------------------------------------------------------------- IO table
    io_rows = [w for w in IO_ROWS if w in selected]
    if io_rows:
        n, c = sz["io"]
        input_disk = io.inputs.get("ndchunk", (None, {}))[1].get("disk_bytes")
        print(f"\n### Zarr stores: N={n} ({fmt_bytes(8 * n * n)} of f64), chunks {c}x{c}, "
              "Zarr v3, zstd level 1\n")
        print("| workload | ndchunk | dask + zarr-python (threads) | throughput |")
        print("|---|---|---|---|")
        for w in io_rows:
            nd, dk = Case("ndchunk", w, n, c), Case("dask", w, n, c)
            ref = res.median(nd) if res.ok(nd) else None
            cells = [res.cell(nd), res.cell(dk, ref, py_skip), io_throughput(w, res, [nd, dk], n, input_disk)]
            print(f"| **{w}** {DESCRIPTION[w]} | " + " | ".join(cells) + " |")
        if "IO-R" in selected and input_disk:
            print(f"\nIO-R reads one store written by ndchunk before the rounds ({fmt_bytes(input_disk)} "
                  "on disk); \"x read k times\" is the bytes the compute read from files (rchar) over "
                  "that size. Nothing drops the page cache between runs: a store that fits in free "
                  "memory is read from the cache.")

    # ------------------------------------------------------------ scale table
    scale_rows = []
    c0 = sz["c"]
    if "W1" in selected:
        for n in sz["scale"]:
            case = Case("ndchunk", "W1", n, c0)
            derived = (f"{res.median(case) / (n * n) * 1e9:.2f} ns/element" if res.ok(case) else "")
            scale_rows.append((f"W1 mean, N={n}", "ndchunk", case, derived))
        t1c, t2c = Case("ndchunk", "W1", sz["n"], c0, 1), Case("ndchunk", "W1", sz["n"], c0, 2)
        scale_rows.append((f"W1 mean, N={sz['n']}, --threads 1", "ndchunk", t1c, ""))
        derived = ""
        if res.ok(t1c) and res.ok(t2c):
            s = res.median(t1c) / res.median(t2c)
            derived = f"speedup {s:.2f}x over 1 thread = {100 * s / 2:.0f}% parallel efficiency"
        scale_rows.append((f"W1 mean, N={sz['n']}, --threads 2", "ndchunk", t2c, derived))
    if "W9" in selected:
        for n in sz["w9"]:
            case = Case("ndchunk", "W9", n, c0)
            derived = ""
            if res.ok(case):
                derived = (f"{res.median(case) / (n * n) * 1e9:.2f} ns/element; x would be "
                           f"{fmt_bytes(8 * n * n)} if stored")
            scale_rows.append((f"W9 x - x.mean(), std, N={n}", "ndchunk", case, derived))
        if not args.skip_python:
            scale_rows.append((f"W9 x - x.mean(), std, N={sz['w9'][0]}", "dask",
                               Case("dask", "W9", sz["w9"][0], c0), "dask at the smaller N only"))
    if "GRAPH" in selected:
        gn, gc = sz["graph"]
        case = Case("ndchunk", "GRAPH", gn, gc)
        derived = ""
        if res.ok(case):
            tasks = res.last(case)["tasks"]
            blocks = (-(-gn // gc)) ** 2  # ceil: a last block may be short
            derived = (f"{blocks:,} blocks in {tasks:,} tasks (in-memory blocks are folded in bands), "
                       f"{res.median(case) / blocks * 1e6:.2f} µs/block to build + lower")
        scale_rows.append((f"GRAPH ones(({gn}, {gn}), ({gc}, {gc})).sum() + num_tasks", "ndchunk", case, derived))
    if scale_rows:
        print()
        print("| scale / case | implementation | time (median, min-max) | peak RSS | derived |")
        print("|---|---|---|---|---|")
        for label, impl, case, derived in scale_rows:
            if case in res.status or not res.runs.get(case):
                print(f"| {label} | {impl} | {res.cell(case)} | | {derived} |")
            else:
                t, rss = res.timing(case)
                print(f"| {label} | {impl} | {t} | {rss} | {derived} |")
        if "W9" in selected and not args.quick:
            print("\nW9 at N=40000 runs in ndchunk only: NumPy, eager ndarray and rayon would hold x "
                  "(12.8 GB) and y (another 12.8 GB) on this 24 GB machine, so they are skipped; "
                  "dask W9 runs at N=10000 only.")

    # ----------------------------------------------------------- limits, notes
    print()
    for name, case in limits.items():
        if not res.ok(case):
            print(f"- limit {name}: {res.status.get(case, 'not run')}")
            continue
        last = res.last(case)
        if name == "bw":
            print(f"- limit bw: {res.median(case, 'gb_per_s'):.1f} GB/s (parallel sum of "
                  f"{fmt_bytes(last['bytes'])} of f64, best of 5 passes per process, median over processes)")
        elif name == "bw_blocked":
            print(f"- limit bw_blocked: {res.median(case, 'gb_per_s'):.1f} GB/s (the same array summed "
                  f"in {case.chunk} x {case.chunk} blocks, each block's rows in turn; best of 5, median)")
        else:
            print(f"- limit {name}: {res.median(case, 'samples_per_s') / 1e6:.0f} M samples/s on "
                  f"{last['threads']} threads = {res.median(case, 'ns_per_sample_core'):.2f} ns/sample/core; "
                  f"{last['samples']:.3g} samples in {fmt_t(res.median(case))} (Xoshiro256++ streams)")
            if "ndchunk_samples_per_s" in last:
                print(f"  - ndchunk's counter-based generator (a 1-D array of the same samples, summed): "
                      f"{res.median(case, 'ndchunk_samples_per_s') / 1e6:.0f} M samples/s = "
                      f"{res.median(case, 'ndchunk_ns_per_sample_core'):.2f} ns/sample/core")
    checks = result_checks(res, cases, selected, sz)
    if checks:
        print("\nResults of the last run (random workloads differ by generator; in-memory ones must agree):\n")
        print("\n".join(checks))
    if interop_lines:
        print("\nInteroperability (after the rounds, untimed):\n")
        print("\n".join(interop_lines))
    failures = [f"- {c.label()}: {s}" for c, s in res.status.items() if s.startswith("FAILED")]
    if failures:
        print("\nFailures:\n")
        print("\n".join(failures))

    versions = None if args.skip_python else python_versions()
    print()
    print(f"Machine: {os.cpu_count()} logical CPUs, {cpu_model()}, {mem_total()} RAM, {platform.platform()}.")
    if versions:
        print(f"Python {versions[0]}, NumPy {versions[1]}, dask {versions[2]}, zarr-python {versions[3]}; "
              f"ndchunk at {git_state()}.")
    else:
        print(f"Python {platform.python_version()}; ndchunk at {git_state()}.")
    print(f"Load average (1/5/15 min) before {load_before[0]:.2f}/{load_before[1]:.2f}/{load_before[2]:.2f}, "
          f"after {load_after[0]:.2f}/{load_after[1]:.2f}/{load_after[2]:.2f}; "
          f"CPU pressure before `{psi_before}`, after `{psi_after}`.")
    print(f"{len(cases)} cases x {rounds} rounds in {elapsed / 60:.1f} min.")


if __name__ == "__main__":
    main()

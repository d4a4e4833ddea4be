//! Delayed calls, shared values, futures, actors and arrays <-> delayed.
//!
//! No assertion here is on wall time: parallelism is checked by counting how
//! many calls run at once, cancellation by counting calls that ran, ordering
//! by the order in which calls saw the state. Where a test has to block a
//! worker, it blocks on a release flag (with a long safety timeout so that a
//! broken library fails the test instead of hanging it), not on a sleep.

use ndarray::{Array, ArrayD, Dimension, Ix1, Ix2, Ix3, IxDyn, Slice};
use ndchunk::delayed::{as_completed, delayed, shared, try_delayed, wait_any, Actor, Delayed};
use ndchunk::prelude::*;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------
// helpers

/// A flag that blocked calls wait on; waiting gives up after a long safety
/// timeout so that a bug shows up as a failed assertion, not a hung test.
#[derive(Clone, Default)]
struct Gate {
    open: Arc<AtomicBool>,
    entered: Arc<AtomicUsize>,
}

const SAFETY: Duration = Duration::from_secs(30);

impl Gate {
    /// Block until the gate is opened (true) or the safety timeout (false).
    fn pass(&self) -> bool {
        self.entered.fetch_add(1, SeqCst);
        let deadline = Instant::now() + SAFETY;
        while !self.open.load(SeqCst) {
            if Instant::now() > deadline {
                return false;
            }
            thread::sleep(Duration::from_millis(1));
        }
        true
    }

    fn open(&self) {
        self.open.store(true, SeqCst);
    }

    fn entered(&self) -> usize {
        self.entered.load(SeqCst)
    }

    /// Wait until `n` calls are blocked at the gate.
    fn wait_entered(&self, n: usize) {
        let deadline = Instant::now() + SAFETY;
        while self.entered() < n {
            assert!(
                Instant::now() < deadline,
                "only {} of {n} calls reached the gate",
                self.entered()
            );
            thread::sleep(Duration::from_millis(1));
        }
    }
}

/// Threads of rayon's global pool, as rayon sizes it.
fn global_pool_threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| {
            thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
}

/// Counts how many calls run at the same time.
struct Overlap {
    running: AtomicUsize,
    max: AtomicUsize,
    /// A call stays until it has seen two calls running at once, or until
    /// this deadline: overlap is waited for, not hoped for within a sleep.
    deadline: Instant,
    threads: Mutex<HashSet<ThreadId>>,
}

impl Overlap {
    fn new(patience: Duration) -> Arc<Overlap> {
        Arc::new(Overlap {
            running: AtomicUsize::new(0),
            max: AtomicUsize::new(0),
            deadline: Instant::now() + patience,
            threads: Mutex::new(HashSet::new()),
        })
    }

    fn call(&self) {
        self.threads.lock().unwrap().insert(thread::current().id());
        let now = self.running.fetch_add(1, SeqCst) + 1;
        self.max.fetch_max(now, SeqCst);
        while self.max.load(SeqCst) < 2 && Instant::now() < self.deadline {
            thread::sleep(Duration::from_millis(1));
        }
        thread::sleep(Duration::from_millis(2));
        self.running.fetch_sub(1, SeqCst);
    }
}

fn task_failed(e: &Error) -> (String, Error) {
    match e {
        Error::TaskFailed { task, source } => (task.clone(), (**source).clone()),
        other => panic!("expected Error::TaskFailed, got {other:?}"),
    }
}

fn task_panicked(e: &Error) -> (String, String) {
    match e {
        Error::TaskPanicked { task, message } => (task.clone(), message.clone()),
        other => panic!("expected Error::TaskPanicked, got {other:?}"),
    }
}

/// The part of `a` that block `index` of `chunks` covers.
fn block_of<T: Clone>(a: &ArrayD<T>, chunks: &Chunks, index: &[usize]) -> ArrayD<T> {
    let offset = chunks.block_offset(index);
    let shape = chunks.block_shape(index);
    a.slice_each_axis(|ax| {
        let k = ax.axis.index();
        Slice::from(offset[k]..offset[k] + shape[k])
    })
    .to_owned()
}

/// A grid from `to_delayed` with `D` as the dimension of the grid and blocks.
fn typed_grid<T, D>(grid: ArrayD<Delayed<ArrayD<T>>>) -> Array<Delayed<Array<T, D>>, D>
where
    T: Clone + Send + Sync + 'static,
    D: Dimension + 'static,
{
    grid.map(|d| d.map(|b| b.clone().into_dimensionality::<D>().unwrap()))
        .into_dimensionality::<D>()
        .unwrap()
}

fn dot_nodes(dot: &str) -> Vec<&str> {
    dot.lines()
        .map(str::trim)
        .filter(|l| l.starts_with('t') && l.contains("[label="))
        .collect()
}

fn dot_edges(dot: &str) -> usize {
    dot.lines().filter(|l| l.contains("->")).count()
}

// ---------------------------------------------------------------------------
// values and graphs

#[test]
fn map_combine_collect_chains_give_the_right_values() {
    let a = delayed(|| 6_i64);
    let b = a.map(|x| x * 7);
    let c = b.map(|x| x.to_string());
    assert_eq!(b.compute().unwrap(), 42);
    assert_eq!(c.compute().unwrap(), "42");

    let words = delayed(|| vec!["alpha".to_string(), "beta".into(), "gamma".into()]);
    let lens = words.map(|w| w.iter().map(String::len).collect::<Vec<_>>());
    let joined = Delayed::combine(&words, &lens, |w, l| {
        w.iter()
            .zip(l)
            .map(|(w, l)| format!("{w}:{l}"))
            .collect::<Vec<_>>()
            .join(",")
    });
    assert_eq!(joined.compute().unwrap(), "alpha:5,beta:4,gamma:5");

    // A diamond and a fan-in over a collected vector.
    let squares: Vec<_> = (0..10_i64)
        .map(|i| a.map(move |x| (x + i) * (x + i)))
        .collect();
    let all = Delayed::collect(&squares);
    let total = all.map(|v| v.iter().sum::<i64>());
    let expected: Vec<i64> = (0..10).map(|i| (6 + i) * (6 + i)).collect();
    assert_eq!(all.compute().unwrap(), expected);
    assert_eq!(total.compute().unwrap(), expected.iter().sum::<i64>());
    let nested = Delayed::collect(&[all.clone(), all.map(|v| v.iter().rev().copied().collect())]);
    let got = nested.compute().unwrap();
    assert_eq!(got[0], expected);
    assert_eq!(got[1], expected.iter().rev().copied().collect::<Vec<_>>());

    // try_map on success, collect of nothing, named keeps the value.
    let parsed = delayed(|| "123".to_string()).try_map(|s| s.parse::<u32>());
    assert_eq!(parsed.compute().unwrap(), 123);
    assert_eq!(
        Delayed::<i32>::collect(&[]).compute().unwrap(),
        Vec::<i32>::new()
    );
    let named = b.named("forty-two").map(|x| x + 1).named("forty-three");
    assert_eq!(named.compute().unwrap(), 43);
    assert_eq!(try_delayed(|| Ok::<_, String>(5)).compute().unwrap(), 5);
}

#[test]
fn chains_give_the_same_values_on_every_scheduler() {
    let base = delayed(|| (1..=100).collect::<Vec<u64>>());
    let parts: Vec<_> = (0..16_u64)
        .map(|k| base.map(move |v| v.iter().map(|x| x * k).sum::<u64>()))
        .collect();
    let total = Delayed::collect(&parts).map(|v| v.iter().sum::<u64>());
    let expected: u64 = (0..16).map(|k| 5050 * k).sum();
    for options in [
        Options::default(),
        Options::default().threads(1),
        Options::default().threads(3),
        Options::default().scheduler(Scheduler::Sync),
    ] {
        assert_eq!(
            total.compute_with(&options).unwrap(),
            expected,
            "{options:?}"
        );
    }
}

#[test]
fn compute_several_delayed_values_together() {
    let a = delayed(|| 2_i32);
    let b = a.map(|x| format!("x{x}"));
    let c = Delayed::combine(&a, &b, |a, b| vec![*a as f64; b.len()]);
    let (va, vb, vc) = ndchunk::compute((&a, &b, &c)).unwrap();
    assert_eq!(va, 2);
    assert_eq!(vb, "x2");
    assert_eq!(vc, vec![2.0, 2.0]);
    let (vb, vc) =
        ndchunk::compute_with((&b, &c), &Options::default().scheduler(Scheduler::Sync)).unwrap();
    assert_eq!((vb.as_str(), vc.len()), ("x2", 2));
}

#[test]
fn compute_mixes_delayed_values_and_arrays() {
    let a = Array::from_shape_fn((7, 5), |(i, j)| (i * 5 + j) as f64);
    let x = ChunkedArray::from_array(a.clone(), (3, 2)).unwrap();
    let d = delayed(|| "label".to_string());
    let (label, sum) = ndchunk::compute((&d, &x.sum())).unwrap();
    assert_eq!(label, "label");
    assert_eq!(sum.into_scalar(), a.sum());

    let scale = delayed(|| 0.5_f64);
    let (xs, s, cols) = ndchunk::compute((&x, &scale, &x.sum_axis(Axis(0)))).unwrap();
    assert_eq!(xs, a);
    assert_eq!(s, 0.5);
    assert_eq!(cols, a.sum_axis(Axis(0)));
}

#[test]
fn array_blocks_shared_by_delayed_calls_and_reductions_are_computed_once() {
    // Elements of x counted as they are made: computing a reduction of x
    // together with delayed calls on x's blocks makes every element once.
    let made = Arc::new(AtomicUsize::new(0));
    let m = made.clone();
    let x = ChunkedArray::from_fn((6, 8), (3, 4), move |(i, j)| {
        m.fetch_add(1, SeqCst);
        (i * 8 + j) as f64
    })
    .unwrap();
    let blocks = x.to_delayed();
    let block_sums: Vec<_> = blocks.iter().map(|b| b.map(|b| b.sum())).collect();
    let per_block = Delayed::collect(&block_sums).map(|v| v.iter().sum::<f64>());
    let (from_blocks, total) = ndchunk::compute((&per_block, &x.sum())).unwrap();
    let expected: f64 = (0..48).map(|v| v as f64).sum();
    assert_eq!(from_blocks, expected);
    assert_eq!(total.into_scalar(), expected);
    assert_eq!(
        made.load(SeqCst),
        48,
        "x's elements were made more than once"
    );
}

// ---------------------------------------------------------------------------
// shared inputs run once

#[test]
fn an_input_used_by_ten_maps_runs_once_when_computed_together() {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let input = delayed(move || {
        c.fetch_add(1, SeqCst);
        vec![1_u64, 2, 3]
    });
    let maps: Vec<_> = (0..10_u64)
        .map(|k| input.map(move |v| v.iter().sum::<u64>() * k))
        .collect();
    let all = Delayed::collect(&maps).compute().unwrap();
    assert_eq!(all, (0..10).map(|k| 6 * k).collect::<Vec<_>>());
    assert_eq!(calls.load(SeqCst), 1, "computed together");

    // The same through a tuple of separate roots.
    calls.store(0, SeqCst);
    let (a, b, c2) = ndchunk::compute((&maps[1], &maps[2], &maps[9])).unwrap();
    assert_eq!((a, b, c2), (6, 12, 54));
    assert_eq!(calls.load(SeqCst), 1, "one tuple compute");

    // Documented: results are not cached between computes.
    calls.store(0, SeqCst);
    assert_eq!(maps[1].compute().unwrap(), 6);
    assert_eq!(maps[2].compute().unwrap(), 12);
    assert_eq!(calls.load(SeqCst), 2, "two separate computes run it twice");

    // Also on one thread, in a fixed order.
    calls.store(0, SeqCst);
    let sync = Options::default().scheduler(Scheduler::Sync);
    Delayed::collect(&maps).compute_with(&sync).unwrap();
    assert_eq!(calls.load(SeqCst), 1, "Sync scheduler");
}

#[test]
fn a_shared_value_is_handed_out_by_reference() {
    let table = shared(vec![7_u32; 10_000]);
    let addresses: Vec<_> = (0..10)
        .map(|_| table.map(|t| t.as_ptr() as usize))
        .collect();
    let first = Delayed::collect(&addresses).compute().unwrap();
    let second = Delayed::collect(&addresses)
        .compute_with(&Options::default().scheduler(Scheduler::Sync))
        .unwrap();
    assert!(first.iter().chain(&second).all(|&a| a == first[0]));
    let sums: Vec<_> = (1..=4_u32)
        .map(|k| table.map(move |t| t.iter().map(|x| x * k).sum::<u32>()))
        .collect();
    assert_eq!(
        Delayed::collect(&sums).compute().unwrap(),
        vec![70_000, 140_000, 210_000, 280_000]
    );
    // `named` works on a shared value too.
    let named = table.named("lookup table");
    assert!(named.explain().contains("lookup table"));
    assert_eq!(named.map(|t| t.len()).compute().unwrap(), 10_000);
}

// ---------------------------------------------------------------------------
// parallelism

#[test]
fn independent_calls_run_at_the_same_time_on_two_threads() {
    let overlap = Overlap::new(SAFETY);
    let calls: Vec<_> = (0..8)
        .map(|k| {
            let o = overlap.clone();
            delayed(move || {
                o.call();
                k
            })
        })
        .collect();
    let values = Delayed::collect(&calls)
        .compute_with(&Options::default().threads(2))
        .unwrap();
    assert_eq!(values, (0..8).collect::<Vec<_>>());
    assert_eq!(
        overlap.max.load(SeqCst),
        2,
        "at most and at least two calls at once on two threads"
    );
    let threads = overlap.threads.lock().unwrap();
    assert_eq!(threads.len(), 2, "calls ran on the pool's two threads");
    assert!(!threads.contains(&thread::current().id()));
}

#[test]
fn the_sync_scheduler_runs_one_call_at_a_time_on_the_calling_thread() {
    // Each call waits up to 200 ms for a second one to start: none does.
    for (options, on_caller) in [
        (Options::default().scheduler(Scheduler::Sync), true),
        (Options::default().threads(1), false),
    ] {
        let overlap = Overlap::new(Duration::from_millis(200));
        let calls: Vec<_> = (0..8)
            .map(|k| {
                let o = overlap.clone();
                delayed(move || {
                    o.call();
                    k * 2
                })
            })
            .collect();
        let values = Delayed::collect(&calls).compute_with(&options).unwrap();
        assert_eq!(values, (0..8).map(|k| k * 2).collect::<Vec<_>>());
        assert_eq!(overlap.max.load(SeqCst), 1, "{options:?}");
        let threads = overlap.threads.lock().unwrap();
        assert_eq!(threads.len(), 1, "{options:?}");
        assert_eq!(
            threads.contains(&thread::current().id()),
            on_caller,
            "{options:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// failures

#[test]
fn a_failed_call_is_task_failed_naming_the_call_with_its_message() {
    let bad = try_delayed(|| Err::<i32, _>("disk on fire")).named("load shard 7");
    let err = bad.compute().unwrap_err();
    let (task, source) = task_failed(&err);
    assert!(task.contains("load shard 7"), "{task}");
    assert!(
        matches!(&source, Error::Failed(m) if m.contains("disk on fire")),
        "{source:?}"
    );
    assert!(source.to_string().contains("disk on fire"));
    let text = err.to_string();
    assert!(
        text.contains("load shard 7") && text.contains("disk on fire"),
        "{text}"
    );

    // Downstream of the failure, the error still names the failed call.
    let downstream = bad.map(|x| x + 1).named("after");
    let (task, _) = task_failed(&downstream.compute().unwrap_err());
    assert!(task.contains("load shard 7"), "{task}");

    // try_map's Err too, with the parse error's own message.
    let parse = delayed(|| "x1".to_string())
        .try_map(|s| s.parse::<i32>())
        .named("parse x1");
    let (task, source) = task_failed(&parse.compute().unwrap_err());
    assert!(task.contains("parse x1"), "{task}");
    assert!(source.to_string().contains("invalid digit"), "{source}");

    // On the Sync scheduler as well.
    let err = bad
        .compute_with(&Options::default().scheduler(Scheduler::Sync))
        .unwrap_err();
    assert!(task_failed(&err).0.contains("load shard 7"));
}

#[test]
fn a_panicking_call_is_task_panicked_and_the_next_compute_works() {
    let boom = delayed(|| -> i32 { panic!("exploded on purpose") }).named("exploder");
    let used = boom.map(|x| x * 2);
    for options in [
        Options::default(),
        Options::default().threads(2),
        Options::default().scheduler(Scheduler::Sync),
    ] {
        let (task, message) = task_panicked(&used.compute_with(&options).unwrap_err());
        assert!(task.contains("exploder"), "{options:?}: {task}");
        assert!(message.contains("exploded on purpose"), "{message}");
        // The next compute works, on the same pool.
        let fine = delayed(|| 40).map(|x| x + 2);
        assert_eq!(fine.compute_with(&options).unwrap(), 42);
    }
    // A panic in a map names the map.
    let (task, message) = task_panicked(
        &delayed(|| vec![1, 2])
            .map(|v| v[5])
            .named("index out")
            .compute()
            .unwrap_err(),
    );
    assert!(task.contains("index out"), "{task}");
    assert!(message.contains("index out of bounds"), "{message}");
}

#[test]
fn as_completed_returns_every_result_and_failed_ones_can_be_retried() {
    let fixed = Arc::new(AtomicBool::new(false));
    let jobs: Vec<Delayed<u64>> = (0..20_u64)
        .map(|k| {
            let fixed = fixed.clone();
            try_delayed(move || {
                if k % 10 == 3 && !fixed.load(SeqCst) {
                    Err(format!("bad input {k}"))
                } else {
                    Ok(k * k)
                }
            })
            .named(format!("job {k}"))
        })
        .collect();
    let futures: Vec<_> = jobs.iter().map(Delayed::submit).collect();
    for (k, f) in futures.iter().enumerate() {
        assert_eq!(f.name(), format!("job {k}"));
    }
    let mut seen = HashSet::new();
    let (mut good, mut bad) = (Vec::new(), Vec::new());
    for (i, name, result) in as_completed(futures) {
        assert!(seen.insert(i), "index {i} twice");
        assert_eq!(name, format!("job {i}"));
        match result {
            Ok(v) => good.push((i, v)),
            Err(e) => bad.push((i, name, e)),
        }
    }
    assert_eq!(seen.len(), 20);
    assert_eq!(good.len(), 18);
    assert!(good.iter().all(|&(i, v)| v == (i * i) as u64));
    bad.sort_by_key(|b| b.0);
    assert_eq!(
        bad.iter().map(|b| (b.0, b.1.as_str())).collect::<Vec<_>>(),
        vec![(3, "job 3"), (13, "job 13")]
    );
    for (i, _, e) in &bad {
        let (task, source) = task_failed(e);
        assert!(task.contains(&format!("job {i}")), "{task}");
        assert!(source.to_string().contains(&format!("bad input {i}")));
    }

    // Fix the input and retry just the failed ones.
    fixed.store(true, SeqCst);
    let retried: Vec<_> = bad.iter().map(|b| jobs[b.0].submit()).collect();
    let mut again: Vec<_> = as_completed(retried)
        .map(|(i, name, r)| (i, name, r.unwrap()))
        .collect();
    again.sort();
    assert_eq!(
        again,
        vec![(0, "job 3".to_string(), 9), (1, "job 13".to_string(), 169)]
    );
}

#[test]
fn futures_wait_is_done_and_wait_any() {
    let gate = Gate::default();
    let g = gate.clone();
    // The fast one is submitted first: even on a one-thread pool it is done
    // before the slow one blocks the pool.
    let fast = delayed(|| 2).named("fast").submit();
    let slow = delayed(move || if g.pass() { 1 } else { -1 })
        .named("slow")
        .submit();
    assert_eq!((slow.name(), fast.name()), ("slow", "fast"));
    let futures = vec![slow, fast];
    assert_eq!(wait_any(&futures), Some(1));
    assert!(futures[1].is_done());
    assert!(!futures[0].is_done(), "the slow one waits for its gate");
    gate.open();
    let mut futures = futures.into_iter();
    let slow = futures.next().unwrap();
    let fast = futures.next().unwrap();
    assert_eq!(fast.wait().unwrap(), 2);
    assert_eq!(slow.wait().unwrap(), 1);

    // A failing future gives its error from wait.
    let f = try_delayed(|| Err::<(), _>("nope")).named("no").submit();
    let (task, source) = task_failed(&f.wait().unwrap_err());
    assert!(task.contains("no") && source.to_string().contains("nope"));

    // A future of a graph, with a shared input.
    let base = shared(vec![1.0_f64; 1000]);
    let parts: Vec<_> = (1..=4)
        .map(|k| base.map(move |v| v.iter().sum::<f64>() * k as f64))
        .collect();
    let f = Delayed::collect(&parts).submit();
    assert_eq!(f.wait().unwrap(), vec![1000.0, 2000.0, 3000.0, 4000.0]);
}

// ---------------------------------------------------------------------------
// cancellation

#[test]
fn a_future_dropped_before_it_runs_never_runs() {
    // Fill the global pool (which `submit` uses) with calls blocked at a
    // gate. More blockers than threads: the jobs queued after them cannot
    // start until the gate opens, whatever the pool's exact size.
    let gate = Gate::default();
    let blockers: Vec<_> = (0..2 * global_pool_threads() + 1)
        .map(|k| {
            let g = gate.clone();
            delayed(move || g.pass().then_some(k)).submit()
        })
        .collect();
    gate.wait_entered(1);

    let ran = Arc::new(AtomicUsize::new(0));
    let r = ran.clone();
    let dropped = delayed(move || {
        r.fetch_add(1, SeqCst);
    })
    .submit();
    assert!(!dropped.is_done());
    drop(dropped);

    gate.open();
    for (k, b) in blockers.into_iter().enumerate() {
        assert_eq!(b.wait().unwrap(), Some(k), "blocker {k} timed out");
    }
    // A job submitted after the dropped one has run: so has that one's slot.
    let r = ran.clone();
    let after = delayed(move || r.load(SeqCst)).submit();
    let _ = after.wait().unwrap();
    thread::sleep(Duration::from_millis(300));
    assert_eq!(ran.load(SeqCst), 0, "the dropped future's call ran");
}

#[test]
fn dropping_a_running_future_stops_its_graph_from_starting_new_tasks() {
    let gate = Gate::default();
    let ran_after = Arc::new(AtomicUsize::new(0));
    let g = gate.clone();
    let first = delayed(move || g.pass()).named("first");
    let r = ran_after.clone();
    let second = first.map(move |_| {
        r.fetch_add(1, SeqCst);
    });
    let future = second.submit();
    gate.wait_entered(1); // the first task is running
    drop(future);
    gate.open();
    // Wait until a later submission has come and gone, then some more.
    delayed(|| ()).submit().wait().unwrap();
    thread::sleep(Duration::from_millis(300));
    assert_eq!(ran_after.load(SeqCst), 0, "a task started after the drop");
}

/// Actor calls are not cancelled by dropping their future (documented in
/// `Actor` and `Future`, as Ray's actor calls): a call dropped while queued
/// behind a slow one still runs, in its turn.
#[test]
fn an_actor_call_runs_in_its_turn_even_when_its_future_is_dropped() {
    let actor = Actor::new(Vec::<&'static str>::new());
    let gate = Gate::default();
    let g = gate.clone();
    let slow = actor.call(move |log| {
        let opened = g.pass();
        log.push("slow");
        opened
    });
    gate.wait_entered(1);
    let dropped = actor.call(|log| log.push("dropped"));
    assert!(!dropped.is_done(), "queued behind the slow call");
    drop(dropped);
    // Fire and forget: never kept at all.
    drop(actor.call(|log| log.push("forgotten")));
    let after = actor.call(|log| {
        log.push("after");
        log.clone()
    });
    gate.open();
    assert!(slow.wait().unwrap(), "the gate timed out");
    assert_eq!(
        after.wait().unwrap(),
        vec!["slow", "dropped", "forgotten", "after"]
    );
}

// ---------------------------------------------------------------------------
// actors

#[test]
fn actor_calls_from_several_threads_keep_a_consistent_state_in_call_order() {
    const THREADS: usize = 4;
    const PER_THREAD: usize = 250;
    let actor = Actor::new(Vec::<(usize, usize)>::new());
    thread::scope(|s| {
        for t in 0..THREADS {
            let actor = actor.clone();
            s.spawn(move || {
                let futures: Vec<_> = (0..PER_THREAD)
                    .map(|i| {
                        actor.call(move |log| {
                            log.push((t, i));
                            log.len()
                        })
                    })
                    .collect();
                let positions: Vec<usize> =
                    futures.into_iter().map(|f| f.wait().unwrap()).collect();
                // One thread's calls see the state in the order they were made.
                assert!(
                    positions.windows(2).all(|w| w[0] < w[1]),
                    "thread {t}: {positions:?}"
                );
            });
        }
    });
    let log = actor.call(|log| log.clone()).wait().unwrap();
    assert_eq!(log.len(), THREADS * PER_THREAD);
    for t in 0..THREADS {
        let mine: Vec<usize> = log.iter().filter(|e| e.0 == t).map(|e| e.1).collect();
        assert_eq!(mine, (0..PER_THREAD).collect::<Vec<_>>(), "thread {t}");
    }

    // A counter: each call sees the total after all calls before it.
    let counter = Actor::new(0_u64);
    let totals: Vec<u64> = (1..=1000_u64)
        .map(|k| {
            counter.call(move |n| {
                *n += k;
                *n
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|f| f.wait().unwrap())
        .collect();
    let expected: Vec<u64> = (1..=1000_u64).map(|k| k * (k + 1) / 2).collect();
    assert_eq!(totals, expected);
}

#[test]
fn actor_calls_never_overlap() {
    let actor = Actor::new(());
    let overlap = Overlap::new(Duration::from_millis(100));
    let futures: Vec<_> = (0..20)
        .map(|_| {
            let o = overlap.clone();
            actor.call(move |_| o.call())
        })
        .collect();
    for f in futures {
        f.wait().unwrap();
    }
    assert_eq!(overlap.max.load(SeqCst), 1);
}

#[test]
fn a_panicking_actor_call_is_an_error_and_later_calls_work() {
    let actor = Actor::new(Vec::<i32>::new());
    let a = actor.call(|v| v.push(1));
    let boom = actor.call(|v| -> usize {
        v.push(2);
        panic!("actor call blew up")
    });
    let b = actor.call(|v| {
        v.push(3);
        v.clone()
    });
    a.wait().unwrap();
    let (_, message) = task_panicked(&boom.wait().unwrap_err());
    assert!(message.contains("actor call blew up"), "{message}");
    assert_eq!(b.wait().unwrap(), vec![1, 2, 3]);
    assert_eq!(actor.call(|v| v.len()).wait().unwrap(), 3);
}

// ---------------------------------------------------------------------------
// arrays <-> delayed

fn check_to_delayed<D: Dimension + 'static>(x: &ChunkedArray<f64, D>) {
    let whole = x.compute().unwrap().into_dyn();
    let chunks = x.chunks().clone();
    let grid = x.to_delayed();
    assert_eq!(grid.shape(), chunks.grid().as_slice());
    // Each block, computed alone, is the slice at its place in the grid.
    for (index, d) in grid.indexed_iter() {
        let index: Vec<usize> = index.slice().to_vec();
        let block = d.compute().unwrap();
        assert_eq!(block.shape(), chunks.block_shape(&index).as_slice());
        assert_eq!(block, block_of(&whole, &chunks, &index), "block {index:?}");
    }
    // All the blocks in one compute, in C order of the grid.
    let all: Vec<_> = grid.iter().cloned().collect();
    let blocks = Delayed::collect(&all)
        .compute_with(&Options::default().scheduler(Scheduler::Sync))
        .unwrap();
    assert_eq!(blocks.len(), chunks.num_blocks());
    for (b, block) in blocks.iter().enumerate() {
        let index = chunks.unravel(b);
        assert_eq!(block, &block_of(&whole, &chunks, &index), "block {index:?}");
    }
}

#[test]
fn to_delayed_blocks_are_the_slices_of_the_array_1d_2d_3d() {
    let x1 = ChunkedArray::from_fn(17, Chunks::from_sizes(vec![vec![5, 1, 7, 4]]), |i| {
        i as f64 * 1.5
    })
    .unwrap();
    check_to_delayed(&x1);
    check_to_delayed(&(&x1 * 2.0 + 1.0));

    let sizes2 = Chunks::from_sizes(vec![vec![4, 1, 4], vec![3, 3, 1]]);
    let x2 = ChunkedArray::from_fn((9, 7), sizes2, |(i, j)| (i * 7 + j) as f64).unwrap();
    check_to_delayed(&x2);
    check_to_delayed(&(&x2 * &x2 - 3.0));
    check_to_delayed(&x2.sum_axis(Axis(1)));

    let sizes3 = Chunks::from_sizes(vec![vec![2, 3], vec![1, 2, 3], vec![4]]);
    let x3 = ChunkedArray::from_fn((5, 6, 4), sizes3, |(i, j, k)| (i * 100 + j * 10 + k) as f64)
        .unwrap();
    check_to_delayed(&x3);
    check_to_delayed(&x3.sum_axis(Axis(2)));
    check_to_delayed(&x3.mapv(|v| v.sqrt()));
}

#[test]
fn from_delayed_of_to_delayed_rebuilds_the_array() {
    let a1 = Array::from_shape_fn(17, |i| (i * i) as f64);
    let c1 = Chunks::from_sizes(vec![vec![5, 1, 7, 4]]);
    let x1 = ChunkedArray::from_array(a1.clone(), c1.clone()).unwrap();
    let y1 = ChunkedArray::<f64, Ix1>::from_delayed(typed_grid(x1.to_delayed()), c1).unwrap();
    assert_eq!(y1.compute().unwrap(), a1);
    assert_eq!(y1.sum().compute().unwrap().into_scalar(), a1.sum());

    let a2 = Array::from_shape_fn((9, 7), |(i, j)| (i * 7 + j) as f64 - 20.0);
    let c2 = Chunks::from_sizes(vec![vec![4, 1, 4], vec![3, 3, 1]]);
    let x2 = ChunkedArray::from_array(a2.clone(), c2.clone()).unwrap();
    let y2 = ChunkedArray::<f64, Ix2>::from_delayed(typed_grid(x2.to_delayed()), c2).unwrap();
    assert_eq!(y2.shape(), &[9, 7]);
    assert_eq!(y2.compute().unwrap(), a2);
    assert_eq!(
        y2.sum_axis(Axis(0)).compute().unwrap(),
        a2.sum_axis(Axis(0))
    );
    assert_eq!(
        y2.sum_axis(Axis(1)).compute().unwrap(),
        a2.sum_axis(Axis(1))
    );
    // Elementwise with an array chunked differently.
    let other = ChunkedArray::from_array(a2.clone(), (2, 5)).unwrap();
    assert_eq!((&y2 + &other).compute().unwrap(), &a2 + &a2);

    let a3 = Array::from_shape_fn((5, 6, 4), |(i, j, k)| (i * 100 + j * 10 + k) as f64);
    let c3 = Chunks::from_sizes(vec![vec![2, 3], vec![1, 2, 3], vec![4]]);
    let x3 = ChunkedArray::from_array(a3.clone(), c3.clone()).unwrap();
    let y3 = ChunkedArray::<f64, Ix3>::from_delayed(typed_grid(x3.to_delayed()), c3).unwrap();
    assert_eq!(y3.compute().unwrap(), a3);
    assert_eq!(
        y3.sum_axis(Axis(1)).compute().unwrap(),
        a3.sum_axis(Axis(1))
    );

    // Dynamic dimension: the grid from to_delayed goes straight back.
    let xd = ChunkedArray::from_array(a2.clone().into_dyn(), x2.chunks().clone()).unwrap();
    let yd =
        ChunkedArray::<f64, IxDyn>::from_delayed(xd.to_delayed(), x2.chunks().clone()).unwrap();
    assert_eq!(yd.compute().unwrap(), a2.clone().into_dyn());
}

#[test]
fn from_delayed_of_independent_calls_matches_ndarray() {
    // One delayed "load" per block, as if each came from its own file.
    let rows = [3_usize, 1, 4];
    let cols = [2_usize, 5];
    let loads = Arc::new(AtomicUsize::new(0));
    let mut blocks = Vec::new();
    let mut r0 = 0;
    for &r in &rows {
        let mut c0 = 0;
        for &c in &cols {
            let loads = loads.clone();
            blocks.push(
                delayed(move || {
                    loads.fetch_add(1, SeqCst);
                    Array::from_shape_fn((r, c), |(i, j)| ((r0 + i) * 10 + c0 + j) as i64)
                })
                .named(format!("load {r0},{c0}")),
            );
            c0 += c;
        }
        r0 += r;
    }
    let grid = Array::from_shape_vec((3, 2), blocks).unwrap();
    let chunks = Chunks::from_sizes(vec![rows.to_vec(), cols.to_vec()]);
    let x = ChunkedArray::from_delayed(grid, chunks).unwrap();
    let expected = Array::from_shape_fn((8, 7), |(i, j)| (i * 10 + j) as i64);
    assert_eq!(x.compute().unwrap(), expected);
    let (s0, s1, total) =
        ndchunk::compute((&x.sum_axis(Axis(0)), &x.sum_axis(Axis(1)), &x.sum())).unwrap();
    assert_eq!(s0, expected.sum_axis(Axis(0)));
    assert_eq!(s1, expected.sum_axis(Axis(1)));
    assert_eq!(total.into_scalar(), expected.sum());
    // 6 loads for compute, 6 for the three reductions computed together.
    assert_eq!(loads.load(SeqCst), 12);
}

#[test]
fn from_delayed_block_of_the_wrong_shape_is_an_error_naming_the_block() {
    let chunks = Chunks::from_sizes(vec![vec![2, 3], vec![4, 1]]);
    let mut blocks = Vec::new();
    for i in 0..2 {
        for j in 0..2 {
            let shape = chunks.block_shape(&[i, j]);
            // Block (1, 0) should be 3 x 4; it computes to 2 x 4.
            let shape = if (i, j) == (1, 0) { vec![2, 4] } else { shape };
            blocks.push(delayed(move || {
                Array::from_elem((shape[0], shape[1]), 1.0_f64)
            }));
        }
    }
    let grid = Array::from_shape_vec((2, 2), blocks).unwrap();
    let x = ChunkedArray::from_delayed(grid, chunks).unwrap();
    for err in [
        x.compute().unwrap_err(),
        x.sum().compute().unwrap_err(),
        x.sum_axis(Axis(0))
            .compute_with(&Options::default().scheduler(Scheduler::Sync))
            .unwrap_err(),
    ] {
        let text = err.to_string();
        assert!(text.contains("[1, 0]"), "names the block: {text}");
        assert!(text.contains("[2, 4]"), "the shape it has: {text}");
        assert!(text.contains("[3, 4]"), "the shape expected: {text}");
        assert!(
            !text.contains("[0, 0]") && !text.contains("[1, 1]"),
            "{text}"
        );
    }
}

#[test]
fn from_delayed_with_a_grid_not_matching_the_chunks_is_an_error() {
    let parts: Vec<_> = (0..3)
        .map(|k| delayed(move || Array::from_elem(4, k as f64)))
        .collect();
    // Three blocks for a chunking of two.
    let err = ChunkedArray::from_delayed(
        Array::from_vec(parts.clone()),
        Chunks::from_sizes(vec![vec![4, 4]]),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                argument: "grid",
                ..
            }
        ),
        "{err:?}"
    );
    // A 2-D grid transposed against its chunks.
    let parts2: Vec<_> = (0..2)
        .map(|_| delayed(|| Array::from_elem((2, 2), 0.0_f64)))
        .collect();
    let grid = Array::from_shape_vec((2, 1), parts2).unwrap();
    let err = ChunkedArray::from_delayed(grid, Chunks::from_sizes(vec![vec![2], vec![2, 2]]))
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { .. }), "{err:?}");
    // The matching grid is fine.
    let ok = ChunkedArray::from_delayed(
        Array::from_vec(parts),
        Chunks::from_sizes(vec![vec![4, 4, 4]]),
    )
    .unwrap();
    assert_eq!(ok.sum().compute().unwrap().into_scalar(), 12.0);
}

/// An array of `grid` delayed parts of `block` elements each, part `b` (C
/// order) holding `b`, with a count of how often each part's call ran.
fn counted_parts<D: Dimension + 'static>(
    grid: D,
    block: D,
) -> (ChunkedArray<i64, D>, Arc<Vec<AtomicUsize>>) {
    let n = grid.size();
    let calls: Arc<Vec<AtomicUsize>> = Arc::new((0..n).map(|_| AtomicUsize::new(0)).collect());
    let parts: Vec<_> = (0..n)
        .map(|b| {
            let (calls, block) = (calls.clone(), block.clone());
            delayed(move || {
                calls[b].fetch_add(1, SeqCst);
                Array::from_elem(block.clone(), b as i64)
            })
        })
        .collect();
    let sizes = (0..grid.ndim()).map(|k| vec![block[k]; grid[k]]).collect();
    let grid = Array::from_shape_vec(grid, parts).unwrap();
    let x = ChunkedArray::from_delayed(grid, Chunks::from_sizes(sizes)).unwrap();
    (x, calls)
}

/// The parts that ran since the last look, and a reset of the counts.
fn ran(calls: &[AtomicUsize]) -> Vec<usize> {
    let mut parts = Vec::new();
    for (b, c) in calls.iter().enumerate() {
        let times = c.swap(0, SeqCst);
        assert!(times <= 1, "part {b} ran {times} times in one compute");
        if times == 1 {
            parts.push(b);
        }
    }
    parts
}

#[test]
fn from_delayed_runs_only_the_parts_a_result_reads() {
    // 8 parts of 4 elements: part b holds b.
    let (x, calls) = counted_parts(Ix1(8), Ix1(4));
    let all: Vec<usize> = (0..8).collect();
    assert_eq!(x.slice(s![..2]).sum().compute().unwrap().into_scalar(), 0);
    assert_eq!(ran(&calls), vec![0]);
    assert_eq!(
        x.slice(s![5..13]).compute().unwrap(),
        array![1, 1, 1, 2, 2, 2, 2, 3]
    );
    assert_eq!(ran(&calls), vec![1, 2, 3]);
    assert_eq!(x.slice(s![20..;-5]).compute().unwrap(), array![7, 6, 5]);
    assert_eq!(ran(&calls), vec![5, 6, 7]);
    // Everything: each part exactly once, also when several results share it.
    assert_eq!(x.sum().compute().unwrap().into_scalar(), 4 * 28);
    assert_eq!(ran(&calls), all);
    let (whole, total, head) = ndchunk::compute((&x, &x.sum(), &x.slice(s![..1]))).unwrap();
    assert_eq!(whole, Array::from_shape_fn(32, |i| (i / 4) as i64));
    assert_eq!((total.into_scalar(), head), (4 * 28, array![0]));
    assert_eq!(ran(&calls), all);

    // A 4 x 2 grid of 3 x 2 blocks: part (i, j) is number 2 i + j.
    let (y, calls) = counted_parts(Ix2(4, 2), Ix2(3, 2));
    assert_eq!(
        y.index_axis(Axis(0), 4).compute().unwrap(),
        array![2, 2, 3, 3]
    );
    assert_eq!(ran(&calls), vec![2, 3]);
    assert_eq!(
        y.index_axis(Axis(1), 3).compute().unwrap(),
        array![1, 1, 1, 3, 3, 3, 5, 5, 5, 7, 7, 7]
    );
    assert_eq!(ran(&calls), vec![1, 3, 5, 7]);
    // Reductions along either axis of a slice, and a slice of a reduction.
    assert_eq!(
        y.slice(s![3..6, ..]).sum_axis(Axis(0)).compute().unwrap(),
        array![6, 6, 9, 9]
    );
    assert_eq!(ran(&calls), vec![2, 3]);
    assert_eq!(
        y.slice(s![.., 2..]).max_axis(Axis(1)).compute().unwrap(),
        array![1, 1, 1, 3, 3, 3, 5, 5, 5, 7, 7, 7]
    );
    assert_eq!(ran(&calls), vec![1, 3, 5, 7]);
    assert_eq!(
        y.sum_axis(Axis(1)).slice(s![9..]).compute().unwrap(),
        array![26, 26, 26]
    );
    assert_eq!(ran(&calls), vec![6, 7]);
    assert_eq!(y.sum().compute().unwrap().into_scalar(), 6 * 28);
    assert_eq!(ran(&calls), (0..8).collect::<Vec<_>>());
}

#[test]
fn blocks_taken_from_a_from_delayed_array_run_only_their_part() {
    let (x, calls) = counted_parts(Ix1(8), Ix1(4));
    // One block as a delayed value: its part alone.
    let blocks = x.to_delayed();
    assert_eq!(
        blocks[[5]].compute().unwrap(),
        array![5, 5, 5, 5].into_dyn()
    );
    assert_eq!(ran(&calls), vec![5]);
    let two = Delayed::combine(&blocks[[1]], &blocks[[6]], |a, b| a.sum() + b.sum());
    assert_eq!(two.compute().unwrap(), 4 + 24);
    assert_eq!(ran(&calls), vec![1, 6]);
    // The blocks made into an array again, doubled, then sliced.
    let doubled: Vec<_> = blocks.iter().map(|b| b.map(|a| a * 2)).collect();
    let y = ChunkedArray::<i64, IxDyn>::from_delayed(
        Array::from_vec(doubled).into_dyn(),
        x.chunks().clone(),
    )
    .unwrap();
    assert_eq!(y.slice(s![13..15]).compute().unwrap(), array![6, 6]);
    assert_eq!(ran(&calls), vec![3]);
    assert_eq!(y.sum().compute().unwrap().into_scalar(), 8 * 28);
    assert_eq!(ran(&calls), (0..8).collect::<Vec<_>>());
}

// ---------------------------------------------------------------------------
// explain and visualize

#[test]
fn explain_and_visualize_show_the_names_and_one_node_per_task() {
    let src = delayed(|| 3_i64).named("load config");
    let a = src.map(|x| x + 1).named("parse A");
    let b = src.map(|x| x * 2).named("parse B");
    let total = Delayed::combine(&a, &b, |a, b| a + b).named("merge results");
    assert_eq!(total.compute().unwrap(), 10);

    let names = ["load config", "parse A", "parse B", "merge results"];
    let text = total.explain();
    for name in names {
        assert!(text.contains(name), "{name} missing from\n{text}");
    }
    assert!(text.contains("4 block tasks"), "{text}");

    let dot = total.visualize();
    assert!(dot.trim_start().starts_with("digraph"), "{dot}");
    let nodes = dot_nodes(&dot);
    assert_eq!(nodes.len(), 4, "{dot}");
    for name in names {
        assert_eq!(
            nodes.iter().filter(|n| n.contains(name)).count(),
            1,
            "one node for {name}:\n{dot}"
        );
    }
    // load config -> parse A, parse B; both -> merge results.
    assert_eq!(dot_edges(&dot), 4, "{dot}");

    // A wider graph: a shared input, ten maps and a collect: 12 tasks.
    let input = delayed(|| 1_u8).named("the input");
    let maps: Vec<_> = (0..10)
        .map(|k| input.map(move |x| x + k).named(format!("step {k}")))
        .collect();
    let all = Delayed::collect(&maps).named("gather");
    let dot = all.visualize();
    assert_eq!(dot_nodes(&dot).len(), 12, "{dot}");
    assert_eq!(dot_edges(&dot), 20, "{dot}");
    let text = all.explain();
    assert!(text.contains("12 block tasks"), "{text}");
    for k in 0..10 {
        assert!(text.contains(&format!("step {k}")), "{text}");
    }
    assert!(
        text.contains("gather") && text.contains("the input"),
        "{text}"
    );
}

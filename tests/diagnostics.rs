//! Watching a compute: observer hooks, the Chrome trace (parsed as JSON),
//! the profile table, the projected peak in `explain`, and printing that
//! never lowers the plan.

use ndchunk::diagnostics::{ComputeEnd, ComputeStart, Observer, Profile, TaskEvent};
use ndchunk::prelude::*;
use serde_json::Value as Json;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// A finished task as an observer saw it: label, block, bytes, failed.
type Seen = (String, Vec<usize>, usize, bool);

/// Every hook call, in order.
#[derive(Default)]
struct Recorder {
    starts: AtomicUsize,
    ends: AtomicUsize,
    tasks: Mutex<Vec<Seen>>,
    begun: AtomicUsize,
    end: Mutex<Option<ComputeEnd>>,
    start: Mutex<Option<ComputeStart>>,
}

impl Observer for Recorder {
    fn compute_start(&self, run: &ComputeStart) {
        self.starts.fetch_add(1, Ordering::SeqCst);
        *self.start.lock().unwrap() = Some(run.clone());
    }
    fn task_start(&self, _task: &TaskEvent<'_>) {
        self.begun.fetch_add(1, Ordering::SeqCst);
    }
    fn task_end(&self, task: &TaskEvent<'_>) {
        self.tasks.lock().unwrap().push((
            task.label.to_string(),
            task.block.to_vec(),
            task.bytes,
            task.failed,
        ));
    }
    fn compute_end(&self, run: &ComputeEnd) {
        self.ends.fetch_add(1, Ordering::SeqCst);
        *self.end.lock().unwrap() = Some(run.clone());
    }
}

fn schedulers() -> Vec<Options> {
    vec![
        Options::default(),
        Options::default().threads(1),
        Options::default().threads(3),
        Options::default().scheduler(Scheduler::Sync),
        Options::default().threads(3).memory_limit(1 << 30),
    ]
}

#[test]
fn observers_see_every_task_once_with_its_block_and_bytes() {
    let x = ChunkedArray::<f64, _>::ones((30, 20), (10, 15)).unwrap();
    let y = x.mapv(|v| v * 2.0);
    for options in schedulers() {
        let rec = Arc::new(Recorder::default());
        let out = y.compute_with(&options.observer(rec.clone())).unwrap();
        assert_eq!(out, Array2::from_elem((30, 20), 2.0));
        assert_eq!(rec.starts.load(Ordering::SeqCst), 1);
        assert_eq!(rec.ends.load(Ordering::SeqCst), 1);
        let mut tasks = rec.tasks.lock().unwrap().clone();
        // The plan's tasks, then the sink assembling the result: a task
        // making the array, one copying in each block, one handing it over.
        let sink = y.num_blocks() + 2;
        assert_eq!(tasks.len(), y.num_tasks().unwrap() + sink);
        assert_eq!(rec.begun.load(Ordering::SeqCst), tasks.len());
        assert_eq!(
            rec.start.lock().unwrap().as_ref().unwrap().tasks,
            tasks.len()
        );
        let assembling = tasks.iter().filter(|t| t.0.starts_with("assemble")).count();
        assert_eq!(assembling, sink);
        let all = tasks.len();
        tasks.retain(|t| !t.0.starts_with("assemble"));
        // Blocks of 10 x 15 and 10 x 5 f64: the bytes each task makes.
        let mut by_block: BTreeMap<Vec<usize>, usize> = BTreeMap::new();
        for (label, block, bytes, failed) in &tasks {
            assert!(!failed);
            assert!(label.contains("mapv"), "{label}");
            by_block.insert(block.clone(), *bytes);
        }
        let expected: BTreeMap<Vec<usize>, usize> = (0..3)
            .flat_map(|i| [(vec![i, 0], 10 * 15 * 8), (vec![i, 1], 10 * 5 * 8)])
            .collect();
        assert_eq!(by_block, expected);
        let end = rec.end.lock().unwrap().clone().unwrap();
        assert!(end.ok);
        assert_eq!(end.tasks_run, all);
        // At least the whole result is held at the end (the outputs).
        assert!(end.peak_bytes >= 30 * 20 * 8, "{end:?}");
        assert_eq!(end.bytes_sent, 0, "one process sends nothing");
    }
}

#[test]
fn a_failing_task_is_reported_to_observers_and_the_run_ends_once() {
    let x = ChunkedArray::<f64, _>::ones(40, 10).unwrap();
    let bad = x.map_blocks(|b, info| {
        if info.index == [2] {
            panic!("bad block");
        }
        b.to_owned()
    });
    let rec = Arc::new(Recorder::default());
    let err = bad
        .sum()
        .compute_with(&Options::default().threads(1).observer(rec.clone()))
        .unwrap_err();
    assert!(err.to_string().contains("bad block"), "{err}");
    let tasks = rec.tasks.lock().unwrap().clone();
    assert_eq!(tasks.iter().filter(|t| t.3).count(), 1, "{tasks:?}");
    let failed = tasks.iter().find(|t| t.3).unwrap();
    assert_eq!(failed.1, vec![2]);
    let end = rec.end.lock().unwrap().clone().unwrap();
    assert!(!end.ok);
    assert_eq!(rec.ends.load(Ordering::SeqCst), 1);
}

#[test]
fn the_trace_is_chrome_json_with_one_event_per_task() {
    let path = std::env::temp_dir().join(format!("ndchunk-trace-{}.json", std::process::id()));
    let rng = ndchunk::random::Rng::seed(5);
    let x = rng.standard_normal((400, 300), (100, 100)).unwrap();
    let y = (&x * 2.0).sum_axis(Axis(0));
    let tasks = y.num_tasks().unwrap() + y.num_blocks() + 2; // and the result's sink
    let begin = Instant::now();
    let got = y
        .compute_with(&Options::default().threads(2).trace(&path))
        .unwrap();
    let wall = begin.elapsed().as_secs_f64() * 1e6;
    assert_eq!(got, y.compute().unwrap());
    let json: Json = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    std::fs::remove_file(&path).ok();
    let events = json["traceEvents"].as_array().unwrap();
    let slices: Vec<&Json> = events.iter().filter(|e| e["ph"] == "X").collect();
    assert_eq!(slices.len(), tasks);
    // Names and blocks: the pass over x's 4 x 3 blocks, then the combines.
    let mut per_label: HashMap<String, Vec<Vec<u64>>> = HashMap::new();
    for e in &slices {
        let block: Vec<u64> = e["args"]["block"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        per_label
            .entry(e["name"].as_str().unwrap().to_string())
            .or_default()
            .push(block);
        assert!(e["args"]["bytes"].as_u64().is_some());
        let (ts, dur) = (e["ts"].as_f64().unwrap(), e["dur"].as_f64().unwrap());
        assert!(
            ts >= 0.0 && dur >= 0.0 && ts + dur <= wall,
            "{e} outside {wall} µs"
        );
    }
    let mut pass = per_label.remove("sum_axis(0) partial").unwrap();
    pass.sort();
    let all: Vec<Vec<u64>> = (0..4)
        .flat_map(|i| (0..3).map(move |j| vec![i, j]))
        .collect();
    assert_eq!(pass, all);
    let mut finals = per_label.remove("sum_axis(0)").unwrap();
    finals.sort();
    assert_eq!(finals, vec![vec![0], vec![1], vec![2]]);
    let mut copies = per_label.remove("assemble block").unwrap();
    copies.sort();
    assert_eq!(copies, finals);
    assert_eq!(per_label.remove("assemble open").unwrap().len(), 1);
    assert_eq!(per_label.remove("assemble").unwrap().len(), 1);
    assert!(per_label.is_empty(), "{per_label:?}");
    // No two slices overlap on one thread.
    let mut by_tid: HashMap<u64, Vec<(f64, f64)>> = HashMap::new();
    for e in &slices {
        by_tid
            .entry(e["tid"].as_u64().unwrap())
            .or_default()
            .push((e["ts"].as_f64().unwrap(), e["dur"].as_f64().unwrap()));
    }
    for spans in by_tid.values_mut() {
        spans.sort_by(|a, b| a.0.total_cmp(&b.0));
        for w in spans.windows(2) {
            // 1 ns of slack for the rounding of microseconds to 3 decimals.
            assert!(w[0].0 + w[0].1 <= w[1].0 + 1e-3, "{w:?}");
        }
    }
    // The counter track of bytes held, with two samples per task.
    let counters: Vec<&Json> = events.iter().filter(|e| e["ph"] == "C").collect();
    assert_eq!(counters.len(), 2 * tasks);
    // At the end the three output blocks of 100 f64 are held.
    let most = counters
        .iter()
        .map(|c| c["args"]["bytes"].as_u64().unwrap())
        .max()
        .unwrap();
    assert!(most >= 3 * 100 * 8, "{most}");
}

#[test]
fn a_trace_that_cannot_be_written_is_an_error_naming_the_path() {
    let x = ChunkedArray::<f64, _>::ones(10, 5).unwrap();
    let path = "/nonexistent-dir/ndchunk/trace.json";
    let err = x
        .sum()
        .compute_with(&Options::default().trace(path))
        .unwrap_err();
    assert!(err.to_string().contains(path), "{err}");
}

#[test]
fn the_profile_counts_tasks_time_and_bytes_per_operation() {
    let profile = Arc::new(Profile::new());
    let x = ChunkedArray::<f64, _>::ones((200, 200), (50, 50)).unwrap();
    let y = x.mapv(f64::exp).persist().unwrap();
    let s = y.sum();
    s.compute_with(&Options::default().observer(profile.clone()))
        .unwrap();
    let rows = profile.rows();
    let total: usize = rows.iter().map(|r| r.tasks).sum();
    assert_eq!(total, s.num_tasks().unwrap() + 3); // and the scalar's sink
    let stored = rows.iter().find(|r| r.label == "stored").unwrap();
    assert_eq!(stored.tasks, 16);
    assert_eq!(stored.bytes, 16 * 50 * 50 * 8);
    assert!(stored.peak_live >= 50 * 50 * 8);
    for r in &rows {
        assert!(r.max <= r.total, "{r:?}");
    }
    let table = profile.table();
    assert!(table.starts_with("operation"), "{table}");
    assert!(
        table.contains("stored") && table.contains("sum partial"),
        "{table}"
    );
    assert!(table.contains("tasks in"), "{table}");
    // The profile is per run: computing again starts it afresh.
    s.compute_with(&Options::default().observer(profile.clone()))
        .unwrap();
    assert_eq!(profile.rows().iter().map(|r| r.tasks).sum::<usize>(), total);
}

#[test]
fn explain_projects_the_peak_memory() {
    let x = ChunkedArray::<f64, _>::ones((1000, 1000), (100, 1000)).unwrap();
    let plan = x.rechunk((1000, 100)).sum().explain();
    assert!(plan.contains("projected peak memory"), "{plan}");
    // A column of row blocks is the whole array here: 8 MB.
    assert!(plan.contains("MiB"), "{plan}");
}

#[test]
fn printing_never_lowers_the_plan() {
    // 65536 x 65536 blocks: lowering it would take minutes and gigabytes.
    let x = ChunkedArray::<f64, _>::zeros((65_536, 65_536), (1, 1)).unwrap();
    let begin = Instant::now();
    let shown = format!("{x} {:?}", x.sum());
    assert!(shown.contains("blocks=4294967296"), "{shown}");
    assert!(shown.contains("op=sum"), "{shown}");
    // Generous: printing is microseconds; lowering was minutes.
    assert!(begin.elapsed().as_secs() < 5, "{:?}", begin.elapsed());
}

#[test]
fn parse_bytes_reads_units() {
    for (text, bytes) in [
        ("0", 0),
        ("100", 100),
        ("64MB", 64_000_000),
        ("64mb", 64_000_000),
        ("1GiB", 1 << 30),
        ("2 kib", 2048),
        ("1.5GB", 1_500_000_000),
        ("512k", 512_000),
    ] {
        assert_eq!(ndchunk::parse_bytes(text).unwrap(), bytes, "{text}");
    }
    for text in ["", "MB", "-5MB", "1e400", "12 parsecs", "1.2.3GB"] {
        let e = ndchunk::parse_bytes(text).unwrap_err();
        assert!(e.to_string().contains("bytes"), "{text}: {e}");
    }
}

#[test]
fn a_failed_run_still_writes_its_trace_and_reports_its_own_error() {
    let path =
        std::env::temp_dir().join(format!("ndchunk-failed-trace-{}.json", std::process::id()));
    let x = ChunkedArray::<f64, _>::ones(40, 10).unwrap();
    let bad = x.map_blocks(|b, info| {
        if info.index == [1] {
            panic!("bad block");
        }
        b.to_owned()
    });
    let options = Options::default().threads(1).trace(&path);
    let err = bad.sum().compute_with(&options).unwrap_err();
    assert!(err.to_string().contains("bad block"), "{err}");
    let json: Json = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    std::fs::remove_file(&path).ok();
    let failed: Vec<&Json> = json["traceEvents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["args"]["failed"] == true)
        .collect();
    assert_eq!(failed.len(), 1, "{json}");
    // When the trace cannot be written either, the run's error comes first.
    let unwritable = Options::default().trace("/nonexistent-dir/ndchunk/trace.json");
    let err = bad.sum().compute_with(&unwritable).unwrap_err();
    assert!(err.to_string().contains("bad block"), "{err}");
}

//! A Chrome trace-event file of a run, for Perfetto or `chrome://tracing`.

use super::{ComputeStart, Observer, TaskEvent};
use crate::error::{Error, Result};
use crate::lock::lock;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

/// Records every task of a run as a Chrome trace event: one complete event
/// (`"ph":"X"`) per task on the thread that ran it (`tid`), with the block
/// and the bytes it made in `args`, and a counter track (`"ph":"C"`) of the
/// bytes the executor holds. [`Options::trace`](crate::Options::trace)
/// attaches one and writes the file.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::diagnostics::Trace;
/// use std::sync::Arc;
/// let trace = Arc::new(Trace::new());
/// let x = ChunkedArray::<f64, _>::ones((100, 100), (50, 50))?;
/// x.sum().compute_with(&Options::default().observer(trace.clone()))?;
/// let json = trace.to_json();
/// // The plan's tasks, and three assembling the (one-block) result.
/// assert_eq!(json.matches("\"ph\":\"X\"").count(), x.sum().num_tasks()? + 3);
/// # Ok::<(), ndchunk::Error>(())
/// ```
#[derive(Default)]
pub struct Trace {
    events: Mutex<Vec<Event>>,
    /// Samples of the bytes held: when, how many.
    live: Mutex<Vec<(Duration, usize)>>,
}

struct Event {
    label: String,
    block: Vec<usize>,
    worker: usize,
    start: Duration,
    elapsed: Duration,
    bytes: usize,
    failed: bool,
}

impl Trace {
    /// An empty trace.
    pub fn new() -> Trace {
        Trace::default()
    }

    /// The trace as Chrome trace-event JSON (times in microseconds).
    pub fn to_json(&self) -> String {
        let events = lock(&self.events);
        let mut out = String::from("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n");
        let mut workers: Vec<usize> = events.iter().map(|e| e.worker).collect();
        workers.sort_unstable();
        workers.dedup();
        for w in &workers {
            let _ = writeln!(
                out,
                "{{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":{w},\"args\":{{\"name\":\"worker {w}\"}}}},"
            );
        }
        for e in events.iter() {
            let _ = writeln!(
                out,
                "{{\"name\":\"{}\",\"cat\":\"task\",\"ph\":\"X\",\"pid\":1,\"tid\":{},\"ts\":{:.3},\"dur\":{:.3},\"args\":{{\"block\":{:?},\"bytes\":{},\"failed\":{}}}}},",
                json_escape(&e.label),
                e.worker,
                micros(e.start),
                micros(e.elapsed),
                e.block,
                e.bytes,
                e.failed
            );
        }
        drop(events);
        out.push_str(&self.counter_json());
        out.push_str("\n]}\n");
        out
    }

    fn counter_json(&self) -> String {
        let mut live = lock(&self.live).clone();
        live.sort_by_key(|&(at, _)| at);
        let mut out = String::new();
        for (i, (at, bytes)) in live.iter().enumerate() {
            if i > 0 {
                out.push_str(",\n");
            }
            let _ = write!(
                out,
                "{{\"name\":\"live bytes\",\"ph\":\"C\",\"pid\":1,\"ts\":{:.3},\"args\":{{\"bytes\":{bytes}}}}}",
                micros(*at)
            );
        }
        out
    }

    /// Write [`to_json`](Self::to_json) to `path`.
    pub fn write(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        std::fs::write(path, self.to_json()).map_err(|e| Error::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })
    }
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// `text` inside a JSON string.
fn json_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

impl Observer for Trace {
    fn compute_start(&self, _run: &ComputeStart) {
        lock(&self.events).clear();
        lock(&self.live).clear();
    }

    fn task_start(&self, task: &TaskEvent<'_>) {
        lock(&self.live).push((task.at, task.live_bytes));
    }

    fn task_end(&self, task: &TaskEvent<'_>) {
        let event = Event {
            label: task.label.to_string(),
            block: task.block.to_vec(),
            worker: task.worker,
            start: task.at.saturating_sub(task.elapsed),
            elapsed: task.elapsed,
            bytes: task.bytes,
            failed: task.failed,
        };
        lock(&self.events).push(event);
        lock(&self.live).push((task.at, task.live_bytes));
    }
}

//! A table of where the time and the memory went, one row per operation.

use super::{human_bytes, ComputeEnd, ComputeStart, Observer, TaskEvent};
use crate::lock::lock;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

/// Per-operation totals of a run (what dask's `Profiler` answers): tasks,
/// total and longest time, bytes made, and the peak of bytes held while its
/// tasks ran. [`Options::profile`](crate::Options::profile) attaches one and
/// prints its [`table`](Self::table) on stderr.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::diagnostics::Profile;
/// use std::sync::Arc;
/// let profile = Arc::new(Profile::new());
/// let x = ChunkedArray::<f64, _>::ones((100, 100), (50, 50))?.mapv(f64::exp);
/// x.sum().compute_with(&Options::default().observer(profile.clone()))?;
/// let rows = profile.rows();
/// let pass = rows.iter().find(|r| r.label == "sum partial").unwrap();
/// assert_eq!(pass.tasks, 4);
/// assert!(profile.table().contains("sum partial"));
/// # Ok::<(), ndchunk::Error>(())
/// ```
#[derive(Default)]
pub struct Profile {
    rows: Mutex<HashMap<String, ProfileRow>>,
    run: Mutex<Option<ComputeEnd>>,
}

/// One operation's totals in a [`Profile`].
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct ProfileRow {
    /// The operation, as task labels name it.
    pub label: String,
    /// Tasks of it that ran.
    pub tasks: usize,
    /// Their time, added up.
    pub total: Duration,
    /// The longest of them.
    pub max: Duration,
    /// Bytes of the values they made.
    pub bytes: usize,
    /// The most bytes the executor held when one of them ended.
    pub peak_live: usize,
}

impl Profile {
    /// An empty profile.
    pub fn new() -> Profile {
        Profile::default()
    }

    /// The rows, the most total time first.
    pub fn rows(&self) -> Vec<ProfileRow> {
        let mut rows: Vec<ProfileRow> = lock(&self.rows).values().cloned().collect();
        rows.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.label.cmp(&b.label)));
        rows
    }

    /// The rows as an aligned text table, with the run's wall time and peak.
    pub fn table(&self) -> String {
        let rows = self.rows();
        let width = rows
            .iter()
            .map(|r| r.label.chars().count())
            .max()
            .unwrap_or(0)
            .max("operation".len());
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<width$}  {:>7}  {:>10}  {:>10}  {:>11}  {:>11}",
            "operation", "tasks", "total", "max", "bytes made", "peak held"
        );
        for r in &rows {
            let _ = writeln!(
                out,
                "{:<width$}  {:>7}  {:>10}  {:>10}  {:>11}  {:>11}",
                r.label,
                r.tasks,
                seconds(r.total),
                seconds(r.max),
                human_bytes(r.bytes),
                human_bytes(r.peak_live)
            );
        }
        if let Some(run) = lock(&self.run).as_ref() {
            let _ = writeln!(
                out,
                "{} tasks in {} wall time; peak held {}{}{}",
                run.tasks_run,
                seconds(run.elapsed),
                human_bytes(run.peak_bytes),
                // Only runs across MPI ranks send anything.
                if run.bytes_sent > 0 {
                    format!(
                        "; sent {} to other ranks",
                        human_bytes(usize::try_from(run.bytes_sent).unwrap_or(usize::MAX))
                    )
                } else {
                    String::new()
                },
                if run.ok { "" } else { " (failed)" }
            );
        }
        out
    }
}

/// The row of `label`, made on first use (no allocation after that).
fn row<'r>(rows: &'r mut HashMap<String, ProfileRow>, label: &str) -> &'r mut ProfileRow {
    if !rows.contains_key(label) {
        let row = ProfileRow {
            label: label.to_string(),
            ..ProfileRow::default()
        };
        rows.insert(label.to_string(), row);
    }
    rows.get_mut(label).expect("inserted above")
}

fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.3} s")
    } else if s >= 1e-3 {
        format!("{:.3} ms", s * 1e3)
    } else {
        format!("{:.1} µs", s * 1e6)
    }
}

impl Observer for Profile {
    fn compute_start(&self, _run: &ComputeStart) {
        lock(&self.rows).clear();
        *lock(&self.run) = None;
    }

    fn task_start(&self, task: &TaskEvent<'_>) {
        let mut rows = lock(&self.rows);
        let row = row(&mut rows, task.label);
        row.peak_live = row.peak_live.max(task.live_bytes);
    }

    fn task_end(&self, task: &TaskEvent<'_>) {
        let mut rows = lock(&self.rows);
        let row = row(&mut rows, task.label);
        row.tasks += 1;
        row.total += task.elapsed;
        row.max = row.max.max(task.elapsed);
        row.bytes = row.bytes.saturating_add(task.bytes);
        row.peak_live = row.peak_live.max(task.live_bytes);
    }

    fn compute_end(&self, run: &ComputeEnd) {
        *lock(&self.run) = Some(run.clone());
    }
}

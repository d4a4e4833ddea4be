//! A progress bar on stderr: tasks done of the total, elapsed time, ETA.

use super::{ComputeEnd, ComputeStart, Observer, TasksDone};
use crate::lock::lock;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the bar is redrawn. The bar has no per-task hook: a background
/// thread reads the executor's count of tasks done and draws.
const REDRAW: Duration = Duration::from_millis(100);

/// A progress bar on stderr (indicatif), hidden when stderr is not a
/// terminal. [`Options::progress`](crate::Options::progress) attaches one.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::diagnostics::Progress;
/// use std::sync::Arc;
/// let x = ChunkedArray::<f64, _>::ones(1000, 10)?;
/// let bar = Arc::new(Progress::new());
/// x.sum().compute_with(&Options::default().observer(bar.clone()))?;
/// assert_eq!(bar.done(), bar.total());
/// assert!(bar.total() > x.num_blocks());
/// # Ok::<(), ndchunk::Error>(())
/// ```
#[derive(Default)]
pub struct Progress {
    total: AtomicUsize,
    done: Mutex<TasksDone>,
    running: Arc<AtomicBool>,
    drawer: Mutex<Option<JoinHandle<Option<ProgressBar>>>>,
}

impl Progress {
    /// A bar; it learns the number of tasks when the run starts.
    pub fn new() -> Progress {
        Progress {
            total: AtomicUsize::new(0),
            done: Mutex::new(TasksDone::default()),
            running: Arc::new(AtomicBool::new(false)),
            drawer: Mutex::new(None),
        }
    }

    /// Tasks finished so far (of the current or the last run).
    pub fn done(&self) -> usize {
        lock(&self.done).get()
    }

    /// Tasks of the run (0 before it starts).
    pub fn total(&self) -> usize {
        self.total.load(Ordering::Relaxed)
    }
}

/// The bar of a run of `total` tasks, on stderr.
fn new_bar(total: usize) -> ProgressBar {
    let bar =
        ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr_with_hz(10));
    let style = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} tasks ({eta} left)",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

impl Observer for Progress {
    fn task_hooks(&self) -> bool {
        false
    }

    fn compute_start(&self, run: &ComputeStart) {
        self.total.store(run.tasks, Ordering::Relaxed);
        *lock(&self.done) = run.done.clone();
        if !std::io::stderr().is_terminal() {
            return;
        }
        self.running.store(true, Ordering::Release);
        let (done, running, total) = (run.done.clone(), self.running.clone(), run.tasks);
        // The bar appears after the first redraw interval: a compute that
        // ends sooner draws nothing (no flash, no cost).
        let drawer = std::thread::Builder::new()
            .name("ndchunk-progress".into())
            .spawn(move || {
                let mut bar: Option<ProgressBar> = None;
                loop {
                    std::thread::park_timeout(REDRAW);
                    if !running.load(Ordering::Acquire) {
                        return bar;
                    }
                    bar.get_or_insert_with(|| new_bar(total))
                        .set_position(done.get() as u64);
                }
            });
        if let Ok(handle) = drawer {
            *lock(&self.drawer) = Some(handle);
        }
    }

    fn compute_end(&self, run: &ComputeEnd) {
        self.running.store(false, Ordering::Release);
        let drawer = lock(&self.drawer).take();
        if let Some(handle) = drawer {
            handle.thread().unpark();
            let Ok(Some(bar)) = handle.join() else {
                return;
            };
            bar.set_position(self.done() as u64);
            if run.ok {
                bar.finish();
            } else {
                bar.abandon_with_message("failed");
            }
        }
    }
}

//! Watching a compute: the [`Observer`] hooks and the observers that come
//! with ndchunk — a progress bar ([`Progress`]), a Chrome trace-event file
//! ([`Trace`]) and a per-operation table ([`Profile`]).
//!
//! The quickest way in is through [`Options`]:
//! `.progress(true)`, `.trace("run.json")`, `.profile(true)`. Attach the
//! types here yourself with [`Options::observer`](crate::Options::observer)
//! to read their results in code:
//!
//! ```
//! use ndchunk::prelude::*;
//! use ndchunk::diagnostics::Profile;
//! use std::sync::Arc;
//!
//! let profile = Arc::new(Profile::new());
//! let x = ndchunk::random::Rng::seed(0).standard_normal((1000, 1000), (250, 250))?;
//! x.mean().compute_with(&Options::default().observer(profile.clone()))?;
//! let rows = profile.rows();
//! let pass = rows.iter().find(|r| r.label == "mean partial").unwrap();
//! assert_eq!(pass.tasks, x.num_blocks());                 // one per block of x
//! println!("{}", profile.table());
//! # Ok::<(), ndchunk::Error>(())
//! ```

mod profile;
mod progress;
mod trace;

pub use crate::exec::{ComputeEnd, ComputeStart, Observer, TaskEvent, TasksDone};
pub use profile::{Profile, ProfileRow};
pub use progress::Progress;
pub use trace::Trace;

use crate::error::Result;
use crate::options::Options;
use std::path::PathBuf;
use std::sync::Arc;

/// The observers one compute's [`Options`] ask for, and what to do with
/// them when it is over (write the trace, print the profile).
pub(crate) struct Diagnostics {
    progress: Option<Arc<Progress>>,
    trace: Option<(Arc<Trace>, PathBuf)>,
    profile: Option<Arc<Profile>>,
}

impl Diagnostics {
    pub(crate) fn new(options: &Options) -> Diagnostics {
        Diagnostics {
            progress: options.progress_on().then(|| Arc::new(Progress::new())),
            trace: options
                .trace
                .clone()
                .map(|path| (Arc::new(Trace::new()), path)),
            profile: options.profile.then(|| Arc::new(Profile::new())),
        }
    }

    /// The user's observers followed by the ones asked for by name.
    pub(crate) fn observers(&self, user: &[Arc<dyn Observer>]) -> Vec<Arc<dyn Observer>> {
        let mut all = user.to_vec();
        if let Some(p) = &self.progress {
            all.push(p.clone());
        }
        if let Some((t, _)) = &self.trace {
            all.push(t.clone());
        }
        if let Some(p) = &self.profile {
            all.push(p.clone());
        }
        all
    }

    /// Write the trace file and print the profile table (on stderr).
    pub(crate) fn finish(self) -> Result<()> {
        if let Some(p) = &self.profile {
            eprintln!("{}", p.table());
        }
        if let Some((t, path)) = &self.trace {
            t.write(path)?;
        }
        Ok(())
    }
}

/// `n` bytes in binary units: `512 B`, `7.63 MiB`.
///
/// ```
/// assert_eq!(ndchunk::diagnostics::human_bytes(512), "512 B");
/// assert_eq!(ndchunk::diagnostics::human_bytes(8_000_000), "7.63 MiB");
/// ```
pub fn human_bytes(n: usize) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.2} {}", UNITS[unit])
    }
}

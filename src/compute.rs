//! The only driver: computing one or several lazy values together (their
//! plans are merged, so work they share runs once), counting their tasks,
//! explaining and drawing their plans. Arrays and delayed values come here;
//! this is where the plan is lowered and the executor is configured.

use crate::diagnostics::Diagnostics;
use crate::error::{Error, Result};
use crate::exec::{execute, local_threads, projected_peak, thread_count, RunConfig, Value};
use crate::options::Options;
use crate::plan::{lower, Lowered, Node};
use std::path::Path;
use std::sync::Arc;

/// Something `compute` can evaluate: a `&ChunkedArray` (or an owned one), or
/// a tuple of up to eight of them.
///
/// ```
/// use ndchunk::prelude::*;
/// let x = ndchunk::random::Rng::seed(3).standard_normal((300, 300), (100, 100))?;
/// // One pass over x's blocks feeds both reductions.
/// let (mean, std) = ndchunk::compute((&x.mean(), &x.std(0.0)))?;
/// assert!(mean.into_scalar().abs() < 0.02 && (std.into_scalar() - 1.0).abs() < 0.02);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub trait Compute: Sized {
    /// What computing it gives: an ndarray `Array`, or a tuple of them.
    type Output;
    /// The plans of the values (what `num_tasks`, `explain` and `visualize` show).
    #[doc(hidden)]
    fn roots(&self) -> Vec<Arc<Node>>;
    /// What `compute` runs: each root, or a sink that consumes its blocks
    /// into the result (arrays).
    #[doc(hidden)]
    fn results(&self) -> Vec<Arc<Node>> {
        self.roots()
    }
    /// The output from the blocks of each of [`results`](Self::results).
    #[doc(hidden)]
    fn assemble(self, blocks: &mut dyn Iterator<Item = Vec<Value>>) -> Result<Self::Output>;
}

/// Compute several lazy values at once, with the default [`Options`]; see [`Compute`].
///
/// ```
/// use ndchunk::prelude::*;
/// let x = ChunkedArray::<f64, _>::ones((4, 6), (2, 3))?;
/// let (s, m) = ndchunk::compute((&x.sum(), &x.max()))?;
/// assert_eq!((s.into_scalar(), m.into_scalar()), (24.0, 1.0));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn compute<C: Compute>(values: C) -> Result<C::Output> {
    compute_with(values, &Options::default())
}

/// [`compute`] with chosen [`Options`].
///
/// ```
/// use ndchunk::prelude::*;
/// let x = ChunkedArray::<f64, _>::ones((4, 6), (2, 3))?;
/// let (s,) = ndchunk::compute_with((&x.sum(),), &Options::default().threads(1))?;
/// assert_eq!(s.into_scalar(), 24.0);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn compute_with<C: Compute>(values: C, options: &Options) -> Result<C::Output> {
    let blocks = compute_blocks(&values.results(), options)?;
    values.assemble(&mut blocks.into_iter())
}

/// Number of block tasks of the plans of `values` together, after
/// optimization (shared work counted once). `compute` runs these and, for
/// each array, the sink assembling the result in memory: a task making
/// the result array, one copying in each block, one handing it over.
///
/// ```
/// use ndchunk::prelude::*;
/// let x = ChunkedArray::<f64, _>::ones((100, 100), (50, 50))?;
/// let alone = x.sum().num_tasks()? + x.max().num_tasks()?;
/// let together = ndchunk::num_tasks((&x.sum(), &x.max()))?;
/// assert_eq!((alone, together), (10, 6)); // one pass of 4 tasks feeds both
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn num_tasks<C: Compute>(values: C) -> Result<usize> {
    Ok(lower_default(&values.roots())?.tasks.tasks.len())
}

fn lower_default(roots: &[Arc<Node>]) -> Result<Lowered> {
    let options = Options::default();
    lower(
        roots,
        options.fan_in,
        local_threads(options.scheduler, options.threads),
    )
}

/// The blocks of each root, in C order of its grid.
pub(crate) fn compute_blocks(roots: &[Arc<Node>], options: &Options) -> Result<Vec<Vec<Value>>> {
    let threads = local_threads(options.scheduler, options.threads);
    let lowered = lower(roots, options.fan_in, threads)?;
    let counts = lowered.root_blocks.clone();
    let diagnostics = Diagnostics::new(options);
    let config = RunConfig {
        scheduler: options.scheduler,
        threads: options.threads,
        memory_limit: options.memory_limit,
        observers: diagnostics.observers(&options.observers),
        cancel: options.cancel.clone(),
        result_rank: options.result_rank,
    };
    let result = execute(lowered.tasks, &config);
    // The trace and profile are written also for a failed run; the run's
    // own error comes first.
    let written = diagnostics.finish();
    let mut values = result?.into_iter();
    written?;
    Ok(counts
        .iter()
        .map(|&n| values.by_ref().take(n).collect())
        .collect())
}

/// The optimized plan of `roots` as text, with the projected peak memory
/// on the current pool's threads.
pub(crate) fn explain(roots: &[Arc<Node>]) -> String {
    match lower_default(roots) {
        Ok(lowered) => {
            let threads = thread_count(None);
            let p = projected_peak(&lowered.tasks, threads, None);
            format!(
                "{}projected peak memory: {} on {threads} thread(s) ({} in the one-thread order; largest task {})\n",
                crate::plan::explain(&lowered),
                crate::diagnostics::human_bytes(p.peak),
                crate::diagnostics::human_bytes(p.sequential),
                crate::diagnostics::human_bytes(p.largest_task),
            )
        }
        Err(e) => format!("invalid plan: {e}\n"),
    }
}

/// The block task graph of `roots` in Graphviz DOT.
pub(crate) fn visualize(roots: &[Arc<Node>]) -> String {
    match lower_default(roots) {
        Ok(lowered) => crate::plan::to_dot(&lowered),
        Err(e) => format!(
            "digraph ndchunk {{\n  error [shape=box, label=\"{}\"];\n}}\n",
            crate::plan::dot_escape(&e.to_string())
        ),
    }
}

macro_rules! compute_tuple {
    ($($name:ident)+) => {
        impl<$($name: Compute),+> Compute for ($($name,)+) {
            type Output = ($($name::Output,)+);
            fn roots(&self) -> Vec<Arc<Node>> {
                #[allow(non_snake_case)]
                let ($($name,)+) = self;
                let mut roots = Vec::new();
                $(roots.extend($name.roots());)+
                roots
            }
            fn results(&self) -> Vec<Arc<Node>> {
                #[allow(non_snake_case)]
                let ($($name,)+) = self;
                let mut results = Vec::new();
                $(results.extend($name.results());)+
                results
            }
            fn assemble(self, blocks: &mut dyn Iterator<Item = Vec<Value>>) -> Result<Self::Output> {
                #[allow(non_snake_case)]
                let ($($name,)+) = self;
                Ok(($($name.assemble(blocks)?,)+))
            }
        }
    };
}
compute_tuple!(A);
compute_tuple!(A B);
compute_tuple!(A B C);
compute_tuple!(A B C E);
compute_tuple!(A B C E F);
compute_tuple!(A B C E F G);
compute_tuple!(A B C E F G H);
compute_tuple!(A B C E F G H I);

/// Write DOT text, or render it with Graphviz for image extensions.
pub(crate) fn write_dot(dot: &str, path: &Path) -> Result<()> {
    let io = |e: std::io::Error| Error::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("dot");
    if matches!(ext, "dot" | "gv") {
        return std::fs::write(path, dot).map_err(io);
    }
    if !matches!(ext, "svg" | "png" | "pdf") {
        return Err(Error::invalid(
            "path",
            format!("extension `.{ext}`: expected .dot, .gv, .svg, .png or .pdf"),
        ));
    }
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("dot")
        .arg(format!("-T{ext}"))
        .arg("-o")
        .arg(path)
        .stdin(Stdio::piped())
        .spawn()
        .map_err(|e| Error::Io {
            path: path.display().to_string(),
            message: format!(
                "could not run Graphviz `dot` ({e}); install graphviz or write a .dot file"
            ),
        })?;
    child
        .stdin
        .take()
        .ok_or_else(|| Error::internal("no stdin for dot"))?
        .write_all(dot.as_bytes())
        .map_err(io)?;
    let status = child.wait().map_err(io)?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::Io {
            path: path.display().to_string(),
            message: format!("Graphviz `dot` exited with {status}"),
        })
    }
}

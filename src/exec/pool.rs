//! Thread pools of a given size, built once and kept for the process: building
//! one costs threads being spawned, which benchmarks and loops should not pay.

use crate::error::{Error, Result};
use crate::lock::lock;
use rayon::{ThreadPool, ThreadPoolBuilder};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

pub(super) fn with_threads(n: usize) -> Result<Arc<ThreadPool>> {
    if n == 0 {
        return Err(Error::invalid(
            "threads",
            "expected at least 1 thread, got 0",
        ));
    }
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<ThreadPool>>>> = OnceLock::new();
    let mut pools = lock(POOLS.get_or_init(Default::default));
    if let Some(pool) = pools.get(&n) {
        return Ok(pool.clone());
    }
    let pool = ThreadPoolBuilder::new()
        .num_threads(n)
        .thread_name(move |i| format!("ndchunk-{n}-{i}"))
        .build()
        .map_err(|e| Error::invalid("threads", format!("could not start {n} threads: {e}")))?;
    let pool = Arc::new(pool);
    pools.insert(n, pool.clone());
    Ok(pool)
}

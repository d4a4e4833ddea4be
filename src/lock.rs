//! Locking that survives a panic elsewhere.

use std::sync::{Mutex, MutexGuard};

/// Lock `m`, also when a thread panicked while holding it: panics in tasks
/// are caught and turned into errors, and every structure behind a lock
/// here is left consistent between statements, so a poisoned lock only
/// says that a panic happened, which is already reported.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

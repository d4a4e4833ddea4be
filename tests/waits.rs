//! Waits that end: every way of waiting on a future returns (a value or an
//! error) whether its work succeeded, failed, panicked or was cancelled, and
//! waiting from inside a task, a nested compute or an actor call finishes on
//! pools of one and two threads.
//!
//! Every call under test runs on a thread of its own with a deadline, so a
//! hang fails its test instead of hanging the suite.

use ndchunk::delayed::{as_completed, delayed, shared, try_delayed, wait_any, Actor, Delayed};
use ndchunk::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::mpsc::{channel, RecvTimeoutError};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// Far longer than any call here takes when it does not hang.
const LIMIT: Duration = Duration::from_secs(30);

/// `f()`, run on its own thread; fails the test if it does not return
/// within [`LIMIT`] (the thread is left behind, blocked).
fn within<R: Send + 'static>(what: &str, f: impl FnOnce() -> R + Send + 'static) -> R {
    let (tx, rx) = channel();
    thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(LIMIT) {
        Ok(r) => r,
        Err(RecvTimeoutError::Timeout) => panic!("{what} hung for {LIMIT:?}"),
        Err(RecvTimeoutError::Disconnected) => panic!("{what} panicked"),
    }
}

/// A rayon pool of `n` threads of its own.
fn pool(n: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .unwrap()
}

/// The actors of the cycle a deadlock error names, or `None` for another result.
fn cycle<T>(r: &Result<T, Error>) -> Option<Vec<String>> {
    match r {
        Err(Error::Deadlock(message)) => {
            let (cycle, _) = message.split_once(": ")?;
            Some(cycle.split(" waits on ").map(str::to_string).collect())
        }
        _ => None,
    }
}

fn is_deadlock<T>(r: &Result<T, Error>) -> bool {
    cycle(r).is_some()
}

/// A value whose clone panics: a future that has to clone it to hand it
/// out panics outside of any task.
struct CloneBomb;

impl Clone for CloneBomb {
    fn clone(&self) -> Self {
        panic!("clone bomb")
    }
}

// ---------------------------------------------------------------------------
// waits that end whatever became of the work

#[test]
fn wait_any_and_as_completed_of_no_futures_end_at_once() {
    assert_eq!(within("wait_any(&[])", || wait_any::<i32>(&[])), None);
    let n = within("as_completed(vec![])", || {
        as_completed(Vec::<ndchunk::delayed::Future<i32>>::new()).count()
    });
    assert_eq!(n, 0);
    // Futures done already: wait_any answers with one of them.
    let futures = vec![delayed(|| 1).submit(), delayed(|| 2).submit()];
    let (futures, first) = within("wait_any of done futures", move || {
        for f in &futures {
            while !f.is_done() {
                thread::sleep(Duration::from_millis(1));
            }
        }
        let first = wait_any(&futures);
        (futures, first)
    });
    assert!(matches!(first, Some(0 | 1)), "{first:?}");
    assert!(futures.iter().all(|f| f.is_done()));
}

#[test]
fn every_wait_ends_when_the_work_fails_or_panics() {
    fn failing() -> Vec<(&'static str, ndchunk::delayed::Future<i32>)> {
        let actor = Actor::new(());
        vec![
            (
                "failed",
                try_delayed(|| Err::<i32, _>("bad input")).submit(),
            ),
            ("panicked", delayed(|| -> i32 { panic!("boom") }).submit()),
            (
                "panicked map",
                delayed(|| 1).map(|_| -> i32 { panic!("boom") }).submit(),
            ),
            (
                "panicked actor call",
                actor.call(|_| -> i32 { panic!("boom") }),
            ),
        ]
    }
    for (what, f) in failing() {
        let r = within(what, move || f.wait());
        assert!(
            matches!(
                r,
                Err(Error::TaskFailed { .. } | Error::TaskPanicked { .. })
            ),
            "{what}: {r:?}"
        );
    }
    for (what, f) in failing() {
        let any = within(what, move || wait_any(&[f]));
        assert_eq!(any, Some(0), "{what}");
    }
    let (names, futures): (Vec<_>, Vec<_>) = failing().into_iter().unzip();
    let results: Vec<_> = within("as_completed of failing futures", move || {
        as_completed(futures)
            .map(|(i, _, r)| (i, r.is_err()))
            .collect()
    });
    assert_eq!(results.len(), names.len(), "{results:?}");
    assert!(results.iter().all(|r| r.1), "{results:?}");

    // A panic while handing the value out (outside of every task) is an
    // error in the future, not an abort of the process or a future that
    // never finishes.
    let bomb = shared(CloneBomb).submit();
    let r = within("a future whose value panics on clone", move || bomb.wait());
    match r {
        Err(Error::TaskPanicked { message, .. }) => assert!(message.contains("clone bomb")),
        other => panic!("expected TaskPanicked, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn dropping_futures_midway_ends_every_wait() {
    // Leave as_completed after the first result: the other futures are
    // dropped (cancelled) and nothing waits on them.
    let first = within("as_completed, then dropped", || {
        let futures: Vec<_> = (0..16_u64)
            .map(|k| {
                delayed(move || {
                    thread::sleep(Duration::from_millis(k));
                    k
                })
                .submit()
            })
            .collect();
        as_completed(futures).next().map(|(_, _, r)| r.unwrap())
    });
    assert!(first.is_some_and(|k| k < 16));
    // Dropped futures of an actor: the calls still run, and a later call's
    // future ends.
    let actor = Actor::new(0);
    for _ in 0..10 {
        drop(actor.call(|n| *n += 1));
    }
    let last = actor.call(|n| *n);
    assert_eq!(
        within("an actor call after dropped ones", move || last
            .wait()
            .unwrap()),
        10
    );
}

// ---------------------------------------------------------------------------
// waiting from inside a task

/// Four calls that each submit a future and wait on it (with `wait`,
/// `wait_any` and `as_completed`): more waiting calls than threads.
fn submitting_calls() -> Delayed<Vec<u64>> {
    let calls: Vec<_> = (0..4_u64)
        .map(|k| {
            delayed(move || {
                let inner = delayed(move || k * 10).submit().wait().unwrap();
                let futures = vec![delayed(move || k).submit(), delayed(move || k).submit()];
                assert!(wait_any(&futures).is_some_and(|i| i < 2));
                let sum: u64 = as_completed(futures).map(|(_, _, r)| r.unwrap()).sum();
                inner + sum
            })
        })
        .collect();
    Delayed::collect(&calls)
}

#[test]
fn a_task_that_submits_and_waits_finishes_on_one_and_two_threads() {
    let expected = vec![0, 12, 24, 36];
    for n in [1, 2] {
        let d = submitting_calls();
        let got = within(&format!("threads({n})"), move || {
            d.compute_with(&Options::default().threads(n)).unwrap()
        });
        assert_eq!(got, expected, "threads({n})");
        let d = submitting_calls();
        let got = within(&format!("a pool of {n} installed"), move || {
            pool(n).install(|| d.compute().unwrap())
        });
        assert_eq!(got, expected, "a pool of {n}");
        // A future submitted from a task of a submitted future.
        let got = within(&format!("futures in futures on {n}"), move || {
            pool(n).install(|| submitting_calls().submit().wait().unwrap())
        });
        assert_eq!(got, expected, "futures in futures on {n}");
    }
}

#[test]
fn compute_inside_a_task_or_a_map_blocks_closure_finishes_on_one_and_two_threads() {
    let x = ChunkedArray::from_fn(40, 10, |i| i as f64).unwrap();
    for n in [1, 2] {
        let options = Options::default().threads(n);
        // Delayed calls computing an array and a delayed value, on the
        // current pool and on pools of one and two threads.
        let calls: Vec<_> = [None, Some(1), Some(2)]
            .into_iter()
            .map(|threads| {
                let x = x.clone();
                delayed(move || {
                    let options = match threads {
                        None => Options::default(),
                        Some(t) => Options::default().threads(t),
                    };
                    let total = x.sum().compute_with(&options).unwrap().into_scalar();
                    let inner = delayed(|| 2.0).map(|v| v * 3.0);
                    total + inner.compute_with(&options).unwrap()
                })
            })
            .collect();
        let all = Delayed::collect(&calls);
        let o = options.clone();
        let got = within(&format!("compute in a task, threads({n})"), move || {
            all.compute_with(&o).unwrap()
        });
        assert_eq!(got, vec![786.0; 3], "threads({n})");

        // Each block of y computes a reduction of all of x.
        let inner = x.clone();
        let y = x.map_blocks(move |block, _| {
            let total = inner.sum().compute().unwrap().into_scalar();
            block.mapv(|v| v + total)
        });
        let o = options.clone();
        let got = within(&format!("compute in map_blocks, threads({n})"), move || {
            y.sum().compute_with(&o).unwrap().into_scalar()
        });
        assert_eq!(got, 780.0 + 40.0 * 780.0, "threads({n})");
    }
}

// ---------------------------------------------------------------------------
// actors

#[test]
fn an_actor_call_waiting_on_another_actor_finishes_on_one_and_two_threads() {
    for n in [1, 2] {
        let got = within(&format!("actors on a pool of {n}"), move || {
            pool(n).install(|| {
                let a = Actor::new(0_u64);
                let b = Actor::new(100_u64);
                let calls: Vec<_> = (0..5)
                    .map(|_| {
                        let b = b.clone();
                        a.call(move |s| {
                            *s += b
                                .call(|t| {
                                    *t += 1;
                                    *t
                                })
                                .wait()
                                .unwrap();
                            *s
                        })
                    })
                    .collect();
                calls
                    .into_iter()
                    .map(|f| f.wait().unwrap())
                    .collect::<Vec<_>>()
            })
        });
        assert_eq!(got, vec![101, 203, 306, 410, 515], "pool of {n}");

        // Tasks that call an actor and wait, more of them than threads.
        let log = Actor::new(Vec::new());
        let calls: Vec<_> = (0..6)
            .map(|k| {
                let log = log.clone();
                delayed(move || log.call(move |l| l.push(k)).wait().is_ok())
            })
            .collect();
        let all = Delayed::collect(&calls);
        let ok = within(
            &format!("tasks waiting on an actor, threads({n})"),
            move || all.compute_with(&Options::default().threads(n)).unwrap(),
        );
        assert_eq!(ok, vec![true; 6]);
        let mut seen = within("the log", move || log.call(|l| l.clone()).wait().unwrap());
        seen.sort();
        assert_eq!(seen, (0..6).collect::<Vec<_>>());
    }
}

#[test]
fn an_actor_call_waiting_on_its_own_actor_is_a_deadlock_error() {
    for n in [1, 2] {
        let (direct, any, completed) = within(&format!("self-wait on {n}"), move || {
            pool(n).install(|| {
                let a = Actor::new(1);
                let other = Actor::new(2);
                let me = a.clone();
                let direct = a.call(move |_| me.call(|s| *s).wait());
                let me = a.clone();
                let any = a.call(move |_| {
                    let futures = [me.call(|s| *s)];
                    (
                        wait_any(&futures),
                        futures.into_iter().next().unwrap().wait(),
                    )
                });
                let me = a.clone();
                let completed = a.call(move |_| {
                    let futures = vec![me.call(|s| *s), other.call(|s| *s)];
                    let mut results: Vec<_> =
                        as_completed(futures).map(|(i, _, r)| (i, r)).collect();
                    results.sort_by_key(|r| r.0);
                    results
                });
                (
                    direct.wait().unwrap(),
                    any.wait().unwrap(),
                    completed.wait().unwrap(),
                )
            })
        });
        // "actor 3 waits on actor 3"
        let c = cycle(&direct).unwrap_or_else(|| panic!("{direct:?}"));
        assert!(
            c.len() == 2 && c[0] == c[1] && c[0].starts_with("actor "),
            "{c:?}"
        );
        assert_eq!(any.0, Some(0));
        assert!(is_deadlock(&any.1), "{:?}", any.1);
        assert_eq!(completed.len(), 2);
        assert!(is_deadlock(&completed[0].1), "{completed:?}");
        assert_eq!(completed[1].1.as_ref().ok(), Some(&2));
    }
}

#[test]
fn two_actors_waiting_on_each_other_is_a_deadlock_error_for_one() {
    // B's first call waits until A's call waits on B's second call, then
    // waits on A: each waits on the other.
    for n in [1, 2] {
        let (from_a, from_b) = within(&format!("a cycle of actors on {n}"), move || {
            pool(n).install(|| {
                let a = Actor::new("a");
                let b = Actor::new("b");
                let a_waits = Arc::new(AtomicBool::new(false));
                let (a2, flag) = (a.clone(), a_waits.clone());
                let from_b = b.call(move |_| {
                    let deadline = Instant::now() + LIMIT;
                    // On one thread A's call cannot start before this one
                    // waits: then this waits on A's first call, queued.
                    while !flag.load(SeqCst)
                        && Instant::now() < deadline
                        && rayon::current_num_threads() > 1
                    {
                        thread::sleep(Duration::from_millis(1));
                    }
                    a2.call(|s| *s).wait()
                });
                let (b2, flag) = (b.clone(), a_waits.clone());
                let from_a = a.call(move |_| {
                    let second = b2.call(|s| *s);
                    flag.store(true, SeqCst);
                    second.wait()
                });
                (from_a.wait().unwrap(), from_b.wait().unwrap())
            })
        });
        // One wait is refused, naming the cycle; the other then gets its value.
        let refused: Vec<_> = [cycle(&from_a), cycle(&from_b)]
            .into_iter()
            .flatten()
            .collect();
        assert_eq!(refused.len(), 1, "{from_a:?} {from_b:?}");
        let c = &refused[0];
        assert!(c.len() == 3 && c[0] == c[2] && c[0] != c[1], "{c:?}");
        assert!(
            from_a.as_ref().is_ok_and(|s| *s == "b") || from_b.as_ref().is_ok_and(|s| *s == "a")
        );
    }
}

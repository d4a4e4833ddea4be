//! Memory of a scan, measured with the counting global allocator: an output
//! block reads the small carries of the blocks before it, not the blocks
//! themselves, so a cumulative sum consumed block by block keeps a few
//! blocks alive, not all of them. (A binary of its own: the allocator
//! counts every thread.)

use ndchunk::prelude::*;
use ndchunk::Scheduler;

#[path = "common/counting_alloc.rs"]
mod counting_alloc;

const BLOCK_BYTES: usize = 1000 * 1000 * 8;

#[test]
fn scan_blocks_are_freed_after_their_output() {
    // 16 blocks along the scanned axis.
    let x = ChunkedArray::from_fn((16_000, 1000), (1000, 1000), |(i, j)| {
        ((i * 7 + j) % 13) as f64
    })
    .unwrap();
    let total = x.cumsum_axis(Axis(0)).sum();
    let (sum, base, peak) = counting_alloc::peak_during(|| {
        total
            .compute_with(&Options::default().scheduler(Scheduler::Sync))
            .unwrap()
            .into_scalar()
    });
    let peak = peak.saturating_sub(base);
    eprintln!("cumsum of 16 blocks then sum: peak {peak} bytes (a block is {BLOCK_BYTES})");
    assert!(sum > 0.0);
    assert!(
        peak < 4 * BLOCK_BYTES,
        "peak {peak} bytes: earlier blocks of the scan were kept alive (a block is {BLOCK_BYTES})"
    );
}

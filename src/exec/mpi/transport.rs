//! Messages between ranks: values (tagged [`VALUE`], led by the global task
//! number) and failures (tagged [`FAILURE`], the error's text), sent
//! non-blocking in synchronous mode, so that a completed send means the
//! receiver has it; received by matched probes, whatever their size.

use crate::error::{Error, Result};
use mpi::ffi;
use mpi::raw::AsRaw;
use mpi::topology::SimpleCommunicator;
use mpi::traits::{Communicator, MatchedReceiveVec, Source};
use std::sync::Arc;

pub(super) const VALUE: i32 = 1;
pub(super) const FAILURE: i32 = 2;

/// A send in flight; its bytes are kept until MPI is done with them.
pub(super) struct Outgoing {
    request: ffi::MPI_Request,
    bytes: Arc<Vec<u8>>,
    done: bool,
}

impl Drop for Outgoing {
    /// Dropped before MPI reported the send complete (a run ended by an
    /// error of MPI itself): the bytes are leaked, never freed under MPI.
    fn drop(&mut self) {
        if !self.done {
            std::mem::forget(Arc::clone(&self.bytes));
        }
    }
}

/// Start sending `bytes` to rank `to`.
pub(super) fn send(
    world: &SimpleCommunicator,
    bytes: &Arc<Vec<u8>>,
    to: usize,
    tag: i32,
) -> Result<Outgoing> {
    let count = i32::try_from(bytes.len()).map_err(|_| Error::Mpi {
        reason: format!(
            "a value of {} bytes is more than one MPI message holds (2 GiB): use smaller chunks",
            bytes.len()
        ),
    })?;
    let dest = i32::try_from(to).map_err(|_| Error::internal("rank out of range"))?;
    // SAFETY: null until MPI_Issend sets it; a plain handle.
    #[allow(unsafe_code)]
    let mut request = unsafe { ffi::RSMPI_REQUEST_NULL };
    // SAFETY: the buffer is `count` bytes and stays alive and unchanged
    // until the request completes: the `Arc` is kept in the `Outgoing`,
    // whose drop leaks it unless `done` reported completion. The datatype
    // and communicator are valid handles of the running MPI.
    #[allow(unsafe_code)]
    let code = unsafe {
        ffi::MPI_Issend(
            bytes.as_ptr().cast(),
            count,
            ffi::RSMPI_UINT8_T,
            dest,
            tag,
            world.as_raw(),
            &mut request,
        )
    };
    check(code, "MPI_Issend")?;
    Ok(Outgoing {
        request,
        bytes: bytes.clone(),
        done: false,
    })
}

impl Outgoing {
    /// Whether the send completed (the receiver has the message).
    pub fn done(&mut self) -> Result<bool> {
        let mut flag = 0;
        // SAFETY: the request is an active request made by MPI_Issend (MPI
        // sets it to null once complete, after which testing it again is
        // allowed and reports completion).
        #[allow(unsafe_code)]
        let code = unsafe { ffi::MPI_Test(&mut self.request, &mut flag, ffi::RSMPI_STATUS_IGNORE) };
        check(code, "MPI_Test")?;
        self.done = flag != 0;
        Ok(self.done)
    }
}

fn check(code: i32, call: &str) -> Result<()> {
    if code == 0 {
        Ok(())
    } else {
        Err(Error::Mpi {
            reason: format!("{call} failed with MPI error code {code}"),
        })
    }
}

/// The next message that arrived, if any: (source rank, tag, bytes).
pub(super) fn receive(world: &SimpleCommunicator) -> Option<(usize, i32, Vec<u8>)> {
    let probed = world.any_process().immediate_matched_probe()?;
    let (source, tag) = (probed.1.source_rank() as usize, probed.1.tag());
    let (bytes, _) = probed.matched_receive_vec::<u8>();
    Some((source, tag, bytes))
}

/// A value message: the global task number, then the value's bytes.
pub(super) fn value_message(
    task: usize,
    encode: impl FnOnce(&mut Vec<u8>) -> Result<()>,
) -> Result<Vec<u8>> {
    let mut bytes = (task as u64).to_le_bytes().to_vec();
    encode(&mut bytes)?;
    Ok(bytes)
}

/// The task number and value bytes of a value message.
pub(super) fn split_value(bytes: &[u8]) -> Result<(u64, &[u8])> {
    let (head, rest) = bytes
        .split_first_chunk::<8>()
        .ok_or_else(|| Error::internal("a value message shorter than its header"))?;
    Ok((u64::from_le_bytes(*head), rest))
}

/// Before a run: whether every rank built the same graph (a program that
/// is not SPMD, or ranks out of step after one returned early, would
/// otherwise wait for values nobody sends).
///
/// `ready`: whether this rank can run (its thread pool started); a rank
/// that cannot makes every rank return an error rather than wait for it.
pub(super) fn same_plan(world: &SimpleCommunicator, fingerprint: u64, ready: bool) -> Result<()> {
    use mpi::collective::CommunicatorCollectives;
    let mine = [fingerprint, u64::from(ready)];
    let mut all = vec![0u64; 2 * world.size() as usize];
    world.all_gather_into(&mine[..], &mut all[..]);
    if let Some(r) = all.chunks(2).position(|p| p[1] == 0) {
        return Err(Error::Mpi {
            reason: format!("rank {r} could not start its threads"),
        });
    }
    match all.chunks(2).position(|p| p[0] != all[0]) {
        None => Ok(()),
        Some(r) => Err(Error::Mpi {
            reason: format!(
                "rank {r} built another plan than rank 0: every rank must run the same computes \
                 in the same order (SPMD)"
            ),
        }),
    }
}

/// After every rank finished: the first failure, by rank, that any rank
/// had, as the same error on every rank.
pub(super) fn agree(world: &SimpleCommunicator, mine: Option<String>) -> Option<Error> {
    use mpi::collective::{CommunicatorCollectives, Root};
    let failed = u8::from(mine.is_some());
    let mut all = vec![0u8; world.size() as usize];
    world.all_gather_into(&failed, &mut all[..]);
    let rank = all.iter().position(|&f| f != 0)?;
    let root = world.process_at_rank(rank as i32);
    let text = mine
        .filter(|_| world.rank() as usize == rank)
        .unwrap_or_default();
    let mut len = text.len() as u64;
    root.broadcast_into(&mut len);
    let mut bytes = if world.rank() as usize == rank {
        text.into_bytes()
    } else {
        vec![0u8; len as usize]
    };
    root.broadcast_into(&mut bytes[..]);
    Some(Error::Rank {
        rank,
        message: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

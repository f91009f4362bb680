//! Whole-log verification, as run by `kirjuri ledger verify` over the stored rows.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::sync::mpsc::{self, TrySendError};
use std::sync::Mutex;

use thiserror::Error;

use crate::checkpoint::Checkpoint;
use crate::hash::{commit_blocks, digest, digest_pair, node_blocks, Block, Hash};
use crate::leaf::{commit, LeafRecord};
use crate::tree::CompactRange;

/// Why a log failed verification.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum LogFault {
    /// Leaves must arrive in index order starting at 0, with no gaps or repeats.
    #[error("expected leaf index {expected}, found {found}")]
    OutOfOrder {
        /// The next index the log should have.
        expected: u64,
        /// The index that came instead.
        found: u64,
    },
    /// The stored salt and record do not open the leaf's commitment.
    #[error("stored record does not match the leaf commitment")]
    CommitmentMismatch,
    /// The leaves did not hash to the checkpoint's root.
    #[error("root of the first {size} leaves does not match the signed checkpoint")]
    RootMismatch {
        /// The checkpoint size whose root failed.
        size: u64,
    },
    /// The log ended before a checkpoint's size was reached.
    #[error("log has {size} leaves but a checkpoint covers {checkpoint_size}")]
    Truncated {
        /// Leaves present.
        size: u64,
        /// Size claimed by the checkpoint.
        checkpoint_size: u64,
    },
    /// Checkpoints must be given in non-decreasing size order.
    #[error("checkpoints are not in size order")]
    CheckpointOrder,
}

/// A failed log, with the earliest leaf that can be blamed.
///
/// For a root mismatch the tree cannot say which leaf changed, only that one in the
/// span since the previous matching checkpoint did, so `first_bad_leaf` is that span's
/// first leaf. For truncation it is the first missing index.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("ledger verification failed at leaf {first_bad_leaf}: {what}")]
pub struct LogError {
    /// The first leaf index that is (or may be) bad.
    pub first_bad_leaf: u64,
    /// What went wrong.
    pub what: LogFault,
}

/// What a successful verification covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LogSummary {
    /// Leaves read.
    pub leaves: u64,
    /// Leaves whose stored record opened the commitment.
    pub opened: u64,
    /// Leaves without a stored record (erased).
    pub unopened: u64,
    /// Size of the largest checkpoint matched.
    pub checkpoint_size: u64,
}

/// One stored leaf as verification reads it: index, leaf, and the opening (salt and
/// canonical record) unless erased.
pub type LogRow<R> = (u64, LeafRecord, Option<([u8; 32], R)>);

/// Verifies a whole log against one signed-and-opened checkpoint; see
/// [`verify_log_against`].
pub fn verify_log<I, R>(leaves: I, checkpoint: &Checkpoint) -> Result<LogSummary, LogError>
where
    I: IntoIterator<Item = LogRow<R>>,
    R: AsRef<[u8]>,
{
    verify_log_against(leaves, std::slice::from_ref(checkpoint))
}

/// Verifies a whole log on one thread: leaves arrive in index order from 0 with their
/// stored opening (`None` once erased); every opening must match its commitment, and the
/// tree root at each checkpoint's size must equal that checkpoint's root.
///
/// Giving all stored checkpoints, smallest first, narrows a root mismatch to the span
/// since the last good one. Leaves past the last checkpoint are still checked for order
/// and commitments. Memory stays O(log n) and nothing is allocated per leaf.
///
/// This is the reference: [`verify_log_parallel`] gives the same result on several
/// threads (a test compares them on random logs and faults).
pub fn verify_log_against<I, R>(
    leaves: I,
    checkpoints: &[Checkpoint],
) -> Result<LogSummary, LogError>
where
    I: IntoIterator<Item = LogRow<R>>,
    R: AsRef<[u8]>,
{
    let mut state = Merge::new(checkpoints)?;
    for (index, leaf, opening) in leaves {
        let expected = state.range.size();
        if index != expected {
            return Err(out_of_order(expected, index));
        }
        match opening {
            Some((salt, record)) => {
                if commit(&salt, record.as_ref()) != leaf.commitment {
                    return Err(LogError {
                        first_bad_leaf: index,
                        what: LogFault::CommitmentMismatch,
                    });
                }
                state.summary.opened += 1;
            }
            None => state.summary.unopened += 1,
        }
        state.push_leaf(leaf.leaf_hash())?;
    }
    state.finish()
}

/// Leaves per chunk in [`verify_log_parallel`]: `2^10`. Large enough that handing a
/// chunk between threads costs nothing next to its ~5 000 SHA-256 blocks, small enough
/// that a chunk's rows stay in the L2 cache.
const CHUNK_LOG2: u32 = 10;

/// [`verify_log_against`] on up to `threads` threads, with exactly the same result: the
/// same summary, or the same error naming the same first bad leaf.
///
/// The calling thread reads `leaves` in order and cuts them into aligned chunks of 1 024
/// leaves; each chunk's commitments are opened, its leaves hashed and its perfect subtree
/// hashed up to one root by whichever thread is free (`threads - 1` helpers and the caller
/// itself, when the helpers are busy). The caller folds the chunk roots into the
/// compact range in index order, so the first fault in index order is the one reported.
/// A chunk that contains a checkpoint's size (or a bad opening) hands back its leaf
/// hashes instead of a root, and they are pushed one by one so each checkpoint and the
/// first bad leaf are checked exactly where the sequential verifier checks them.
///
/// The threads only compute; they read nothing but the rows given. Rows are read ahead
/// of verification by at most a few chunks, so memory stays bounded.
pub fn verify_log_parallel<I, R>(
    leaves: I,
    checkpoints: &[Checkpoint],
    threads: NonZeroUsize,
) -> Result<LogSummary, LogError>
where
    I: IntoIterator<Item = LogRow<R>>,
    R: AsRef<[u8]> + Send,
{
    verify_chunked(leaves, checkpoints, threads.get(), CHUNK_LOG2)
}

fn out_of_order(expected: u64, found: u64) -> LogError {
    LogError {
        first_bad_leaf: expected,
        what: LogFault::OutOfOrder { expected, found },
    }
}

/// The state the sequential and parallel verifiers share: the compact range, the
/// checkpoints still to reach, and the summary so far.
struct Merge<'a> {
    range: CompactRange,
    pending: std::iter::Peekable<std::slice::Iter<'a, Checkpoint>>,
    checkpoints: &'a [Checkpoint],
    good_upto: u64,
    summary: LogSummary,
}

impl<'a> Merge<'a> {
    fn new(checkpoints: &'a [Checkpoint]) -> Result<Self, LogError> {
        if checkpoints.windows(2).any(|w| w[0].size > w[1].size) {
            return Err(LogError {
                first_bad_leaf: 0,
                what: LogFault::CheckpointOrder,
            });
        }
        let mut state = Self {
            range: CompactRange::new(),
            pending: checkpoints.iter().peekable(),
            checkpoints,
            good_upto: 0,
            summary: LogSummary::default(),
        };
        state.check()?;
        Ok(state)
    }

    /// Checks every checkpoint whose size the range has just reached.
    fn check(&mut self) -> Result<(), LogError> {
        let size = self.range.size();
        while let Some(cp) = self.pending.next_if(|cp| cp.size == size) {
            if self.range.root() != cp.root {
                return Err(LogError {
                    first_bad_leaf: self.good_upto,
                    what: LogFault::RootMismatch { size: cp.size },
                });
            }
            self.good_upto = cp.size;
            self.summary.checkpoint_size = cp.size;
        }
        Ok(())
    }

    fn push_leaf(&mut self, leaf: Hash) -> Result<(), LogError> {
        self.range.push(leaf);
        self.check()
    }

    fn finish(mut self) -> Result<LogSummary, LogError> {
        let size = self.range.size();
        self.summary.leaves = size;
        if let Some(cp) = self.checkpoints.last().filter(|cp| cp.size > size) {
            return Err(LogError {
                first_bad_leaf: size,
                what: LogFault::Truncated {
                    size,
                    checkpoint_size: cp.size,
                },
            });
        }
        Ok(self.summary)
    }

    /// Folds one chunk's outcome in; chunks must come in index order.
    fn merge(&mut self, done: &Done, chunk_log2: u32) -> Result<(), LogError> {
        self.summary.opened += done.opened;
        self.summary.unopened += done.unopened;
        match &done.hashes {
            Hashes::Root(root) => {
                // Chunks are whole and merged in order from index 0, so the root always
                // fits; if it did not, the chunk would be out of place.
                if !self.range.push_subtree(*root, chunk_log2) {
                    return Err(out_of_order(self.range.size(), done.start));
                }
                self.check()?;
            }
            Hashes::Leaves(leaves) => {
                for leaf in leaves {
                    self.push_leaf(*leaf)?;
                }
            }
        }
        match done.bad_opening {
            Some(index) => Err(LogError {
                first_bad_leaf: index,
                what: LogFault::CommitmentMismatch,
            }),
            None => Ok(()),
        }
    }
}

/// A chunk of rows to verify: leaves `[start, start + rows.len())`.
struct Job<R> {
    seq: u64,
    start: u64,
    rows: Vec<LogRow<R>>,
}

/// A verified chunk.
struct Done {
    seq: u64,
    start: u64,
    opened: u64,
    unopened: u64,
    hashes: Hashes,
    /// The first leaf whose opening failed; `hashes` then holds the leaves before it.
    bad_opening: Option<u64>,
}

enum Hashes {
    /// The root of a whole aligned chunk with no checkpoint inside.
    Root(Hash),
    /// Leaf hashes, to be pushed one at a time.
    Leaves(Vec<Hash>),
}

/// Messages laid out per batch before any of them is compressed. Compressing blocks
/// written a while ago lets the CPU overlap the (latency-bound) compressions of
/// independent messages; compressing each message right after writing it makes every
/// hash wait for its own fresh stores. 16 leaves' blocks (5 KiB) stay in L1.
const BATCH: usize = 32;

/// Reused buffers of one verifying thread.
struct Scratch {
    /// Leaf hashes of the chunk, then its subtree levels in place.
    hashes: Vec<Hash>,
    commits: [[Block; 3]; BATCH],
    leaves: [[Block; 2]; BATCH],
    nodes: [[Block; 2]; BATCH],
}

impl Scratch {
    fn new(chunk: usize) -> Box<Self> {
        Box::new(Self {
            hashes: Vec::with_capacity(chunk),
            commits: [[Block::default(); 3]; BATCH],
            leaves: [[Block::default(); 2]; BATCH],
            nodes: [[Block::default(); 2]; BATCH],
        })
    }
}

/// How a batched leaf's opening is to be checked.
#[derive(Clone, Copy)]
enum Opened {
    /// Erased: nothing to check.
    No,
    /// Laid out in this many blocks.
    Blocks(usize),
    /// Too long to lay out: hashed by the streaming hasher.
    Long,
}

/// Verifies one chunk: opens every commitment, hashes every leaf and, for a whole chunk
/// that no checkpoint cuts, the perfect subtree. `scratch` is reused between chunks.
/// Leaves `rows` empty (capacity kept) for reuse.
fn verify_chunk<R: AsRef<[u8]>>(
    job: &mut Job<R>,
    checkpoints: &[Checkpoint],
    chunk_log2: u32,
    scratch: &mut Scratch,
) -> Done {
    let (mut opened, mut unopened) = (0, 0);
    let mut bad_opening = None;
    let Scratch {
        hashes,
        commits,
        leaves,
        nodes,
    } = scratch;
    hashes.clear();
    // By reference: rows are moved once (into the chunk), not again out of it.
    'batches: for batch in job.rows.chunks(BATCH) {
        let mut how = [Opened::No; BATCH];
        for (((_, leaf, opening), how), (commit_at, leaf_at)) in batch
            .iter()
            .zip(&mut how)
            .zip(commits.iter_mut().zip(leaves.iter_mut()))
        {
            leaf.leaf_blocks(leaf_at);
            if let Some((salt, record)) = opening {
                *how = match commit_blocks(salt, record.as_ref(), commit_at) {
                    Some(used) => Opened::Blocks(used),
                    None => Opened::Long,
                };
            }
        }
        for ((((index, leaf, opening), how), commit_at), leaf_at) in
            batch.iter().zip(how).zip(commits.iter()).zip(leaves.iter())
        {
            // The commitment and the leaf hash are independent: compressed in turn.
            let (commitment, leaf_hash) = match (how, opening) {
                (Opened::Blocks(used), _) => {
                    let (c, l) = digest_pair(&commit_at[..used], leaf_at);
                    (Some(c), l)
                }
                (Opened::Long, Some((salt, record))) => {
                    (Some(commit(salt, record.as_ref())), digest(leaf_at))
                }
                _ => (None, digest(leaf_at)),
            };
            match commitment {
                Some(c) if c != leaf.commitment => {
                    bad_opening = Some(*index);
                    break 'batches;
                }
                Some(_) => opened += 1,
                None => unopened += 1,
            }
            hashes.push(leaf_hash);
        }
    }
    job.rows.clear();
    let len = hashes.len() as u64;
    let end = job.start + len;
    let whole = bad_opening.is_none() && len == 1 << chunk_log2;
    // Checkpoints are in size order (checked first): is there one strictly inside?
    let after_start = checkpoints.partition_point(|cp| cp.size <= job.start);
    let cut = checkpoints.get(after_start).is_some_and(|cp| cp.size < end);
    let hashes = if whole && !cut {
        // Perfect subtree of an aligned chunk: pairwise, level by level, in place, a
        // batch of nodes laid out before any is compressed. Outputs land below the
        // inputs still to be read, so in place is safe.
        let mut n = hashes.len();
        while n > 1 {
            let pairs = n / 2;
            let mut at = 0;
            while at < pairs {
                let k = BATCH.min(pairs - at);
                for (j, blocks) in nodes[..k].iter_mut().enumerate() {
                    let i = 2 * (at + j);
                    node_blocks(&hashes[i], &hashes[i + 1], blocks);
                }
                // Two nodes at a time, their blocks in turn.
                for (j, two) in nodes[..k].chunks(2).enumerate() {
                    match two {
                        [x, y] => {
                            (hashes[at + 2 * j], hashes[at + 2 * j + 1]) = digest_pair(x, y);
                        }
                        _ => hashes[at + 2 * j] = digest(&two[0]),
                    }
                }
                at += k;
            }
            n = pairs;
        }
        Hashes::Root(hashes[0])
    } else {
        Hashes::Leaves(hashes.clone())
    };
    Done {
        seq: job.seq,
        start: job.start,
        opened,
        unopened,
        hashes,
        bad_opening,
    }
}

fn verify_chunked<I, R>(
    leaves: I,
    checkpoints: &[Checkpoint],
    threads: usize,
    chunk_log2: u32,
) -> Result<LogSummary, LogError>
where
    I: IntoIterator<Item = LogRow<R>>,
    R: AsRef<[u8]> + Send,
{
    if threads <= 1 {
        return verify_log_against(leaves, checkpoints);
    }
    let mut state = Merge::new(checkpoints)?;
    let chunk = 1usize << chunk_log2;
    // Helpers take jobs from one queue; a full queue means they are busy, and then the
    // caller verifies the chunk itself.
    let (job_tx, job_rx) = mpsc::sync_channel::<Job<R>>(threads);
    let job_rx = Mutex::new(job_rx);
    let (done_tx, done_rx) = mpsc::channel::<(Done, Vec<LogRow<R>>)>();
    let job_rx = &job_rx;
    std::thread::scope(move |scope| {
        for _ in 1..threads {
            let done_tx = done_tx.clone();
            scope.spawn(move || {
                let mut scratch = Scratch::new(chunk);
                loop {
                    // The lock is held only to take a job, never while hashing.
                    let job = match job_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => break,
                    };
                    let Ok(mut job) = job else { break };
                    let done = verify_chunk(&mut job, checkpoints, chunk_log2, &mut scratch);
                    if done_tx.send((done, job.rows)).is_err() {
                        break; // the caller stopped at a fault
                    }
                }
            });
        }
        drop(done_tx);

        let mut rows = leaves.into_iter();
        let mut scratch = Scratch::new(chunk);
        // Spare chunk buffers: the caller's own first (still in its cache), then the
        // helpers' (their lines must move to this core before they can be written).
        let mut free: Vec<Vec<LogRow<R>>> = Vec::new();
        let mut returned: Vec<Vec<LogRow<R>>> = Vec::new();
        let mut ready: BTreeMap<u64, Done> = BTreeMap::new();
        let (mut next_seq, mut next_merge, mut in_flight) = (0u64, 0u64, 0usize);
        let mut read = 0u64;
        let mut stop: Option<LogError> = None;
        let mut job_tx = Some(job_tx);
        loop {
            // Read the next chunk, unless the rows ran out or came out of order.
            if stop.is_none() {
                if let Some(tx) = &job_tx {
                    let mut buf = free
                        .pop()
                        .or_else(|| returned.pop())
                        .unwrap_or_else(|| Vec::with_capacity(chunk));
                    let start = read;
                    // Rows are moved straight into the buffer and their indices checked
                    // after: a row built on the stack and then pushed is copied through
                    // stores the CPU cannot forward, which stalled this loop. Rows after
                    // an out-of-order one are dropped, as the sequential verifier never
                    // looks past it either.
                    buf.extend(rows.by_ref().take(chunk));
                    let last = buf.len() < chunk;
                    if let Some(at) = buf
                        .iter()
                        .zip(start..)
                        .position(|(row, expected)| row.0 != expected)
                    {
                        stop = Some(out_of_order(start + at as u64, buf[at].0));
                        buf.truncate(at);
                    }
                    read += buf.len() as u64;
                    if !buf.is_empty() {
                        let job = Job {
                            seq: next_seq,
                            start,
                            rows: buf,
                        };
                        next_seq += 1;
                        match tx.try_send(job) {
                            Ok(()) => in_flight += 1,
                            Err(
                                TrySendError::Full(mut job) | TrySendError::Disconnected(mut job),
                            ) => {
                                let done =
                                    verify_chunk(&mut job, checkpoints, chunk_log2, &mut scratch);
                                free.push(job.rows);
                                ready.insert(done.seq, done);
                            }
                        }
                    }
                    if last || stop.is_some() {
                        job_tx = None; // helpers finish the queue, then stop
                    }
                }
            }
            if job_tx.is_none() || stop.is_some() {
                // Nothing more to read: help with queued jobs rather than wait.
                let job = job_rx.lock().ok().and_then(|rx| rx.try_recv().ok());
                if let Some(mut job) = job {
                    in_flight -= 1;
                    let done = verify_chunk(&mut job, checkpoints, chunk_log2, &mut scratch);
                    free.push(job.rows);
                    ready.insert(done.seq, done);
                }
            }
            while let Ok((done, buf)) = done_rx.try_recv() {
                in_flight -= 1;
                returned.push(buf);
                ready.insert(done.seq, done);
            }
            while let Some(done) = ready.remove(&next_merge) {
                state.merge(&done, chunk_log2)?;
                next_merge += 1;
            }
            let reading = job_tx.is_some() && stop.is_none();
            if !reading && next_merge == next_seq {
                break;
            }
            if !reading && !ready.contains_key(&next_merge) && in_flight > 0 {
                // Only helpers' results are missing: wait for one.
                match done_rx.recv() {
                    Ok((done, buf)) => {
                        in_flight -= 1;
                        returned.push(buf);
                        ready.insert(done.seq, done);
                    }
                    // Every helper is gone with work outstanding: one panicked, and the
                    // scope re-raises that panic when it joins.
                    Err(_) => break,
                }
            }
        }
        match stop {
            Some(err) => Err(err),
            None => state.finish(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::Hash;
    use crate::leaf::{pseudonym, EventType};
    use crate::tree::MerkleTree;

    type Row = (u64, LeafRecord, Option<([u8; 32], Vec<u8>)>);

    fn log(n: u64) -> Vec<Row> {
        (0..n)
            .map(|i| {
                let salt = [i as u8; 32];
                let record = format!("record {i}").into_bytes();
                let leaf = LeafRecord {
                    event_type: EventType::ALL[(i % 8) as usize],
                    subject: pseudonym(b"k", &i.to_be_bytes()),
                    commitment: commit(&salt, &record),
                };
                (i, leaf, Some((salt, record)))
            })
            .collect()
    }

    fn checkpoint(rows: &[Row], size: u64) -> Checkpoint {
        let tree = MerkleTree::from_leaf_hashes(rows.iter().map(|r| r.1.leaf_hash()));
        Checkpoint::new("test", size, tree.root_at(size).unwrap())
    }

    #[test]
    fn good_log_verifies() {
        let rows = log(37);
        let cp = checkpoint(&rows, 37);
        let mut rows2 = rows.clone();
        rows2[5].2 = None;
        let summary = verify_log(rows2, &cp).unwrap();
        assert_eq!(
            summary,
            LogSummary {
                leaves: 37,
                opened: 36,
                unopened: 1,
                checkpoint_size: 37
            }
        );
        // A checkpoint may lag behind the log.
        assert!(verify_log(rows.clone(), &checkpoint(&rows, 20)).is_ok());
        let empty: Vec<Row> = Vec::new();
        assert!(verify_log(empty, &checkpoint(&rows, 0)).is_ok());
    }

    #[test]
    fn faults_name_the_first_bad_leaf() {
        let rows = log(40);
        let cp = checkpoint(&rows, 40);

        let mut bad = rows.clone();
        bad[17].2.as_mut().unwrap().1.push(b'!');
        let err = verify_log(bad, &cp).unwrap_err();
        assert_eq!(err.first_bad_leaf, 17);
        assert_eq!(err.what, LogFault::CommitmentMismatch);

        let mut gap = rows.clone();
        gap.remove(9);
        let err = verify_log(gap, &cp).unwrap_err();
        assert_eq!(err.first_bad_leaf, 9);
        assert!(matches!(
            err.what,
            LogFault::OutOfOrder {
                expected: 9,
                found: 10
            }
        ));

        let err = verify_log(rows[..30].to_vec(), &cp).unwrap_err();
        assert_eq!(err.first_bad_leaf, 30);
        assert!(matches!(err.what, LogFault::Truncated { .. }));

        // A leaf rewritten consistently (new commitment + matching record) is caught
        // only by the root, and blamed on the span after the last good checkpoint.
        let mut rewritten = rows.clone();
        rewritten[25].1.event_type = EventType::Erasure;
        let cps = [checkpoint(&rows, 10), checkpoint(&rows, 20), cp.clone()];
        let err = verify_log_against(rewritten.clone(), &cps).unwrap_err();
        assert_eq!(err.first_bad_leaf, 20);
        assert_eq!(err.what, LogFault::RootMismatch { size: 40 });
        let err = verify_log(rewritten, &cp).unwrap_err();
        assert_eq!(err.first_bad_leaf, 0);

        let wrong_root = Checkpoint::new("test", 40, Hash::from_bytes([0; 32]));
        assert!(verify_log(rows.clone(), &wrong_root).is_err());

        let err = verify_log_against(rows, &[cp, checkpoint(&log(40), 3)]).unwrap_err();
        assert_eq!(err.what, LogFault::CheckpointOrder);
    }

    /// A tampering applied to a good log before verifying it both ways.
    #[derive(Debug, Clone)]
    enum Tamper {
        None,
        /// One byte of a stored record changed.
        Record(usize),
        /// A leaf rewritten with a matching record: only a root can catch it.
        Rewrite(usize),
        /// A row deleted.
        Delete(usize),
        /// Two rows swapped.
        Swap(usize, usize),
        /// An opening erased (still a good log).
        Erase(usize),
        /// The log cut short.
        Truncate(usize),
    }

    fn tamper(rows: &mut Vec<Row>, t: &Tamper) {
        let n = rows.len();
        if n == 0 {
            return;
        }
        match *t {
            Tamper::None => {}
            Tamper::Record(i) => {
                if let Some(o) = rows[i % n].2.as_mut() {
                    o.1[0] ^= 1;
                }
            }
            Tamper::Rewrite(i) => {
                let row = &mut rows[i % n];
                let record = b"rewritten".to_vec();
                row.1.commitment = commit(&[1; 32], &record);
                row.2 = Some(([1; 32], record));
            }
            Tamper::Delete(i) => {
                rows.remove(i % n);
            }
            Tamper::Swap(i, j) => rows.swap(i % n, j % n),
            Tamper::Erase(i) => rows[i % n].2 = None,
            Tamper::Truncate(i) => rows.truncate(i % n),
        }
    }

    fn tamper_strategy() -> impl proptest::strategy::Strategy<Value = Tamper> {
        use proptest::prelude::*;
        let i = 0usize..10_000;
        prop_oneof![
            Just(Tamper::None),
            i.clone().prop_map(Tamper::Record),
            i.clone().prop_map(Tamper::Rewrite),
            i.clone().prop_map(Tamper::Delete),
            (i.clone(), i.clone()).prop_map(|(a, b)| Tamper::Swap(a, b)),
            i.clone().prop_map(Tamper::Erase),
            i.prop_map(Tamper::Truncate),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]

        /// Issue 4: the parallel verifier gives exactly the sequential result — the same
        /// summary, or the same fault at the same first bad leaf — for random logs,
        /// checkpoint sets, tamperings, chunk sizes and thread counts.
        #[test]
        fn issue4_parallel_verify_matches_sequential(
            n in 0u64..300,
            cp_sizes in proptest::collection::vec(0u64..320, 0..5),
            t in tamper_strategy(),
            chunk_log2 in 0u32..5,
            threads in 2usize..4,
        ) {
            let good = log(n);
            let mut sizes = cp_sizes;
            sizes.sort_unstable();
            // Checkpoints beyond the log (size > n) sign the good log extended: verifying
            // against them must report truncation.
            let longer = log(320);
            let cps: Vec<Checkpoint> = sizes
                .iter()
                .map(|&s| if s <= n { checkpoint(&good, s) } else { checkpoint(&longer, s) })
                .collect();
            let mut rows = good.clone();
            tamper(&mut rows, &t);
            let sequential = verify_log_against(rows.clone(), &cps);
            let parallel = verify_chunked(rows, &cps, threads, chunk_log2);
            proptest::prop_assert_eq!(parallel, sequential);
        }
    }

    #[test]
    fn issue4_parallel_verify_names_the_same_first_bad_leaf_across_chunks() {
        // Several whole chunks of the public chunk size, checkpoints inside and on
        // chunk edges, faults on both sides of a chunk edge.
        let n = 3 * 1024 + 100;
        let rows = log(n);
        let cps: Vec<Checkpoint> = [1000, 1024, 2048, 2500, n]
            .iter()
            .map(|&s| checkpoint(&rows, s))
            .collect();
        let two = NonZeroUsize::new(2).unwrap();
        let good = verify_log_parallel(rows.clone(), &cps, two).unwrap();
        assert_eq!(good, verify_log_against(rows.clone(), &cps).unwrap());
        assert_eq!(good.leaves, n);
        assert_eq!(good.checkpoint_size, n);
        for at in [0, 1023, 1024, 2047, 2048, 2049, 2600, 3171] {
            for t in [
                Tamper::Record(at),
                Tamper::Rewrite(at),
                Tamper::Delete(at),
                Tamper::Swap(at, at + 1),
            ] {
                let mut bad = rows.clone();
                tamper(&mut bad, &t);
                let sequential = verify_log_against(bad.clone(), &cps);
                let parallel = verify_log_parallel(bad, &cps, two);
                assert!(sequential.is_err(), "{t:?} at {at}");
                assert_eq!(parallel, sequential, "{t:?} at {at}");
            }
        }
    }
}

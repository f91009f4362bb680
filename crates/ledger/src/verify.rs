//! Whole-log verification, as run by `kirjuri ledger verify` over the stored rows.

use thiserror::Error;

use crate::checkpoint::Checkpoint;
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

/// Verifies a whole log against one signed-and-opened checkpoint; see
/// [`verify_log_against`].
pub fn verify_log<I, R>(leaves: I, checkpoint: &Checkpoint) -> Result<LogSummary, LogError>
where
    I: IntoIterator<Item = (u64, LeafRecord, Option<([u8; 32], R)>)>,
    R: AsRef<[u8]>,
{
    verify_log_against(leaves, std::slice::from_ref(checkpoint))
}

/// Verifies a whole log: leaves arrive in index order from 0 with their stored opening
/// (`None` once erased); every opening must match its commitment, and the tree root at
/// each checkpoint's size must equal that checkpoint's root.
///
/// Giving all stored checkpoints, smallest first, narrows a root mismatch to the span
/// since the last good one. Leaves past the last checkpoint are still checked for order
/// and commitments. Memory stays O(log n) and nothing is allocated per leaf.
pub fn verify_log_against<I, R>(
    leaves: I,
    checkpoints: &[Checkpoint],
) -> Result<LogSummary, LogError>
where
    I: IntoIterator<Item = (u64, LeafRecord, Option<([u8; 32], R)>)>,
    R: AsRef<[u8]>,
{
    if checkpoints.windows(2).any(|w| w[0].size > w[1].size) {
        return Err(LogError {
            first_bad_leaf: 0,
            what: LogFault::CheckpointOrder,
        });
    }
    let mut summary = LogSummary::default();
    let mut range = CompactRange::new();
    let mut pending = checkpoints.iter().peekable();
    let mut good_upto = 0u64;
    let mut check = |range: &CompactRange, summary: &mut LogSummary| {
        while let Some(cp) = pending.next_if(|cp| cp.size == range.size()) {
            if range.root() != cp.root {
                return Err(LogError {
                    first_bad_leaf: good_upto,
                    what: LogFault::RootMismatch { size: cp.size },
                });
            }
            good_upto = cp.size;
            summary.checkpoint_size = cp.size;
        }
        Ok(())
    };
    check(&range, &mut summary)?;
    for (index, leaf, opening) in leaves {
        let expected = range.size();
        if index != expected {
            return Err(LogError {
                first_bad_leaf: expected,
                what: LogFault::OutOfOrder {
                    expected,
                    found: index,
                },
            });
        }
        match opening {
            Some((salt, record)) => {
                if commit(&salt, record.as_ref()) != leaf.commitment {
                    return Err(LogError {
                        first_bad_leaf: index,
                        what: LogFault::CommitmentMismatch,
                    });
                }
                summary.opened += 1;
            }
            None => summary.unopened += 1,
        }
        range.push(leaf.leaf_hash());
        check(&range, &mut summary)?;
    }
    summary.leaves = range.size();
    if let Some(cp) = checkpoints.last().filter(|cp| cp.size > range.size()) {
        return Err(LogError {
            first_bad_leaf: range.size(),
            what: LogFault::Truncated {
                size: range.size(),
                checkpoint_size: cp.size,
            },
        });
    }
    Ok(summary)
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
}

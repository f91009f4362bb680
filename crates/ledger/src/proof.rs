//! RFC 9162 proof verifiers. The walks in [`verify_inclusion`] and [`verify_consistency`]
//! follow §2.1.3.2 and §2.1.4.2 step by step; the expected proof lengths are checked
//! first so a malformed proof gets a precise error instead of a generic mismatch.

use crate::error::{LedgerError, Result};
use crate::hash::{node_hash, Hash};

/// Bit length of `x` (Go's `bits.Len64`).
fn bit_len(x: u64) -> u32 {
    64 - x.leading_zeros()
}

/// Splits an inclusion proof for `index` in a tree of `size` into the part below the
/// point where the paths to `index` and to the last leaf meet ("inner") and the part
/// along the right border above it.
fn decompose(index: u64, size: u64) -> (u32, u32) {
    let inner = bit_len(index ^ (size - 1));
    let border = index.checked_shr(inner).unwrap_or(0).count_ones();
    (inner, border)
}

/// The number of hashes in an inclusion proof of leaf `index` in a tree of `size`
/// leaves, or `None` if `index >= size`.
pub fn inclusion_proof_len(index: u64, size: u64) -> Option<usize> {
    if index >= size {
        return None;
    }
    let (inner, border) = decompose(index, size);
    Some((inner + border) as usize)
}

/// The number of hashes in a consistency proof from `size1` to `size2`, or `None` for
/// the combinations the verifier refuses (`size1 == 0` or `size1 > size2`).
pub fn consistency_proof_len(size1: u64, size2: u64) -> Option<usize> {
    if size1 == 0 || size1 > size2 {
        return None;
    }
    if size1 == size2 {
        return Some(0);
    }
    let (inner, border) = decompose(size1 - 1, size2);
    let shift = size1.trailing_zeros();
    // When size1 is a power of two its root is a node of the new tree and the verifier
    // already holds it, so the proof omits it.
    let seed = usize::from(!size1.is_power_of_two());
    Some(seed + (inner - shift + border) as usize)
}

/// Verifies that `leaf_hash` is the leaf at `leaf_index` of the tree of `tree_size`
/// leaves whose root is `root` (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(
    leaf_index: u64,
    tree_size: u64,
    leaf_hash: &Hash,
    proof: &[Hash],
    root: &Hash,
) -> Result<()> {
    let expected =
        inclusion_proof_len(leaf_index, tree_size).ok_or(LedgerError::IndexOutOfRange {
            index: leaf_index,
            size: tree_size,
        })?;
    if proof.len() != expected {
        return Err(LedgerError::ProofLength {
            expected,
            got: proof.len(),
        });
    }
    let (mut fnode, mut snode) = (leaf_index, tree_size - 1);
    let mut r = *leaf_hash;
    for p in proof {
        if snode == 0 {
            return Err(LedgerError::ProofShape);
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            if fnode & 1 == 0 {
                // On the right border: skip the levels where our node has no sibling.
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(LedgerError::ProofShape);
    }
    if r != *root {
        return Err(LedgerError::RootMismatch);
    }
    Ok(())
}

/// Verifies that the tree of `size2` leaves with root `root2` extends the tree of
/// `size1` leaves with root `root1` (RFC 9162 §2.1.4.2).
///
/// `size1 == 0` is always refused, even with an empty proof: every tree extends the
/// empty tree, so such a "proof" carries no evidence and accepting it only hides bugs.
pub fn verify_consistency(
    size1: u64,
    size2: u64,
    proof: &[Hash],
    root1: &Hash,
    root2: &Hash,
) -> Result<()> {
    if size1 == 0 {
        return Err(LedgerError::EmptyTreeConsistency);
    }
    if size1 > size2 {
        return Err(LedgerError::SizeDecrease { size1, size2 });
    }
    if size1 == size2 {
        if !proof.is_empty() {
            return Err(LedgerError::NonEmptyProof);
        }
        if root1 != root2 {
            return Err(LedgerError::RootMismatch);
        }
        return Ok(());
    }
    let expected = consistency_proof_len(size1, size2).ok_or(LedgerError::ProofShape)?;
    if proof.len() != expected {
        return Err(LedgerError::ProofLength {
            expected,
            got: proof.len(),
        });
    }
    // Step 2: "if first is an exact power of 2, prepend first_hash to the path".
    let (seed, rest) = if size1.is_power_of_two() {
        (root1, proof)
    } else {
        match proof.split_first() {
            Some(split) => split,
            None => return Err(LedgerError::ProofShape),
        }
    };
    let (mut fnode, mut snode) = (size1 - 1, size2 - 1);
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    let (mut fr, mut sr) = (*seed, *seed);
    for c in rest {
        if snode == 0 {
            return Err(LedgerError::ProofShape);
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(LedgerError::ProofShape);
    }
    if fr != *root1 || sr != *root2 {
        return Err(LedgerError::RootMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::leaf_hash;
    use crate::tree::MerkleTree;

    fn tree(n: u64) -> MerkleTree {
        MerkleTree::from_leaf_hashes((0..n).map(|i| leaf_hash(&i.to_le_bytes())))
    }

    /// Exhaustive over all small trees; the property tests cover large ones.
    #[test]
    fn all_small_proofs_verify_and_have_predicted_length() {
        let t = tree(64);
        for size in 1..=64u64 {
            let root = t.root_at(size).unwrap();
            for index in 0..size {
                let proof = t.inclusion_proof(index, size).unwrap();
                assert_eq!(Some(proof.len()), inclusion_proof_len(index, size));
                let leaf = t.leaf(index).unwrap();
                verify_inclusion(index, size, &leaf, &proof, &root).unwrap();
            }
            for size1 in 1..=size {
                let proof = t.consistency_proof(size1, size).unwrap();
                assert_eq!(Some(proof.len()), consistency_proof_len(size1, size));
                let root1 = t.root_at(size1).unwrap();
                verify_consistency(size1, size, &proof, &root1, &root).unwrap();
            }
        }
    }

    #[test]
    fn refusals() {
        let h = leaf_hash(b"");
        assert!(matches!(
            verify_inclusion(0, 0, &h, &[], &h),
            Err(LedgerError::IndexOutOfRange { .. })
        ));
        assert_eq!(
            verify_consistency(0, 0, &[], &h, &h),
            Err(LedgerError::EmptyTreeConsistency)
        );
        assert_eq!(
            verify_consistency(0, 5, &[], &h, &h),
            Err(LedgerError::EmptyTreeConsistency)
        );
        assert_eq!(
            verify_consistency(1, 1, &[h], &h, &h),
            Err(LedgerError::NonEmptyProof)
        );
        assert!(matches!(
            verify_consistency(1, 2, &[], &h, &h),
            Err(LedgerError::ProofLength { .. })
        ));
        assert!(matches!(
            verify_consistency(2, 1, &[], &h, &h),
            Err(LedgerError::SizeDecrease { .. })
        ));
        // Extreme sizes must not overflow the shift in `decompose`.
        assert_eq!(inclusion_proof_len(u64::MAX - 1, u64::MAX), Some(63));
        assert_eq!(inclusion_proof_len(0, u64::MAX), Some(64));
        assert_eq!(inclusion_proof_len(1 << 63, u64::MAX), Some(64));
    }
}

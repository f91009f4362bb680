use crate::error::{LedgerError, Result};
use crate::hash::{empty_root, node_hash, Hash};

/// The largest power of two strictly below `n` (the MTH split point); `n` must be >= 2.
pub(crate) fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

/// The minimal state needed to compute the root of a growing tree: the roots of the
/// perfect subtrees matching the set bits of the size ("peaks"), O(log n) hashes.
///
/// Used where only roots are needed, such as streaming verification of a whole log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompactRange {
    size: u64,
    // Left to right, i.e. largest subtree first.
    peaks: Vec<Hash>,
}

impl CompactRange {
    /// An empty range (tree size 0).
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of leaves appended so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends one leaf hash. Amortised O(1) node hashes, no allocation once warm.
    pub fn push(&mut self, leaf: Hash) {
        let mut carry = leaf;
        let mut bits = self.size;
        // Each trailing 1-bit of the old size is a peak of the same height as `carry`.
        while bits & 1 == 1 {
            match self.peaks.pop() {
                Some(left) => carry = node_hash(&left, &carry),
                None => break,
            }
            bits >>= 1;
        }
        self.peaks.push(carry);
        self.size += 1;
    }

    /// Appends the root of a perfect subtree of `2^height` leaves, as if its leaves were
    /// pushed one by one. The current size must be a multiple of `2^height` (the subtree
    /// is aligned); otherwise nothing changes and `false` is returned.
    pub fn push_subtree(&mut self, root: Hash, height: u32) -> bool {
        let Some(width) = 1u64
            .checked_shl(height)
            .filter(|w| self.size.is_multiple_of(*w))
        else {
            return false;
        };
        let mut carry = root;
        let mut bits = self.size >> height;
        // Peaks below `height` cannot exist (the size is aligned); merge the ones above.
        while bits & 1 == 1 {
            match self.peaks.pop() {
                Some(left) => carry = node_hash(&left, &carry),
                None => break,
            }
            bits >>= 1;
        }
        self.peaks.push(carry);
        self.size += width;
        true
    }

    /// The tree head (MTH) of all leaves appended so far.
    pub fn root(&self) -> Hash {
        match self.peaks.split_last() {
            None => empty_root(),
            Some((last, rest)) => rest
                .iter()
                .rev()
                .fold(*last, |acc, peak| node_hash(peak, &acc)),
        }
    }
}

/// The Merkle Tree Hash (RFC 9162 §2.1.1) of a list of leaf hashes.
pub fn root_from_leaf_hashes(leaves: &[Hash]) -> Hash {
    let mut range = CompactRange::new();
    for leaf in leaves {
        range.push(*leaf);
    }
    range.root()
}

/// An append-only Merkle tree that keeps the hash of every perfect, aligned subtree.
///
/// `levels[k][i]` is the root of leaves `[i·2^k, (i+1)·2^k)`. Appending is amortised
/// O(1); any subtree used by a root or proof at any past size is then one lookup plus
/// at most O(log n) hashes along the right edge, so proofs at a million leaves cost
/// microseconds. Memory is about two hashes per leaf.
///
/// The caller supplies leaf hashes (for example [`crate::LeafRecord::leaf_hash`] of rows
/// read from storage) and may append them one at a time or in batches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MerkleTree {
    levels: Vec<Vec<Hash>>,
}

impl MerkleTree {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// A tree over the given leaf hashes, in order.
    pub fn from_leaf_hashes<I: IntoIterator<Item = Hash>>(leaves: I) -> Self {
        let mut tree = Self::new();
        tree.extend(leaves);
        tree
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }

    /// The leaf hash at `index`, if present.
    pub fn leaf(&self, index: u64) -> Option<Hash> {
        let index = usize::try_from(index).ok()?;
        self.levels.first()?.get(index).copied()
    }

    /// Appends one leaf hash and returns its index.
    pub fn push(&mut self, leaf: Hash) -> u64 {
        if self.levels.is_empty() {
            self.levels.push(Vec::new());
        }
        self.levels[0].push(leaf);
        let index = self.levels[0].len() as u64 - 1;
        let mut level = 0;
        // A level with an even length has just completed a pair: hash it one level up.
        while self.levels[level].len().is_multiple_of(2) {
            let below = &self.levels[level];
            let n = below.len();
            let parent = node_hash(&below[n - 2], &below[n - 1]);
            if self.levels.len() == level + 1 {
                self.levels.push(Vec::new());
            }
            self.levels[level + 1].push(parent);
            level += 1;
        }
        index
    }

    /// Appends leaf hashes in order (a batch from the store).
    pub fn extend<I: IntoIterator<Item = Hash>>(&mut self, leaves: I) {
        let leaves = leaves.into_iter();
        if let Some(first) = self.levels.first_mut() {
            first.reserve(leaves.size_hint().0);
        }
        for leaf in leaves {
            self.push(leaf);
        }
    }

    /// The current tree head.
    pub fn root(&self) -> Hash {
        self.subtree_or_empty(self.size())
    }

    /// The tree head as it was when the tree had `size` leaves.
    pub fn root_at(&self, size: u64) -> Result<Hash> {
        self.check_size(size)?;
        Ok(self.subtree_or_empty(size))
    }

    /// The RFC 9162 §2.1.3.1 inclusion proof of leaf `index` in the tree of `size`
    /// leaves, ordered from the leaf upwards.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>> {
        self.check_size(size)?;
        if index >= size {
            return Err(LedgerError::IndexOutOfRange { index, size });
        }
        let mut path = Vec::new();
        let (mut start, mut n, mut m) = (0u64, size, index);
        // Walk down from the root, recording the sibling subtree at each split.
        while n > 1 {
            let k = split_point(n);
            if m < k {
                path.push(self.subtree(start + k, n - k));
                n = k;
            } else {
                path.push(self.subtree(start, k));
                start += k;
                m -= k;
                n -= k;
            }
        }
        path.reverse();
        Ok(path)
    }

    /// The RFC 9162 §2.1.4.1 consistency proof from `size1` to `size2` leaves.
    ///
    /// Proofs from size 0 are refused: they prove nothing and the verifier rejects them.
    pub fn consistency_proof(&self, size1: u64, size2: u64) -> Result<Vec<Hash>> {
        self.check_size(size2)?;
        if size1 == 0 {
            return Err(LedgerError::EmptyTreeConsistency);
        }
        if size1 > size2 {
            return Err(LedgerError::SizeDecrease { size1, size2 });
        }
        let mut path = Vec::new();
        let (mut start, mut m, mut n, mut whole) = (0u64, size1, size2, true);
        loop {
            if m == n {
                // The old tree is a whole subtree of the new one only along the left
                // edge; there the verifier already knows its root, so it is omitted.
                if !whole {
                    path.push(self.subtree(start, m));
                }
                break;
            }
            let k = split_point(n);
            if m <= k {
                path.push(self.subtree(start + k, n - k));
                n = k;
            } else {
                path.push(self.subtree(start, k));
                start += k;
                m -= k;
                n -= k;
                whole = false;
            }
        }
        path.reverse();
        Ok(path)
    }

    fn check_size(&self, size: u64) -> Result<()> {
        if size > self.size() {
            return Err(LedgerError::SizeBeyondTree {
                requested: size,
                size: self.size(),
            });
        }
        Ok(())
    }

    fn subtree_or_empty(&self, size: u64) -> Hash {
        if size == 0 {
            empty_root()
        } else {
            self.subtree(0, size)
        }
    }

    /// MTH of leaves `[start, start + len)`, `len >= 1`, inside the current tree.
    ///
    /// Every subtree reached from the root by MTH splitting starts at a multiple of the
    /// power of two at or above its length, so perfect ones are always cached.
    fn subtree(&self, start: u64, len: u64) -> Hash {
        if len.is_power_of_two() {
            let level = len.trailing_zeros() as usize;
            return self.levels[level][(start >> level) as usize];
        }
        let k = split_point(len);
        node_hash(&self.subtree(start, k), &self.subtree(start + k, len - k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::leaf_hash;

    #[test]
    fn push_subtree_equals_pushing_its_leaves_and_refuses_misaligned() {
        let leaves: Vec<Hash> = (0..64u32).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        for height in 0..4u32 {
            let width = 1usize << height;
            for prefix in (0..=32).step_by(width) {
                let mut one_by_one = CompactRange::new();
                let mut with_subtree = CompactRange::new();
                for leaf in &leaves[..prefix] {
                    one_by_one.push(*leaf);
                    with_subtree.push(*leaf);
                }
                let chunk = &leaves[prefix..prefix + width];
                for leaf in chunk {
                    one_by_one.push(*leaf);
                }
                assert!(with_subtree.push_subtree(mth(chunk), height));
                assert_eq!(with_subtree, one_by_one, "height {height} after {prefix}");
                assert_eq!(with_subtree.root(), mth(&leaves[..prefix + width]));
            }
        }
        let mut range = CompactRange::new();
        range.push(leaves[0]);
        let before = range.clone();
        assert!(!range.push_subtree(leaves[1], 1));
        assert_eq!(range, before);
        assert!(!range.push_subtree(leaves[1], 64));
    }

    /// The RFC 9162 definition, written recursively over the leaves, as the oracle.
    fn mth(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => empty_root(),
            1 => leaves[0],
            n => {
                let k = split_point(n as u64) as usize;
                node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
            }
        }
    }

    fn leaves(n: u64) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(&i.to_be_bytes())).collect()
    }

    #[test]
    fn split_point_is_largest_power_below() {
        assert_eq!(split_point(2), 1);
        assert_eq!(split_point(3), 2);
        assert_eq!(split_point(4), 2);
        assert_eq!(split_point(5), 4);
        assert_eq!(split_point(1 << 40), 1 << 39);
        assert_eq!(split_point(u64::MAX), 1 << 63);
    }

    #[test]
    fn roots_match_definition_at_every_size() {
        let all = leaves(200);
        let tree = MerkleTree::from_leaf_hashes(all.iter().copied());
        let mut range = CompactRange::new();
        assert_eq!(range.root(), empty_root());
        for n in 0..=200u64 {
            let want = mth(&all[..n as usize]);
            assert_eq!(tree.root_at(n), Ok(want), "size {n}");
            assert_eq!(root_from_leaf_hashes(&all[..n as usize]), want);
            assert_eq!(range.root(), want);
            if n < 200 {
                range.push(all[n as usize]);
            }
        }
        assert_eq!(tree.root(), mth(&all));
        assert_eq!(tree.leaf(7), Some(all[7]));
        assert_eq!(tree.leaf(200), None);
    }

    #[test]
    fn rfc6962_reference_roots() {
        // Roots of the 8-leaf reference tree used by certificate-transparency-go.
        let data: [&[u8]; 8] = [
            b"",
            &[0x00],
            &[0x10],
            &[0x20, 0x21],
            &[0x30, 0x31],
            &[0x40, 0x41, 0x42, 0x43],
            &[0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
            &[
                0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d,
                0x6e, 0x6f,
            ],
        ];
        let tree = MerkleTree::from_leaf_hashes(data.iter().map(|d| leaf_hash(d)));
        assert_eq!(
            tree.root().to_hex(),
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
        );
        assert_eq!(
            tree.root_at(3).map(|h| h.to_hex()),
            Ok("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77".into())
        );
    }

    #[test]
    fn out_of_range_requests_fail() {
        let tree = MerkleTree::from_leaf_hashes(leaves(5));
        assert!(matches!(
            tree.root_at(6),
            Err(LedgerError::SizeBeyondTree { .. })
        ));
        assert!(matches!(
            tree.inclusion_proof(5, 5),
            Err(LedgerError::IndexOutOfRange { .. })
        ));
        assert!(matches!(
            tree.inclusion_proof(0, 6),
            Err(LedgerError::SizeBeyondTree { .. })
        ));
        assert_eq!(
            tree.consistency_proof(0, 3),
            Err(LedgerError::EmptyTreeConsistency)
        );
        assert!(matches!(
            tree.consistency_proof(4, 3),
            Err(LedgerError::SizeDecrease { .. })
        ));
        assert_eq!(tree.consistency_proof(3, 3), Ok(vec![]));
    }
}

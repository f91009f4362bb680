// Property tests (a module of the ledger suite): honest proofs always verify; any single-bit change to a proof
// element, root or leaf hash, or a change of index or size, is rejected unless the
// changed sizes give exactly the same proof walk (RFC 9162 verification binds the tree
// size only through the shape of the walk; the signed checkpoint binds the size itself).

use kirjuri_ledger::{
    leaf_hash, root_from_leaf_hashes, verify_consistency, verify_inclusion, Hash, MerkleTree,
};
use proptest::prelude::*;

fn tree(n: u64, seed: u64) -> MerkleTree {
    MerkleTree::from_leaf_hashes((0..n).map(|i| {
        let mut data = [0u8; 16];
        data[..8].copy_from_slice(&seed.to_le_bytes());
        data[8..].copy_from_slice(&i.to_le_bytes());
        leaf_hash(&data)
    }))
}

fn flip(h: &Hash, bit: usize) -> Hash {
    let mut b = *h.as_bytes();
    b[bit / 8] ^= 1 << (bit % 8);
    Hash::from_bytes(b)
}

/// The RFC 9162 §2.1.3.2 walk without hashes: which side each proof element joins on.
fn inclusion_shape(index: u64, size: u64) -> Option<Vec<bool>> {
    if index >= size {
        return None;
    }
    let (mut f, mut s, mut sides) = (index, size - 1, Vec::new());
    while s != 0 {
        let left = f & 1 == 1 || f == s;
        sides.push(left);
        if left && f & 1 == 0 {
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        }
        f >>= 1;
        s >>= 1;
    }
    Some(sides)
}

/// The RFC 9162 §2.1.4.2 walk without hashes: whether root1 seeds it, and each step's kind.
fn consistency_shape(size1: u64, size2: u64) -> Option<(bool, Vec<bool>)> {
    if size1 == 0 || size1 >= size2 {
        return None;
    }
    let (mut f, mut s, mut steps) = (size1 - 1, size2 - 1, Vec::new());
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    while s != 0 {
        let both = f & 1 == 1 || f == s;
        steps.push(both);
        if both && f & 1 == 0 {
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        }
        f >>= 1;
        s >>= 1;
    }
    Some((size1.is_power_of_two(), steps))
}

/// Checks everything about one (index, size) and one (size1, size2) pair. `bits` picks
/// which bits of each 256-bit hash get flipped.
fn check(t: &MerkleTree, index: u64, size1: u64, size: u64, bits: &[usize]) {
    let root = t.root_at(size).unwrap();
    let leaf = t.leaf(index).unwrap();
    let proof = t.inclusion_proof(index, size).unwrap();
    verify_inclusion(index, size, &leaf, &proof, &root).unwrap();

    for &bit in bits {
        assert!(verify_inclusion(index, size, &flip(&leaf, bit), &proof, &root).is_err());
        assert!(verify_inclusion(index, size, &leaf, &proof, &flip(&root, bit)).is_err());
        for i in 0..proof.len() {
            let mut bad = proof.clone();
            bad[i] = flip(&bad[i], bit);
            assert!(verify_inclusion(index, size, &leaf, &bad, &root).is_err());
        }
    }
    let mut longer = proof.clone();
    longer.push(leaf);
    assert!(verify_inclusion(index, size, &leaf, &longer, &root).is_err());
    if !proof.is_empty() {
        assert!(verify_inclusion(index, size, &leaf, &proof[1..], &root).is_err());
        assert!(verify_inclusion(index, size, &leaf, &proof[..proof.len() - 1], &root).is_err());
    }
    let shape = inclusion_shape(index, size);
    for other in [
        index ^ 1,
        index.wrapping_add(1),
        index.wrapping_sub(1),
        index / 2,
        index * 2,
    ] {
        if other != index {
            assert!(verify_inclusion(other, size, &leaf, &proof, &root).is_err());
        }
    }
    for other in [size + 1, size - 1, size * 2, size / 2, index] {
        if other != size && verify_inclusion(index, other, &leaf, &proof, &root).is_ok() {
            assert_eq!(
                inclusion_shape(index, other),
                shape,
                "{index} {size}->{other}"
            );
        }
    }

    let root1 = t.root_at(size1).unwrap();
    let cproof = t.consistency_proof(size1, size).unwrap();
    verify_consistency(size1, size, &cproof, &root1, &root).unwrap();
    for &bit in bits {
        assert!(verify_consistency(size1, size, &cproof, &flip(&root1, bit), &root).is_err());
        assert!(verify_consistency(size1, size, &cproof, &root1, &flip(&root, bit)).is_err());
        for i in 0..cproof.len() {
            let mut bad = cproof.clone();
            bad[i] = flip(&bad[i], bit);
            assert!(verify_consistency(size1, size, &bad, &root1, &root).is_err());
        }
    }
    if !cproof.is_empty() {
        assert!(verify_consistency(size1, size, &cproof[1..], &root1, &root).is_err());
        let mut longer = cproof.clone();
        longer.push(root);
        assert!(verify_consistency(size1, size, &longer, &root1, &root).is_err());
    }
    let shape = consistency_shape(size1, size);
    for (s1, s2) in [
        (size1 + 1, size),
        (size1 - 1, size),
        (size1 * 2, size),
        (size1 / 2, size),
        (size1, size + 1),
        (size1, size - 1),
        (size1, size * 2),
        (size1, size / 2),
    ] {
        if (s1, s2) != (size1, size) && verify_consistency(s1, s2, &cproof, &root1, &root).is_ok() {
            assert_eq!(
                consistency_shape(s1, s2),
                shape,
                "{size1}->{s1}, {size}->{s2}"
            );
        }
    }
}

#[test]
fn all_small_trees_and_all_index_pairs() {
    let t = tree(64, 0);
    let bits = [0, 7, 100, 255];
    for size in 1..=64 {
        for index in 0..size {
            check(&t, index, index + 1, size, &bits);
        }
    }
    assert_eq!(
        t.root(),
        root_from_leaf_hashes(&(0..64).map(|i| t.leaf(i).unwrap()).collect::<Vec<_>>())
    );
}

proptest! {
    // Few cases: each builds a tree of up to 10k leaves and flips bits along every proof.
    #![proptest_config(ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_trees_up_to_10k(
        size in 1u64..=10_000,
        seed in any::<u64>(),
        index_frac in 0.0f64..1.0,
        size1_frac in 0.0f64..1.0,
        bits in proptest::collection::vec(0usize..256, 3),
    ) {
        let t = tree(size, seed);
        let index = ((size as f64 * index_frac) as u64).min(size - 1);
        let size1 = ((size as f64 * size1_frac) as u64).clamp(1, size);
        check(&t, index, size1, size, &bits);
        prop_assert_eq!(t.root(), root_from_leaf_hashes(
            &(0..size).map(|i| t.leaf(i).unwrap()).collect::<Vec<_>>()));
    }
}

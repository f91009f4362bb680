use std::fmt;

use sha2::{Digest, Sha256};

use crate::error::{LedgerError, Result};
use crate::text::{b64_decode, b64_encode};

/// Domain-separation prefixes from RFC 6962 §2.1: they stop a leaf from ever being
/// mistaken for an interior node (second-preimage attacks on the tree).
const LEAF_PREFIX: u8 = 0x00;
const NODE_PREFIX: u8 = 0x01;

/// A SHA-256 output. The only way to build one from untrusted bytes is
/// [`Hash::from_slice`], which refuses anything that is not exactly 32 bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Hash([u8; 32]);

impl Hash {
    /// Length of a hash in bytes.
    pub const LEN: usize = 32;

    /// Wraps a 32-byte array.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Copies a slice that must be exactly 32 bytes long.
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        <[u8; 32]>::try_from(bytes)
            .map(Self)
            .map_err(|_| LedgerError::HashLength(bytes.len()))
    }

    /// Decodes standard padded base64 holding exactly 32 bytes.
    pub fn from_base64(s: &str) -> Result<Self> {
        let bytes = b64_decode(s).ok_or(LedgerError::HashLength(0))?;
        Self::from_slice(&bytes)
    }

    /// The raw bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Standard padded base64, as used in checkpoints and the proof vectors.
    pub fn to_base64(&self) -> String {
        b64_encode(&self.0)
    }

    /// Lower-case hex.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl AsRef<[u8]> for Hash {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<[u8; 32]> for Hash {
    fn from(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_hex())
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// Plain SHA-256.
pub fn sha256(data: &[u8]) -> Hash {
    Hash(Sha256::digest(data).into())
}

/// SHA-256's initial hash value (FIPS 180-4 §5.3.3).
const IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// Longest message [`sha256_parts`] hashes on the stack: three blocks less the padding.
const SHORT_MAX: usize = 3 * 64 - 9;

/// One 64-byte SHA-256 block, as `sha2::compress256` takes it.
pub(crate) type Block = sha2::digest::generic_array::GenericArray<u8, sha2::digest::consts::U64>;

/// SHA-256 of the concatenation of `parts`, for the short fixed-shape messages of the
/// log (nodes, leaves, commitments): the message and its padding are laid out on the
/// stack and compressed in one call, without the streaming hasher's buffering. Longer
/// messages go through the streaming hasher. Same digest either way (tested against it).
pub(crate) fn sha256_parts(parts: &[&[u8]]) -> Hash {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    if len > SHORT_MAX {
        let mut h = Sha256::new();
        for part in parts {
            h.update(part);
        }
        return Hash(h.finalize().into());
    }
    let mut blocks = [Block::default(); 3];
    let used = (len + 9).div_ceil(64);
    let mut at = 0;
    for part in parts {
        let mut rest = *part;
        while !rest.is_empty() {
            let (block, offset) = (at / 64, at % 64);
            let n = rest.len().min(64 - offset);
            blocks[block][offset..offset + n].copy_from_slice(&rest[..n]);
            rest = &rest[n..];
            at += n;
        }
    }
    blocks[at / 64][at % 64] = 0x80;
    let bits = (len as u64 * 8).to_be_bytes();
    blocks[used - 1][56..].copy_from_slice(&bits);
    digest(&blocks[..used])
}

/// `SHA-256(0x00 || data)`: the hash of a tree leaf.
pub fn leaf_hash(data: &[u8]) -> Hash {
    sha256_parts(&[&[LEAF_PREFIX], data])
}

/// `SHA-256(0x01 || left || right)`: the hash of an interior node.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut blocks = [Block::default(); 2];
    node_blocks(left, right, &mut blocks);
    digest(&blocks)
}

/// Lays out the padded message of [`node_hash`]: two blocks at fixed offsets, so every
/// copy has a constant length and compiles to plain moves.
pub(crate) fn node_blocks(left: &Hash, right: &Hash, blocks: &mut [Block; 2]) {
    blocks[0][0] = NODE_PREFIX;
    blocks[0][1..33].copy_from_slice(&left.0);
    blocks[0][33..64].copy_from_slice(&right.0[..31]);
    blocks[1][0] = right.0[31];
    blocks[1][1] = 0x80;
    blocks[1][2..56].fill(0);
    blocks[1][56..].copy_from_slice(&(65u64 * 8).to_be_bytes());
}

/// Lays out the padded message `salt || record` (the commitment of [`crate::commit`])
/// in `blocks` and returns how many blocks it takes, or `None` when it does not fit in
/// three (records over 151 bytes), for the streaming hasher.
pub(crate) fn commit_blocks(
    salt: &[u8; 32],
    record: &[u8],
    blocks: &mut [Block; 3],
) -> Option<usize> {
    let len = 32 + record.len();
    if len > SHORT_MAX {
        return None;
    }
    // One flat buffer, a fixed-size copy for the salt and one copy for the record, then
    // three whole-block moves: no per-part loop.
    let mut flat = [0u8; 3 * 64];
    flat[..32].copy_from_slice(salt);
    flat[32..len].copy_from_slice(record);
    flat[len] = 0x80;
    let used = (len + 9).div_ceil(64);
    flat[used * 64 - 8..used * 64].copy_from_slice(&(len as u64 * 8).to_be_bytes());
    for (block, bytes) in blocks.iter_mut().zip(flat.chunks_exact(64)) {
        block.copy_from_slice(bytes);
    }
    Some(used)
}

/// Compresses padded blocks from the initial value and returns the digest.
///
/// Whole-log verification lays out many messages first and compresses them after (see
/// `verify.rs`): compressing blocks written long before lets the CPU overlap
/// independent hashes instead of waiting on fresh stores.
pub(crate) fn digest(blocks: &[Block]) -> Hash {
    let mut state = IV;
    sha2::compress256(&mut state, blocks);
    to_hash(state)
}

/// The digests of two padded messages, compressed block by block in turn.
///
/// SHA-NI compression is bound by the latency of its rounds, not by their throughput:
/// one message's blocks form a chain the CPU must run in order. Alternating the blocks
/// of two independent messages gives it a second chain to overlap with the first
/// (measured here: ~26 ns a block against ~30 ns for the same messages one after the
/// other, and ~33-36 ns for one long message).
pub(crate) fn digest_pair(a: &[Block], b: &[Block]) -> (Hash, Hash) {
    let (mut sa, mut sb) = (IV, IV);
    let mut a = a.chunks(1);
    let mut b = b.chunks(1);
    loop {
        match (a.next(), b.next()) {
            (Some(x), Some(y)) => {
                sha2::compress256(&mut sa, x);
                sha2::compress256(&mut sb, y);
            }
            (Some(x), None) => sha2::compress256(&mut sa, x),
            (None, Some(y)) => sha2::compress256(&mut sb, y),
            (None, None) => break,
        }
    }
    (to_hash(sa), to_hash(sb))
}

fn to_hash(state: [u32; 8]) -> Hash {
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    Hash(out)
}

/// The root of the empty tree, `SHA-256("")`.
pub fn empty_root() -> Hash {
    sha256(b"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_hash_is_sha256_of_prefix_left_right() {
        let (l, r) = (sha256(b"left"), sha256(b"right"));
        let mut buf = vec![NODE_PREFIX];
        buf.extend_from_slice(l.as_bytes());
        buf.extend_from_slice(r.as_bytes());
        assert_eq!(node_hash(&l, &r), Hash(Sha256::digest(&buf).into()));
        assert_ne!(node_hash(&l, &r), node_hash(&r, &l));
    }

    #[test]
    fn short_messages_hash_as_the_streaming_hasher_does() {
        let data: Vec<u8> = (0..400u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in 0..data.len() {
            for split in [0, 1, len / 2, len.saturating_sub(1), len] {
                let (a, b) = data[..len].split_at(split.min(len));
                let expected = Hash(Sha256::digest(&data[..len]).into());
                assert_eq!(sha256_parts(&[a, b]), expected, "len {len} split {split}");
            }
        }
    }

    #[test]
    fn issue4_digest_pair_gives_each_message_its_own_digest() {
        // Messages of 1 to 3 blocks, paired in every combination of lengths.
        let blocks: Vec<Block> = (0..3u8).map(|i| Block::from([i * 31 + 1; 64])).collect();
        let other: Vec<Block> = (0..3u8).map(|i| Block::from([i * 17 + 5; 64])).collect();
        for a in 1..=3 {
            for b in 1..=3 {
                let (x, y) = digest_pair(&blocks[..a], &other[..b]);
                assert_eq!(x, digest(&blocks[..a]), "{a} {b}");
                assert_eq!(y, digest(&other[..b]), "{a} {b}");
            }
        }
        let salt = [9u8; 32];
        for len in [0, 23, 24, 87, 88, 100, 151] {
            let record: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let mut laid = [Block::default(); 3];
            let used = commit_blocks(&salt, &record, &mut laid).unwrap();
            let expected = Sha256::new()
                .chain_update(salt)
                .chain_update(&record)
                .finalize();
            assert_eq!(digest(&laid[..used]).as_bytes()[..], expected[..], "{len}");
        }
        assert!(commit_blocks(&salt, &[0; 152], &mut [Block::default(); 3]).is_none());
    }

    #[test]
    fn from_slice_requires_32_bytes() {
        assert!(Hash::from_slice(&[0u8; 32]).is_ok());
        for len in [0, 1, 31, 33, 64] {
            assert_eq!(
                Hash::from_slice(&vec![0u8; len]),
                Err(LedgerError::HashLength(len))
            );
        }
    }

    #[test]
    fn known_values() {
        // Empty-tree and empty-leaf hashes from RFC 6962 test data.
        assert_eq!(
            empty_root().to_hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            leaf_hash(b"").to_hex(),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
    }

    #[test]
    fn base64_round_trip() {
        let h = leaf_hash(b"x");
        assert_eq!(Hash::from_base64(&h.to_base64()), Ok(h));
        assert!(Hash::from_base64("ZG9uJ3QgY2FyZSAx").is_err());
    }
}

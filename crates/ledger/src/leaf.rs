//! Leaves carry no personal data: an event type, a keyed pseudonym of the subject and a
//! salted commitment to the full record, which lives (and can be erased) elsewhere.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

use crate::error::{LedgerError, Result};
use crate::hash::{commit_blocks, digest, sha256_parts, Block, Hash};

/// First byte of the canonical leaf encoding; bumped if the layout ever changes.
pub const LEAF_VERSION: u8 = 1;

const HMAC_BLOCK: usize = 64;

/// Longest event code; checked by a test so the stack encoding buffer always fits.
const MAX_CODE_LEN: usize = 32;
const MAX_ENCODED_LEN: usize = 2 + MAX_CODE_LEN + 64;

/// What a leaf records. The codes are part of the leaf hash, so they never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    /// A new entry in a client's record.
    Entry,
    /// A correction to an earlier entry.
    EntryCorrection,
    /// An administrative decision.
    Decision,
    /// A step in routing a case between services.
    RoutingStep,
    /// Another action by an official.
    OfficialAction,
    /// A new rule set taking effect.
    RuleSetDeployment,
    /// Someone viewed a client's data.
    Access,
    /// A record was erased; the leaf's record names the erased leaf.
    Erasure,
}

impl EventType {
    /// Every event type, in code order.
    pub const ALL: [EventType; 8] = [
        EventType::Entry,
        EventType::EntryCorrection,
        EventType::Decision,
        EventType::RoutingStep,
        EventType::OfficialAction,
        EventType::RuleSetDeployment,
        EventType::Access,
        EventType::Erasure,
    ];

    /// The code zero-padded to [`MAX_CODE_LEN`] bytes, so encoding copies a fixed length.
    const fn padded_code(self) -> &'static [u8; MAX_CODE_LEN] {
        const fn pad(code: &str) -> [u8; MAX_CODE_LEN] {
            let bytes = code.as_bytes();
            let mut out = [0u8; MAX_CODE_LEN];
            let mut i = 0;
            while i < bytes.len() {
                out[i] = bytes[i];
                i += 1;
            }
            out
        }
        const PADDED: [[u8; MAX_CODE_LEN]; 8] = [
            pad(EventType::ALL[0].code()),
            pad(EventType::ALL[1].code()),
            pad(EventType::ALL[2].code()),
            pad(EventType::ALL[3].code()),
            pad(EventType::ALL[4].code()),
            pad(EventType::ALL[5].code()),
            pad(EventType::ALL[6].code()),
            pad(EventType::ALL[7].code()),
        ];
        &PADDED[self as usize]
    }

    /// The stable code used in the canonical encoding.
    pub const fn code(self) -> &'static str {
        match self {
            EventType::Entry => "entry",
            EventType::EntryCorrection => "entry-correction",
            EventType::Decision => "decision",
            EventType::RoutingStep => "routing-step",
            EventType::OfficialAction => "official-action",
            EventType::RuleSetDeployment => "rule-set-deployment",
            EventType::Access => "access",
            EventType::Erasure => "erasure",
        }
    }

    /// The event type with this code.
    pub fn from_code(code: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|t| t.code() == code)
            .ok_or_else(|| LedgerError::UnknownEventType(code.to_owned()))
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for EventType {
    type Err = LedgerError;
    fn from_str(s: &str) -> Result<Self> {
        Self::from_code(s)
    }
}

/// One log entry.
///
/// Canonical encoding (the leaf hash input):
/// `LEAF_VERSION (1 byte) || len(code) (1 byte) || code || subject (32) || commitment (32)`.
///
/// Aligned to 8 bytes (72 instead of 65): in a [`crate::LogRow`] the salt after it then
/// sits at an aligned offset. At an odd offset the compiler moved each row through
/// stores the CPU could not forward to the loads after them, which stalled whole-log
/// verification while it read rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(align(8))]
pub struct LeafRecord {
    /// What happened.
    pub event_type: EventType,
    /// Pseudonymous subject id, see [`pseudonym`].
    pub subject: [u8; 32],
    /// Salted commitment to the full record, see [`commit`].
    pub commitment: Hash,
}

impl LeafRecord {
    /// The canonical bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.encode_into(&mut out);
        out
    }

    /// Appends the canonical bytes to `out` (lets callers reuse one buffer).
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        let mut buf = [0u8; MAX_ENCODED_LEN];
        let len = self.encode_to_array(&mut buf);
        out.extend_from_slice(&buf[..len]);
    }

    /// Length of the canonical bytes.
    pub fn encoded_len(&self) -> usize {
        2 + self.event_type.code().len() + 64
    }

    /// Decodes canonical bytes, refusing anything but the exact encoding.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let (&version, rest) = bytes.split_first().ok_or(LedgerError::Leaf("empty"))?;
        if version != LEAF_VERSION {
            return Err(LedgerError::Leaf("unknown version"));
        }
        let (&code_len, rest) = rest
            .split_first()
            .ok_or(LedgerError::Leaf("missing event code"))?;
        let code_len = usize::from(code_len);
        if rest.len() != code_len + 64 {
            return Err(LedgerError::Leaf("wrong length"));
        }
        let (code, rest) = rest.split_at(code_len);
        let code = std::str::from_utf8(code).map_err(|_| LedgerError::Leaf("event code"))?;
        let event_type = EventType::from_code(code)?;
        let (subject, commitment) = rest.split_at(32);
        Ok(Self {
            event_type,
            subject: subject
                .try_into()
                .map_err(|_| LedgerError::Leaf("subject"))?,
            commitment: Hash::from_slice(commitment)?,
        })
    }

    /// The RFC 9162 leaf hash of the canonical bytes, computed without allocating.
    pub fn leaf_hash(&self) -> Hash {
        let mut blocks = [Block::default(); 2];
        self.leaf_blocks(&mut blocks);
        digest(&blocks)
    }

    /// Lays out the padded message of [`Self::leaf_hash`], `0x00 || canonical bytes`:
    /// always two blocks (at most 1 + 98 bytes), built with fixed-length copies only.
    pub(crate) fn leaf_blocks(&self, blocks: &mut [Block; 2]) {
        let mut flat = [0u8; 2 * 64];
        let len = 1 + self.encode_to_array(&mut flat[1..]);
        flat[len] = 0x80;
        flat[120..].copy_from_slice(&(len as u64 * 8).to_be_bytes());
        blocks[0].copy_from_slice(&flat[..64]);
        blocks[1].copy_from_slice(&flat[64..]);
    }

    /// Writes the canonical bytes at the start of `buf` (at least [`MAX_ENCODED_LEN`]
    /// bytes, zeroed past the encoding's end) and returns their length. Every copy has a
    /// fixed length: the zero-padded code first, then the subject and commitment over
    /// its padding.
    fn encode_to_array(&self, buf: &mut [u8]) -> usize {
        let end = 2 + self.event_type.code().len();
        buf[0] = LEAF_VERSION;
        buf[1] = (end - 2) as u8;
        buf[2..2 + MAX_CODE_LEN].copy_from_slice(self.event_type.padded_code());
        buf[end..end + 32].copy_from_slice(&self.subject);
        buf[end + 32..end + 64].copy_from_slice(self.commitment.as_bytes());
        end + 64
    }
}

/// `SHA-256(salt || record)`. The random salt keeps low-entropy records (a decision on
/// a known person, say) from being confirmed by guessing once the record is erased.
pub fn commit(salt: &[u8; 32], record: &[u8]) -> Hash {
    let mut blocks = [Block::default(); 3];
    match commit_blocks(salt, record, &mut blocks) {
        Some(used) => digest(&blocks[..used]),
        None => sha256_parts(&[salt, record]),
    }
}

/// Checks that `salt` and `record` open `commitment`.
pub fn open(commitment: &Hash, salt: &[u8; 32], record: &[u8]) -> Result<()> {
    if commit(salt, record) == *commitment {
        Ok(())
    } else {
        Err(LedgerError::CommitmentMismatch)
    }
}

/// HMAC-SHA256 (RFC 2104).
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; HMAC_BLOCK];
    if key.len() > HMAC_BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let ipad = block.map(|b| b ^ 0x36);
    let opad = block.map(|b| b ^ 0x5c);
    let inner = Sha256::new()
        .chain_update(ipad)
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(opad)
        .chain_update(inner)
        .finalize()
        .into()
}

/// The pseudonymous subject id `HMAC-SHA256(key, subject_id)`.
///
/// Keyed, so that whoever holds the log but not the key cannot test guesses of client
/// ids; destroying the key unlinks every leaf from its client at once.
pub fn pseudonym(key: &[u8], subject_id: &[u8]) -> [u8; 32] {
    hmac_sha256(key, subject_id)
}

/// The record of an [`EventType::Erasure`] leaf: which earlier leaf's record was erased.
///
/// Canonical bytes: `0x01 || erased leaf index (u64, big-endian)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErasureRecord {
    /// Index of the leaf whose record (and opening) was erased.
    pub erased_leaf: u64,
}

impl ErasureRecord {
    const VERSION: u8 = 1;

    /// The canonical record bytes, to be committed like any other record.
    pub fn to_bytes(&self) -> [u8; 9] {
        let mut out = [0u8; 9];
        out[0] = Self::VERSION;
        out[1..].copy_from_slice(&self.erased_leaf.to_be_bytes());
        out
    }

    /// Decodes the canonical record bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        match bytes.split_first() {
            Some((&Self::VERSION, index)) => {
                let index = <[u8; 8]>::try_from(index)
                    .map_err(|_| LedgerError::Leaf("erasure record length"))?;
                Ok(Self {
                    erased_leaf: u64::from_be_bytes(index),
                })
            }
            _ => Err(LedgerError::Leaf("erasure record version")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::leaf_hash;

    #[test]
    fn hmac_rfc4231_vectors() {
        // Test case 1.
        assert_eq!(
            hex::encode(hmac_sha256(&[0x0b; 20], b"Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        // Test case 2.
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: key longer than the block is hashed first.
        assert_eq!(
            hex::encode(hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn event_codes_round_trip_and_are_unique() {
        for t in EventType::ALL {
            assert_eq!(t.code().parse::<EventType>(), Ok(t));
            assert!(t.code().len() <= MAX_CODE_LEN);
        }
        let mut codes: Vec<_> = EventType::ALL.iter().map(|t| t.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), EventType::ALL.len());
        assert!(EventType::from_code("Entry").is_err());
    }

    #[test]
    fn leaf_encoding_round_trips_and_hash_matches() {
        for t in EventType::ALL {
            let leaf = LeafRecord {
                event_type: t,
                subject: pseudonym(b"key", b"client-1"),
                commitment: commit(&[9; 32], b"record"),
            };
            let bytes = leaf.encode();
            assert_eq!(bytes.len(), leaf.encoded_len());
            assert_eq!(LeafRecord::decode(&bytes), Ok(leaf));
            assert_eq!(leaf.leaf_hash(), leaf_hash(&bytes));
            assert!(LeafRecord::decode(&bytes[..bytes.len() - 1]).is_err());
            let mut longer = bytes.clone();
            longer.push(0);
            assert!(LeafRecord::decode(&longer).is_err());
            let mut wrong_version = bytes.clone();
            wrong_version[0] = 2;
            assert!(LeafRecord::decode(&wrong_version).is_err());
        }
        assert!(LeafRecord::decode(&[]).is_err());
    }

    #[test]
    fn commit_is_sha256_of_salt_then_record_for_every_length() {
        let salt: [u8; 32] = std::array::from_fn(|i| i as u8 ^ 0x5a);
        let data: Vec<u8> = (0..300u32).map(|i| (i * 13 + 1) as u8).collect();
        for len in 0..data.len() {
            let expected = Sha256::new()
                .chain_update(salt)
                .chain_update(&data[..len])
                .finalize();
            assert_eq!(
                commit(&salt, &data[..len]).as_bytes()[..],
                expected[..],
                "{len}"
            );
        }
    }

    #[test]
    fn commitments_open_only_with_salt_and_record() {
        let salt = [3u8; 32];
        let c = commit(&salt, b"decision 42");
        assert_eq!(open(&c, &salt, b"decision 42"), Ok(()));
        assert!(open(&c, &salt, b"decision 43").is_err());
        assert!(open(&c, &[4u8; 32], b"decision 42").is_err());
    }

    #[test]
    fn erasure_record_round_trips() {
        let e = ErasureRecord { erased_leaf: 1234 };
        assert_eq!(ErasureRecord::from_bytes(&e.to_bytes()), Ok(e));
        assert!(ErasureRecord::from_bytes(&e.to_bytes()[..8]).is_err());
        assert!(ErasureRecord::from_bytes(&[]).is_err());
    }
}

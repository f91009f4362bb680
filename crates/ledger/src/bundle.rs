//! Offline proof bundles: one event's inclusion, checkable with only verifier keys.

use std::fmt;

use crate::checkpoint::Checkpoint;
use crate::error::{LedgerError, Result};
use crate::hash::Hash;
use crate::leaf::{open, LeafRecord};
use crate::note::Verifier;
use crate::proof::verify_inclusion;
use crate::text::{b64_decode, b64_encode, parse_decimal};

/// First line of every bundle.
pub const BUNDLE_HEADER: &str = "kirjuri-proof-bundle v1";

/// The salt and canonical record bytes that open a leaf's commitment.
#[derive(Clone, PartialEq, Eq)]
pub struct Opening {
    /// The commitment salt.
    pub salt: [u8; 32],
    /// The canonical record bytes.
    pub record: Vec<u8>,
}

impl fmt::Debug for Opening {
    // The record may hold personal data: keep it out of logs and panic messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Opening")
            .field("record_len", &self.record.len())
            .finish_non_exhaustive()
    }
}

/// Everything needed to check one leaf offline.
///
/// Text format: one `key: value` line each, every line ending in a newline, keys in
/// this order, binary values in standard padded base64:
///
/// ```text
/// kirjuri-proof-bundle v1
/// leaf-index: <decimal, no leading zeros>
/// leaf: <canonical leaf bytes>
/// proof: <32-byte hash>          (zero or more, leaf upwards)
/// checkpoint: <signed checkpoint note>
/// salt: <32 bytes>               (optional; salt and record come together)
/// record: <canonical record bytes>
/// ```
///
/// The opening is absent once the record has been erased: the bundle then still proves
/// that an event of that type about that pseudonym was logged, but not what it said.
/// Exactly one text is accepted per bundle, so any change to the text is either a parse
/// error or a different bundle that fails verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofBundle {
    /// Position of the leaf in the log.
    pub leaf_index: u64,
    /// The leaf itself.
    pub leaf: LeafRecord,
    /// Inclusion proof of the leaf in the checkpoint's tree.
    pub proof: Vec<Hash>,
    /// The signed checkpoint note (C2SP signed-note text).
    pub checkpoint: String,
    /// The commitment opening, `None` after erasure.
    pub opening: Option<Opening>,
}

/// What a successfully verified bundle established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedBundle {
    /// Position of the leaf in the log.
    pub leaf_index: u64,
    /// The leaf.
    pub leaf: LeafRecord,
    /// The signed checkpoint the leaf is included in. Callers should check its origin.
    pub checkpoint: Checkpoint,
    /// Names of the known keys that signed the checkpoint.
    pub signed_by: Vec<String>,
    /// The record bytes, if the bundle opened the commitment.
    pub record: Option<Vec<u8>>,
}

/// Strict line reader: each call consumes exactly the expected key.
struct Lines<'a> {
    lines: std::iter::Peekable<std::str::Split<'a, char>>,
}

impl<'a> Lines<'a> {
    fn take(&mut self, key: &'static str) -> Result<&'a str> {
        self.take_if(key)?
            .ok_or(LedgerError::Bundle("missing or misplaced line"))
    }

    fn take_if(&mut self, key: &'static str) -> Result<Option<&'a str>> {
        let Some(line) = self.lines.peek() else {
            return Ok(None);
        };
        let Some(value) = line.strip_prefix(key).and_then(|l| l.strip_prefix(": ")) else {
            return Ok(None);
        };
        self.lines.next();
        Ok(Some(value))
    }
}

fn b64(value: &str) -> Result<Vec<u8>> {
    b64_decode(value).ok_or(LedgerError::Bundle("bad base64"))
}

impl ProofBundle {
    /// Parses the text format; there is exactly one accepted text per bundle.
    pub fn parse(text: &str) -> Result<Self> {
        let body = text
            .strip_suffix('\n')
            .ok_or(LedgerError::Bundle("must end with a newline"))?;
        let mut lines = Lines {
            lines: body.split('\n').peekable(),
        };
        if lines.lines.next() != Some(BUNDLE_HEADER) {
            return Err(LedgerError::Bundle("missing header"));
        }
        let leaf_index = parse_decimal(lines.take("leaf-index")?)
            .ok_or(LedgerError::Bundle("bad leaf index"))?;
        let leaf = LeafRecord::decode(&b64(lines.take("leaf")?)?)?;
        let mut proof = Vec::new();
        while let Some(value) = lines.take_if("proof")? {
            proof.push(Hash::from_slice(&b64(value)?)?);
        }
        let checkpoint = String::from_utf8(b64(lines.take("checkpoint")?)?)
            .map_err(|_| LedgerError::Bundle("checkpoint is not UTF-8"))?;
        let opening = match lines.take_if("salt")? {
            None => None,
            Some(salt) => {
                let salt = <[u8; 32]>::try_from(b64(salt)?)
                    .map_err(|_| LedgerError::Bundle("salt must be 32 bytes"))?;
                let record = b64(lines.take("record")?)?;
                Some(Opening { salt, record })
            }
        };
        if lines.lines.next().is_some() {
            return Err(LedgerError::Bundle("unexpected line"));
        }
        Ok(Self {
            leaf_index,
            leaf,
            proof,
            checkpoint,
            opening,
        })
    }

    /// The canonical text; [`ProofBundle::parse`] inverts it.
    pub fn to_text(&self) -> String {
        self.to_string()
    }

    /// Shorthand for [`verify_bundle`].
    pub fn verify(&self, verifiers: &[Verifier]) -> Result<VerifiedBundle> {
        verify_bundle(self, verifiers)
    }
}

impl fmt::Display for ProofBundle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{BUNDLE_HEADER}")?;
        writeln!(f, "leaf-index: {}", self.leaf_index)?;
        writeln!(f, "leaf: {}", b64_encode(&self.leaf.encode()))?;
        for hash in &self.proof {
            writeln!(f, "proof: {}", hash.to_base64())?;
        }
        writeln!(f, "checkpoint: {}", b64_encode(self.checkpoint.as_bytes()))?;
        if let Some(opening) = &self.opening {
            writeln!(f, "salt: {}", b64_encode(&opening.salt))?;
            writeln!(f, "record: {}", b64_encode(&opening.record))?;
        }
        Ok(())
    }
}

/// Checks a bundle: the checkpoint carries a valid signature by a known key, the leaf
/// is included in the checkpoint's tree at `leaf_index`, and the opening (if any)
/// matches the leaf's commitment.
pub fn verify_bundle(bundle: &ProofBundle, verifiers: &[Verifier]) -> Result<VerifiedBundle> {
    let (checkpoint, note) = Checkpoint::open(&bundle.checkpoint, verifiers)?;
    verify_inclusion(
        bundle.leaf_index,
        checkpoint.size,
        &bundle.leaf.leaf_hash(),
        &bundle.proof,
        &checkpoint.root,
    )?;
    if let Some(opening) = &bundle.opening {
        open(&bundle.leaf.commitment, &opening.salt, &opening.record)?;
    }
    Ok(VerifiedBundle {
        leaf_index: bundle.leaf_index,
        leaf: bundle.leaf,
        checkpoint,
        signed_by: note.verified_by,
        record: bundle.opening.as_ref().map(|o| o.record.clone()),
    })
}

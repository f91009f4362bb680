use thiserror::Error;

/// Everything that can go wrong in this crate outside whole-log verification.
///
/// Verification failures are deliberately coarse-grained: callers need to know *that* a
/// proof or signature failed and roughly why, not to branch on every detail.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// A hash was not exactly 32 bytes long.
    #[error("hash must be 32 bytes, got {0}")]
    HashLength(usize),
    /// A leaf index at or beyond the tree size.
    #[error("leaf index {index} is not below tree size {size}")]
    IndexOutOfRange {
        /// The offending index.
        index: u64,
        /// The tree size it was checked against.
        size: u64,
    },
    /// A proof or root was requested for a size the tree has not reached.
    #[error("requested size {requested} exceeds tree size {size}")]
    SizeBeyondTree {
        /// The requested size.
        requested: u64,
        /// The current tree size.
        size: u64,
    },
    /// A proof had the wrong number of hashes for its sizes / index.
    #[error("proof has {got} hashes, expected {expected}")]
    ProofLength {
        /// What the sizes / index require.
        expected: usize,
        /// What the proof held.
        got: usize,
    },
    /// The proof walk itself failed (RFC 9162 step "stop and fail").
    #[error("proof does not fit the tree shape")]
    ProofShape,
    /// A recomputed root did not equal the expected root.
    #[error("calculated root does not match the expected root")]
    RootMismatch,
    /// A consistency proof was asked for from a larger to a smaller tree.
    #[error("consistency from size {size1} to smaller size {size2}")]
    SizeDecrease {
        /// The first (claimed older) size.
        size1: u64,
        /// The second (claimed newer) size.
        size2: u64,
    },
    /// Consistency from the empty tree proves nothing, so it is refused outright.
    #[error("consistency proofs from the empty tree are refused")]
    EmptyTreeConsistency,
    /// A consistency proof between equal sizes must be empty.
    #[error("proof between equal tree sizes must be empty")]
    NonEmptyProof,
    /// A checkpoint body did not follow the C2SP `tlog-checkpoint` format.
    #[error("malformed checkpoint: {0}")]
    Checkpoint(&'static str),
    /// A signed note did not follow the C2SP `signed-note` format.
    #[error("malformed note: {0}")]
    Note(&'static str),
    /// A signer or verifier key string was malformed or inconsistent.
    #[error("malformed key: {0}")]
    Key(&'static str),
    /// A key name was empty or contained whitespace or '+'.
    #[error("invalid key name {0:?}")]
    KeyName(String),
    /// A signature from a key the verifier knows did not verify.
    #[error("signature by known key {name} does not verify")]
    BadSignature {
        /// The key name on the bad signature line.
        name: String,
    },
    /// The note carried no signature from any known key.
    #[error("no signature from a known key")]
    NoKnownSignature,
    /// Canonical leaf bytes did not decode.
    #[error("malformed leaf: {0}")]
    Leaf(&'static str),
    /// An event type code this version does not know.
    #[error("unknown event type code {0:?}")]
    UnknownEventType(String),
    /// A salt and record did not open the commitment.
    #[error("record does not match the commitment")]
    CommitmentMismatch,
    /// A proof bundle did not follow the `kirjuri-proof-bundle v1` format.
    #[error("malformed proof bundle: {0}")]
    Bundle(&'static str),
}

/// Shorthand used throughout the crate.
pub(crate) type Result<T> = std::result::Result<T, LedgerError>;

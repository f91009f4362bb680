//! `kirjuri-ledger`: the tamper-evident, append-only log behind Kirjuri's audit trail.
//!
//! The crate is pure: it never does I/O, reads the clock or draws randomness. Keys, salts
//! and timestamps are always parameters, so every result can be reproduced by an auditor.
//!
//! Main types and entry points:
//!
//! - [`Hash`](struct@Hash), [`leaf_hash`], [`node_hash`], [`empty_root`]: RFC 9162 (RFC 6962) hashing.
//! - [`MerkleTree`]: an append-only tree that caches every perfect subtree, for roots at
//!   any size and inclusion / consistency proofs in O(log n). [`CompactRange`] keeps only
//!   O(log n) hashes, for streaming verification.
//! - [`verify_inclusion`], [`verify_consistency`]: the RFC 9162 §2.1.3.2 / §2.1.4.2 verifiers.
//! - [`Checkpoint`]: the C2SP `tlog-checkpoint` body.
//! - [`Signer`], [`Verifier`], [`sign_note`], [`open_note`]: C2SP signed notes with Ed25519.
//! - [`LeafRecord`], [`EventType`], [`commit`], [`open`], [`pseudonym`]: leaves that carry
//!   no personal data, only a pseudonymous subject and a salted commitment.
//! - [`ProofBundle`], [`verify_bundle`]: an offline proof that one event is in the log.
//! - [`verify_log`], [`LogError`]: whole-log verification that names the first bad leaf;
//!   [`verify_log_parallel`] gives the same result on several threads.
//!
//! All fallible operations return [`LedgerError`], except [`verify_log`] whose error
//! locates the fault.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bundle;
mod checkpoint;
mod error;
mod hash;
mod leaf;
mod note;
mod proof;
mod text;
mod tree;
mod verify;

pub use bundle::{verify_bundle, Opening, ProofBundle, VerifiedBundle, BUNDLE_HEADER};
pub use checkpoint::Checkpoint;
pub use error::LedgerError;
pub use hash::{empty_root, leaf_hash, node_hash, sha256, Hash};
pub use leaf::{
    commit, hmac_sha256, open, pseudonym, ErasureRecord, EventType, LeafRecord, LEAF_VERSION,
};
pub use note::{
    key_id, open_note, sign_note, NoteSignature, OpenedNote, ParsedNote, Signer, Verifier,
};
pub use proof::{consistency_proof_len, inclusion_proof_len, verify_consistency, verify_inclusion};
pub use tree::{root_from_leaf_hashes, CompactRange, MerkleTree};
pub use verify::{
    verify_log, verify_log_against, verify_log_parallel, LogError, LogFault, LogRow, LogSummary,
};

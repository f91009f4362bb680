//! The ledger in the database: every record write appends one leaf in the same transaction
//! (A4, A5, B10), and the log can be checkpointed, proven and verified from here.
//!
//! The hashing, proofs and signatures are `kirjuri-ledger`'s (pure); this module stores
//! leaves, openings, links to record rows and signed checkpoints, and reads them back:
//!
//! - `keys`: the secrets a store writes with ([`LedgerKeys`]);
//! - `tables`: the registry of the record tables the ledger covers, and the canonical record
//!   of a row (what a leaf commits to);
//! - `append`: the leaves a write job owes ([`LeafParams`], [`Pending`]), appended with its
//!   commit; events that are their own record; erasure of an opening;
//! - `proofs`: the cached Merkle tree, signed checkpoints, proof bundles and consistency
//!   proofs;
//! - `verify`: whole-log verification against the record rows ([`LedgerReport`]).
//!
//! **Invariant:** a record and its leaf are committed together: the leaf is appended inside
//! the write job that inserts the record, so either both are committed or neither is.
//! **Invariant:** leaves carry no personal data: an event type, a keyed pseudonym of the
//! client and a salted commitment. The record and salt are in `ledger_openings`, which
//! erasure empties without touching the leaf.

mod append;
#[cfg(feature = "testing")]
mod bulk;
mod keys;
mod load;
mod native;
mod proofs;
mod tables;
mod verify;

use crate::StoreError;

pub use append::LedgerEvent;
pub(crate) use append::{erase, flush, LeafParams, Pending};
pub use keys::{origin_for, LedgerKeys};
pub use load::{BulkLoader, LoadBatch, LoadTable, PlainTable};
pub(crate) use native::NativeSource;
pub use proofs::StoredCheckpoint;
pub(crate) use tables::{
    RecordTable, ACCESS_LOG, ACCOUNT_EVENTS, APPOINTMENTS, BENEFIT_APPLICATIONS, CONTACT_METHODS,
    CONTACT_METHOD_EMAILS, DECISIONS, DELIVERIES, DELIVERY_RECEIPTS, ENTRIES, JOB_SEARCHES,
    JOB_SEARCH_ENDS, MANAGER_GRANT_EVENTS, MESSAGES, OFFICIAL_STEPS, RECONSIDERATION_REQUESTS,
    RECONSIDERATION_STEPS, REGISTER_FACTS, RESPONSIBLE_EXPERTS,
};
pub use verify::{LedgerFault, LedgerReport};

/// Rows per page when reading the log back.
const PAGE: i64 = 5000;

fn idx_i64(idx: u64) -> Result<i64, StoreError> {
    i64::try_from(idx).map_err(|_| StoreError::NotFound("ledger leaf"))
}

fn hex32(s: &str, what: &str) -> Result<[u8; 32], StoreError> {
    hex::decode(s)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| StoreError::Corrupt(format!("ledger {what} is not 32 bytes of hex")))
}

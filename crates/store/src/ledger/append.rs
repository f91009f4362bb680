//! Appending to the ledger: the leaves a write job owes and their append just before its
//! commit, events whose whole record is the opening, and erasure of an opening.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use kirjuri_ledger::{commit, ErasureRecord, EventType, LeafRecord};
use sqlx::{AnyConnection, Row};

use super::tables::{RecordTable, RECORD_TABLES};
use super::{hex32, idx_i64};
use crate::rows::ts;
use crate::{Backend, Store, StoreError};

/// Lock key of `pg_advisory_xact_lock` serialising appends on PostgreSQL ("kirjuri" in ASCII);
/// SQLite needs none: it has one writer.
const PG_APPEND_LOCK: i64 = 0x006b_6972_6a75_7269;

/// Rows per multi-row INSERT (well below both backends' bind-parameter limits).
const INSERT_CHUNK: usize = 100;

/// One leaf to append, prepared outside the database.
struct NewLeaf {
    event_type: EventType,
    subject: [u8; 32],
    salt: [u8; 32],
    record: Vec<u8>,
}

/// An event whose whole record is the ledger opening (for example a rule-set deployment
/// or an access event): appended by [`crate::Store::record_events`].
#[derive(Clone)]
pub struct LedgerEvent {
    /// What happened.
    pub event_type: EventType,
    /// Whom it is about (a client id, or another subject id); pseudonymised with the key.
    pub subject_id: String,
    /// The canonical record bytes.
    pub record: Vec<u8>,
}

impl fmt::Debug for LedgerEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LedgerEvent")
            .field("event_type", &self.event_type)
            .field("record_len", &self.record.len())
            .finish_non_exhaustive()
    }
}

/// Appends `leaves` at the end of the log inside the caller's transaction and returns the
/// index of the first. On PostgreSQL the append lock is held until the transaction ends, so
/// concurrent transactions get consecutive indexes in commit order.
async fn append_leaves(
    tx: &mut AnyConnection,
    backend: Backend,
    leaves: &[NewLeaf],
    appended_at: &str,
) -> Result<u64, StoreError> {
    if backend == Backend::Postgres {
        sqlx::query("SELECT 1 FROM (SELECT pg_advisory_xact_lock($1)) AS appending")
            .bind(PG_APPEND_LOCK)
            .execute(&mut *tx)
            .await?;
    }
    let next: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(idx) + 1, 0) FROM ledger_leaves")
        .fetch_one(&mut *tx)
        .await?;
    let first = u64::try_from(next).map_err(|_| StoreError::Corrupt("ledger index".into()))?;
    for (chunk_no, chunk) in leaves.chunks(INSERT_CHUNK).enumerate() {
        let base = next + (chunk_no * INSERT_CHUNK) as i64;
        let placeholders = |cols: usize| {
            (0..chunk.len())
                .map(|r| {
                    let p: Vec<String> = (1..=cols).map(|c| format!("${}", r * cols + c)).collect();
                    format!("({})", p.join(", "))
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let leaf_insert = format!(
            "INSERT INTO ledger_leaves (idx, event_type, subject, commitment, leaf_hash, appended_at) VALUES {}",
            placeholders(6)
        );
        let open_insert = format!(
            "INSERT INTO ledger_openings (idx, salt, record) VALUES {}",
            placeholders(3)
        );
        let prepared: Vec<(i64, LeafRecord)> = chunk
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let leaf = LeafRecord {
                    event_type: l.event_type,
                    subject: l.subject,
                    commitment: commit(&l.salt, &l.record),
                };
                (base + i as i64, leaf)
            })
            .collect();
        let mut q = sqlx::query(&leaf_insert);
        for (idx, leaf) in &prepared {
            q = q
                .bind(*idx)
                .bind(leaf.event_type.code())
                .bind(hex::encode(leaf.subject))
                .bind(leaf.commitment.to_hex())
                .bind(leaf.leaf_hash().to_hex())
                .bind(appended_at.to_owned());
        }
        q.execute(&mut *tx).await?;
        let mut q = sqlx::query(&open_insert);
        for ((idx, _), l) in prepared.iter().zip(chunk) {
            q = q
                .bind(*idx)
                .bind(hex::encode(l.salt))
                .bind(l.record.clone());
        }
        q.execute(&mut *tx).await?;
    }
    Ok(first)
}

/// The leaves a write job owes, appended when its transaction is about to commit: after every
/// job of a SQLite group commit, or at the end of a PostgreSQL write. Appending them together
/// takes a handful of statements for the whole group instead of five per leaf, and on
/// PostgreSQL holds the append lock only for the last moments of the transaction.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    leaves: Vec<PendingLeaf>,
}

#[derive(Debug)]
struct PendingLeaf {
    table: &'static RecordTable,
    key: String,
    event_type: EventType,
    subject: [u8; 32],
    salt: [u8; 32],
    appended_at: String,
}

impl Pending {
    /// Owes a leaf covering the row `key` of `table`, written earlier in this transaction.
    pub(crate) fn add(
        &mut self,
        table: &'static RecordTable,
        key: String,
        event_type: EventType,
        subject: [u8; 32],
        salt: [u8; 32],
        appended_at: String,
    ) {
        self.leaves.push(PendingLeaf {
            table,
            key,
            event_type,
            subject,
            salt,
            appended_at,
        });
    }

    pub(crate) fn len(&self) -> usize {
        self.leaves.len()
    }

    /// Forgets the leaves owed since `len` (a job rolled back to its savepoint).
    pub(crate) fn truncate(&mut self, len: usize) {
        self.leaves.truncate(len);
    }
}

/// Appends the owed leaves inside the caller's transaction, in the order they were owed. Each
/// canonical record is read back from its row, so it is exactly what verification recomputes.
pub(crate) async fn flush(
    tx: &mut AnyConnection,
    backend: Backend,
    pending: &Pending,
) -> Result<(), StoreError> {
    if pending.leaves.is_empty() {
        return Ok(());
    }
    // Canonical records, read per table in chunks.
    let mut records: BTreeMap<(&str, &str), Vec<u8>> = BTreeMap::new();
    for table in RECORD_TABLES {
        let keys: Vec<&str> = pending
            .leaves
            .iter()
            .filter(|l| l.table.name == table.name)
            .map(|l| l.key.as_str())
            .collect();
        for chunk in keys.chunks(INSERT_CHUNK) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT CAST(t.{key} AS TEXT) AS kirjuri_key, {cols} FROM {name} t WHERE t.{key} IN ({marks})",
                key = table.key,
                cols = table.select_cols("t"),
                name = table.name,
                marks = marks.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for k in chunk {
                q = if table.int_key {
                    let seq: i64 = k
                        .parse()
                        .map_err(|_| StoreError::Corrupt(format!("{} key {k:?}", table.name)))?;
                    q.bind(seq)
                } else {
                    q.bind((*k).to_owned())
                };
            }
            for row in q.fetch_all(&mut *tx).await? {
                let key: String = row.try_get("kirjuri_key")?;
                let record = table.canonical(&row)?;
                let k = chunk
                    .iter()
                    .find(|k| **k == key)
                    .ok_or_else(|| StoreError::Corrupt(format!("{} key {key:?}", table.name)))?;
                records.insert((table.name, k), record);
            }
        }
    }
    let mut leaves = Vec::with_capacity(pending.leaves.len());
    for l in &pending.leaves {
        let record = records
            .get(&(l.table.name, l.key.as_str()))
            .ok_or(StoreError::NotFound("record row for the ledger"))?
            .clone();
        leaves.push(NewLeaf {
            event_type: l.event_type,
            subject: l.subject,
            salt: l.salt,
            record,
        });
    }
    // The leaves are appended now, at the latest of the times their writes were made.
    let appended_at = pending
        .leaves
        .iter()
        .map(|l| l.appended_at.as_str())
        .max()
        .unwrap_or_default()
        .to_owned();
    let first = append_leaves(tx, backend, &leaves, &appended_at).await?;
    for (chunk_no, chunk) in pending.leaves.chunks(INSERT_CHUNK).enumerate() {
        let marks: Vec<String> = (0..chunk.len())
            .map(|r| format!("(${}, ${}, ${})", r * 3 + 1, r * 3 + 2, r * 3 + 3))
            .collect();
        let sql = format!(
            "INSERT INTO ledger_links (idx, record_table, record_key) VALUES {}",
            marks.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for (i, l) in chunk.iter().enumerate() {
            let idx = first + (chunk_no * INSERT_CHUNK + i) as u64;
            q = q.bind(idx_i64(idx)?).bind(l.table.name).bind(l.key.clone());
        }
        q.execute(&mut *tx).await?;
    }
    Ok(())
}

/// Erases the opening of leaf `idx` and appends an [`EventType::Erasure`] leaf about the same
/// subject whose record is the [`ErasureRecord`]. Returns the erasure leaf's index.
pub(crate) async fn erase(
    tx: &mut AnyConnection,
    backend: Backend,
    idx: u64,
    salt: [u8; 32],
    now: &str,
) -> Result<u64, StoreError> {
    let subject: String = sqlx::query_scalar("SELECT subject FROM ledger_leaves WHERE idx = $1")
        .bind(idx_i64(idx)?)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound("ledger leaf"))?;
    let erased = sqlx::query(
        "UPDATE ledger_openings SET salt = NULL, record = NULL, erased_at = $2
         WHERE idx = $1 AND salt IS NOT NULL",
    )
    .bind(idx_i64(idx)?)
    .bind(now.to_owned())
    .execute(&mut *tx)
    .await?;
    if erased.rows_affected() != 1 {
        return Err(StoreError::AlreadyErased(idx));
    }
    let leaf = NewLeaf {
        event_type: EventType::Erasure,
        subject: hex32(&subject, "subject")?,
        salt,
        record: ErasureRecord { erased_leaf: idx }.to_bytes().to_vec(),
    };
    append_leaves(tx, backend, std::slice::from_ref(&leaf), now).await
}

/// The leaf of one record row, prepared before its write job: keys and randomness stay
/// outside the transaction.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LeafParams {
    subject: [u8; 32],
    salt: [u8; 32],
}

impl LeafParams {
    /// The leaf of a row about `subject` (a client's pseudonym), with a salt of its own.
    pub(crate) fn new(subject: [u8; 32], salt: [u8; 32]) -> Self {
        Self { subject, salt }
    }

    /// Owes the leaf of the row `key` of `table`, written in this job; it is appended with
    /// the job's commit (see `writer`).
    pub(crate) fn defer(
        self,
        leaves: &mut Pending,
        table: &'static RecordTable,
        key: &str,
        event: EventType,
        now: DateTime<Utc>,
    ) {
        leaves.add(
            table,
            key.to_owned(),
            event,
            self.subject,
            self.salt,
            ts(now),
        );
    }
}

impl Store {
    /// Appends events whose whole record is the ledger opening (rule-set deployments, access
    /// events, ...) in one transaction; returns the index of the first leaf.
    pub async fn record_events(&self, events: Vec<LedgerEvent>) -> Result<u64, StoreError> {
        let keys = self.keys()?;
        let leaves: Vec<NewLeaf> = events
            .into_iter()
            .map(|e| NewLeaf {
                event_type: e.event_type,
                subject: keys.subject(&e.subject_id),
                salt: self.ids.salt(),
                record: e.record,
            })
            .collect();
        let (backend, now) = (self.backend, ts(self.now()));
        self.writer
            .write(move |tx, _| {
                Box::pin(async move { append_leaves(tx, backend, &leaves, &now).await })
            })
            .await
    }

    /// Erases the opening (salt and record) of leaf `idx` after its retention period and
    /// appends an [`EventType::Erasure`] leaf naming it. Every proof stays valid; the erased
    /// record can no longer be shown. Returns the erasure leaf's index.
    pub async fn erase_opening(&self, idx: u64) -> Result<u64, StoreError> {
        let (backend, salt, now) = (self.backend, self.ids.salt(), ts(self.now()));
        self.writer
            .write(move |tx, _| Box::pin(async move { erase(tx, backend, idx, salt, &now).await }))
            .await
    }
}

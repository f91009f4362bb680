//! The ledger in the database: every record write appends one leaf in the same transaction
//! (A4, A5, B10), and the log can be checkpointed, proven and verified from here.
//!
//! The hashing, proofs and signatures are `kirjuri-ledger`'s (pure); this module stores
//! leaves, openings, links to record rows and signed checkpoints, and reads them back.
//!
//! **Invariant:** a record and its leaf are committed together: the leaf is appended inside
//! the write job that inserts the record, so either both are committed or neither is.
//! **Invariant:** leaves carry no personal data: an event type, a keyed pseudonym of the
//! client and a salted commitment. The record and salt are in `ledger_openings`, which
//! erasure empties without touching the leaf.

use std::collections::BTreeMap;
use std::fmt;
use std::num::NonZeroUsize;

use kirjuri_ledger::{
    commit, pseudonym, verify_log_parallel, Checkpoint, ErasureRecord, EventType, Hash, LeafRecord,
    LogFault, LogRow, MerkleTree, Opening, ProofBundle, Signer, Verifier,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::{Backend, StoreError};

/// Lock key of `pg_advisory_xact_lock` serialising appends on PostgreSQL ("kirjuri" in ASCII);
/// SQLite needs none: it has one writer.
const PG_APPEND_LOCK: i64 = 0x006b_6972_6a75_7269;

/// Rows per multi-row INSERT (well below both backends' bind-parameter limits).
const INSERT_CHUNK: usize = 100;

/// Rows per page when reading the log back.
const PAGE: i64 = 5000;

/// The keys a store needs to write the ledger: the pseudonym key (HMAC key for subject ids)
/// and the checkpoint signer. Both are secrets; `Debug` shows only the signer's name.
#[derive(Clone)]
pub struct LedgerKeys {
    /// HMAC-SHA256 key for [`pseudonym`]s of clients.
    pub pseudonym_key: [u8; 32],
    /// Signs checkpoints.
    pub signer: Signer,
}

impl fmt::Debug for LedgerKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LedgerKeys")
            .field("signer", &self.signer)
            .finish_non_exhaustive()
    }
}

const KEY_FILE_HEADER: &str = "# Kirjuri ledger keys. SECRET: the signer signs checkpoints and \
                               the pseudonym key links leaves to clients.";

impl LedgerKeys {
    /// Keys from a signer and a pseudonym key.
    pub fn new(signer: Signer, pseudonym_key: [u8; 32]) -> Self {
        Self {
            pseudonym_key,
            signer,
        }
    }

    /// The checkpoint origin line: the log's identity, derived from the signer's name.
    pub fn origin(&self) -> String {
        origin_for(self.signer.name())
    }

    /// The public key auditors verify with.
    pub fn verifier(&self) -> Verifier {
        self.signer.verifier()
    }

    /// The key file text: a comment, then `signer PRIVATE+KEY+...` and `pseudonym-key HEX`.
    pub fn to_file_text(&self) -> String {
        format!(
            "{KEY_FILE_HEADER}\nsigner {}\npseudonym-key {}\n",
            self.signer.to_key_string(),
            hex::encode(self.pseudonym_key)
        )
    }

    /// Parses [`LedgerKeys::to_file_text`]; blank lines and `#` comments are ignored.
    pub fn parse_file_text(text: &str) -> Result<Self, StoreError> {
        let bad = |what: &str| StoreError::LedgerKeys(what.to_owned());
        let (mut signer, mut key) = (None, None);
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match line.split_once(' ') {
                Some(("signer", value)) if signer.is_none() => {
                    signer = Some(
                        Signer::parse(value.trim())
                            .map_err(|e| bad(&format!("signer key: {e}")))?,
                    );
                }
                Some(("pseudonym-key", value)) if key.is_none() => {
                    let bytes =
                        hex::decode(value.trim()).map_err(|_| bad("pseudonym-key is not hex"))?;
                    key = Some(
                        <[u8; 32]>::try_from(bytes)
                            .map_err(|_| bad("pseudonym-key must be 32 bytes (64 hex digits)"))?,
                    );
                }
                _ => return Err(bad(&format!("unexpected line {line:?}"))),
            }
        }
        Ok(Self {
            signer: signer.ok_or_else(|| bad("missing the signer line"))?,
            pseudonym_key: key.ok_or_else(|| bad("missing the pseudonym-key line"))?,
        })
    }

    /// The pseudonymous subject of a client (or any subject id).
    pub fn subject(&self, subject_id: &str) -> [u8; 32] {
        pseudonym(&self.pseudonym_key, subject_id.as_bytes())
    }
}

/// The checkpoint origin of a log signed by the key `name`.
pub fn origin_for(name: &str) -> String {
    format!("{name}/kirjuri-ledger/v1")
}

/// A record table covered by the ledger: its name, the key used in `ledger_links`, and the
/// columns that make up the canonical record.
#[derive(Debug)]
pub(crate) struct RecordTable {
    pub(crate) name: &'static str,
    /// The key column, compared with `ledger_links.record_key` (text).
    key: &'static str,
    /// The key column is an integer (`seq`), stored in the link as decimal text.
    int_key: bool,
    /// Sorted, so the canonical JSON lists them in this order under any serde_json feature.
    cols: &'static [&'static str],
}

pub(crate) const ENTRIES: RecordTable = RecordTable {
    name: "entries",
    key: "id",
    int_key: false,
    cols: &[
        "author_id",
        "client_id",
        "correction_reason",
        "corrects_id",
        "details",
        "event_at",
        "id",
        "kind",
        "recorded_at",
        "text",
    ],
};
pub(crate) const JOB_SEARCHES: RecordTable = RecordTable {
    name: "job_searches",
    key: "id",
    int_key: false,
    cols: &[
        "client_id",
        "id",
        "recorded_at",
        "recorded_by",
        "start_date",
    ],
};
pub(crate) const JOB_SEARCH_ENDS: RecordTable = RecordTable {
    name: "job_search_ends",
    key: "job_search_id",
    int_key: false,
    cols: &[
        "end_date",
        "job_search_id",
        "reason",
        "recorded_at",
        "recorded_by",
    ],
};
pub(crate) const APPOINTMENTS: RecordTable = RecordTable {
    name: "appointments",
    key: "id",
    int_key: false,
    cols: &[
        "address",
        "client_id",
        "duration_minutes",
        "id",
        "local_date",
        "local_time",
        "mode",
        "official_id",
        "phone_number",
        "recorded_at",
        "recorded_by",
        "starts_at",
        "time_zone",
        "video_link",
    ],
};
pub(crate) const CONTACT_METHODS: RecordTable = RecordTable {
    name: "contact_methods",
    key: "seq",
    int_key: true,
    cols: &[
        "agreed_on",
        "client_id",
        "method",
        "note",
        "recorded_at",
        "recorded_by",
        "seq",
    ],
};
pub(crate) const RESPONSIBLE_EXPERTS: RecordTable = RecordTable {
    name: "responsible_experts",
    key: "seq",
    int_key: true,
    cols: &[
        "client_id",
        "from_date",
        "official_id",
        "recorded_at",
        "recorded_by",
        "seq",
    ],
};

pub(crate) const ACCESS_LOG: RecordTable = RecordTable {
    name: "access_log",
    key: "seq",
    int_key: true,
    cols: &[
        "action",
        "at",
        "client_id",
        "flagged",
        "org_id",
        "purpose",
        "resource",
        "role",
        "seq",
        "user_id",
    ],
};

pub(crate) const REGISTER_FACTS: RecordTable = RecordTable {
    name: "register_facts",
    key: "seq",
    int_key: true,
    cols: &[
        "active_business",
        "active_degree_studies",
        "client_id",
        "employment_continues",
        "partial_disability_pension",
        "recorded_at",
        "recorded_by",
        "resides_in_finland",
        "right_to_work",
        "seq",
        "vocational_qualification",
    ],
};
pub(crate) const DECISIONS: RecordTable = RecordTable {
    name: "decisions",
    key: "id",
    int_key: false,
    cols: &[
        "adoption_number",
        "client_id",
        "decision_date",
        "document",
        "document_language",
        "effective_date",
        "id",
        "inputs",
        "job_search_id",
        "kind",
        "notice_acknowledged",
        "outcome",
        "reasons",
        "recorded_at",
        "recorded_by",
        "rule_set_hash",
        "rule_set_name",
        "rule_set_version",
        "target",
        "trace",
    ],
};

pub(crate) const OFFICIAL_STEPS: RecordTable = RecordTable {
    name: "official_steps",
    key: "seq",
    int_key: true,
    cols: &[
        "at",
        "basis",
        "by_user",
        "client_id",
        "decision_id",
        "document",
        "document_language",
        "effective_date",
        "org_id",
        "outcome",
        "reasoning",
        "seq",
        "step",
    ],
};

pub(crate) const RECONSIDERATION_REQUESTS: RecordTable = RecordTable {
    name: "reconsideration_requests",
    key: "id",
    int_key: false,
    cols: &[
        "client_id",
        "decision_id",
        "id",
        "official_step",
        "org_id",
        "reasons",
        "requested_as",
        "requested_at",
        "requested_by",
        "statement",
        "statement_effective_date",
        "statement_outcome",
        "target",
    ],
};

pub(crate) const RECONSIDERATION_STEPS: RecordTable = RecordTable {
    name: "reconsideration_steps",
    key: "seq",
    int_key: true,
    cols: &[
        "at",
        "basis",
        "by_user",
        "client_id",
        "document",
        "document_language",
        "effective_date",
        "org_id",
        "outcome",
        "outcome_changed",
        "reasoning",
        "request_id",
        "seq",
        "step",
    ],
};

/// A client's benefit application (migration 9).
pub(crate) const BENEFIT_APPLICATIONS: RecordTable = RecordTable {
    name: "benefit_applications",
    key: "seq",
    int_key: true,
    cols: &[
        "client_id",
        "from_date",
        "payer_id",
        "recorded_at",
        "recorded_by",
        "seq",
    ],
};
/// A statement enqueued for one payer (migration 9). Its state is in the rows that follow it,
/// never in this row, so the leaf holds.
pub(crate) const DELIVERIES: RecordTable = RecordTable {
    name: "deliveries",
    key: "id",
    int_key: false,
    cols: &[
        "body",
        "client_id",
        "enqueued_at",
        "id",
        "idempotency_key",
        "payer_id",
        "statement_kind",
        "statement_ref",
    ],
};
/// The payer's acceptance of a delivery (migration 9).
pub(crate) const DELIVERY_RECEIPTS: RecordTable = RecordTable {
    name: "delivery_receipts",
    key: "delivery_id",
    int_key: false,
    cols: &[
        "attempt_no",
        "delivered_at",
        "delivery_id",
        "endpoint_url",
        "http_status",
        "response_sha256",
        "worker",
    ],
};

const RECORD_TABLES: [&RecordTable; 15] = [
    &ENTRIES,
    &JOB_SEARCHES,
    &JOB_SEARCH_ENDS,
    &APPOINTMENTS,
    &CONTACT_METHODS,
    &RESPONSIBLE_EXPERTS,
    &ACCESS_LOG,
    &REGISTER_FACTS,
    &DECISIONS,
    &OFFICIAL_STEPS,
    &RECONSIDERATION_REQUESTS,
    &RECONSIDERATION_STEPS,
    &BENEFIT_APPLICATIONS,
    &DELIVERIES,
    &DELIVERY_RECEIPTS,
];

impl RecordTable {
    /// `CAST(c AS TEXT) AS c, ...` with a table alias: every value as text on both backends.
    fn select_cols(&self, alias: &str) -> String {
        self.cols
            .iter()
            .map(|c| format!("CAST({alias}.{c} AS TEXT) AS {c}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The join condition between the table (alias `t`) and `ledger_links` (alias `k`).
    fn link_condition(&self) -> String {
        if self.int_key {
            format!("t.{} = CAST(k.record_key AS BIGINT)", self.key)
        } else {
            format!("t.{} = k.record_key", self.key)
        }
    }

    /// The canonical record of a row read with [`RecordTable::select_cols`]:
    /// `{"row":{col: text-or-null, ...},"table":NAME}` with keys sorted, no whitespace.
    ///
    /// Written straight into one buffer (values borrowed from the row, no map or JSON
    /// value per row): whole-log verification does this for every record row. The
    /// columns are listed in byte order and need no escaping (a test checks), so the bytes
    /// are those of serializing the sorted map.
    fn canonical(&self, row: &AnyRow) -> Result<Vec<u8>, StoreError> {
        let mut out = Vec::with_capacity(64 + 48 * self.cols.len());
        let values = self
            .cols
            .iter()
            .map(|col| row.try_get::<Option<&str>, _>(*col));
        write_canonical(self.name, self.cols, values, &mut out)?;
        Ok(out)
    }
}

/// `{"row":{col: value-or-null, ...},"table":NAME}` for columns in byte order.
fn write_canonical<'a, E>(
    name: &str,
    cols: &[&str],
    values: impl Iterator<Item = Result<Option<&'a str>, E>>,
    out: &mut Vec<u8>,
) -> Result<(), StoreError>
where
    StoreError: From<E>,
{
    out.extend_from_slice(b"{\"row\":{");
    for (i, (col, value)) in cols.iter().zip(values).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'"');
        out.extend_from_slice(col.as_bytes());
        out.extend_from_slice(b"\":");
        match value? {
            Some(v) => serde_json::to_writer(&mut *out, v).map_err(json_err)?,
            None => out.extend_from_slice(b"null"),
        }
    }
    out.extend_from_slice(b"},\"table\":");
    serde_json::to_writer(&mut *out, name).map_err(json_err)?;
    out.push(b'}');
    Ok(())
}

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("canonical record: {e}"))
}

/// One leaf to append, prepared outside the database.
pub(crate) struct NewLeaf {
    pub(crate) event_type: EventType,
    pub(crate) subject: [u8; 32],
    pub(crate) salt: [u8; 32],
    pub(crate) record: Vec<u8>,
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
pub(crate) async fn append_leaves(
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

pub(crate) fn idx_i64(idx: u64) -> Result<i64, StoreError> {
    i64::try_from(idx).map_err(|_| StoreError::NotFound("ledger leaf"))
}

fn hex32(s: &str, what: &str) -> Result<[u8; 32], StoreError> {
    hex::decode(s)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| StoreError::Corrupt(format!("ledger {what} is not 32 bytes of hex")))
}

/// Adds the committed leaves past `tree.size()` to the cached tree.
pub(crate) async fn refresh_tree(
    conn: &mut AnyConnection,
    tree: &mut MerkleTree,
) -> Result<(), StoreError> {
    loop {
        let rows = sqlx::query(
            "SELECT idx, event_type, subject, commitment FROM ledger_leaves
             WHERE idx >= $1 ORDER BY idx LIMIT $2",
        )
        .bind(idx_i64(tree.size())?)
        .bind(PAGE)
        .fetch_all(&mut *conn)
        .await?;
        if rows.is_empty() {
            return Ok(());
        }
        for row in &rows {
            let idx: i64 = row.try_get(0)?;
            if u64::try_from(idx).ok() != Some(tree.size()) {
                return Err(StoreError::Corrupt(format!(
                    "ledger leaf {} is missing (found {idx}); run `kirjuri ledger verify`",
                    tree.size()
                )));
            }
            tree.push(leaf_from_row(row)?.leaf_hash());
        }
    }
}

fn leaf_from_row(row: &AnyRow) -> Result<LeafRecord, StoreError> {
    let code: String = row.try_get("event_type")?;
    Ok(LeafRecord {
        event_type: EventType::from_code(&code)
            .map_err(|e| StoreError::Corrupt(format!("ledger event type: {e}")))?,
        subject: hex32(&row.try_get::<String, _>("subject")?, "subject")?,
        commitment: Hash::from_bytes(hex32(
            &row.try_get::<String, _>("commitment")?,
            "commitment",
        )?),
    })
}

/// The leaf and opening of `idx`, for a bundle.
pub(crate) async fn leaf_and_opening(
    conn: &mut AnyConnection,
    idx: u64,
) -> Result<(LeafRecord, Option<Opening>), StoreError> {
    let row = sqlx::query(
        "SELECT l.event_type, l.subject, l.commitment, o.salt, o.record
         FROM ledger_leaves l LEFT JOIN ledger_openings o ON o.idx = l.idx WHERE l.idx = $1",
    )
    .bind(idx_i64(idx)?)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound("ledger leaf"))?;
    let leaf = leaf_from_row(&row)?;
    let salt: Option<String> = row.try_get("salt")?;
    let record: Option<Vec<u8>> = row.try_get("record")?;
    let opening = match (salt, record) {
        (Some(salt), Some(record)) => Some(Opening {
            salt: hex32(&salt, "salt")?,
            record,
        }),
        _ => None,
    };
    Ok((leaf, opening))
}

/// A proof bundle for leaf `idx` against the signed checkpoint `note` of `size` leaves.
pub(crate) fn bundle(
    tree: &MerkleTree,
    idx: u64,
    leaf: LeafRecord,
    opening: Option<Opening>,
    note: String,
    size: u64,
) -> Result<ProofBundle, StoreError> {
    Ok(ProofBundle {
        leaf_index: idx,
        leaf,
        proof: tree.inclusion_proof(idx, size)?,
        checkpoint: note,
        opening,
    })
}

/// The outcome of [`crate::Store::verify_ledger`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerReport {
    /// Leaves read.
    pub leaves: u64,
    /// Leaves whose opening is stored (and matched, unless there is a fault).
    pub opened: u64,
    /// Leaves whose opening has been erased.
    pub erased: u64,
    /// Record rows compared with the record their leaf committed to.
    pub records_checked: u64,
    /// Signed checkpoints checked.
    pub checkpoints: usize,
    /// The newest signed checkpoint whose root matched.
    pub checkpoint_size: u64,
    /// The first fault found, if any.
    pub fault: Option<LedgerFault>,
}

/// What is wrong with a log, and the first leaf to blame where one can be named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerFault {
    /// The first bad leaf, or `None` for faults outside the leaves (a bad signature, a
    /// record row without a leaf).
    pub first_bad_leaf: Option<u64>,
    /// What is wrong, in words.
    pub what: String,
}

impl fmt::Display for LedgerFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.first_bad_leaf {
            Some(i) => write!(f, "first bad leaf: {i}: {}", self.what),
            None => f.write_str(&self.what),
        }
    }
}

impl LedgerReport {
    /// Keeps the fault with the lowest leaf index (faults without one rank last).
    fn blame(&mut self, fault: LedgerFault) {
        let better = match (&self.fault, fault.first_bad_leaf) {
            (None, _) => true,
            (Some(old), Some(new)) => old.first_bad_leaf.is_none_or(|o| new < o),
            (Some(_), None) => false,
        };
        if better {
            self.fault = Some(fault);
        }
    }
}

type VerifyRow = LogRow<Vec<u8>>;

/// Leaves per page when verifying: one range query each (`idx` in `[p·PAGE, (p+1)·PAGE)`),
/// so pages can be read independently.
const VERIFY_PAGE: i64 = 10_000;

/// Pages read at once when verifying, each by its own task (and connection), so that row
/// decoding runs on every core while the verifier hashes the pages already read.
const VERIFY_READERS: i64 = 2;

/// The lean leaf query of verification: columns by position, see [`verify_row`].
const VERIFY_SQL: &str = "SELECT l.idx, l.event_type, l.subject, l.commitment, l.leaf_hash,
        o.salt, o.record, o.erased_at
     FROM ledger_leaves l LEFT JOIN ledger_openings o ON o.idx = l.idx
     WHERE l.idx >= $1 AND l.idx < $2 ORDER BY l.idx";

/// Value of each ASCII hex digit (either case); 0xff for anything else.
const HEX_VALUE: [u8; 256] = {
    let mut table = [0xffu8; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        table[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};

/// Decodes exactly 64 hex digits into 32 bytes, without allocating; `None` for anything
/// else. Verification decodes four of these per leaf, so it is a table lookup per digit.
fn hex32_fast(s: &str) -> Option<[u8; 32]> {
    let digits: &[u8; 64] = s.as_bytes().try_into().ok()?;
    let mut out = [0u8; 32];
    let mut bad = 0u8;
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        let (hi, lo) = (
            HEX_VALUE[usize::from(pair[0])],
            HEX_VALUE[usize::from(pair[1])],
        );
        bad |= hi | lo;
        *byte = (hi << 4) | (lo & 0x0f);
    }
    // A valid digit is below 16, so any 0xff sets the high bits.
    (bad < 16).then_some(out)
}

fn hex32_at(s: &str, at: Option<u64>, what: &str) -> Result<[u8; 32], LedgerFault> {
    hex32_fast(s).ok_or_else(|| fault(at, format!("ledger {what} is not 32 bytes of hex")))
}

/// A leaf row of [`VERIFY_SQL`] as verification sees it: a stored leaf and opening, or
/// what is wrong with them. Reads columns by position and borrows the text columns, so
/// the only allocation per row is the record handed to the verifier.
fn verify_row(row: &AnyRow) -> Result<VerifyRow, LedgerFault> {
    let idx: i64 = row.try_get(0).map_err(|e| fault(None, e))?;
    let at = u64::try_from(idx).ok();
    let idx = at.ok_or_else(|| fault(None, format!("negative leaf index {idx}")))?;
    let code: &str = row.try_get(1).map_err(|e| fault(at, e))?;
    let event_type =
        EventType::from_code(code).map_err(|e| fault(at, format!("ledger event type: {e}")))?;
    let subject = hex32_at(row.try_get(2).map_err(|e| fault(at, e))?, at, "subject")?;
    let commitment = hex32_at(row.try_get(3).map_err(|e| fault(at, e))?, at, "commitment")?;
    let leaf = LeafRecord {
        event_type,
        subject,
        commitment: Hash::from_bytes(commitment),
    };
    let stored_hash: &str = row.try_get(4).map_err(|e| fault(at, e))?;
    if hex32_fast(stored_hash).as_ref() != Some(leaf.leaf_hash().as_bytes()) {
        return Err(fault(
            at,
            "stored leaf hash does not match the leaf's fields",
        ));
    }
    let salt: Option<&str> = row.try_get(5).map_err(|e| fault(at, e))?;
    let record: Option<&[u8]> = row.try_get(6).map_err(|e| fault(at, e))?;
    let erased_at: Option<&str> = row.try_get(7).map_err(|e| fault(at, e))?;
    let opening = match (salt, record, erased_at) {
        (Some(salt), Some(record), None) => Some((hex32_at(salt, at, "salt")?, record.to_vec())),
        (None, None, Some(_)) => None,
        // The left join's all-NULL row: no opening row (the table's CHECK constraint
        // allows no row without salt, record and erasure time).
        (None, None, None) => return Err(fault(at, "the leaf's opening row is missing")),
        _ => return Err(fault(at, "the opening is neither complete nor erased")),
    };
    Ok((idx, leaf, opening))
}

/// One page of leaf rows, cut short at the first row that cannot be read as a leaf.
struct PageRead {
    rows: Vec<VerifyRow>,
    fault: Option<LedgerFault>,
}

/// Reads and decodes page `page` ([`VERIFY_PAGE`] leaf indexes), decoding rows as they
/// stream in.
async fn read_page(pool: &sqlx::AnyPool, page: i64) -> Result<PageRead, StoreError> {
    use futures_util::TryStreamExt as _;
    let mut stream = sqlx::query(VERIFY_SQL)
        .bind(page * VERIFY_PAGE)
        .bind((page + 1) * VERIFY_PAGE)
        .fetch(pool);
    let mut rows = Vec::with_capacity(VERIFY_PAGE as usize);
    while let Some(row) = stream.try_next().await? {
        match verify_row(&row) {
            Ok(r) => rows.push(r),
            Err(f) => {
                return Ok(PageRead {
                    rows,
                    fault: Some(f),
                })
            }
        }
    }
    Ok(PageRead { rows, fault: None })
}

/// The pages of all readers, back in index order, as one row iterator for the verifier.
/// Stops at the first page that failed (a row fault or a database error) after yielding
/// the rows before it.
struct PagesInOrder {
    readers: Vec<tokio::sync::mpsc::Receiver<Result<PageRead, StoreError>>>,
    next_page: usize,
    current: std::vec::IntoIter<VerifyRow>,
    done: bool,
    opened: u64,
    erased: u64,
    row_fault: Option<LedgerFault>,
    error: Option<StoreError>,
}

impl Iterator for PagesInOrder {
    type Item = VerifyRow;

    fn next(&mut self) -> Option<VerifyRow> {
        loop {
            if let Some(row) = self.current.next() {
                if row.2.is_some() {
                    self.opened += 1;
                } else {
                    self.erased += 1;
                }
                return Some(row);
            }
            if self.done || self.readers.is_empty() {
                return None;
            }
            let reader = self.next_page % self.readers.len();
            self.next_page += 1;
            // Runs on a blocking thread (`spawn_blocking`), never on the async runtime.
            match self.readers[reader].blocking_recv() {
                None => self.done = true,
                Some(Err(e)) => {
                    self.error = Some(e);
                    self.done = true;
                }
                Some(Ok(page)) => {
                    if page.fault.is_some() {
                        self.row_fault = page.fault;
                        self.done = true;
                    }
                    self.current = page.rows.into_iter();
                }
            }
        }
    }
}

fn fault(at: Option<u64>, what: impl fmt::Display) -> LedgerFault {
    LedgerFault {
        first_bad_leaf: at,
        what: what.to_string(),
    }
}

/// Whole-log verification over the database (see [`crate::Store::verify_ledger`]).
pub(crate) async fn verify(
    read: &sqlx::AnyPool,
    verifiers: &[Verifier],
) -> Result<LedgerReport, StoreError> {
    let mut report = LedgerReport::default();

    // Signed checkpoints, smallest first: each must carry a good signature.
    let notes = sqlx::query("SELECT size, note FROM ledger_checkpoints ORDER BY size")
        .fetch_all(read)
        .await?;
    let mut checkpoints = Vec::with_capacity(notes.len());
    for row in &notes {
        let size: i64 = row.try_get(0)?;
        let note: String = row.try_get(1)?;
        match Checkpoint::open(&note, verifiers) {
            Ok((cp, _)) if i64::try_from(cp.size).ok() == Some(size) => checkpoints.push(cp),
            Ok((cp, _)) => report.blame(fault(
                None,
                format!("the checkpoint stored as size {size} says size {}", cp.size),
            )),
            Err(e) => report.blame(fault(None, format!("checkpoint of size {size}: {e}"))),
        }
    }
    report.checkpoints = checkpoints.len();

    // The leaves: pages read and decoded by a few tasks at once (page p by reader
    // p mod READERS), put back in order on a blocking thread that runs the pure verifier on
    // every core. Only leaves present when the count was taken are read.
    let top: Option<i64> = sqlx::query_scalar("SELECT MAX(idx) FROM ledger_leaves")
        .fetch_one(read)
        .await?;
    let pages = top.filter(|t| *t >= 0).map_or(0, |t| t / VERIFY_PAGE + 1);
    let mut readers = Vec::new();
    let mut tasks = Vec::new();
    for first in 0..VERIFY_READERS.min(pages) {
        let (tx, rx) = tokio::sync::mpsc::channel(2);
        let pool = read.clone();
        tasks.push(tokio::spawn(async move {
            let mut page = first;
            while page < pages {
                let result = read_page(&pool, page).await;
                let stop = !matches!(&result, Ok(p) if p.fault.is_none());
                if tx.send(result).await.is_err() || stop {
                    break; // the verifier stopped, or this page ends the log's good part
                }
                page += VERIFY_READERS;
            }
        }));
        readers.push(rx);
    }
    let cps = checkpoints.clone();
    let threads = std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN);
    let verifier = tokio::task::spawn_blocking(move || {
        let mut rows = PagesInOrder {
            readers,
            next_page: 0,
            current: Vec::new().into_iter(),
            done: false,
            opened: 0,
            erased: 0,
            row_fault: None,
            error: None,
        };
        let outcome = verify_log_parallel(&mut rows, &cps, threads);
        (outcome, rows)
    });
    let (outcome, rows) = verifier
        .await
        .map_err(|e| StoreError::Corrupt(format!("ledger verifier stopped: {e}")))?;
    let PagesInOrder {
        readers,
        opened,
        erased,
        row_fault,
        error,
        ..
    } = rows;
    drop(readers); // readers still reading ahead stop at their next page
    for task in tasks {
        task.await
            .map_err(|e| StoreError::Corrupt(format!("ledger reader stopped: {e}")))?;
    }
    if let Some(e) = error {
        return Err(e);
    }
    report.opened = opened;
    report.erased = erased;
    // A root mismatch only bounds the bad leaf from below (the tree cannot say which leaf in
    // the span changed), so it is reported only if no check names the leaf exactly.
    let mut root_fault = None;
    match outcome {
        Ok(summary) => {
            report.leaves = summary.leaves;
            report.checkpoint_size = summary.checkpoint_size;
        }
        Err(e) if matches!(e.what, LogFault::RootMismatch { .. }) => {
            root_fault = Some(fault(
                Some(e.first_bad_leaf),
                format!("{} (a leaf from here on was changed)", e.what),
            ));
        }
        Err(e) => report.blame(fault(Some(e.first_bad_leaf), e.what)),
    }
    if let Some(f) = row_fault {
        report.blame(f);
    }
    if checkpoints.is_empty() && report.leaves > 0 && report.fault.is_none() {
        report.blame(fault(
            None,
            "no signed checkpoint is stored, so the tree root is unchecked \
             (run `kirjuri ledger checkpoint`)",
        ));
    }

    // Each record row as it stands must be the record its leaf committed to, and every
    // record row must have a leaf.
    for table in RECORD_TABLES {
        let sql = format!(
            "SELECT k.idx, o.record, t.{key} IS NOT NULL AS present, {cols}
             FROM ledger_links k JOIN ledger_openings o ON o.idx = k.idx
             LEFT JOIN {name} t ON {cond}
             WHERE k.record_table = $1 AND k.idx >= $2 AND o.record IS NOT NULL
             ORDER BY k.idx LIMIT $3",
            key = table.key,
            cols = table.select_cols("t"),
            name = table.name,
            cond = table.link_condition(),
        );
        let mut after: i64 = 0;
        'rows: loop {
            let rows = sqlx::query(&sql)
                .bind(table.name)
                .bind(after)
                .bind(PAGE)
                .fetch_all(read)
                .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get::<i64, _>(0)? + 1;
            for row in &rows {
                let idx = u64::try_from(row.try_get::<i64, _>(0)?).ok();
                let present: bool = row
                    .try_get::<bool, _>("present")
                    .or_else(|_| row.try_get::<i64, _>("present").map(|p| p != 0))?;
                if !present {
                    report.blame(fault(idx, format!("its {} row is missing", table.name)));
                    break 'rows;
                }
                let stored: Vec<u8> = row.try_get(1)?;
                report.records_checked += 1;
                if table.canonical(row)? != stored {
                    report.blame(fault(
                        idx,
                        format!(
                            "the {} row differs from the record the leaf committed to",
                            table.name
                        ),
                    ));
                    break 'rows;
                }
            }
        }
        let key_text = if table.int_key {
            format!("CAST(t.{} AS TEXT)", table.key)
        } else {
            format!("t.{}", table.key)
        };
        let orphan: Option<String> = sqlx::query_scalar(&format!(
            "SELECT {key_text} FROM {name} t WHERE NOT EXISTS (
                 SELECT 1 FROM ledger_links k WHERE k.record_table = $1 AND k.record_key = {key_text})
             LIMIT 1",
            name = table.name
        ))
        .bind(table.name)
        .fetch_optional(read)
        .await?;
        if let Some(key) = orphan {
            report.blame(fault(
                None,
                format!("{} row {key} has no ledger leaf", table.name),
            ));
        }
    }
    if report.fault.is_none() {
        if let Some(f) = root_fault {
            report.blame(f);
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The canonical record as first defined: a sorted map serialized by serde_json.
    fn canonical_by_map(name: &str, cols: &[&str], values: &[Option<&str>]) -> Vec<u8> {
        let fields: BTreeMap<&str, Option<&str>> =
            cols.iter().copied().zip(values.iter().copied()).collect();
        let mut record = BTreeMap::new();
        record.insert("row", serde_json::to_value(fields).unwrap());
        record.insert("table", serde_json::Value::from(name));
        serde_json::to_vec(&record).unwrap()
    }

    #[test]
    fn issue4_canonical_records_are_byte_identical_to_the_sorted_map() {
        let tricky = [
            None,
            Some(""),
            Some("Merkintä \"lainattu\" \\ polku"),
            Some("rivi\nrivi\ttab\u{0}\u{1f}\u{7f}"),
            Some("åäö ÅÄÖ € 😀 \u{2028}\u{2029}"),
            Some("</script>&<>'"),
        ];
        for table in RECORD_TABLES {
            // Columns in byte order, none needing escaping: the writer relies on both.
            assert!(
                table
                    .cols
                    .windows(2)
                    .all(|w| w[0].as_bytes() < w[1].as_bytes()),
                "{} columns must be sorted",
                table.name
            );
            assert!(table
                .cols
                .iter()
                .all(|c| c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')));
            for shift in 0..tricky.len() {
                let values: Vec<Option<&str>> = (0..table.cols.len())
                    .map(|i| tricky[(i + shift) % tricky.len()])
                    .collect();
                let mut out = Vec::new();
                write_canonical::<StoreError>(
                    table.name,
                    table.cols,
                    values.iter().map(|v| Ok(*v)),
                    &mut out,
                )
                .unwrap();
                assert_eq!(
                    String::from_utf8(out).unwrap(),
                    String::from_utf8(canonical_by_map(table.name, table.cols, &values)).unwrap()
                );
            }
        }
    }

    #[test]
    fn hex32_fast_decodes_exactly_64_hex_digits() {
        let bytes: [u8; 32] = std::array::from_fn(|i| (i as u8).wrapping_mul(37));
        assert_eq!(hex32_fast(&hex::encode(bytes)), Some(bytes));
        assert_eq!(hex32_fast(&hex::encode_upper(bytes)), Some(bytes));
        let good = hex::encode(bytes);
        assert_eq!(hex32_fast(&good[..62]), None);
        assert_eq!(hex32_fast(&format!("{good}00")), None);
        for bad in ['g', 'G', ' ', '/', ':', '@', '`', 'é'] {
            let mut s = good.clone();
            s.replace_range(10..11, &bad.to_string());
            assert_eq!(hex32_fast(&s), None, "{bad:?}");
        }
    }
}

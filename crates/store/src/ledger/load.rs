//! The bulk loader (issue 14, national-scale data): rows a generator computed, each record row
//! with its ledger leaf, opening and link, written straight into the tables the store writes
//! — `COPY … FROM STDIN` on PostgreSQL, multi-row INSERTs in large transactions on SQLite —
//! instead of one write job per row. The canonical record of every row is computed here from
//! the values as they will be read back (every column the loader writes is text, or an integer
//! whose decimal text is the same on both backends), so `verify_ledger` recomputes the same
//! bytes from the committed row. Salts come from a seeded generator: the same seed and rows
//! give the same database.
//!
//! The loader bypasses the writer: nothing else may write to the database meanwhile. On
//! PostgreSQL one batch is written by a task of its own while the caller computes the next,
//! so the database and the generator work at once.

use kirjuri_ledger::{commit, EventType, Hash, LeafRecord};
use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};
use sqlx::{Connection, Executor};

use super::native::{self, NativeSource};
use super::proofs::StoredCheckpoint;
use super::tables::{
    write_canonical, RecordTable, ACCESS_LOG, APPOINTMENTS, BENEFIT_APPLICATIONS, CONTACT_METHODS,
    DECISIONS, ENTRIES, JOB_SEARCHES, JOB_SEARCH_ENDS, REGISTER_FACTS, RESPONSIBLE_EXPERTS,
};
use crate::{Store, StoreError};

/// A record table the loader fills, each row with its ledger leaf. A row's values are given
/// in the order of [`LoadTable::columns`] (the table's canonical columns, sorted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LoadTable {
    JobSearches,
    JobSearchEnds,
    Entries,
    Appointments,
    ContactMethods,
    ResponsibleExperts,
    RegisterFacts,
    Decisions,
    BenefitApplications,
    AccessLog,
}

/// Every record table the loader fills, in the order a batch writes them (references first).
const LOAD_ORDER: [LoadTable; 10] = [
    LoadTable::JobSearches,
    LoadTable::JobSearchEnds,
    LoadTable::Entries,
    LoadTable::Appointments,
    LoadTable::ContactMethods,
    LoadTable::ResponsibleExperts,
    LoadTable::RegisterFacts,
    LoadTable::Decisions,
    LoadTable::BenefitApplications,
    LoadTable::AccessLog,
];

impl LoadTable {
    fn table(self) -> &'static RecordTable {
        match self {
            Self::JobSearches => &JOB_SEARCHES,
            Self::JobSearchEnds => &JOB_SEARCH_ENDS,
            Self::Entries => &ENTRIES,
            Self::Appointments => &APPOINTMENTS,
            Self::ContactMethods => &CONTACT_METHODS,
            Self::ResponsibleExperts => &RESPONSIBLE_EXPERTS,
            Self::RegisterFacts => &REGISTER_FACTS,
            Self::Decisions => &DECISIONS,
            Self::BenefitApplications => &BENEFIT_APPLICATIONS,
            Self::AccessLog => &ACCESS_LOG,
        }
    }

    /// The columns a row gives values for, in this order: the table's canonical columns.
    pub fn columns(self) -> &'static [&'static str] {
        self.table().cols
    }

    /// The table's name.
    pub fn name(self) -> &'static str {
        self.table().name
    }
}

/// A table without ledger leaves the loader fills (registries and the record's helper tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PlainTable {
    Organisations,
    Users,
    /// Registered by a user.
    BenefitPayers,
    /// Recorded by a user.
    AdoptionDecisions,
    Clients,
    /// Written after the record tables: it references job searches.
    OpenJobSearches,
    /// Written after the record tables: it references entries.
    EntryFindings,
}

const PLAIN_BEFORE: [PlainTable; 5] = [
    PlainTable::Organisations,
    PlainTable::Users,
    PlainTable::BenefitPayers,
    PlainTable::AdoptionDecisions,
    PlainTable::Clients,
];
const PLAIN_AFTER: [PlainTable; 2] = [PlainTable::OpenJobSearches, PlainTable::EntryFindings];

impl PlainTable {
    /// The table's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Organisations => "organisations",
            Self::BenefitPayers => "benefit_payers",
            Self::AdoptionDecisions => "adoption_decisions",
            Self::Users => "users",
            Self::Clients => "clients",
            Self::OpenJobSearches => "open_job_searches",
            Self::EntryFindings => "entry_findings",
        }
    }

    /// The columns a row gives values for, in this order.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Self::Organisations => &["id", "kind", "name_fi", "name_sv"],
            Self::BenefitPayers => &[
                "id",
                "name_fi",
                "name_sv",
                "endpoint_url",
                "registered_at",
                "registered_by",
            ],
            Self::Users => &[
                "id",
                "username",
                "display_name",
                "role",
                "org_id",
                "client_id",
                "password_hash",
                "created_at",
            ],
            Self::AdoptionDecisions => &[
                "number",
                "decided_on",
                "rule_set_hashes",
                "quality_owner",
                "error_owner",
                "url",
                "retired_on",
                "recorded_at",
                "recorded_by",
            ],
            Self::Clients => &[
                "id",
                "hetu",
                "first_name",
                "last_name",
                "language",
                "org_id",
                "created_at",
                "created_by",
            ],
            Self::OpenJobSearches => &["client_id", "job_search_id"],
            Self::EntryFindings => &[
                "entry_id",
                "ord",
                "kind",
                "severity",
                "start_char",
                "end_char",
                "matched",
            ],
        }
    }
}

/// Columns stored as integers: bound as integers on SQLite, whose column affinity would
/// otherwise be the only thing making text `"1"` the integer 1.
fn int_column(col: &str) -> bool {
    matches!(
        col,
        "seq"
            | "flagged"
            | "duration_minutes"
            | "ord"
            | "start_char"
            | "end_char"
            | "employment_continues"
            | "active_degree_studies"
            | "active_business"
            | "resides_in_finland"
            | "vocational_qualification"
            | "partial_disability_pension"
            | "notice_acknowledged"
    )
}

/// One record row and what its leaf needs.
#[derive(Debug, Clone)]
struct LoadRecord {
    table: LoadTable,
    event_type: EventType,
    subject_id: String,
    values: Vec<Option<String>>,
    appended_at: String,
}

/// A batch of rows for [`BulkLoader::load`]: written in one transaction.
#[derive(Debug, Default)]
pub struct LoadBatch {
    plain: Vec<(PlainTable, Vec<Option<String>>)>,
    records: Vec<LoadRecord>,
}

impl LoadBatch {
    /// A row of a table without leaves, values in the order of [`PlainTable::columns`].
    pub fn plain(&mut self, table: PlainTable, values: Vec<Option<String>>) {
        self.plain.push((table, values));
    }

    /// A record row, values in the order of [`LoadTable::columns`], with the leaf's event
    /// type, the client it is about (pseudonymised with the ledger key) and the instant the
    /// leaf is appended (RFC 3339 text as the store writes it). Leaves follow in this order.
    pub fn record(
        &mut self,
        table: LoadTable,
        event_type: EventType,
        subject_id: &str,
        values: Vec<Option<String>>,
        appended_at: &str,
    ) {
        self.records.push(LoadRecord {
            table,
            event_type,
            subject_id: subject_id.to_owned(),
            values,
            appended_at: appended_at.to_owned(),
        });
    }

    /// Rows in the batch, leaves not counted.
    pub fn rows(&self) -> usize {
        self.plain.len() + self.records.len()
    }

    /// Record rows (each one leaf) in the batch.
    pub fn records(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.plain.is_empty() && self.records.is_empty()
    }
}

/// A record row made ready: its leaf's columns and opening.
struct Prepared {
    idx: i64,
    event_type: EventType,
    subject: [u8; 32],
    commitment: [u8; 32],
    leaf_hash: [u8; 32],
    salt: [u8; 32],
    record: Vec<u8>,
}

/// What one batch writes, table by table, computed before any of it is written.
struct Ready {
    plain: Vec<(PlainTable, Vec<Vec<Option<String>>>)>,
    records: Vec<(LoadTable, Vec<Vec<Option<String>>>)>,
    after: Vec<(PlainTable, Vec<Vec<Option<String>>>)>,
    leaves: Vec<Prepared>,
    links: Vec<(&'static str, String)>,
    appended: Vec<String>,
}

/// Loads generated rows with their ledger leaves; see the module documentation.
pub struct BulkLoader<'s> {
    store: &'s Store,
    conn: Option<Conn>,
    /// The PostgreSQL write of the previous batch, running while the next is computed.
    inflight: Option<tokio::task::JoinHandle<Result<Conn, StoreError>>>,
    rng: StdRng,
    next_idx: i64,
    base: i64,
    hashes: Vec<Hash>,
    /// The largest `seq` written per table with an identity key.
    max_seq: Vec<(&'static str, i64)>,
    subject_cache: (String, [u8; 32]),
    /// Rows written so far (record rows, their leaves, openings and links, and plain rows).
    pub rows_written: u64,
}

impl std::fmt::Debug for BulkLoader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BulkLoader")
            .field("next_idx", &self.next_idx)
            .field("rows_written", &self.rows_written)
            .finish_non_exhaustive()
    }
}

enum Conn {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl Store {
    /// A bulk loader appending after the ledger as it stands, its salts from `seed`. Nothing
    /// else may write to the database until [`BulkLoader::finish`].
    pub async fn bulk_loader(&self, seed: u64) -> Result<BulkLoader<'_>, StoreError> {
        self.keys()?;
        let base: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(idx) + 1, 0) FROM ledger_leaves")
            .fetch_one(&self.pool)
            .await?;
        let conn = match &*self.native {
            NativeSource::Sqlite { options, memory } => {
                let mut conn = NativeSource::sqlite(options, *memory, true).await?;
                // Generated data: losing it in a power cut costs a rerun. Restored in finish.
                conn.execute("PRAGMA synchronous = OFF").await?;
                Conn::Sqlite(conn)
            }
            NativeSource::Postgres(options) => {
                let mut conn = NativeSource::postgres(options).await?;
                conn.execute("SET synchronous_commit = off").await?;
                Conn::Postgres(conn)
            }
        };
        Ok(BulkLoader {
            store: self,
            conn: Some(conn),
            inflight: None,
            rng: StdRng::seed_from_u64(seed),
            next_idx: base,
            base,
            hashes: Vec::new(),
            max_seq: Vec::new(),
            subject_cache: (String::new(), [0; 32]),
            rows_written: 0,
        })
    }
}

impl BulkLoader<'_> {
    /// Leaves appended by this loader so far.
    pub fn leaves(&self) -> u64 {
        u64::try_from(self.next_idx - self.base).unwrap_or(0)
    }

    /// Computes the batch's canonical records, salts, commitments and leaf hashes, then writes
    /// it in one transaction (on PostgreSQL in the background: the call returns once the
    /// previous batch is committed and this one is under way).
    pub async fn load(&mut self, batch: LoadBatch) -> Result<(), StoreError> {
        let ready = self.prepare(batch)?;
        self.rows_written += (ready.plain.iter().map(|(_, r)| r.len()).sum::<usize>()
            + ready.after.iter().map(|(_, r)| r.len()).sum::<usize>()
            + ready.leaves.len() * 4) as u64;
        let conn = self.connection().await?;
        match conn {
            Conn::Sqlite(mut c) => {
                sqlite_batch(&mut c, &ready).await?;
                self.conn = Some(Conn::Sqlite(c));
            }
            Conn::Postgres(mut c) => {
                self.inflight = Some(tokio::spawn(async move {
                    postgres_batch(&mut c, &ready).await?;
                    Ok(Conn::Postgres(c))
                }));
            }
        }
        Ok(())
    }

    async fn connection(&mut self) -> Result<Conn, StoreError> {
        if let Some(task) = self.inflight.take() {
            return task
                .await
                .map_err(|e| StoreError::Corrupt(format!("bulk load task: {e}")))?;
        }
        self.conn
            .take()
            .ok_or_else(|| StoreError::Corrupt("bulk loader used after a failure".into()))
    }

    fn prepare(&mut self, batch: LoadBatch) -> Result<Ready, StoreError> {
        let keys = self.store.keys()?.clone();
        let mut plain: Vec<(PlainTable, Vec<Vec<Option<String>>>)> =
            PLAIN_BEFORE.iter().map(|t| (*t, Vec::new())).collect();
        let mut after: Vec<(PlainTable, Vec<Vec<Option<String>>>)> =
            PLAIN_AFTER.iter().map(|t| (*t, Vec::new())).collect();
        for (table, values) in batch.plain {
            check_width(table.name(), table.columns().len(), values.len())?;
            let slot = plain
                .iter_mut()
                .chain(after.iter_mut())
                .find(|(t, _)| *t == table);
            if let Some((_, rows)) = slot {
                rows.push(values);
            }
        }
        let mut records: Vec<(LoadTable, Vec<Vec<Option<String>>>)> =
            LOAD_ORDER.iter().map(|t| (*t, Vec::new())).collect();
        let mut leaves = Vec::with_capacity(batch.records.len());
        let mut links = Vec::with_capacity(batch.records.len());
        let mut appended = Vec::with_capacity(batch.records.len());
        for r in batch.records {
            let table = r.table.table();
            check_width(table.name, table.cols.len(), r.values.len())?;
            let mut record = Vec::with_capacity(64 + 40 * table.cols.len());
            write_canonical::<StoreError>(
                table.name,
                table.cols,
                r.values.iter().map(|v| Ok(v.as_deref())),
                &mut record,
            )?;
            if self.subject_cache.0 != r.subject_id {
                self.subject_cache = (r.subject_id.clone(), keys.subject(&r.subject_id));
            }
            let subject = self.subject_cache.1;
            let mut salt = [0u8; 32];
            self.rng.fill_bytes(&mut salt);
            let commitment = commit(&salt, &record);
            let leaf = LeafRecord {
                event_type: r.event_type,
                subject,
                commitment,
            };
            let leaf_hash = leaf.leaf_hash();
            self.hashes.push(leaf_hash);
            let key_pos = table
                .cols
                .iter()
                .position(|c| *c == table.key)
                .ok_or_else(|| StoreError::Corrupt(format!("{}: no key column", table.name)))?;
            let key = r.values[key_pos]
                .clone()
                .ok_or_else(|| StoreError::Corrupt(format!("{}: a row without key", table.name)))?;
            if table.int_key {
                let seq: i64 = key
                    .parse()
                    .map_err(|_| StoreError::Corrupt(format!("{}: seq {key:?}", table.name)))?;
                match self.max_seq.iter_mut().find(|(t, _)| *t == table.name) {
                    Some((_, max)) => *max = (*max).max(seq),
                    None => self.max_seq.push((table.name, seq)),
                }
            }
            links.push((table.name, key));
            appended.push(r.appended_at);
            leaves.push(Prepared {
                idx: self.next_idx,
                event_type: r.event_type,
                subject,
                commitment: *commitment.as_bytes(),
                leaf_hash: *leaf_hash.as_bytes(),
                salt,
                record,
            });
            self.next_idx += 1;
            if let Some((_, rows)) = records.iter_mut().find(|(t, _)| *t == r.table) {
                rows.push(r.values);
            }
        }
        Ok(Ready {
            plain,
            records,
            after,
            leaves,
            links,
            appended,
        })
    }

    /// Waits for the last batch, continues the identity sequences after the keys written,
    /// refreshes the planner's statistics, signs a checkpoint of the whole ledger and returns
    /// it.
    pub async fn finish(mut self) -> Result<StoredCheckpoint, StoreError> {
        let conn = self.connection().await?;
        match conn {
            Conn::Sqlite(mut c) => {
                c.execute("PRAGMA synchronous = FULL").await?;
                // Into the database file, as the server's checkpoints would have done long
                // since: a write-ahead log of the whole load makes every later read look each
                // page up in it.
                c.execute("PRAGMA wal_checkpoint(TRUNCATE)").await?;
                native::close(c).await;
            }
            Conn::Postgres(mut c) => {
                // COPY wrote the identity keys itself: each identity continues after them,
                // and never goes back below a key the sequence already gave out.
                for (table, max) in &self.max_seq {
                    sqlx::query(&format!(
                        "SELECT setval(pg_get_serial_sequence('{table}', 'seq'),
                                GREATEST($1, COALESCE(pg_sequence_last_value(
                                    pg_get_serial_sequence('{table}', 'seq')::regclass), 0)))"
                    ))
                    .bind(*max)
                    .execute(&mut c)
                    .await?;
                }
                native::close(c).await;
            }
        }
        {
            // The cached tree takes the new leaves if it had read every leaf before them.
            let mut tree = self.store.tree.lock().await;
            if i64::try_from(tree.size()).ok() == Some(self.base) {
                for h in self.hashes.drain(..) {
                    tree.push(h);
                }
            }
        }
        self.store.analyze().await?;
        self.store.ledger_checkpoint().await
    }
}

fn check_width(table: &str, want: usize, got: usize) -> Result<(), StoreError> {
    if want == got {
        Ok(())
    } else {
        Err(StoreError::Corrupt(format!(
            "bulk load of {table}: {got} values for {want} columns"
        )))
    }
}

/// Bound parameters per multi-row INSERT on SQLite.
const SQLITE_PARAMS: usize = 600;

fn marks(rows: usize, cols: usize) -> String {
    let mut out = String::with_capacity(rows * cols * 7);
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for c in 1..=cols {
            if c > 1 {
                out.push_str(", ");
            }
            out.push('$');
            out.push_str(&(r * cols + c).to_string());
        }
        out.push(')');
    }
    out
}

/// Inserts `rows` of `cols` into `table` in statements of as many rows as SQLite's bind
/// limit allows.
async fn sqlite_rows(
    conn: &mut sqlx::SqliteConnection,
    table: &str,
    cols: &[&str],
    rows: &[Vec<Option<String>>],
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    // sqlx looks each parameter's name up (`sqlite3_bind_parameter_name`), which costs time in
    // the number of parameters of the statement: a statement of 30 000 spent most of the load
    // there. About 600 a statement keeps it small beside the insert itself.
    let per = (SQLITE_PARAMS / cols.len()).max(1);
    let ints: Vec<bool> = cols.iter().map(|c| int_column(c)).collect();
    for chunk in rows.chunks(per) {
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES {}",
            cols.join(", "),
            marks(chunk.len(), cols.len())
        );
        let mut q = sqlx::query(&sql);
        for row in chunk {
            for (v, int) in row.iter().zip(&ints) {
                q = match (v, int) {
                    (Some(v), true) => q.bind(v.parse::<i64>().map_err(|_| {
                        StoreError::Corrupt(format!("bulk load of {table}: {v:?} is no integer"))
                    })?),
                    (Some(v), false) => q.bind(v.as_str()),
                    (None, _) => q.bind(None::<String>),
                };
            }
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

async fn sqlite_batch(conn: &mut sqlx::SqliteConnection, ready: &Ready) -> Result<(), StoreError> {
    let mut tx = conn.begin().await?;
    for (table, rows) in &ready.plain {
        sqlite_rows(&mut tx, table.name(), table.columns(), rows).await?;
    }
    for (table, rows) in &ready.records {
        sqlite_rows(&mut tx, table.name(), table.columns(), rows).await?;
    }
    for (table, rows) in &ready.after {
        sqlite_rows(&mut tx, table.name(), table.columns(), rows).await?;
    }
    let leaf_rows: Vec<Vec<Option<String>>> = ready
        .leaves
        .iter()
        .zip(&ready.appended)
        .map(|(l, at)| {
            vec![
                Some(l.idx.to_string()),
                Some(l.event_type.code().to_owned()),
                Some(hex::encode(l.subject)),
                Some(hex::encode(l.commitment)),
                Some(hex::encode(l.leaf_hash)),
                Some(at.clone()),
            ]
        })
        .collect();
    sqlite_rows(
        &mut tx,
        "ledger_leaves",
        &[
            "idx",
            "event_type",
            "subject",
            "commitment",
            "leaf_hash",
            "appended_at",
        ],
        &leaf_rows,
    )
    .await?;
    // Openings carry bytes: bound as a blob.
    for chunk in ready.leaves.chunks(SQLITE_PARAMS / 3) {
        let sql = format!(
            "INSERT INTO ledger_openings (idx, salt, record) VALUES {}",
            marks(chunk.len(), 3)
        );
        let mut q = sqlx::query(&sql);
        for l in chunk {
            q = q
                .bind(l.idx)
                .bind(hex::encode(l.salt))
                .bind(l.record.as_slice());
        }
        q.execute(&mut *tx).await?;
    }
    for (chunk_no, chunk) in ready.links.chunks(SQLITE_PARAMS / 3).enumerate() {
        let sql = format!(
            "INSERT INTO ledger_links (idx, record_table, record_key) VALUES {}",
            marks(chunk.len(), 3)
        );
        let mut q = sqlx::query(&sql);
        for (i, (table, key)) in chunk.iter().enumerate() {
            let idx = ready.leaves[chunk_no * (SQLITE_PARAMS / 3) + i].idx;
            q = q.bind(idx).bind(*table).bind(key.as_str());
        }
        q.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A value for COPY's text format: backslash, tab, newline and carriage return escaped.
fn copy_field(out: &mut Vec<u8>, value: &str) {
    if !value
        .bytes()
        .any(|b| matches!(b, b'\\' | b'\t' | b'\n' | b'\r'))
    {
        out.extend_from_slice(value.as_bytes());
        return;
    }
    for b in value.bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b => out.push(b),
        }
    }
}

fn copy_row<'a>(out: &mut Vec<u8>, fields: impl IntoIterator<Item = Option<&'a str>>) {
    for (i, f) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(b'\t');
        }
        match f {
            Some(v) => copy_field(out, v),
            None => out.extend_from_slice(b"\\N"),
        }
    }
    out.push(b'\n');
}

async fn copy_in(
    conn: &mut sqlx::PgConnection,
    sql: &str,
    data: Vec<u8>,
) -> Result<(), StoreError> {
    if data.is_empty() {
        return Ok(());
    }
    let mut copy = conn.copy_in_raw(sql).await?;
    copy.send(data).await?;
    copy.finish().await?;
    Ok(())
}

async fn copy_table(
    conn: &mut sqlx::PgConnection,
    table: &str,
    cols: &[&str],
    rows: &[Vec<Option<String>>],
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut data = Vec::with_capacity(rows.len() * cols.len() * 24);
    for row in rows {
        copy_row(&mut data, row.iter().map(|v| v.as_deref()));
    }
    let sql = format!("COPY {table} ({}) FROM STDIN", cols.join(", "));
    copy_in(conn, &sql, data).await
}

async fn postgres_batch(conn: &mut sqlx::PgConnection, ready: &Ready) -> Result<(), StoreError> {
    conn.execute("BEGIN").await?;
    for (table, rows) in &ready.plain {
        copy_table(conn, table.name(), table.columns(), rows).await?;
    }
    for (table, rows) in &ready.records {
        copy_table(conn, table.name(), table.columns(), rows).await?;
    }
    for (table, rows) in &ready.after {
        copy_table(conn, table.name(), table.columns(), rows).await?;
    }
    let n = ready.leaves.len();
    let mut leaves = Vec::with_capacity(n * 260);
    let mut openings = Vec::with_capacity(n * 900);
    let mut links = Vec::with_capacity(n * 64);
    let mut hex_buf = [0u8; 64];
    for (l, (at, (table, key))) in ready
        .leaves
        .iter()
        .zip(ready.appended.iter().zip(&ready.links))
    {
        let idx = l.idx.to_string();
        let subject = hex32(&l.subject, &mut hex_buf).to_owned();
        let commitment = hex32(&l.commitment, &mut hex_buf).to_owned();
        let leaf_hash = hex32(&l.leaf_hash, &mut hex_buf).to_owned();
        copy_row(
            &mut leaves,
            [
                Some(idx.as_str()),
                Some(l.event_type.code()),
                Some(subject.as_str()),
                Some(commitment.as_str()),
                Some(leaf_hash.as_str()),
                Some(at.as_str()),
            ],
        );
        // idx, salt, record as bytea in hex form (`\\x…`: the backslash escaped for COPY).
        openings.extend_from_slice(idx.as_bytes());
        openings.push(b'\t');
        openings.extend_from_slice(hex32(&l.salt, &mut hex_buf).as_bytes());
        openings.extend_from_slice(b"\t\\\\x");
        let start = openings.len();
        openings.resize(start + l.record.len() * 2, 0);
        hex::encode_to_slice(&l.record, &mut openings[start..])
            .map_err(|e| StoreError::Corrupt(format!("hex: {e}")))?;
        openings.push(b'\n');
        copy_row(
            &mut links,
            [Some(idx.as_str()), Some(*table), Some(key.as_str())],
        );
    }
    copy_in(
        conn,
        "COPY ledger_leaves (idx, event_type, subject, commitment, leaf_hash, appended_at) \
         FROM STDIN",
        leaves,
    )
    .await?;
    copy_in(
        conn,
        "COPY ledger_openings (idx, salt, record) FROM STDIN",
        openings,
    )
    .await?;
    copy_in(
        conn,
        "COPY ledger_links (idx, record_table, record_key) FROM STDIN",
        links,
    )
    .await?;
    conn.execute("COMMIT").await?;
    Ok(())
}

fn hex32<'b>(bytes: &[u8; 32], buf: &'b mut [u8; 64]) -> &'b str {
    // Encoding 32 bytes into 64 always succeeds, and hex digits are ASCII.
    let _ = hex::encode_to_slice(bytes, buf);
    std::str::from_utf8(buf).unwrap_or_default()
}

//! Whole-log verification over the database, with public keys only.

use std::fmt;
use std::num::NonZeroUsize;

use std::collections::HashSet;
use std::sync::Arc;

use kirjuri_ledger::{
    verify_log_parallel, Checkpoint, EventType, Hash, LeafRecord, LogFault, LogRow, Verifier,
};
use sha2::{Digest, Sha256};
use sqlx::postgres::PgConnection;
use sqlx::sqlite::SqliteConnection;
use sqlx::{Connection, Row};

use super::native::{self, copy_bool, copy_i64, copy_text, CopyDecoder, NativeSource};
use super::tables::{write_canonical, RecordTable, RECORD_TABLES};
use crate::{Store, StoreError};

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

/// A record as verification hands it to the verifier: a span of its batch's buffer, so a
/// batch of leaves costs two allocations, not one per leaf.
#[derive(Debug, Clone)]
struct Rec {
    buf: Arc<Vec<u8>>,
    start: usize,
    end: usize,
}

impl AsRef<[u8]> for Rec {
    fn as_ref(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }
}

type VerifyRow = LogRow<Rec>;

/// Leaves per batch handed from the reader to the verifier.
const BATCH: usize = 2048;

/// Batches the reader may be ahead of the verifier.
const BATCHES_AHEAD: usize = 4;

/// One batch of leaves, cut short at the first row that cannot be read as a leaf.
struct Batch {
    rows: Vec<VerifyRow>,
    fault: Option<LedgerFault>,
}

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
fn hex32_fast(s: &[u8]) -> Option<[u8; 32]> {
    let digits: &[u8; 64] = s.try_into().ok()?;
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

fn hex32_at(s: &[u8], at: Option<u64>, what: &str) -> Result<[u8; 32], LedgerFault> {
    hex32_fast(s).ok_or_else(|| fault(at, format!("ledger {what} is not 32 bytes of hex")))
}

/// One row of the leaf query ([`LEAVES_SQL`]) as either driver reads it, borrowed.
struct RawLeaf<'a> {
    idx: i64,
    event_type: &'a [u8],
    subject: &'a [u8],
    commitment: &'a [u8],
    leaf_hash: &'a [u8],
    salt: Option<&'a [u8]>,
    record: Option<&'a [u8]>,
    erased: bool,
    table: Option<&'a [u8]>,
    key: Option<&'a [u8]>,
}

/// Every leaf in index order with its opening and the record row it is linked to, if
/// any: one pass down the primary keys (each join is a lookup by `idx`), no sort. Its
/// columns are read by position (see [`RawLeaf`]).
const LEAVES_SQL: &str = "SELECT l.idx, l.event_type, l.subject, l.commitment, l.leaf_hash,
        o.salt, o.record, o.erased_at IS NOT NULL, k.record_table, k.record_key
     FROM ledger_leaves l
     LEFT JOIN ledger_openings o ON o.idx = l.idx
     LEFT JOIN ledger_links k ON k.idx = l.idx
     ORDER BY l.idx";

/// An order-independent digest of a set of (key, record) pairs: the sum of their keyed
/// SHA-256 digests, four 64-bit lanes. The key is drawn per run, after any tampering, so
/// nobody can choose rows whose digests cancel out. Two sets of distinct pairs have equal
/// digests only if they are equal (or SHA-256 is broken).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct SetDigest {
    sum: [u64; 4],
    count: u64,
}

impl SetDigest {
    fn add(&mut self, run_key: &[u8; 32], key: &[u8], record: &[u8]) {
        let mut h = Sha256::new();
        h.update(run_key);
        h.update((key.len() as u64).to_le_bytes());
        h.update(key);
        h.update(record);
        let d = h.finalize();
        for (lane, bytes) in self.sum.iter_mut().zip(d.chunks_exact(8)) {
            let mut word = [0u8; 8];
            word.copy_from_slice(bytes);
            *lane = lane.wrapping_add(u64::from_le_bytes(word));
        }
        self.count += 1;
    }
}

/// What the leaf pass learns about each record table: the digest of the records its
/// leaves committed to (with their keys), and the keys whose opening is erased (their
/// rows, if still there, are not compared).
#[derive(Debug, Default)]
struct Linked {
    committed: SetDigest,
    erased: HashSet<Vec<u8>>,
}

fn table_index(name: &[u8]) -> Option<usize> {
    RECORD_TABLES.iter().position(|t| t.name.as_bytes() == name)
}

/// A decoded leaf waiting for its batch: index, leaf, and salt and record span if opened.
type Pending = (u64, LeafRecord, Option<([u8; 32], usize, usize)>);

/// The reader's side of the leaf pass: decodes rows into batches for the verifier and
/// folds each linked leaf's record into its table's digest as it streams by.
struct Reader {
    tx: tokio::sync::mpsc::Sender<Batch>,
    rows: Vec<Pending>,
    buf: Vec<u8>,
    run_key: [u8; 32],
    linked: Vec<Linked>,
    /// The verifier stopped listening, or a row could not be read: the pass is cut short.
    stopped: bool,
    /// Where the checkpoints read in the pass's snapshot go, before any leaf.
    notes: Option<std::sync::mpsc::Sender<Notes>>,
}

impl Reader {
    fn new(
        tx: tokio::sync::mpsc::Sender<Batch>,
        notes: std::sync::mpsc::Sender<Notes>,
        run_key: [u8; 32],
    ) -> Self {
        Self {
            notes: Some(notes),
            tx,
            rows: Vec::with_capacity(BATCH),
            buf: Vec::with_capacity(BATCH * 512),
            run_key,
            linked: RECORD_TABLES.iter().map(|_| Linked::default()).collect(),
            stopped: false,
        }
    }

    fn checkpoints(&mut self, notes: Notes) {
        if let Some(tx) = self.notes.take() {
            let _ = tx.send(notes); // a verifier that is gone has nothing left to check
        }
    }

    /// Takes one leaf row; `false` when the pass must stop (a row that is no leaf).
    async fn leaf(&mut self, raw: RawLeaf<'_>) -> bool {
        match self.decode(&raw) {
            Ok(()) => {
                if self.rows.len() >= BATCH {
                    self.flush(None).await;
                }
            }
            Err(f) => {
                self.flush(Some(f)).await;
                self.stopped = true;
            }
        }
        !self.stopped
    }

    fn decode(&mut self, raw: &RawLeaf<'_>) -> Result<(), LedgerFault> {
        let at = u64::try_from(raw.idx).ok();
        let idx = at.ok_or_else(|| fault(None, format!("negative leaf index {}", raw.idx)))?;
        let code = std::str::from_utf8(raw.event_type)
            .map_err(|_| fault(at, "ledger event type is not text"))?;
        let event_type =
            EventType::from_code(code).map_err(|e| fault(at, format!("ledger event type: {e}")))?;
        let leaf = LeafRecord {
            event_type,
            subject: hex32_at(raw.subject, at, "subject")?,
            commitment: Hash::from_bytes(hex32_at(raw.commitment, at, "commitment")?),
        };
        if hex32_fast(raw.leaf_hash).as_ref() != Some(leaf.leaf_hash().as_bytes()) {
            return Err(fault(
                at,
                "stored leaf hash does not match the leaf's fields",
            ));
        }
        let opening = match (raw.salt, raw.record, raw.erased) {
            (Some(salt), Some(record), false) => {
                let salt = hex32_at(salt, at, "salt")?;
                let start = self.buf.len();
                self.buf.extend_from_slice(record);
                Some((salt, start, self.buf.len()))
            }
            (None, None, true) => None,
            // The left join's all-NULL row: no opening row (the table's CHECK constraint
            // allows no row without salt, record and erasure time).
            (None, None, false) => return Err(fault(at, "the leaf's opening row is missing")),
            _ => return Err(fault(at, "the opening is neither complete nor erased")),
        };
        if let (Some(table), Some(key)) = (raw.table, raw.key) {
            // Links to a table verification does not know are not compared (as before).
            if let Some(t) = table_index(table) {
                let linked = &mut self.linked[t];
                match raw.record {
                    Some(record) if opening.is_some() => {
                        linked.committed.add(&self.run_key, key, record)
                    }
                    _ => {
                        linked.erased.insert(key.to_vec());
                    }
                }
            }
        }
        self.rows.push((idx, leaf, opening));
        Ok(())
    }

    /// Hands the batch so far (and the fault that ends it) to the verifier.
    async fn flush(&mut self, fault: Option<LedgerFault>) {
        if self.stopped || (self.rows.is_empty() && fault.is_none()) {
            return;
        }
        let buf = Arc::new(std::mem::replace(
            &mut self.buf,
            Vec::with_capacity(BATCH * 512),
        ));
        let rows = self
            .rows
            .drain(..)
            .map(|(idx, leaf, opening)| {
                let opening = opening.map(|(salt, start, end)| {
                    (
                        salt,
                        Rec {
                            buf: buf.clone(),
                            start,
                            end,
                        },
                    )
                });
                (idx, leaf, opening)
            })
            .collect();
        if self.tx.send(Batch { rows, fault }).await.is_err() {
            self.stopped = true; // the verifier found a fault and stopped reading
        }
    }
}

/// The batches back as one row iterator for the verifier; stops after a batch that ends
/// in a fault.
struct Batches {
    rx: tokio::sync::mpsc::Receiver<Batch>,
    current: std::vec::IntoIter<VerifyRow>,
    done: bool,
    opened: u64,
    erased: u64,
    row_fault: Option<LedgerFault>,
}

impl Iterator for Batches {
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
            if self.done {
                return None;
            }
            // Runs on a blocking thread (`spawn_blocking`), never on the async runtime.
            match self.rx.blocking_recv() {
                None => self.done = true,
                Some(batch) => {
                    if batch.fault.is_some() {
                        self.row_fault = batch.fault;
                        self.done = true;
                    }
                    self.current = batch.rows.into_iter();
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

/// The rows of `table` as they stand, keys as text: a plain scan in storage order (the
/// digest does not care about order).
fn rows_sql(table: &RecordTable) -> String {
    format!(
        "SELECT {key}, {cols} FROM {name} t",
        key = table.key_as_text("t"),
        cols = table.select_cols("t"),
        name = table.name
    )
}

/// Folds one record row into `digest`, unless its leaf's opening is erased.
fn fold_row<'a, E>(
    table: &RecordTable,
    linked: &Linked,
    run_key: &[u8; 32],
    key: &[u8],
    values: impl Iterator<Item = Result<Option<&'a str>, E>>,
    buf: &mut Vec<u8>,
    digest: &mut SetDigest,
) -> Result<(), StoreError>
where
    StoreError: From<E>,
{
    if !linked.erased.is_empty() && linked.erased.contains(key) {
        return Ok(());
    }
    buf.clear();
    write_canonical(table.name, table.cols, values, buf)?;
    digest.add(run_key, key, buf);
    Ok(())
}

/// The signed checkpoints as stored, smallest first.
type Notes = Vec<(i64, String)>;

/// What one pass over the database found: the checkpoints, and per record table the
/// digest of its rows as they stand (`None` when the leaf pass was cut short and the rows
/// were not read).
struct Pass {
    rows: Option<Vec<SetDigest>>,
}

const NOTES_SQL: &str = "SELECT size, note FROM ledger_checkpoints ORDER BY size";

/// Leaf indexes (or record rows) per SQLite query. Each query answers one value: the
/// page's rows, each encoded by [`sqlite_field`] and concatenated. A row handed through
/// sqlx's SQLite worker costs a thread hand-off and an allocation per column; a page of
/// them costs one. Small enough that the page's copies stay in the CPU's cache.
const SQLITE_PAGE: i64 = 512;

/// `octet_length(x)`, `:`, `x` as arguments of `concat()`: the byte length is `-` for NULL
/// (and `concat` adds nothing for the NULL itself), so any bytes can follow.
fn sqlite_field(x: &str) -> String {
    format!("COALESCE(octet_length({x}), '-'), ':', {x}")
}

/// The leaves with index in `[$1, $2)`, their openings and links, as one value: a range on
/// the primary key, no sort. [`LeafPage`] reads it.
fn sqlite_leaves_sql() -> String {
    let fields = [
        "l.idx",
        "l.event_type",
        "l.subject",
        "l.commitment",
        "l.leaf_hash",
        "o.salt",
        "o.record",
        "(o.erased_at IS NOT NULL)",
        "k.record_table",
        "k.record_key",
    ]
    .map(sqlite_field)
    .join(", ");
    format!(
        "SELECT CAST(group_concat(concat({fields}), '') AS BLOB)
         FROM ledger_leaves l
         LEFT JOIN ledger_openings o ON o.idx = l.idx
         LEFT JOIN ledger_links k ON k.idx = l.idx
         WHERE l.idx >= $1 AND l.idx < $2"
    )
}

/// The next [`SQLITE_PAGE`] rows of `table` after rowid `$1`, in rowid order (the table's
/// own B-tree, walked; no sort), as the last rowid and one value of key and columns.
fn sqlite_rows_sql(table: &RecordTable) -> String {
    let mut fields = vec![sqlite_field(&table.key_as_text("t"))];
    fields.extend(
        table
            .cols
            .iter()
            .map(|c| sqlite_field(&format!("CAST(t.{c} AS TEXT)"))),
    );
    format!(
        "SELECT MAX(r), CAST(group_concat(e, '') AS BLOB) FROM (
             SELECT t.rowid AS r, concat({fields}) AS e FROM {name} t
             WHERE t.rowid > $1 ORDER BY t.rowid LIMIT {SQLITE_PAGE})",
        fields = fields.join(", "),
        name = table.name
    )
}

/// Reads the fields [`sqlite_field`] wrote, one after another.
struct Fields<'a> {
    bytes: &'a [u8],
}

impl<'a> Fields<'a> {
    fn next_field(&mut self) -> Result<Option<&'a [u8]>, StoreError> {
        let colon = self
            .bytes
            .iter()
            .position(|&b| b == b':')
            .ok_or_else(|| StoreError::Corrupt("a ledger page ends inside a field".into()))?;
        let (len, rest) = (&self.bytes[..colon], &self.bytes[colon + 1..]);
        if len == b"-" {
            self.bytes = rest;
            return Ok(None);
        }
        let len: usize = std::str::from_utf8(len)
            .ok()
            .and_then(|l| l.parse().ok())
            .filter(|&l| l <= rest.len())
            .ok_or_else(|| StoreError::Corrupt("a ledger page has a bad field length".into()))?;
        let (value, rest) = rest.split_at(len);
        self.bytes = rest;
        Ok(Some(value))
    }

    fn text(&mut self) -> Result<Option<&'a str>, StoreError> {
        self.next_field()?
            .map(|v| {
                std::str::from_utf8(v)
                    .map_err(|_| StoreError::Corrupt("a record column is not UTF-8".into()))
            })
            .transpose()
    }

    fn int(&mut self) -> Result<i64, StoreError> {
        self.text()?
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| StoreError::Corrupt("a ledger page has a bad integer".into()))
    }
}

/// The pass on SQLite: one read transaction (one snapshot) on a native connection, the
/// leaves read a page of indexes per query, then each record table a page of rows per
/// query.
async fn pass_sqlite(conn: &mut SqliteConnection, reader: &mut Reader) -> Result<Pass, StoreError> {
    use sqlx::Executor as _;
    // Map the file instead of reading it through the page cache one page per call.
    conn.execute("PRAGMA mmap_size = 2147418112; PRAGMA cache_size = -65536")
        .await?;
    let mut tx = conn.begin().await?;
    reader.checkpoints(sqlx::query_as(NOTES_SQL).fetch_all(&mut *tx).await?);
    let top: Option<i64> = sqlx::query_scalar("SELECT MAX(idx) FROM ledger_leaves")
        .fetch_one(&mut *tx)
        .await?;
    let leaves_sql = sqlite_leaves_sql();
    let mut order: Vec<(i64, usize)> = Vec::with_capacity(SQLITE_PAGE as usize);
    let mut first = 0;
    'pages: while top.is_some_and(|top| first <= top) {
        let page: Option<Vec<u8>> = sqlx::query_scalar(&leaves_sql)
            .bind(first)
            .bind(first + SQLITE_PAGE)
            .fetch_one(&mut *tx)
            .await?;
        first += SQLITE_PAGE;
        let Some(page) = page else { continue };
        // The page's leaves in index order, whatever order the aggregate met them in.
        order.clear();
        let mut fields = Fields { bytes: &page };
        while !fields.bytes.is_empty() {
            let at = page.len() - fields.bytes.len();
            order.push((fields.int()?, at));
            for _ in 0..9 {
                fields.next_field()?;
            }
        }
        if !order.is_sorted() {
            order.sort_unstable();
        }
        for &(_, at) in &order {
            let mut f = Fields { bytes: &page[at..] };
            let idx = f.int()?;
            let raw = RawLeaf {
                idx,
                event_type: f.next_field()?.unwrap_or_default(),
                subject: f.next_field()?.unwrap_or_default(),
                commitment: f.next_field()?.unwrap_or_default(),
                leaf_hash: f.next_field()?.unwrap_or_default(),
                salt: f.next_field()?,
                record: f.next_field()?,
                erased: f.next_field()? == Some(b"1"),
                table: f.next_field()?,
                key: f.next_field()?,
            };
            if !reader.leaf(raw).await {
                break 'pages;
            }
        }
    }
    reader.flush(None).await;
    if reader.stopped {
        return Ok(Pass { rows: None });
    }
    let mut digests = Vec::with_capacity(RECORD_TABLES.len());
    let mut buf = Vec::with_capacity(1024);
    for (table, linked) in RECORD_TABLES.iter().zip(&reader.linked) {
        let mut digest = SetDigest::default();
        let sql = sqlite_rows_sql(table);
        let mut after = 0i64;
        loop {
            let (last, page): (Option<i64>, Option<Vec<u8>>) =
                sqlx::query_as(&sql).bind(after).fetch_one(&mut *tx).await?;
            let (Some(last), Some(page)) = (last, page) else {
                break;
            };
            after = last;
            let mut fields = Fields { bytes: &page };
            while !fields.bytes.is_empty() {
                let key = fields.next_field()?.unwrap_or_default();
                let mut values = Vec::with_capacity(table.cols.len());
                for _ in table.cols {
                    values.push(fields.text());
                }
                fold_row(
                    table,
                    linked,
                    &reader.run_key,
                    key,
                    values.into_iter(),
                    &mut buf,
                    &mut digest,
                )?;
            }
        }
        digests.push(digest);
    }
    tx.commit().await?;
    Ok(Pass {
        rows: Some(digests),
    })
}

/// The pass on PostgreSQL: one repeatable-read transaction (one snapshot) on a native
/// connection, every query a binary COPY. Sorting is switched off for the transaction so
/// the planner walks the primary keys even before `ANALYZE` has run.
async fn pass_postgres(conn: &mut PgConnection, reader: &mut Reader) -> Result<Pass, StoreError> {
    use futures_util::TryStreamExt as _;
    sqlx::raw_sql(
        "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
         SET LOCAL enable_sort = off; SET LOCAL enable_hashjoin = off;",
    )
    .execute(&mut *conn)
    .await?;
    reader.checkpoints(sqlx::query_as(NOTES_SQL).fetch_all(&mut *conn).await?);
    let mut dec = CopyDecoder::default();
    {
        let mut stream = conn
            .copy_out_raw(&format!("COPY ({LEAVES_SQL}) TO STDOUT (FORMAT binary)"))
            .await?;
        'stream: while let Some(chunk) = stream.try_next().await? {
            dec.push(&chunk);
            while dec.advance()? {
                if dec.len() != 10 {
                    return Err(StoreError::Corrupt("leaf row of the wrong width".into()));
                }
                let raw = RawLeaf {
                    idx: copy_i64(dec.field(0))?,
                    event_type: dec.field(1).unwrap_or_default(),
                    subject: dec.field(2).unwrap_or_default(),
                    commitment: dec.field(3).unwrap_or_default(),
                    leaf_hash: dec.field(4).unwrap_or_default(),
                    salt: dec.field(5),
                    record: dec.field(6),
                    erased: copy_bool(dec.field(7))?,
                    table: dec.field(8),
                    key: dec.field(9),
                };
                if !reader.leaf(raw).await {
                    break 'stream;
                }
            }
        }
    }
    reader.flush(None).await;
    if reader.stopped {
        // The COPY was left unfinished: the connection is dropped, not reused.
        return Ok(Pass { rows: None });
    }
    if !dec.finished() {
        return Err(StoreError::Corrupt(
            "the COPY of the leaves ended early".into(),
        ));
    }
    let mut digests = Vec::with_capacity(RECORD_TABLES.len());
    let mut buf = Vec::with_capacity(1024);
    for (table, linked) in RECORD_TABLES.iter().zip(&reader.linked) {
        let mut digest = SetDigest::default();
        let mut dec = CopyDecoder::default();
        let sql = format!("COPY ({}) TO STDOUT (FORMAT binary)", rows_sql(table));
        let mut stream = conn.copy_out_raw(&sql).await?;
        while let Some(chunk) = stream.try_next().await? {
            dec.push(&chunk);
            while dec.advance()? {
                let key = dec.field(0).unwrap_or_default();
                let values = (1..=table.cols.len()).map(|i| copy_text(dec.field(i)));
                fold_row(
                    table,
                    linked,
                    &reader.run_key,
                    key,
                    values,
                    &mut buf,
                    &mut digest,
                )?;
            }
        }
        digests.push(digest);
    }
    sqlx::raw_sql("COMMIT").execute(&mut *conn).await?;
    Ok(Pass {
        rows: Some(digests),
    })
}

/// The first row of `table` that does not match the record its leaf committed to, or has
/// no leaf: the slow, exact comparison, run only for a table whose digests differ (or
/// when the leaf pass was cut short). One query in link order; faults are blamed on
/// `report`. Returns the rows compared.
async fn locate(
    read: &sqlx::AnyPool,
    table: &RecordTable,
    report: &mut LedgerReport,
) -> Result<u64, StoreError> {
    use futures_util::TryStreamExt as _;
    let sql = format!(
        "SELECT k.idx, o.record, CASE WHEN t.{key} IS NULL THEN 0 ELSE 1 END AS present, {cols}
         FROM ledger_links k JOIN ledger_openings o ON o.idx = k.idx
         LEFT JOIN {name} t ON {cond}
         WHERE k.record_table = $1 AND o.record IS NOT NULL
         ORDER BY k.idx",
        key = table.key,
        cols = table.select_cols("t"),
        name = table.name,
        cond = table.link_condition(),
    );
    let mut checked = 0;
    {
        let mut rows = sqlx::query(&sql).bind(table.name).fetch(read);
        while let Some(row) = rows.try_next().await? {
            let idx = u64::try_from(row.try_get::<i64, _>(0)?).ok();
            if row.try_get::<i64, _>(2)? == 0 {
                report.blame(fault(idx, format!("its {} row is missing", table.name)));
                break;
            }
            let stored: &[u8] = row.try_get(1)?;
            checked += 1;
            if table.canonical(&row)? != stored {
                report.blame(fault(
                    idx,
                    format!(
                        "the {} row differs from the record the leaf committed to",
                        table.name
                    ),
                ));
                break;
            }
        }
    }
    let key_text = table.key_as_text("t");
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
    Ok(checked)
}

/// Whole-log verification over the database (see [`crate::Store::verify_ledger`]).
async fn verify(store: &Store, verifiers: &[Verifier]) -> Result<LedgerReport, StoreError> {
    // The leaves are read by this task and verified on a blocking thread that runs the
    // pure verifier on every core, a few batches behind. The checkpoints come first, from
    // the same snapshot as the leaves.
    let (tx, rx) = tokio::sync::mpsc::channel(BATCHES_AHEAD);
    let (notes_tx, notes_rx) = std::sync::mpsc::channel::<Notes>();
    let threads = std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN);
    let verifiers = verifiers.to_vec();
    let verifier = tokio::task::spawn_blocking(move || {
        let mut report = LedgerReport::default();
        let mut checkpoints = Vec::new();
        for (size, note) in notes_rx.recv().unwrap_or_default() {
            match Checkpoint::open(&note, &verifiers) {
                Ok((cp, _)) if i64::try_from(cp.size).ok() == Some(size) => checkpoints.push(cp),
                Ok((cp, _)) => report.blame(fault(
                    None,
                    format!("the checkpoint stored as size {size} says size {}", cp.size),
                )),
                Err(e) => report.blame(fault(None, format!("checkpoint of size {size}: {e}"))),
            }
        }
        report.checkpoints = checkpoints.len();
        let mut rows = Batches {
            rx,
            current: Vec::new().into_iter(),
            done: false,
            opened: 0,
            erased: 0,
            row_fault: None,
        };
        let outcome = verify_log_parallel(&mut rows, &checkpoints, threads);
        // A verifier that stopped at a fault reads no further: the reader must not wait.
        rows.rx.close();
        (report, outcome, rows)
    });
    let mut reader = Reader::new(tx, notes_tx, store.ids.salt());
    let pass = match &*store.native {
        NativeSource::Sqlite { options, memory } => {
            // An in-memory database is shared with the writer's connection: hold it, so no
            // write runs beside the read (see `NativeSource::Sqlite`).
            let writer = match memory {
                true => Some(store.pool.acquire().await?),
                false => None,
            };
            let pass = match NativeSource::sqlite(options, *memory, false).await {
                Ok(mut conn) => {
                    let pass = pass_sqlite(&mut conn, &mut reader).await;
                    native::close(conn).await;
                    pass
                }
                Err(e) => Err(e),
            };
            drop(writer);
            pass
        }
        NativeSource::Postgres(options) => match NativeSource::postgres(options).await {
            Ok(mut conn) => {
                let pass = pass_postgres(&mut conn, &mut reader).await;
                // A COPY left unfinished leaves the connection unusable: it is dropped.
                if matches!(&pass, Ok(p) if p.rows.is_some()) {
                    native::close(conn).await;
                }
                pass
            }
            Err(e) => Err(e),
        },
    };
    let Reader {
        linked, tx, notes, ..
    } = reader;
    drop((tx, notes)); // the verifier sees the end of the leaves
    let (mut report, outcome, rows) = verifier
        .await
        .map_err(|e| StoreError::Corrupt(format!("ledger verifier stopped: {e}")))?;
    let pass = pass?;
    let Batches {
        opened,
        erased,
        row_fault,
        ..
    } = rows;
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
    if report.checkpoints == 0 && report.leaves > 0 && report.fault.is_none() {
        report.blame(fault(
            None,
            "no signed checkpoint is stored, so the tree root is unchecked \
             (run `kirjuri ledger checkpoint`)",
        ));
    }

    // Each record row as it stands must be the record its leaf committed to, and every
    // record row must have a leaf: the digest of the rows equals the digest of the
    // committed records. Where it does not (or the leaves were not all read), the exact
    // comparison finds the row.
    for (i, table) in RECORD_TABLES.iter().enumerate() {
        match &pass.rows {
            Some(rows) if rows[i] == linked[i].committed => {
                report.records_checked += rows[i].count;
            }
            _ => report.records_checked += locate(&store.read, table, &mut report).await?,
        }
    }
    if report.fault.is_none() {
        if let Some(f) = root_fault {
            report.blame(f);
        }
    }
    Ok(report)
}

impl Store {
    /// Verifies the whole ledger as stored, with only public keys: every stored checkpoint's
    /// signature, every leaf's fields against its stored hash, every opening against its
    /// commitment, the tree root at every checkpoint, and every record row against the record
    /// its leaf committed to. The report names the first bad leaf.
    pub async fn verify_ledger(&self, verifiers: &[Verifier]) -> Result<LedgerReport, StoreError> {
        verify(self, verifiers).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex32_fast_decodes_exactly_64_hex_digits() {
        let bytes: [u8; 32] = std::array::from_fn(|i| (i as u8).wrapping_mul(37));
        assert_eq!(hex32_fast(hex::encode(bytes).as_bytes()), Some(bytes));
        assert_eq!(hex32_fast(hex::encode_upper(bytes).as_bytes()), Some(bytes));
        let good = hex::encode(bytes);
        assert_eq!(hex32_fast(&good.as_bytes()[..62]), None);
        assert_eq!(hex32_fast(format!("{good}00").as_bytes()), None);
        for bad in ['g', 'G', ' ', '/', ':', '@', '`', 'é'] {
            let mut s = good.clone();
            s.replace_range(10..11, &bad.to_string());
            assert_eq!(hex32_fast(s.as_bytes()), None, "{bad:?}");
        }
    }
}

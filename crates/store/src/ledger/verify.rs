//! Whole-log verification over the database, with public keys only.

use std::fmt;
use std::num::NonZeroUsize;

use kirjuri_ledger::{
    verify_log_parallel, Checkpoint, EventType, Hash, LeafRecord, LogFault, LogRow, Verifier,
};
use sqlx::any::AnyRow;
use sqlx::Row;

use super::tables::RECORD_TABLES;
use super::PAGE;
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
async fn verify(read: &sqlx::AnyPool, verifiers: &[Verifier]) -> Result<LedgerReport, StoreError> {
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

impl Store {
    /// Verifies the whole ledger as stored, with only public keys: every stored checkpoint's
    /// signature, every leaf's fields against its stored hash, every opening against its
    /// commitment, the tree root at every checkpoint, and every record row against the record
    /// its leaf committed to. The report names the first bad leaf.
    pub async fn verify_ledger(&self, verifiers: &[Verifier]) -> Result<LedgerReport, StoreError> {
        verify(&self.read, verifiers).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

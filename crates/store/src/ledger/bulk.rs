//! A ledger of realistic rows in bulk, for benchmarks and tests of verification at scale
//! (feature `testing`, issue 16): access-log rows and journal entries, each with its leaf,
//! opening and link, written straight into the tables the store writes (multi-row INSERTs
//! on SQLite, `COPY … FROM STDIN` on PostgreSQL) instead of one write job per row, so a
//! million leaves take seconds to minutes instead of hours. Verification reads them exactly
//! as it reads rows written by the store.

use chrono::{DateTime, Duration, Utc};
use kirjuri_domain::{ClientId, User};
use kirjuri_ledger::{commit, EventType, LeafRecord};
use sqlx::{Connection, Executor};

use super::native::{self, NativeSource};
use super::tables::{write_canonical, ACCESS_LOG, ENTRIES};
use crate::rows::ts;
use crate::{Store, StoreError};

/// Leaves generated and written per round.
const ROUND: usize = 20_000;

/// Rows per multi-row INSERT on SQLite (10 columns at most: below its 32 766 parameters).
const SQLITE_ROWS: usize = 500;

/// One generated leaf and its record row.
struct Gen {
    idx: i64,
    event_type: EventType,
    subject: [u8; 32],
    salt: [u8; 32],
    record: Vec<u8>,
    leaf_hash: [u8; 32],
    commitment: [u8; 32],
    row: Row,
}

enum Row {
    /// seq, at, client_id
    Access(i64, String, String),
    /// id, client_id, text, at
    Entry(String, String, String, String),
}

impl Store {
    /// Appends `n` leaves of realistic record rows by `official` about `clients` (in turn):
    /// four access-log rows (a read of the client's entries) to one journal entry. Every
    /// row, leaf, opening and link is what the store itself would write, with times from
    /// `start` a millisecond apart. For benchmarks and scale tests only: it bypasses the
    /// writer, so nothing else may write meanwhile. Runs `ANALYZE` at the end.
    ///
    /// `hashed`, if given, receives per leaf the bytes verification hashes (salt, record,
    /// canonical leaf encoding), for a baseline of raw SHA-256 over the same bytes.
    pub async fn bulk_load_ledger(
        &self,
        n: u64,
        official: &User,
        clients: &[ClientId],
        start: DateTime<Utc>,
        mut hashed: Option<&mut Vec<u8>>,
    ) -> Result<(), StoreError> {
        let keys = self.keys()?.clone();
        if clients.is_empty() {
            return Err(StoreError::NotFound("client"));
        }
        let base: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(idx) + 1, 0) FROM ledger_leaves")
            .fetch_one(&self.pool)
            .await?;
        let seq_base: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) + 1 FROM access_log")
            .fetch_one(&self.pool)
            .await?;
        let subjects: Vec<(String, [u8; 32])> = clients
            .iter()
            .map(|c| (c.to_string(), keys.subject(&c.to_string())))
            .collect();
        let user = official.id.to_string();
        let org = official.org_id.map(|o| o.to_string());
        let n = i64::try_from(n).map_err(|_| StoreError::NotFound("ledger size"))?;
        let mut hashes = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
        let (mut next_seq, mut done) = (seq_base, 0i64);
        let mut conn = Bulk::open(self).await?;
        while done < n {
            let size = (n - done).min(ROUND as i64);
            let mut round = Vec::with_capacity(size as usize);
            for i in done..done + size {
                let (client, subject) = &subjects[i as usize % subjects.len()];
                let at = ts(start + Duration::milliseconds(i));
                let (event_type, row, record) = if i % 5 == 4 {
                    let id = self.ids.next().to_string();
                    let text = entry_text(i);
                    let values = [
                        Some(user.as_str()),
                        Some(client),
                        None,
                        None,
                        Some("{}"),
                        Some(at.as_str()),
                        Some(id.as_str()),
                        Some("contact"),
                        Some(at.as_str()),
                        Some(text.as_str()),
                    ];
                    let record = canonical(ENTRIES.name, ENTRIES.cols, &values)?;
                    let row = Row::Entry(id, client.clone(), text, at);
                    (EventType::Entry, row, record)
                } else {
                    let seq = next_seq.to_string();
                    next_seq += 1;
                    let values = [
                        Some("read"),
                        Some(at.as_str()),
                        Some(client),
                        Some("0"),
                        org.as_deref(),
                        Some("asiakaspalvelu"),
                        Some("entries"),
                        Some("official"),
                        Some(seq.as_str()),
                        Some(user.as_str()),
                    ];
                    let record = canonical(ACCESS_LOG.name, ACCESS_LOG.cols, &values)?;
                    (
                        EventType::Access,
                        Row::Access(next_seq - 1, at, client.clone()),
                        record,
                    )
                };
                let salt = self.ids.salt();
                let leaf = LeafRecord {
                    event_type,
                    subject: *subject,
                    commitment: commit(&salt, &record),
                };
                let leaf_hash = leaf.leaf_hash();
                hashes.push(leaf_hash);
                if let Some(out) = hashed.as_deref_mut() {
                    out.extend_from_slice(&salt);
                    out.extend_from_slice(&record);
                    leaf.encode_into(out);
                }
                round.push(Gen {
                    idx: base + i,
                    event_type,
                    subject: *subject,
                    salt,
                    record,
                    leaf_hash: *leaf_hash.as_bytes(),
                    commitment: *leaf.commitment.as_bytes(),
                    row,
                });
            }
            conn.write(&round, &user, org.as_deref()).await?;
            done += size;
        }
        conn.finish().await?;
        // The cached tree takes the new leaves if it had read every leaf before them.
        let mut tree = self.tree.lock().await;
        if i64::try_from(tree.size()).ok() == Some(base) {
            for h in hashes {
                tree.push(h);
            }
        }
        drop(tree);
        self.analyze().await
    }
}

fn canonical(name: &str, cols: &[&str], values: &[Option<&str>]) -> Result<Vec<u8>, StoreError> {
    let mut out = Vec::with_capacity(400);
    write_canonical::<StoreError>(name, cols, values.iter().map(|v| Ok(*v)), &mut out)?;
    Ok(out)
}

/// A journal entry's text of ordinary length, different for every `i`.
fn entry_text(i: i64) -> String {
    format!(
        "Puhelinkeskustelu {i}: asiakas kertoi hakeneensa kolmea paikkaa ja käyneensä \
         yhdessä haastattelussa. Sovittiin, että hän päivittää työnhakuprofiilinsa ja \
         osallistuu ensi viikon rekrytointitilaisuuteen."
    )
}

/// The connection a bulk load writes through.
enum Bulk {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl Bulk {
    async fn open(store: &Store) -> Result<Self, StoreError> {
        Ok(match &*store.native {
            NativeSource::Sqlite { options, memory } => {
                let mut conn = NativeSource::sqlite(options, *memory, true).await?;
                // A benchmark's data: losing it in a power cut costs a rerun.
                conn.execute("PRAGMA synchronous = OFF").await?;
                Self::Sqlite(conn)
            }
            NativeSource::Postgres(options) => {
                let mut conn = NativeSource::postgres(options).await?;
                conn.execute("SET synchronous_commit = off").await?;
                Self::Postgres(conn)
            }
        })
    }

    async fn write(
        &mut self,
        round: &[Gen],
        user: &str,
        org: Option<&str>,
    ) -> Result<(), StoreError> {
        match self {
            Self::Sqlite(conn) => sqlite_round(conn, round, user, org).await,
            Self::Postgres(conn) => postgres_round(conn, round, user, org).await,
        }
    }

    async fn finish(self) -> Result<(), StoreError> {
        match self {
            Self::Sqlite(mut conn) => {
                // Into the database file, as the server's checkpoints would have done long
                // since: a write-ahead log of the whole load makes every later read look
                // each page up in it.
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").await?;
                native::close(conn).await;
            }
            Self::Postgres(mut conn) => {
                // COPY wrote the access log's keys itself: its identity continues after them.
                conn.execute(
                    "SELECT setval(pg_get_serial_sequence('access_log', 'seq'),
                        (SELECT MAX(seq) FROM access_log))",
                )
                .await?;
                native::close(conn).await;
            }
        }
        Ok(())
    }
}

fn marks(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            let p: Vec<String> = (1..=cols).map(|c| format!("${}", r * cols + c)).collect();
            format!("({})", p.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

async fn sqlite_round(
    conn: &mut sqlx::SqliteConnection,
    round: &[Gen],
    user: &str,
    org: Option<&str>,
) -> Result<(), StoreError> {
    let mut tx = conn.begin().await?;
    for chunk in round.chunks(SQLITE_ROWS) {
        let access: Vec<&Gen> = chunk
            .iter()
            .filter(|g| matches!(g.row, Row::Access(..)))
            .collect();
        if !access.is_empty() {
            let sql = format!(
                "INSERT INTO access_log (seq, at, user_id, role, org_id, client_id, action,
                 resource, purpose, flagged) VALUES {}",
                marks(access.len(), 10)
            );
            let mut q = sqlx::query(&sql);
            for g in &access {
                if let Row::Access(seq, at, client) = &g.row {
                    q = q
                        .bind(*seq)
                        .bind(at.as_str())
                        .bind(user)
                        .bind("official")
                        .bind(org)
                        .bind(client.as_str())
                        .bind("read")
                        .bind("entries")
                        .bind("asiakaspalvelu")
                        .bind(0i64);
                }
            }
            q.execute(&mut *tx).await?;
        }
        let entries: Vec<&Gen> = chunk
            .iter()
            .filter(|g| matches!(g.row, Row::Entry(..)))
            .collect();
        if !entries.is_empty() {
            let sql = format!(
                "INSERT INTO entries (id, client_id, kind, text, details, event_at, recorded_at,
                 author_id) VALUES {}",
                marks(entries.len(), 8)
            );
            let mut q = sqlx::query(&sql);
            for g in &entries {
                if let Row::Entry(id, client, text, at) = &g.row {
                    q = q
                        .bind(id.as_str())
                        .bind(client.as_str())
                        .bind("contact")
                        .bind(text.as_str())
                        .bind("{}")
                        .bind(at.as_str())
                        .bind(at.as_str())
                        .bind(user);
                }
            }
            q.execute(&mut *tx).await?;
        }
        let sql = format!(
            "INSERT INTO ledger_leaves (idx, event_type, subject, commitment, leaf_hash,
             appended_at) VALUES {}",
            marks(chunk.len(), 6)
        );
        let mut q = sqlx::query(&sql);
        for g in chunk {
            q = q
                .bind(g.idx)
                .bind(g.event_type.code())
                .bind(hex::encode(g.subject))
                .bind(hex::encode(g.commitment))
                .bind(hex::encode(g.leaf_hash))
                .bind(row_at(&g.row));
        }
        q.execute(&mut *tx).await?;
        let sql = format!(
            "INSERT INTO ledger_openings (idx, salt, record) VALUES {}",
            marks(chunk.len(), 3)
        );
        let mut q = sqlx::query(&sql);
        for g in chunk {
            q = q
                .bind(g.idx)
                .bind(hex::encode(g.salt))
                .bind(g.record.as_slice());
        }
        q.execute(&mut *tx).await?;
        let sql = format!(
            "INSERT INTO ledger_links (idx, record_table, record_key) VALUES {}",
            marks(chunk.len(), 3)
        );
        let mut q = sqlx::query(&sql);
        for g in chunk {
            let (table, key) = link(&g.row);
            q = q.bind(g.idx).bind(table).bind(key);
        }
        q.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

fn row_at(row: &Row) -> &str {
    match row {
        Row::Access(_, at, _) | Row::Entry(_, _, _, at) => at,
    }
}

fn link(row: &Row) -> (&'static str, String) {
    match row {
        Row::Access(seq, ..) => (ACCESS_LOG.name, seq.to_string()),
        Row::Entry(id, ..) => (ENTRIES.name, id.clone()),
    }
}

/// A value for COPY's text format: backslash, tab, newline and carriage return escaped.
fn copy_field(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

fn copy_row(out: &mut String, fields: &[Option<&str>]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        match f {
            Some(v) => copy_field(out, v),
            None => out.push_str("\\N"),
        }
    }
    out.push('\n');
}

async fn copy_in(conn: &mut sqlx::PgConnection, sql: &str, data: String) -> Result<(), StoreError> {
    let mut copy = conn.copy_in_raw(sql).await?;
    copy.send(data.into_bytes()).await?;
    copy.finish().await?;
    Ok(())
}

async fn postgres_round(
    conn: &mut sqlx::PgConnection,
    round: &[Gen],
    user: &str,
    org: Option<&str>,
) -> Result<(), StoreError> {
    let mut access = String::new();
    let mut entries = String::new();
    let mut leaves = String::new();
    let mut openings = String::new();
    let mut links = String::new();
    for g in round {
        match &g.row {
            Row::Access(seq, at, client) => copy_row(
                &mut access,
                &[
                    Some(&seq.to_string()),
                    Some(at),
                    Some(user),
                    Some("official"),
                    org,
                    Some(client),
                    Some("read"),
                    Some("entries"),
                    Some("asiakaspalvelu"),
                    Some("0"),
                ],
            ),
            Row::Entry(id, client, text, at) => copy_row(
                &mut entries,
                &[
                    Some(id),
                    Some(client),
                    Some("contact"),
                    Some(text),
                    Some("{}"),
                    Some(at),
                    Some(at),
                    Some(user),
                ],
            ),
        }
        let idx = g.idx.to_string();
        copy_row(
            &mut leaves,
            &[
                Some(&idx),
                Some(g.event_type.code()),
                Some(&hex::encode(g.subject)),
                Some(&hex::encode(g.commitment)),
                Some(&hex::encode(g.leaf_hash)),
                Some(row_at(&g.row)),
            ],
        );
        let record = format!("\\x{}", hex::encode(&g.record));
        copy_row(
            &mut openings,
            &[Some(&idx), Some(&hex::encode(g.salt)), Some(&record)],
        );
        let (table, key) = link(&g.row);
        copy_row(&mut links, &[Some(&idx), Some(table), Some(&key)]);
    }
    conn.execute("BEGIN").await?;
    copy_in(
        conn,
        "COPY access_log (seq, at, user_id, role, org_id, client_id, action, resource, purpose,
         flagged) FROM STDIN",
        access,
    )
    .await?;
    copy_in(
        conn,
        "COPY entries (id, client_id, kind, text, details, event_at, recorded_at, author_id)
         FROM STDIN",
        entries,
    )
    .await?;
    copy_in(
        conn,
        "COPY ledger_leaves (idx, event_type, subject, commitment, leaf_hash, appended_at)
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

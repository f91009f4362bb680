//! Kirjuri's storage: one [`Store`] API over two backends, SQLite (the embedded default, a
//! file) and PostgreSQL (production), with embedded, commented migrations.
//!
//! Main types: [`Store`] (every read and write of the record), [`StoreError`] (domain-level
//! failures, including named database constraints mapped to their meaning), [`Backend`] and
//! [`IdSource`].
//!
//! This file holds the store itself: connecting, the pools, the writer, the clock, ids and
//! the ledger keys every write uses. Each feature adds its methods to [`Store`] in a module of
//! its own, and the types it returns are re-exported here. From the bottom of the dependency
//! order up:
//!
//! - plumbing: `rows` (row ↔ domain conversions), `migrate`, `writer` (transactions, group
//!   commit), `ledger` (leaves, checkpoints, proofs, verification), `access` (the access log
//!   every client-data method writes), `backup` (online copy of a SQLite database);
//! - registries: `organisations`, `users`, `sessions`, `login`, `clients`, `payers` (benefit
//!   payers);
//! - the client record: `entries`, `job_searches`, `appointments`, `contact`, `experts`;
//! - statements: `outbox` (the one way a statement is enqueued for the payers; it reads no
//!   statement issuer's tables, so every issuer can call it), `statements` (adoption
//!   decisions, register facts, the automated procedure's decisions), `work_queue` (officials'
//!   steps on routed decisions), `reconsideration`, `quality` (the quality figures per
//!   rule-set version);
//! - delivery and validity: `applications` (benefit applications), `deliveries` (where
//!   deliveries stand, the worker's side), `gaps` (the validity query);
//! - retention: `retention` (erasure of what the retention policy says has expired, and the
//!   runs' reports);
//! - an official's day: `my_work` (their clients' appointments, initial interviews and plan
//!   follow-ups, their own late entries, and the counts of the work queues).
//!
//! No module imports one above it (`scripts/check-module-cycles crates/store/src`).
//!
//! **Invariant:** only this crate talks SQL. **Invariant:** the record is append-only: there is
//! no update or delete method for entries, job searches, appointments, contact methods or
//! responsible-expert assignments, and the schema refuses both with triggers. The recording time
//! and the author of every row come from the store's [`Clock`] and the caller's user id, never
//! from a request body.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access;
mod applications;
mod appointments;
mod backup;
mod clients;
mod contact;
mod deliveries;
mod entries;
mod experts;
mod gaps;
mod handover;
mod job_searches;
mod ledger;
mod login;
mod managers;
mod messages;
mod migrate;
mod my_work;
mod notices;
mod operations;
mod organisations;
mod outbox;
mod oversight;
mod payers;
mod quality;
mod reconsideration;
mod reports;
mod retention;
mod rows;
mod sessions;
mod statements;
#[cfg(feature = "testing")]
pub mod testing;
mod users;
mod work_queue;
mod writer;

use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, Utc};
use kirjuri_domain::{ClientId, Clock, EntryId};
use kirjuri_ledger::MerkleTree;
use rand::{RngCore, SeedableRng};
use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;

use ledger::LeafParams;

pub use access::{Access, AccessAction, AccessLogEntry, AccessLogQuery};
pub use applications::BenefitApplication;
pub use backup::BackupReport;
pub use deliveries::{DeliveryFailure, DeliveryReceipt, DeliveryStatus, DueDelivery};
pub use entries::EntryFinding;
pub use gaps::{
    gap_on, ClientHistory, DecisionBrief, Gap, GapReason, GapScope, StatementGap, GAP_SCAN,
};
pub use handover::HandoverParts;
pub use ledger::{
    origin_for, BulkLoader, LedgerEvent, LedgerFault, LedgerKeys, LedgerReport, LoadBatch,
    LoadTable, PlainTable, StoredCheckpoint,
};
pub use login::{
    FailureCount, LoginAttempt, NewSecurityEvent, PendingOidcLogin, SecurityEvent,
    SecurityEventKind,
};
pub use managers::ManagerGrant;
pub use messages::{Conversation, MessagePage, MessageSent, UnreadMessages};
pub use my_work::{FollowUp, MyWorkQuery, MyWorkRows, QueueCounts};
pub use notices::{DueNotice, NoticeKind, NoticeState, NoticeStatus};
pub use outbox::{idempotency_key, IssuedStatement};
pub use oversight::{
    AccessCount, AccessDrill, DrillClient, FindingKind, GapClient, GapCount, LanguageCount,
    OfficialReads, OversightFilter, PurposeCount, VersionDrill, GAP_REASONS,
};
pub use payers::{BenefitPayer, NewBenefitPayer};
pub use quality::{QualityFigures, QualityScope, RoutedCount};
pub use reconsideration::{
    issued_from_reconsideration, Reconsideration, ReconsiderationCase, ReconsiderationStep,
};
pub use reports::{
    helsinki_start, ContactCount, DrillDown, DrillDownClient, FollowUpStatus, InterviewStatus,
    LagCount, ReportQuery, StatusCount, DRILL_DOWN_MAX, FOLLOW_UP_GRACE_WORKING_DAYS,
};
pub use retention::RetentionRun;
pub use statements::{
    issued_from_decision, AdoptionDecision, Decide, NewAdoptionDecision, NewDecision,
    RecordedRegisterFacts, RegisterFacts, StatementContext, StoredDecision,
};
pub use users::{AccountEvent, NewOrganisation, NewUser};
pub use work_queue::{issued_from_step, OfficialStep, Queue, QueueCase, Resolution};

/// Which database a [`Store`] runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Failures a caller can act on. Database constraint violations arrive here already translated
/// to what they mean (e.g. [`StoreError::DuplicateHetu`]); only unexpected failures are
/// [`StoreError::Database`].
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("a client with this identity code is already registered")]
    DuplicateHetu,
    #[error("the username is already taken")]
    DuplicateUsername,
    #[error("another account of the organisation has this display name")]
    DuplicateDisplayName,
    // One message for both (issue 15 item 13): "does not exist" beside "belongs to another
    // client" told an official which entry ids exist in other clients' records.
    #[error("the corrected entry is not an entry of this client's record")]
    CorrectedEntryMissing,
    #[error("the corrected entry is not an entry of this client's record")]
    CorrectionOtherClient,
    #[error("entry {0} has already been corrected by entry {1}; correct the latest entry")]
    AlreadyCorrected(EntryId, EntryId),
    #[error("the entry has just been corrected by another entry; correct the latest entry")]
    CorrectedConcurrently,
    #[error("the client already has a job search in progress since {0}")]
    JobSearchInProgress(NaiveDate),
    #[error("the client already has a job search in progress")]
    JobSearchStartedConcurrently,
    #[error("the job search has already ended")]
    JobSearchAlreadyEnded,
    #[error("the end date {end} is before the start date {start}")]
    EndBeforeStart { start: NaiveDate, end: NaiveDate },
    #[error("an adoption decision numbered {0} is already registered")]
    DuplicateAdoptionDecision(String),
    #[error("the decision is not an open case: it was not routed to an official, or it is already resolved")]
    CaseNotOpen,
    #[error("an adoption decision with this number is already registered")]
    DuplicateAdoptionDecisionNumber,
    #[error("a benefit payer with this Finnish name is already registered")]
    DuplicatePayer,
    #[error("the delivery was claimed or delivered by another worker")]
    DeliveryTaken,
    #[error("the user is not an official of the client's employment authority")]
    NotAnOfficialOfClientOrg,
    #[error(
        "the decision has no statement to reconsider yet: an official has not resolved the case"
    )]
    NoStatement,
    #[error("reconsideration of this statement has already been requested; a statement is reconsidered once")]
    ReconsiderationExists,
    #[error("the database is already initialised: it holds organisations (kirjuri init runs once, on an empty database)")]
    AlreadyInitialised,
    #[error("not permitted: {0}")]
    NotPermitted(&'static str),
    #[error(transparent)]
    Entry(#[from] kirjuri_domain::EntryError),
    #[error("stored data could not be read back: {0}")]
    Corrupt(String),
    #[error("migration {0} has changed since it was applied; shipped migrations are never edited")]
    MigrationChanged(i64),
    /// The database cannot be opened at all: its cause, as the driver or the file system
    /// gave it (issue 16: it was "pool timed out").
    #[error("the database cannot be opened: {0}")]
    CannotOpen(String),
    #[error("unsupported database URL {0:?} (use sqlite:PATH or postgres://...)")]
    UnsupportedUrl(String),
    #[error("the write was not committed: {0}")]
    CommitFailed(String),
    /// The database's file system (or PostgreSQL's disk) is full: the write was not made.
    /// Nothing committed before is affected, and writes succeed again once there is space.
    #[error("the database's storage is full: nothing was saved")]
    StorageFull,
    /// The database refuses writes: a read-only file or file system, or a PostgreSQL server
    /// in read-only mode (a replica, `default_transaction_read_only`). Nothing was written.
    #[error("the database is read-only: nothing was saved")]
    ReadOnly,
    #[error("this store has no ledger keys, so it cannot write the record (every write appends a ledger leaf)")]
    LedgerNotConfigured,
    #[error("ledger key file: {0}")]
    LedgerKeys(String),
    #[error("the opening of ledger leaf {0} is already erased")]
    AlreadyErased(u64),
    #[error("online backup is for the embedded (SQLite) database; back up PostgreSQL with pg_dump or a base backup (README, Backup and restore)")]
    BackupUnsupported,
    #[error("backup file: {0}")]
    BackupTarget(String),
    #[error("ledger: {0}")]
    Ledger(#[from] kirjuri_ledger::LedgerError),
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        map_constraint(e)
    }
}

/// Named constraints and what they mean. PostgreSQL reports the constraint name; SQLite reports
/// `table.column` in the message, so both spellings are listed.
fn map_constraint(e: sqlx::Error) -> StoreError {
    if is_storage_full(&e) {
        return StoreError::StorageFull;
    }
    if is_read_only(&e) {
        return StoreError::ReadOnly;
    }
    if let sqlx::Error::Database(db) = &e {
        let name = db.constraint().unwrap_or_default().to_owned();
        let msg = db.message().to_owned();
        let hit = |constraint: &str, sqlite: &str| name == constraint || msg.contains(sqlite);
        if hit("clients_hetu_unique", "clients.hetu") {
            return StoreError::DuplicateHetu;
        }
        if hit("users_username_unique", "users.username") {
            return StoreError::DuplicateUsername;
        }
        // Two starts of a job search at once: the second finds the first (issue 15 item 3).
        // The start date is the open one's, which the loser did not read: it is the date of
        // neither, so the message names none.
        if hit(
            "open_job_searches_one_per_client",
            "open_job_searches.client_id",
        ) {
            return StoreError::JobSearchStartedConcurrently;
        }
        // Two corrections of one entry at once: the second finds it corrected (A5: a chain).
        if hit("entries_corrected_once", "entries.corrects_id") {
            return StoreError::CorrectedConcurrently;
        }
        // Two ends of one job search at once: the second finds it ended.
        if hit("job_search_ends_pkey", "job_search_ends.job_search_id") {
            return StoreError::JobSearchAlreadyEnded;
        }
        // Two registrations of one adoption decision at once.
        if hit("adoption_decisions_pkey", "adoption_decisions.number") {
            return StoreError::DuplicateAdoptionDecisionNumber;
        }
        // Issue 15 item 6: SQLite names an expression index in its message.
        if hit("users_display_name_per_org", "users_display_name_per_org") {
            return StoreError::DuplicateDisplayName;
        }
        // Two officials resolving one case at once: the second finds it resolved.
        if hit(
            "official_steps_one_resolution",
            "official_steps.decision_id",
        ) {
            return StoreError::CaseNotOpen;
        }
        // Two requests for one statement at once: the second finds the first (B7).
        if hit(
            "reconsideration_requests_one_per_statement",
            "reconsideration_requests.decision_id",
        ) {
            return StoreError::ReconsiderationExists;
        }
        if hit(
            "reconsideration_steps_one_resolution",
            "reconsideration_steps.request_id",
        ) {
            return StoreError::CaseNotOpen;
        }
        if hit("benefit_payers_name_unique", "benefit_payers.name_fi") {
            return StoreError::DuplicatePayer;
        }
        // Two workers claiming one attempt, or recording one delivery twice.
        if hit("delivery_attempts_once", "delivery_attempts.delivery_id")
            || hit("delivery_receipts_pkey", "delivery_receipts.delivery_id")
            || hit("notice_attempts_once", "notice_attempts.notice_id")
            || hit("notice_sent_pkey", "notice_sent.notice_id")
        {
            return StoreError::DeliveryTaken;
        }
        if hit(
            "entries_correction_same_client",
            "FOREIGN KEY constraint failed",
        ) {
            return StoreError::CorrectionOtherClient;
        }
    }
    StoreError::Database(e)
}

/// SQLite's `SQLITE_FULL` (13; "database or disk is full") and PostgreSQL's `disk_full`
/// (53100), or the operating system's ENOSPC on a file the driver writes itself.
fn is_storage_full(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => {
            matches!(db.code().as_deref(), Some("13") | Some("53100"))
                || db.message().contains("database or disk is full")
        }
        sqlx::Error::Io(io) => io.kind() == std::io::ErrorKind::StorageFull,
        _ => false,
    }
}

/// SQLite's `SQLITE_READONLY` (8, and its extended codes; "attempt to write a readonly
/// database") and PostgreSQL's `read_only_sql_transaction` (25006), or the operating system's
/// EROFS.
fn is_read_only(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => {
            let code = db.code();
            let code = code.as_deref().unwrap_or_default();
            code == "25006"
                || code.parse::<u32>().is_ok_and(|c| c & 0xff == 8)
                || db.message().contains("readonly database")
        }
        sqlx::Error::Io(io) => io.kind() == std::io::ErrorKind::ReadOnlyFilesystem,
        _ => false,
    }
}

/// Where new ids come from. Randomness is a parameter like time: the demo generator uses a
/// seeded source so the same seed gives the same data.
#[derive(Debug)]
pub struct IdSource(Mutex<rand::rngs::StdRng>);

impl IdSource {
    /// Ids from the operating system's randomness (production).
    pub fn from_entropy() -> Self {
        Self(Mutex::new(rand::rngs::StdRng::from_entropy()))
    }
    /// Reproducible ids (demo data, tests).
    pub fn seeded(seed: u64) -> Self {
        Self(Mutex::new(rand::rngs::StdRng::seed_from_u64(seed)))
    }
    fn fill(&self, bytes: &mut [u8]) {
        match self.0.lock() {
            Ok(mut rng) => rng.fill_bytes(bytes),
            Err(p) => p.into_inner().fill_bytes(bytes),
        }
    }
    fn next(&self) -> uuid::Uuid {
        let mut bytes = [0u8; 16];
        self.fill(&mut bytes);
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }
    /// 32 random bytes: a ledger commitment salt.
    fn salt(&self) -> [u8; 32] {
        let mut bytes = [0u8; 32];
        self.fill(&mut bytes);
        bytes
    }
}

/// The store. Cheap to clone; every method is one transaction.
#[derive(Debug, Clone)]
pub struct Store {
    /// Every write, and the reads inside a write's transaction.
    pool: AnyPool,
    /// Reads outside a transaction. On a SQLite file these are connections of their own
    /// (`query_only`), which WAL lets run beside the one writer, so a queue of reads never
    /// waits behind a commit's fsync; elsewhere the same pool as `pool`.
    read: AnyPool,
    /// Writes that may be grouped into one commit (see [`writer`]).
    writer: writer::Writer,
    backend: Backend,
    clock: Arc<dyn Clock>,
    ids: Arc<IdSource>,
    /// Keys for writing the ledger; without them the store reads but does not write the record.
    ledger: Option<Arc<LedgerKeys>>,
    /// The ledger's Merkle tree, as far as this store has read it (see [`Store::ledger_tree`]).
    tree: Arc<tokio::sync::Mutex<MerkleTree>>,
    /// Held while a checkpoint is signed, so that readers needing one at the same moment
    /// share it instead of each signing their own (issue 16).
    signing: Arc<tokio::sync::Mutex<()>>,
    /// Where whole-log verification and bulk loads connect with the backend's own driver
    /// (issue 16: rows read through `Any` cost ten times their hashing).
    native: Arc<ledger::NativeSource>,
}

/// A SQLite pool. The pragmas are per connection, so they are set on every connection the pool
/// opens, and connections are never retired: a replacement of an in-memory database would be
/// an empty database. WAL with FULL sync: a commit is on disk before the write is acknowledged
/// (an entry the official saw saved survives a power cut).
async fn sqlite_pool(url: &str, size: u32, read_only: bool) -> Result<AnyPool, sqlx::Error> {
    AnyPoolOptions::new()
        .max_connections(size)
        .idle_timeout(None)
        .max_lifetime(None)
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                use sqlx::Executor;
                let pragmas: &[&str] = if read_only {
                    &[
                        "PRAGMA foreign_keys = ON",
                        "PRAGMA busy_timeout = 5000",
                        "PRAGMA query_only = ON",
                        // Reads straight from the operating system's page cache instead of a
                        // copy per page through read(2): the compliance reports read whole
                        // tables, and at 50 000 clients spent half their time copying pages
                        // (issue 14). SQLite caps the map at its compile-time maximum (2 GB in
                        // the bundled build); the rest of a larger file is read as before.
                        // Readers only: writes never go through the map. The price: an I/O
                        // error while reading a mapped page is a SIGBUS, not an error code.
                        "PRAGMA mmap_size = 2147418112",
                    ]
                } else {
                    &[
                        "PRAGMA foreign_keys = ON",
                        "PRAGMA journal_mode = WAL",
                        "PRAGMA synchronous = FULL",
                        "PRAGMA busy_timeout = 5000",
                    ]
                };
                for pragma in pragmas {
                    conn.execute(*pragma).await?;
                }
                Ok(())
            })
        })
        .connect(url)
        .await
}

impl Store {
    /// Connects to `url` (`sqlite:PATH`, `sqlite::memory:` or `postgres://...`) and applies
    /// pending migrations. `schema` (PostgreSQL only) puts every table in that schema, created
    /// if missing; the test harness uses a fresh one per test.
    pub async fn connect(
        url: &str,
        schema: Option<&str>,
        clock: Arc<dyn Clock>,
        ids: IdSource,
    ) -> Result<Self, StoreError> {
        Self::connect_at(url, schema, clock, ids, migrate::latest()).await
    }

    /// [`Store::connect`], applying migrations only up to version `upto`: the upgrade tests
    /// make a database as an earlier release left it this way (feature `testing`).
    async fn connect_at(
        url: &str,
        schema: Option<&str>,
        clock: Arc<dyn Clock>,
        ids: IdSource,
        upto: i64,
    ) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        // An in-memory SQLite database gets a name of its own (sqlx names `:memory:` itself,
        // unseen), so that a native connection can open the same database.
        let memory_url;
        let url = if url.starts_with("sqlite:") && url.contains(":memory:") {
            memory_url = ledger::NativeSource::memory_url();
            memory_url.as_str()
        } else {
            url
        };
        let memory = url.contains("mode=memory");
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        };
        let mut native_url = url.to_owned();
        let pool = match backend {
            Backend::Sqlite => {
                let url = if url.contains('?') || memory {
                    url.to_owned()
                } else {
                    format!("{url}?mode=rwc")
                };
                operations::try_open(&url, backend).await?;
                // One writer: SQLite has a single writer anyway, and one connection avoids
                // SQLITE_BUSY on lock upgrades and keeps an in-memory database one database.
                sqlite_pool(&url, 1, false).await?
            }
            Backend::Postgres => {
                if let Some(schema) = schema {
                    if !schema
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_')
                    {
                        return Err(StoreError::UnsupportedUrl(format!("schema {schema:?}")));
                    }
                }
                operations::try_open(url, backend).await?;
                if let Some(schema) = schema {
                    let setup = AnyPoolOptions::new()
                        .max_connections(1)
                        .connect(url)
                        .await?;
                    sqlx::raw_sql(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
                        .execute(&setup)
                        .await?;
                    setup.close().await;
                }
                // The search path travels in the connection options, so every pooled
                // connection lands in the schema.
                let url = match schema {
                    Some(schema) => {
                        let sep = if url.contains('?') { '&' } else { '?' };
                        format!("{url}{sep}options=-c%20search_path%3D{schema}")
                    }
                    None => url.to_owned(),
                };
                native_url = url.clone();
                AnyPoolOptions::new()
                    .max_connections(8)
                    .connect(&url)
                    .await?
            }
        };
        let native = ledger::NativeSource::new(backend, &native_url, memory)?;
        migrate::run(&pool, backend, upto).await?;
        let read = if backend == Backend::Sqlite && !memory {
            let url = url.split('?').next().unwrap_or(url);
            sqlite_pool(&format!("{url}?mode=ro"), 4, true).await?
        } else {
            pool.clone()
        };
        let writer = match backend {
            Backend::Sqlite => writer::Writer::grouped(pool.clone(), backend),
            Backend::Postgres => writer::Writer::direct(pool.clone(), backend),
        };
        Ok(Self {
            pool,
            read,
            writer,
            backend,
            clock,
            ids: Arc::new(ids),
            ledger: None,
            tree: Arc::new(tokio::sync::Mutex::new(MerkleTree::new())),
            signing: Arc::new(tokio::sync::Mutex::new(())),
            native: Arc::new(native),
        })
    }

    /// The store with ledger keys: every write of the record appends a leaf, and checkpoints
    /// can be signed. A store without keys reads, verifies and proves, but refuses record
    /// writes ([`StoreError::LedgerNotConfigured`]).
    pub fn with_ledger(mut self, keys: LedgerKeys) -> Self {
        self.ledger = Some(Arc::new(keys));
        self
    }

    fn keys(&self) -> Result<&Arc<LedgerKeys>, StoreError> {
        self.ledger.as_ref().ok_or(StoreError::LedgerNotConfigured)
    }

    /// What a write job needs to append the leaf of a client's record row.
    fn leaf_params(&self, client: ClientId) -> Result<LeafParams, StoreError> {
        Ok(LeafParams::new(self.subject(client)?, self.ids.salt()))
    }

    /// The pseudonymous ledger subject of a client.
    fn subject(&self, client: ClientId) -> Result<[u8; 32], StoreError> {
        Ok(self.keys()?.subject(&client.to_string()))
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Closes the store. On SQLite the write-ahead log is first folded into the database file
    /// and emptied, so the file alone holds everything committed (it may be copied or moved
    /// as it is, as the demo does).
    pub async fn close(&self) {
        self.read.close().await;
        if self.backend == Backend::Sqlite {
            if let Err(e) = sqlx::raw_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.pool)
                .await
            {
                tracing::warn!("checkpoint of the write-ahead log at close: {e}");
            }
        }
        self.pool.close().await;
    }

    /// Checks the database answers (health endpoint).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

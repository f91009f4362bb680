//! Kirjuri's storage: one [`Store`] API over two backends, SQLite (the embedded default, a
//! file) and PostgreSQL (production), with embedded, commented migrations.
//!
//! Main types: [`Store`] (every read and write of the record), [`StoreError`] (domain-level
//! failures, including named database constraints mapped to their meaning), [`Backend`] and
//! [`IdSource`].
//!
//! **Invariant:** only this crate talks SQL. **Invariant:** the record is append-only: there is
//! no update or delete method for entries, job searches, appointments, contact methods or
//! responsible-expert assignments, and the schema refuses both with triggers. The recording time
//! and the author of every row come from the store's [`Clock`] and the caller's user id, never
//! from a request body.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access;
mod delivery;
mod ledger;
mod login;
mod migrate;
mod reconsideration;
mod rows;
mod statements;
#[cfg(feature = "testing")]
pub mod testing;
mod work_queue;
mod writer;

use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, Utc};
use kirjuri_domain::{
    Appointment, AppointmentId, Client, ClientId, Clock, ContactMethod, ContactMethodKind,
    EndReason, Entry, EntryId, JobSearch, JobSearchId, NewAppointment, NewClient, NewEntry, OrgId,
    Organisation, PersonName, ResponsibleExpert, Role, ShortText, User, UserId,
};
use rand::{RngCore, SeedableRng};
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Row};

use kirjuri_ledger::{EventType, MerkleTree};
use ledger::LeafParams;
use rows::*;

pub use access::{Access, AccessAction, AccessLogEntry, AccessLogQuery};
pub use delivery::{
    gap_on, idempotency_key, issued_from_decision, issued_from_reconsideration, issued_from_step,
    BenefitApplication, BenefitPayer, ClientHistory, DeliveryFailure, DeliveryReceipt,
    DeliveryStatus, DueDelivery, Gap, GapReason, GapScope, IssuedStatement, NewBenefitPayer,
    StatementGap,
};
pub use ledger::{
    origin_for, LedgerEvent, LedgerFault, LedgerKeys, LedgerReport, StoredCheckpoint,
};
pub use login::{FailureCount, PendingOidcLogin};
pub use reconsideration::{
    QualityFigures, Reconsideration, ReconsiderationCase, ReconsiderationStep, RoutedCount,
};
pub use statements::{
    AdoptionDecision, Decide, NewAdoptionDecision, NewDecision, RecordedRegisterFacts,
    RegisterFacts, StatementContext, StoredDecision,
};
pub use work_queue::{OfficialStep, Queue, QueueCase, Resolution};

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
    #[error("the corrected entry does not exist")]
    CorrectedEntryMissing,
    #[error("the corrected entry belongs to another client")]
    CorrectionOtherClient,
    #[error("entry {0} has already been corrected by entry {1}; correct the latest entry")]
    AlreadyCorrected(EntryId, EntryId),
    #[error("the client already has a job search in progress since {0}")]
    JobSearchInProgress(NaiveDate),
    #[error("the job search has already ended")]
    JobSearchAlreadyEnded,
    #[error("the end date {end} is before the start date {start}")]
    EndBeforeStart { start: NaiveDate, end: NaiveDate },
    #[error("an adoption decision numbered {0} is already registered")]
    DuplicateAdoptionDecision(String),
    #[error("the decision is not an open case: it was not routed to an official, or it is already resolved")]
    CaseNotOpen,
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
    #[error("not permitted: {0}")]
    NotPermitted(&'static str),
    #[error(transparent)]
    Entry(#[from] kirjuri_domain::EntryError),
    #[error("stored data could not be read back: {0}")]
    Corrupt(String),
    #[error("migration {0} has changed since it was applied; shipped migrations are never edited")]
    MigrationChanged(i64),
    #[error("unsupported database URL {0:?} (use sqlite:PATH or postgres://...)")]
    UnsupportedUrl(String),
    #[error("the write was not committed: {0}")]
    CommitFailed(String),
    #[error("this store has no ledger keys, so it cannot write the record (every write appends a ledger leaf)")]
    LedgerNotConfigured,
    #[error("ledger key file: {0}")]
    LedgerKeys(String),
    #[error("the opening of ledger leaf {0} is already erased")]
    AlreadyErased(u64),
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

/// A finding of the entry-quality checker, stored with the entry it was found in. The codes
/// are the checker's (`abbreviation`, `offensive`, `health`, `hetu`, `clarity`; `warn`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryFinding {
    pub kind: String,
    pub severity: String,
    /// Character range in the entry's text.
    pub start_char: i64,
    pub end_char: i64,
    /// The matched base form, abbreviation or code (an identity code only masked).
    pub matched: String,
}

/// An account to be created.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: kirjuri_domain::Username,
    pub display_name: kirjuri_domain::PersonName,
    pub role: Role,
    pub org_id: Option<OrgId>,
    pub client_id: Option<ClientId>,
    /// Argon2id PHC string, hashed by the caller.
    pub password_hash: Option<String>,
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
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        };
        let pool = match backend {
            Backend::Sqlite => {
                let url = if url.contains('?') || url.contains(":memory:") {
                    url.to_owned()
                } else {
                    format!("{url}?mode=rwc")
                };
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
                AnyPoolOptions::new()
                    .max_connections(8)
                    .connect(&url)
                    .await?
            }
        };
        migrate::run(&pool, backend).await?;
        let read = if backend == Backend::Sqlite && !url.contains(":memory:") {
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

    /// What a write job needs to log an access to `client` (with a leaf of its own salt).
    fn logged(&self, access: &Access, client: ClientId) -> Result<Logged, StoreError> {
        Ok(Logged {
            access: access.clone(),
            client,
            leaf: self.leaf_params(client)?,
        })
    }

    /// Logs an access on its own (a read, or a refused attempt), as one write.
    pub async fn log(
        &self,
        access: &Access,
        client: ClientId,
        action: AccessAction,
        resource: &'static str,
    ) -> Result<(), StoreError> {
        let logged = self.logged(access, client)?;
        let now = self.now();
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move { logged.record(tx, leaves, now, action, resource).await })
            })
            .await
    }

    /// The access-log rows about one client, oldest first (the client's own view of who has
    /// seen their data, and the supervisor's).
    pub async fn access_log_of_client(
        &self,
        client: ClientId,
    ) -> Result<Vec<AccessLogEntry>, StoreError> {
        self.search_access_log(&AccessLogQuery {
            client: Some(client),
            limit: 10_000,
            ..Default::default()
        })
        .await
    }

    /// Searches the access log (supervisor), oldest first.
    pub async fn search_access_log(
        &self,
        q: &AccessLogQuery,
    ) -> Result<Vec<AccessLogEntry>, StoreError> {
        let rows = sqlx::query(&format!(
            "{} WHERE ($1 IS NULL OR a.client_id = $1) AND ($2 IS NULL OR a.user_id = $2)
               AND ($3 = 0 OR a.flagged = 1) AND ($4 IS NULL OR a.at >= $4)
               AND ($5 IS NULL OR a.at < $5) AND ($6 IS NULL OR a.action = $6)
             ORDER BY a.seq LIMIT $7",
            access::LOG_SELECT
        ))
        .bind(q.client.map(|c| c.to_string()))
        .bind(q.user.map(|u| u.to_string()))
        .bind(i64::from(q.flagged_only))
        .bind(q.from.map(ts))
        .bind(q.to.map(ts))
        .bind(q.action.map(|a| a.code()))
        .bind(q.limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(access::entry_from_row).collect()
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

    // ---- organisations and users -----------------------------------------------------------

    pub async fn create_organisation(
        &self,
        kind: kirjuri_domain::OrgKind,
        name_fi: kirjuri_domain::PersonName,
        name_sv: kirjuri_domain::PersonName,
    ) -> Result<Organisation, StoreError> {
        let id = OrgId::from_uuid(self.ids.next());
        sqlx::query(
            "INSERT INTO organisations (id, kind, name_fi, name_sv) VALUES ($1, $2, $3, $4)",
        )
        .bind(id.to_string())
        .bind(kind.code())
        .bind(name_fi.as_str())
        .bind(name_sv.as_str())
        .execute(&self.pool)
        .await?;
        Ok(Organisation {
            id,
            kind,
            name_fi,
            name_sv,
        })
    }

    pub async fn organisations(&self) -> Result<Vec<Organisation>, StoreError> {
        let rows =
            sqlx::query("SELECT id, kind, name_fi, name_sv FROM organisations ORDER BY name_fi")
                .fetch_all(&self.read)
                .await?;
        rows.iter().map(org_from_row).collect()
    }

    pub async fn organisation(&self, id: OrgId) -> Result<Organisation, StoreError> {
        let row = sqlx::query("SELECT id, kind, name_fi, name_sv FROM organisations WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound("organisation"))?;
        org_from_row(&row)
    }

    pub async fn create_user(&self, new: NewUser) -> Result<User, StoreError> {
        let id = UserId::from_uuid(self.ids.next());
        sqlx::query(
            "INSERT INTO users (id, username, display_name, role, org_id, client_id, password_hash, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.to_string())
        .bind(new.username.as_str())
        .bind(new.display_name.as_str())
        .bind(new.role.code())
        .bind(new.org_id.map(|o| o.to_string()))
        .bind(new.client_id.map(|c| c.to_string()))
        .bind(new.password_hash)
        .bind(ts(self.now()))
        .execute(&self.pool)
        .await?;
        Ok(User {
            id,
            username: new.username,
            display_name: new.display_name,
            role: new.role,
            org_id: new.org_id,
            client_id: new.client_id,
        })
    }

    pub async fn user(&self, id: UserId) -> Result<User, StoreError> {
        let row = sqlx::query(&format!("SELECT {USER_COLS} FROM users WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound("user"))?;
        user_from_row(&row)
    }

    /// The account and its password hash, for log-in.
    pub async fn user_by_username(
        &self,
        username: &str,
    ) -> Result<Option<(User, Option<String>)>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLS}, password_hash FROM users WHERE username = $1"
        ))
        .bind(username)
        .fetch_optional(&self.read)
        .await?;
        match row {
            None => Ok(None),
            Some(row) => Ok(Some((user_from_row(&row)?, row.try_get("password_hash")?))),
        }
    }

    pub async fn users_of_org(&self, org: OrgId) -> Result<Vec<User>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLS} FROM users WHERE org_id = $1 ORDER BY display_name"
        ))
        .bind(org.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(user_from_row).collect()
    }

    // ---- sessions --------------------------------------------------------------------------

    pub async fn create_session(
        &self,
        token_hash: &str,
        user: UserId,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(user.to_string())
        .bind(ts(self.now()))
        .bind(ts(expires_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The user of an unexpired session.
    pub async fn session_user(&self, token_hash: &str) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2",
            USER_COLS_U
        ))
        .bind(token_hash)
        .bind(ts(self.now()))
        .fetch_optional(&self.read)
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    // ---- clients ---------------------------------------------------------------------------

    pub async fn create_client(&self, new: NewClient, by: &Access) -> Result<Client, StoreError> {
        let id = ClientId::from_uuid(self.ids.next());
        let now = self.now();
        let logged = self.logged(by, id)?;
        let by = by.user;
        let client = Client {
            id,
            hetu: new.hetu,
            first_name: new.first_name,
            last_name: new.last_name,
            language: new.language,
            org_id: new.org_id,
            created_at: parse_ts(&ts(now))?,
        };
        let row = client.clone();
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    sqlx::query(
                        "INSERT INTO clients (id, hetu, first_name, last_name, language, org_id, created_at, created_by)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(row.id.to_string())
                    .bind(row.hetu.as_str())
                    .bind(row.first_name.as_str())
                    .bind(row.last_name.as_str())
                    .bind(row.language.code())
                    .bind(row.org_id.to_string())
                    .bind(ts(now))
                    .bind(by.to_string())
                    .execute(&mut *tx)
                    .await?;
                    logged.record(tx, leaves, now, AccessAction::Write, "client").await
                })
            })
            .await?;
        Ok(client)
    }

    /// The client row for the authorisation decision only: nothing is logged, so a caller that
    /// shows the client to a user reads it through [`Store::read_client`].
    pub async fn client(&self, id: ClientId) -> Result<Client, StoreError> {
        let row = sqlx::query(&format!("SELECT {CLIENT_COLS} FROM clients WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound("client"))?;
        client_from_row(&row)
    }

    /// Reads a client for a user, logging the read.
    pub async fn read_client(&self, id: ClientId, by: &Access) -> Result<Client, StoreError> {
        let client = self.client(id).await?;
        self.log(by, id, AccessAction::Read, "client").await?;
        Ok(client)
    }

    /// Finds a client by identity code for the authorisation decision only (not logged; see
    /// [`Store::client`]).
    pub async fn client_by_hetu(&self, hetu: &kirjuri_domain::Hetu) -> Result<Client, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {CLIENT_COLS} FROM clients WHERE hetu = $1"
        ))
        .bind(hetu.as_str())
        .fetch_optional(&self.read)
        .await?
        .ok_or(StoreError::NotFound("client"))?;
        client_from_row(&row)
    }

    /// Clients of one organisation, by name, a page at a time; each listed client's record
    /// logs the read.
    pub async fn clients_of_org(
        &self,
        org: OrgId,
        limit: i64,
        offset: i64,
        by: &Access,
    ) -> Result<Vec<Client>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {CLIENT_COLS} FROM clients WHERE org_id = $1
             ORDER BY last_name, first_name, id LIMIT $2 OFFSET $3"
        ))
        .bind(org.to_string())
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.read)
        .await?;
        let clients = rows
            .iter()
            .map(client_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let logs = clients
            .iter()
            .map(|c| self.logged(by, c.id))
            .collect::<Result<Vec<_>, _>>()?;
        let now = self.now();
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    for logged in logs {
                        logged
                            .record(tx, leaves, now, AccessAction::Read, "client_list")
                            .await?;
                    }
                    Ok(())
                })
            })
            .await?;
        Ok(clients)
    }

    // ---- job searches ----------------------------------------------------------------------

    /// Registers a job search. A client has at most one in progress.
    pub async fn start_job_search(
        &self,
        client: ClientId,
        start_date: NaiveDate,
        by: &Access,
    ) -> Result<JobSearch, StoreError> {
        let leaf = self.leaf_params(client)?;
        let logged = self.logged(by, client)?;
        let by = by.user;
        let (id, now) = (JobSearchId::from_uuid(self.ids.next()), self.now());
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    let js = start_job_search_in(tx, leaves, client, start_date, by, id, now, leaf)
                        .await?;
                    logged
                        .record(tx, leaves, now, AccessAction::Write, "job_searches")
                        .await?;
                    Ok(js)
                })
            })
            .await
    }

    /// Ends a job search once.
    pub async fn end_job_search(
        &self,
        client: ClientId,
        id: JobSearchId,
        end_date: NaiveDate,
        reason: EndReason,
        by: &Access,
    ) -> Result<JobSearch, StoreError> {
        let leaf = self.leaf_params(client)?;
        let logged = self.logged(by, client)?;
        let by = by.user;
        let now = self.now();
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    let js =
                        end_job_search_in(tx, leaves, client, id, end_date, reason, by, now, leaf)
                            .await?;
                    logged
                        .record(tx, leaves, now, AccessAction::Write, "job_searches")
                        .await?;
                    Ok(js)
                })
            })
            .await
    }

    pub async fn job_searches(
        &self,
        client: ClientId,
        by: &Access,
    ) -> Result<Vec<JobSearch>, StoreError> {
        self.log(by, client, AccessAction::Read, "job_searches")
            .await?;
        let rows = sqlx::query(&format!(
            "{JOB_SEARCH_SELECT} WHERE j.client_id = $1 ORDER BY j.start_date, j.recorded_at"
        ))
        .bind(client.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(job_search_from_row).collect()
    }

    // ---- entries ---------------------------------------------------------------------------

    /// Records an entry; the recording time comes from the store's clock and the author is the
    /// caller. A correction must point at an uncorrected entry of the same client.
    pub async fn append_entry(&self, new: &NewEntry, by: &Access) -> Result<Entry, StoreError> {
        self.append_checked_entry(new, Vec::new(), by).await
    }

    /// [`Store::append_entry`] with what the entry-quality checker found in the text, stored
    /// with the entry in the same transaction.
    pub async fn append_checked_entry(
        &self,
        new: &NewEntry,
        findings: Vec<EntryFinding>,
        by: &Access,
    ) -> Result<Entry, StoreError> {
        let now = self.now();
        new.check_event_time(now)?;
        let logged = self.logged(by, new.client_id())?;
        let (author, author_name) = (by.user, by.user_name.clone());
        let id = EntryId::from_uuid(self.ids.next());
        let leaf = LeafParams::new(self.subject(new.client_id())?, self.ids.salt());
        let new = new.clone();
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    let entry =
                        insert_entry(tx, leaves, id, &new, author, author_name, now, leaf).await?;
                    for (ord, f) in findings.iter().enumerate() {
                        sqlx::query(
                            "INSERT INTO entry_findings (entry_id, ord, kind, severity, start_char, end_char, matched)
                             VALUES ($1, $2, $3, $4, $5, $6, $7)",
                        )
                        .bind(id.to_string())
                        .bind(ord as i64)
                        .bind(f.kind.clone())
                        .bind(f.severity.clone())
                        .bind(f.start_char)
                        .bind(f.end_char)
                        .bind(f.matched.clone())
                        .execute(&mut *tx)
                        .await?;
                    }
                    logged
                        .record(tx, leaves, now, AccessAction::Write, "entries")
                        .await?;
                    Ok(entry)
                })
            })
            .await
    }

    /// One entry of `client` (an entry of another client is "not found").
    pub async fn entry(
        &self,
        client: ClientId,
        id: EntryId,
        by: &Access,
    ) -> Result<Entry, StoreError> {
        let entry = {
            let mut conn = self.read.acquire().await?;
            entry_in(&mut conn, id).await?
        };
        if entry.client_id != client {
            return Err(StoreError::NotFound("entry"));
        }
        self.log(by, client, AccessAction::Read, "entries").await?;
        Ok(entry)
    }

    /// Every entry of a client in the order they were recorded.
    pub async fn entries(&self, client: ClientId, by: &Access) -> Result<Vec<Entry>, StoreError> {
        self.log(by, client, AccessAction::Read, "entries").await?;
        let rows = sqlx::query(&format!(
            "{ENTRY_SELECT} WHERE e.client_id = $1 ORDER BY e.seq"
        ))
        .bind(client.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// The chain an entry of `client` belongs to, from the original to the latest correction.
    pub async fn correction_chain(
        &self,
        client: ClientId,
        id: EntryId,
        by: &Access,
    ) -> Result<Vec<Entry>, StoreError> {
        let chain = {
            // Released before the access is logged: on an in-memory database the reads and
            // the writer share one connection.
            let mut conn = self.read.acquire().await?;
            let mut first = entry_in(&mut conn, id).await?;
            if first.client_id != client {
                return Err(StoreError::NotFound("entry"));
            }
            while let Some(c) = &first.corrects {
                first = entry_in(&mut conn, c.entry_id).await?;
            }
            let mut chain = vec![first];
            loop {
                let last = chain.last().map(|e| e.id.to_string()).unwrap_or_default();
                let next = sqlx::query(&format!("{ENTRY_SELECT} WHERE e.corrects_id = $1"))
                    .bind(last)
                    .fetch_optional(&mut *conn)
                    .await?;
                match next {
                    Some(row) => chain.push(entry_from_row(&row)?),
                    None => break,
                }
            }
            chain
        };
        self.log(by, client, AccessAction::Read, "entries").await?;
        Ok(chain)
    }

    // ---- appointments ----------------------------------------------------------------------

    pub async fn book_appointment(
        &self,
        new: &NewAppointment,
        by: &Access,
    ) -> Result<Appointment, StoreError> {
        use kirjuri_domain::AppointmentMode as M;
        let leaf = self.leaf_params(new.client_id)?;
        let logged = self.logged(by, new.client_id)?;
        let by = by.user;
        let (id, now) = (AppointmentId::from_uuid(self.ids.next()), self.now());
        let new = new.clone();
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    let client = require_client(tx, new.client_id).await?;
                    if let Some(official) = new.official_id {
                        require_official_of(tx, official, client.org_id).await?;
                    }
                    let (phone, video, address) = match &new.mode {
                        M::Phone { phone_number } => {
                            (phone_number.as_ref().map(|p| p.to_string()), None, None)
                        }
                        M::Video { link } => (None, link.as_ref().map(|l| l.to_string()), None),
                        M::Visit { address } => (None, None, Some(address.to_string())),
                    };
                    sqlx::query(
                        "INSERT INTO appointments (id, client_id, official_id, local_date, local_time, time_zone,
                             starts_at, duration_minutes, mode, phone_number, video_link, address,
                             recorded_at, recorded_by)
                         VALUES ($1, $2, $3, $4, $5, 'Europe/Helsinki', $6, $7, $8, $9, $10, $11, $12, $13)",
                    )
                    .bind(id.to_string())
                    .bind(new.client_id.to_string())
                    .bind(new.official_id.map(|o| o.to_string()))
                    .bind(new.date.to_string())
                    .bind(new.time.format("%H:%M").to_string())
                    .bind(ts(new.starts_at))
                    .bind(i64::from(new.duration_minutes))
                    .bind(new.mode.code())
                    .bind(phone)
                    .bind(video)
                    .bind(address)
                    .bind(ts(now))
                    .bind(by.to_string())
                    .execute(&mut *tx)
                    .await?;
                    leaf.defer(leaves, &ledger::APPOINTMENTS, &id.to_string(), EventType::OfficialAction, now);
                    logged.record(tx, leaves, now, AccessAction::Write, "appointments").await?;
                    let row = sqlx::query(&format!("{APPOINTMENT_SELECT} WHERE id = $1"))
                        .bind(id.to_string())
                        .fetch_one(&mut *tx)
                        .await?;
                    appointment_from_row(&row)
                })
            })
            .await
    }

    pub async fn appointments(
        &self,
        client: ClientId,
        by: &Access,
    ) -> Result<Vec<Appointment>, StoreError> {
        self.log(by, client, AccessAction::Read, "appointments")
            .await?;
        let rows = sqlx::query(&format!(
            "{APPOINTMENT_SELECT} WHERE client_id = $1 ORDER BY starts_at, id"
        ))
        .bind(client.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(appointment_from_row).collect()
    }

    // ---- contact method and responsible expert ---------------------------------------------

    /// Records the contact method agreed with the client (A9). Earlier agreements stay as
    /// history.
    pub async fn agree_contact_method(
        &self,
        client: ClientId,
        method: ContactMethodKind,
        agreed_on: NaiveDate,
        note: Option<ShortText>,
        by: &Access,
    ) -> Result<ContactMethod, StoreError> {
        let leaf = self.leaf_params(client)?;
        let logged = self.logged(by, client)?;
        let by = by.user;
        let now = self.now();
        let stored_note = note.as_ref().map(|n| n.as_str().to_owned());
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    require_client(tx, client).await?;
                    let seq: i64 = sqlx::query_scalar(
                        "INSERT INTO contact_methods (client_id, method, agreed_on, note, recorded_at, recorded_by)
                         VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq",
                    )
                    .bind(client.to_string())
                    .bind(method.code())
                    .bind(agreed_on.to_string())
                    .bind(stored_note)
                    .bind(ts(now))
                    .bind(by.to_string())
                    .fetch_one(&mut *tx)
                    .await?;
                    leaf.defer(leaves, &ledger::CONTACT_METHODS, &seq.to_string(), EventType::OfficialAction, now);
                    logged.record(tx, leaves, now, AccessAction::Write, "contact_methods").await
                })
            })
            .await?;
        Ok(ContactMethod {
            method,
            agreed_on,
            note,
            recorded_at: parse_ts(&ts(now))?,
            recorded_by: by,
        })
    }

    /// Contact-method agreements, latest (in force) first.
    pub async fn contact_methods(
        &self,
        client: ClientId,
        by: &Access,
    ) -> Result<Vec<ContactMethod>, StoreError> {
        self.log(by, client, AccessAction::Read, "contact_methods")
            .await?;
        let rows = sqlx::query(
            "SELECT method, agreed_on, note, recorded_at, recorded_by FROM contact_methods
             WHERE client_id = $1 ORDER BY seq DESC",
        )
        .bind(client.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(contact_method_from_row).collect()
    }

    /// Makes `official` the client's responsible expert from `from` (A8). The official must
    /// work for the client's employment authority.
    pub async fn assign_responsible_expert(
        &self,
        client: ClientId,
        official: UserId,
        from: NaiveDate,
        by: &Access,
    ) -> Result<ResponsibleExpert, StoreError> {
        let leaf = self.leaf_params(client)?;
        let logged = self.logged(by, client)?;
        let by = by.user;
        let now = self.now();
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    let c = require_client(tx, client).await?;
                    require_official_of(tx, official, c.org_id).await?;
                    let seq: i64 = sqlx::query_scalar(
                        "INSERT INTO responsible_experts (client_id, official_id, from_date, recorded_at, recorded_by)
                         VALUES ($1, $2, $3, $4, $5) RETURNING seq",
                    )
                    .bind(client.to_string())
                    .bind(official.to_string())
                    .bind(from.to_string())
                    .bind(ts(now))
                    .bind(by.to_string())
                    .fetch_one(&mut *tx)
                    .await?;
                    leaf.defer(leaves, &ledger::RESPONSIBLE_EXPERTS, &seq.to_string(), EventType::OfficialAction, now);
                    logged.record(tx, leaves, now, AccessAction::Write, "responsible_experts").await?;
                    let row = sqlx::query(&format!("{EXPERT_SELECT} WHERE r.seq = $1"))
                        .bind(seq)
                        .fetch_one(&mut *tx)
                        .await?;
                    expert_from_row(&row)
                })
            })
            .await
    }

    /// Whether `official` is the client's responsible expert in force (the latest
    /// assignment). For the authorisation decision only: not logged.
    pub async fn is_responsible_expert(
        &self,
        client: ClientId,
        official: UserId,
    ) -> Result<bool, StoreError> {
        let current: Option<String> = sqlx::query_scalar(
            "SELECT official_id FROM responsible_experts WHERE client_id = $1
             ORDER BY seq DESC LIMIT 1",
        )
        .bind(client.to_string())
        .fetch_optional(&self.read)
        .await?;
        Ok(current.as_deref() == Some(official.to_string().as_str()))
    }

    /// Responsible-expert assignments, latest (in force) first.
    pub async fn responsible_experts(
        &self,
        client: ClientId,
        by: &Access,
    ) -> Result<Vec<ResponsibleExpert>, StoreError> {
        self.log(by, client, AccessAction::Read, "responsible_experts")
            .await?;
        let rows = sqlx::query(&format!(
            "{EXPERT_SELECT} WHERE r.client_id = $1 ORDER BY r.seq DESC"
        ))
        .bind(client.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(expert_from_row).collect()
    }
}

/// An access to log inside a write job: who, about which client, with the leaf's salt drawn
/// before the job (a salt is never shared between two leaves: erasing one opening must not
/// reveal the salt of another).
#[derive(Debug, Clone)]
struct Logged {
    access: Access,
    client: ClientId,
    leaf: LeafParams,
}

impl Logged {
    async fn record(
        self,
        tx: &mut sqlx::AnyConnection,
        leaves: &mut ledger::Pending,
        now: DateTime<Utc>,
        action: AccessAction,
        resource: &str,
    ) -> Result<(), StoreError> {
        access::log(
            tx,
            leaves,
            now,
            &self.access,
            self.client,
            action,
            resource,
            self.leaf,
        )
        .await
    }
}

#[allow(clippy::too_many_arguments)] // the entry and who writes it, prepared outside the job
async fn insert_entry(
    tx: &mut sqlx::AnyConnection,
    leaves: &mut ledger::Pending,
    id: EntryId,
    new: &NewEntry,
    author: UserId,
    author_name: PersonName,
    now: DateTime<Utc>,
    leaf: LeafParams,
) -> Result<Entry, StoreError> {
    if let Some(c) = new.corrects() {
        let target = sqlx::query("SELECT client_id FROM entries WHERE id = $1")
            .bind(c.entry_id.to_string())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::CorrectedEntryMissing)?;
        if target.try_get::<String, _>(0)? != new.client_id().to_string() {
            return Err(StoreError::CorrectionOtherClient);
        }
        let already = sqlx::query("SELECT id FROM entries WHERE corrects_id = $1")
            .bind(c.entry_id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(row) = already {
            return Err(StoreError::AlreadyCorrected(
                c.entry_id,
                parse_id(&row, "id")?,
            ));
        }
    }
    let details =
        serde_json::to_string(new.details()).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    // The client's existence is checked by the insert itself (one statement on the write path
    // every official uses); no row inserted means no such client.
    let inserted = sqlx::query(
        "INSERT INTO entries (id, client_id, kind, text, details, event_at, recorded_at,
                              author_id, corrects_id, correction_reason)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
         WHERE EXISTS (SELECT 1 FROM clients WHERE id = $2)",
    )
    .bind(id.to_string())
    .bind(new.client_id().to_string())
    .bind(new.kind().code())
    .bind(new.text().as_str())
    .bind(details)
    .bind(ts(new.event_at()))
    .bind(ts(now))
    .bind(author.to_string())
    .bind(new.corrects().map(|c| c.entry_id.to_string()))
    .bind(new.corrects().map(|c| c.reason.as_str().to_owned()))
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() != 1 {
        return Err(StoreError::NotFound("client"));
    }
    let event = if new.corrects().is_some() {
        EventType::EntryCorrection
    } else {
        EventType::Entry
    };
    leaf.defer(leaves, &ledger::ENTRIES, &id.to_string(), event, now);
    // Built from what was written rather than read back: one statement less on the write
    // path that every official uses; instants pass through their stored form.
    Ok(Entry {
        id,
        client_id: new.client_id(),
        kind: new.kind(),
        text: new.text().clone(),
        details: new.details().clone(),
        event_at: parse_ts(&ts(new.event_at()))?,
        recorded_at: parse_ts(&ts(now))?,
        author_id: author,
        author_name,
        corrects: new.corrects().cloned(),
    })
}

pub(crate) async fn require_client(
    conn: &mut sqlx::AnyConnection,
    id: ClientId,
) -> Result<Client, StoreError> {
    let row = sqlx::query(&format!("SELECT {CLIENT_COLS} FROM clients WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound("client"))?;
    client_from_row(&row)
}

async fn require_official_of(
    conn: &mut sqlx::AnyConnection,
    user: UserId,
    org: OrgId,
) -> Result<(), StoreError> {
    let row = sqlx::query("SELECT role, org_id FROM users WHERE id = $1")
        .bind(user.to_string())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound("official"))?;
    let role: String = row.try_get(0)?;
    let user_org: Option<String> = row.try_get(1)?;
    if role != Role::Official.code() || user_org != Some(org.to_string()) {
        return Err(StoreError::NotAnOfficialOfClientOrg);
    }
    Ok(())
}

async fn job_search_in(
    conn: &mut sqlx::AnyConnection,
    client: ClientId,
    id: JobSearchId,
) -> Result<JobSearch, StoreError> {
    let row = sqlx::query(&format!(
        "{JOB_SEARCH_SELECT} WHERE j.id = $1 AND j.client_id = $2"
    ))
    .bind(id.to_string())
    .bind(client.to_string())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound("job search"))?;
    job_search_from_row(&row)
}

async fn entry_in(conn: &mut sqlx::AnyConnection, id: EntryId) -> Result<Entry, StoreError> {
    let row = sqlx::query(&format!("{ENTRY_SELECT} WHERE e.id = $1"))
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound("entry"))?;
    entry_from_row(&row)
}

#[allow(clippy::too_many_arguments)] // the end's fields, prepared outside the job
pub(crate) async fn end_job_search_in(
    tx: &mut sqlx::AnyConnection,
    leaves: &mut ledger::Pending,
    client: ClientId,
    id: JobSearchId,
    end_date: NaiveDate,
    reason: EndReason,
    by: UserId,
    now: DateTime<Utc>,
    leaf: LeafParams,
) -> Result<JobSearch, StoreError> {
    let search = job_search_in(tx, client, id).await?;
    if search.end.is_some() {
        return Err(StoreError::JobSearchAlreadyEnded);
    }
    if end_date < search.start_date {
        return Err(StoreError::EndBeforeStart {
            start: search.start_date,
            end: end_date,
        });
    }
    sqlx::query(
        "INSERT INTO job_search_ends (job_search_id, end_date, reason, recorded_at, recorded_by)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id.to_string())
    .bind(end_date.to_string())
    .bind(reason.code())
    .bind(ts(now))
    .bind(by.to_string())
    .execute(&mut *tx)
    .await?;
    leaf.defer(
        leaves,
        &ledger::JOB_SEARCH_ENDS,
        &id.to_string(),
        EventType::OfficialAction,
        now,
    );
    job_search_in(tx, client, id).await
}

#[allow(clippy::too_many_arguments)] // the job search's fields, prepared outside the job
pub(crate) async fn start_job_search_in(
    tx: &mut sqlx::AnyConnection,
    leaves: &mut ledger::Pending,
    client: ClientId,
    start_date: NaiveDate,
    by: UserId,
    id: JobSearchId,
    now: DateTime<Utc>,
    leaf: LeafParams,
) -> Result<JobSearch, StoreError> {
    require_client(tx, client).await?;
    let open = sqlx::query(
        "SELECT j.start_date FROM job_searches j
         LEFT JOIN job_search_ends e ON e.job_search_id = j.id
         WHERE j.client_id = $1 AND e.job_search_id IS NULL",
    )
    .bind(client.to_string())
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(row) = open {
        return Err(StoreError::JobSearchInProgress(parse_date(
            &row.try_get::<String, _>(0)?,
        )?));
    }
    sqlx::query(
        "INSERT INTO job_searches (id, client_id, start_date, recorded_at, recorded_by)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id.to_string())
    .bind(client.to_string())
    .bind(start_date.to_string())
    .bind(ts(now))
    .bind(by.to_string())
    .execute(&mut *tx)
    .await?;
    leaf.defer(
        leaves,
        &ledger::JOB_SEARCHES,
        &id.to_string(),
        EventType::OfficialAction,
        now,
    );
    job_search_in(tx, client, id).await
}

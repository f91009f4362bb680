//! Embedded, numbered migrations, one file per backend per step. A migration that has shipped
//! is never edited: the runner stores each file's SHA-256 and refuses to start when a recorded
//! migration no longer matches its file.

use sha2::{Digest, Sha256};
use sqlx::AnyPool;

use crate::{Backend, StoreError};

struct Migration {
    version: i64,
    description: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        description: "foundation: organisations, users, clients and their record",
        sqlite: include_str!("../migrations/sqlite/0001_foundation.sql"),
        postgres: include_str!("../migrations/postgres/0001_foundation.sql"),
    },
    Migration {
        version: 2,
        description: "ledger: leaves, openings, links to records, signed checkpoints",
        sqlite: include_str!("../migrations/sqlite/0002_ledger.sql"),
        postgres: include_str!("../migrations/postgres/0002_ledger.sql"),
    },
    Migration {
        version: 3,
        description: "access log: every read and write of client data, and every refusal",
        sqlite: include_str!("../migrations/sqlite/0003_access_log.sql"),
        postgres: include_str!("../migrations/postgres/0003_access_log.sql"),
    },
    Migration {
        version: 4,
        description: "OpenID Connect identities and pending log-ins, log-in failures",
        sqlite: include_str!("../migrations/sqlite/0004_oidc.sql"),
        postgres: include_str!("../migrations/postgres/0004_oidc.sql"),
    },
    Migration {
        version: 5,
        description: "statements: adoption decisions, register facts, automated decisions",
        sqlite: include_str!("../migrations/sqlite/0005_statements.sql"),
        postgres: include_str!("../migrations/postgres/0005_statements.sql"),
    },
    Migration {
        version: 6,
        description: "entry findings: what the entry-quality checker found, kept with the entry",
        sqlite: include_str!("../migrations/sqlite/0006_entry_findings.sql"),
        postgres: include_str!("../migrations/postgres/0006_entry_findings.sql"),
    },
    Migration {
        version: 7,
        description: "work queue: official steps (taken, resolved) on routed decisions",
        sqlite: include_str!("../migrations/sqlite/0007_work_queue.sql"),
        postgres: include_str!("../migrations/postgres/0007_work_queue.sql"),
    },
    Migration {
        version: 8,
        description: "reconsideration: requests and the officials' steps on them",
        sqlite: include_str!("../migrations/sqlite/0008_reconsideration.sql"),
        postgres: include_str!("../migrations/postgres/0008_reconsideration.sql"),
    },
    Migration {
        version: 9,
        description: "delivery: benefit payers, benefit applications, the statement outbox",
        sqlite: include_str!("../migrations/sqlite/0009_delivery.sql"),
        postgres: include_str!("../migrations/postgres/0009_delivery.sql"),
    },
    Migration {
        version: 10,
        description: "one open job search per client, enforced by the database (issue 15)",
        sqlite: include_str!("../migrations/sqlite/0010_one_open_job_search.sql"),
        postgres: include_str!("../migrations/postgres/0010_one_open_job_search.sql"),
    },
    Migration {
        version: 11,
        description: "security log: failed and delayed log-ins, lifted delays (issue 15 item 7)",
        sqlite: include_str!("../migrations/sqlite/0011_security_log.sql"),
        postgres: include_str!("../migrations/postgres/0011_security_log.sql"),
    },
    Migration {
        version: 12,
        description: "retention: deletes only inside the retention job, the runs' reports",
        sqlite: include_str!("../migrations/sqlite/0012_retention.sql"),
        postgres: include_str!("../migrations/postgres/0012_retention.sql"),
    },
    Migration {
        version: 13,
        description: "account events (who made which account); distinct display names per organisation (issue 15 item 6)",
        sqlite: include_str!("../migrations/sqlite/0013_account_events.sql"),
        postgres: include_str!("../migrations/postgres/0013_account_events.sql"),
    },
    Migration {
        version: 14,
        description: "my work today: indexes for an official's clients, their entries by kind, own entries, queue counts (issue 12)",
        sqlite: include_str!("../migrations/sqlite/0014_my_work.sql"),
        postgres: include_str!("../migrations/postgres/0014_my_work.sql"),
    },
    Migration {
        version: 15,
        description: "log-in attempts counted before the password is checked, atomically (issue 16)",
        sqlite: include_str!("../migrations/sqlite/0015_login_attempts.sql"),
        postgres: include_str!("../migrations/postgres/0015_login_attempts.sql"),
    },
    Migration {
        version: 16,
        description: "secure messages between a client and their organisation, and first reads (issue 13, A18)",
        sqlite: include_str!("../migrations/sqlite/0016_messages.sql"),
        postgres: include_str!("../migrations/postgres/0016_messages.sql"),
    },
    Migration {
        version: 17,
        description: "notices: e-mail addresses of contact methods and the notice outbox (issue 13)",
        sqlite: include_str!("../migrations/sqlite/0017_notices.sql"),
        postgres: include_str!("../migrations/postgres/0017_notices.sql"),
    },
    Migration {
        version: 18,
        description: "write probe: /health finds a database that cannot take writes (issue 16)",
        sqlite: include_str!("../migrations/sqlite/0018_write_probe.sql"),
        postgres: include_str!("../migrations/postgres/0018_write_probe.sql"),
    },
    Migration {
        version: 19,
        description: "indexes of the compliance reports 1-3 (issue 14)",
        sqlite: include_str!("../migrations/sqlite/0019_reports.sql"),
        postgres: include_str!("../migrations/postgres/0019_reports.sql"),
    },
    Migration {
        version: 20,
        description: "indexes of the compliance reports on language quality, statements and access (issue 14)",
        sqlite: include_str!("../migrations/sqlite/0020_oversight_reports.sql"),
        postgres: include_str!("../migrations/postgres/0020_oversight_reports.sql"),
    },
    Migration {
        version: 21,
        description: "manager grants: who made an official a manager of their organisation, and the grants in force (issue 14)",
        sqlite: include_str!("../migrations/sqlite/0021_manager_grants.sql"),
        postgres: include_str!("../migrations/postgres/0021_manager_grants.sql"),
    },
];

fn checksum(sql: &str) -> String {
    Sha256::digest(sql.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The newest migration version this build knows.
pub(crate) fn latest() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// The advisory lock migrations run under on PostgreSQL (issue 16): the first key says
/// "Kirjuri migrations" (`kirj` in ASCII), the second is the schema, so two servers started at
/// once on one database migrate one after the other, while tests in schemas of their own do
/// not wait for each other. Taken per transaction, so it can never be left held.
/// (Wrapped so that the statement returns an integer: the `Any` driver reads no `void`.)
const PG_LOCK: &str = "SELECT 1 FROM (SELECT pg_advisory_xact_lock(1802072682, hashtext(current_schema()))) AS migrating";

/// Takes [`PG_LOCK`] for the transaction on PostgreSQL.
async fn lock(tx: &mut sqlx::AnyConnection, backend: Backend) -> Result<(), StoreError> {
    if backend == Backend::Postgres {
        sqlx::raw_sql(PG_LOCK).execute(tx).await?;
    }
    Ok(())
}

/// Applies every migration not yet applied up to and including version `upto` (the newest,
/// [`latest`], except when the upgrade tests make a database as an earlier release left it),
/// each in its own transaction. On PostgreSQL every transaction first takes [`PG_LOCK`] and
/// reads what is applied under it, so several servers starting at once on an empty database
/// neither race to create the migrations table (a duplicate key in `pg_type`) nor apply a
/// migration twice; each finds the other's work done. SQLite has one writer.
pub(crate) async fn run(pool: &AnyPool, backend: Backend, upto: i64) -> Result<(), StoreError> {
    let mut applied = 0;
    let mut tx = pool.begin().await?;
    lock(&mut tx, backend).await?;
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS kirjuri_migrations (
            version BIGINT PRIMARY KEY,
            description TEXT NOT NULL,
            checksum TEXT NOT NULL
        )",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    for m in MIGRATIONS.iter().filter(|m| m.version <= upto) {
        let sql = match backend {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        let sum = checksum(sql);
        let mut tx = pool.begin().await?;
        lock(&mut tx, backend).await?;
        let recorded: Option<String> =
            sqlx::query_scalar("SELECT checksum FROM kirjuri_migrations WHERE version = $1")
                .bind(m.version)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(recorded) = recorded {
            tx.commit().await?;
            if recorded != sum {
                return Err(StoreError::MigrationChanged(m.version));
            }
            continue;
        }
        tracing::info!(
            version = m.version,
            description = m.description,
            "applying migration"
        );
        sqlx::raw_sql(sql).execute(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO kirjuri_migrations (version, description, checksum) VALUES ($1, $2, $3)",
        )
        .bind(m.version)
        .bind(m.description)
        .bind(sum)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        applied += 1;
    }
    if applied > 0 {
        analyze(pool, backend).await?;
    }
    Ok(())
}

/// Refreshes the planner's statistics (issue 16). Without them SQLite and PostgreSQL both
/// sorted the rows of a table per page of a query instead of walking an index, which made
/// whole-log reads quadratic. Run after migrations and bulk loads. On SQLite each index is
/// sampled (`analysis_limit`), so this stays quick on a large database.
pub(crate) async fn analyze(pool: &AnyPool, backend: Backend) -> Result<(), StoreError> {
    let sql = match backend {
        Backend::Sqlite => "PRAGMA analysis_limit = 1000; ANALYZE;",
        Backend::Postgres => "ANALYZE",
    };
    sqlx::raw_sql(sql).execute(pool).await?;
    Ok(())
}

impl crate::Store {
    /// Refreshes the database's planner statistics: after a bulk load (the demo, a
    /// generator) or whenever a table has grown many times over.
    pub async fn analyze(&self) -> Result<(), StoreError> {
        analyze(&self.pool, self.backend).await
    }
}

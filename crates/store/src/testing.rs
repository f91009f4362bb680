//! Test support (feature `testing`): a fresh store per test on every backend under test.
//!
//! Backends come from `KIRJURI_TEST_BACKENDS` (comma-separated, default `sqlite,postgres`);
//! PostgreSQL from `DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/test`), each
//! store in a schema of its own. A backend that is expected and unreachable fails the test: CI
//! must not go green by skipping PostgreSQL. Nor by testing nothing: a value that names no
//! backend (empty, or only commas) or an unknown name fails every test that asks for the
//! backends.
#![allow(clippy::panic, clippy::expect_used)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use kirjuri_domain::Clock;

use crate::{Backend, IdSource, LedgerKeys, Store};

/// Deterministic ledger keys for tests and benchmarks (never for real data).
pub fn test_ledger_keys() -> LedgerKeys {
    let signer =
        kirjuri_ledger::Signer::from_seed("kirjuri-test", &[7; 32]).expect("valid test key name");
    LedgerKeys::new(signer, [9; 32])
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The PostgreSQL URL tests use.
pub fn postgres_url() -> String {
    std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// The backends under test, from `KIRJURI_TEST_BACKENDS` (unset: both). Panics, failing the
/// test, when the variable names no backend or an unknown one.
pub fn backends() -> Vec<Backend> {
    let spec = match std::env::var("KIRJURI_TEST_BACKENDS") {
        Ok(spec) => spec,
        Err(std::env::VarError::NotPresent) => "sqlite,postgres".to_owned(),
        Err(e) => panic!("KIRJURI_TEST_BACKENDS: {e}"),
    };
    parse_backends(&spec).unwrap_or_else(|e| panic!("KIRJURI_TEST_BACKENDS: {e}"))
}

/// The backends a `KIRJURI_TEST_BACKENDS` value names, in its order: at least one, each known.
pub fn parse_backends(spec: &str) -> Result<Vec<Backend>, String> {
    const USE: &str = "use sqlite, postgres or both, comma-separated";
    let backends = spec
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| match s {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" => Ok(Backend::Postgres),
            other => Err(format!("unknown backend {other:?} ({USE})")),
        })
        .collect::<Result<Vec<_>, _>>()?;
    if backends.is_empty() {
        return Err(format!("{spec:?} names no backend ({USE})"));
    }
    Ok(backends)
}

/// A store for one test; [`TestStore::cleanup`] drops its PostgreSQL schema.
#[derive(Debug)]
pub struct TestStore {
    pub store: Store,
    pub schema: Option<String>,
}

impl TestStore {
    pub async fn cleanup(self) {
        self.store.close().await;
        if let Some(schema) = self.schema {
            drop_schema(&schema).await;
        }
    }
}

/// Drops a PostgreSQL schema made for a test or a benchmark.
pub async fn drop_schema(schema: &str) {
    assert!(
        schema
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_'),
        "schema name {schema:?}"
    );
    // Called before any store is connected (a test's first step), when no driver is yet.
    sqlx::any::install_default_drivers();
    if let Ok(pool) = sqlx::AnyPool::connect(&postgres_url()).await {
        let _ = sqlx::raw_sql(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
            .execute(&pool)
            .await;
        pool.close().await;
    }
}

/// A fresh, migrated store on `backend`.
pub async fn fresh_store(backend: Backend, clock: Arc<dyn Clock>) -> TestStore {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    match backend {
        Backend::Sqlite => TestStore {
            store: Store::connect("sqlite::memory:", None, clock, IdSource::seeded(n))
                .await
                .expect("open in-memory SQLite")
                .with_ledger(test_ledger_keys()),
            schema: None,
        },
        Backend::Postgres => {
            let salt = IdSource::from_entropy().next().simple().to_string();
            let schema = format!("kirjuri_t_{}_{n}_{}", std::process::id(), &salt[..8]);
            let url = postgres_url();
            let store = Store::connect(&url, Some(&schema), clock, IdSource::seeded(n))
                .await
                .unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL is expected at {url} but is not usable: {e}\n\
                         (start it, set DATABASE_URL, or set KIRJURI_TEST_BACKENDS=sqlite)"
                    )
                });
            TestStore {
                store: store.with_ledger(test_ledger_keys()),
                schema: Some(schema),
            }
        }
    }
}

/// [`Store::connect`] applying only the migrations up to and including version `upto`, as a
/// release that shipped with those migrations left its database (upgrade tests, issue 17).
pub async fn connect_at_migration(
    url: &str,
    schema: Option<&str>,
    clock: Arc<dyn Clock>,
    ids: IdSource,
    upto: i64,
) -> Result<Store, crate::StoreError> {
    Store::connect_at(url, schema, clock, ids, upto).await
}

/// The version of the newest migration this build ships.
pub fn latest_migration() -> i64 {
    crate::migrate::latest()
}

/// Runs raw SQL against the store's database: for tests that prove the schema itself refuses
/// what the API never offers (updates and deletes of the record).
pub async fn raw_execute(store: &Store, sql: &str) -> Result<u64, sqlx::Error> {
    sqlx::raw_sql(sql)
        .execute(&store.pool)
        .await
        .map(|r| r.rows_affected())
}

/// Runs a query returning one text value (test set-up that is nobody's access).
pub async fn raw_text(store: &Store, sql: &str) -> String {
    sqlx::query_scalar::<_, String>(sql)
        .fetch_one(&store.pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Runs a query returning one integer (row counts in benchmarks, pragmas in tests).
pub async fn raw_i64(store: &Store, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&store.pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Runs a query and returns every value of every row as text (NULL as an empty string), for
/// tests that search stored rows, such as "no personal data in the ledger".
pub async fn raw_strings(store: &Store, sql: &str) -> Vec<String> {
    use sqlx::Row;
    let rows = sqlx::query(sql)
        .fetch_all(&store.pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.iter()
        .flat_map(|row| {
            (0..row.columns().len())
                .map(|i| {
                    row.try_get::<Option<String>, _>(i)
                        .map(Option::unwrap_or_default)
                        .or_else(|_| row.try_get::<i64, _>(i).map(|v| v.to_string()))
                        .unwrap_or_else(|e| panic!("{sql}: column {i}: {e}"))
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Runs `select` through the reports' packed read ([`crate::rows::fetch_packed`]) on the
/// store's read pool and returns its rows' values, in the order of `cols`.
pub async fn packed_rows(
    store: &Store,
    select: &str,
    cols: &[&str],
    binds: &[Option<String>],
) -> Result<Vec<Vec<Option<String>>>, crate::StoreError> {
    use crate::rows::TextRow;
    let rows = crate::rows::fetch_packed(&store.read, store.backend(), select, cols, binds).await?;
    rows.iter()
        .map(|r| cols.iter().map(|c| r.text_value_opt(c)).collect())
        .collect()
}

/// Two employment authorities with an official each, and a client in the first.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub org_a: kirjuri_domain::Organisation,
    pub org_b: kirjuri_domain::Organisation,
    pub official_a: kirjuri_domain::User,
    pub official_b: kirjuri_domain::User,
    pub client_a: kirjuri_domain::Client,
}

/// An access by `user` for client service, as the web layer builds for an official.
pub fn acting(user: &kirjuri_domain::User) -> crate::Access {
    crate::Access::new(
        user,
        kirjuri_domain::ShortText::parse("asiakaspalvelu (testi)").expect("purpose"),
        false,
    )
}

pub async fn fixture(store: &Store) -> Fixture {
    use kirjuri_domain::*;
    let name = |s: &str| PersonName::parse(s).expect("name");
    let org = |fi: &str, sv: &str| {
        store.create_organisation(OrgKind::EmploymentAuthority, name(fi), name(sv))
    };
    let org_a = org(
        "Testilän kaupunki, työllisyyspalvelut",
        "Testilä stad, sysselsättningstjänster",
    )
    .await
    .expect("org a");
    let org_b = org(
        "Esimerkkilän työllisyysalue",
        "Exempelby sysselsättningsområde",
    )
    .await
    .expect("org b");
    let official = |u: &str, n: &str, o: OrgId| crate::NewUser {
        username: Username::parse(u).expect("username"),
        display_name: name(n),
        role: Role::Official,
        org_id: Some(o),
        client_id: None,
        password_hash: None,
    };
    let official_a = store
        .create_user(official("virkailija.a", "Anna Asiantuntija", org_a.id))
        .await
        .expect("a");
    let official_b = store
        .create_user(official("virkailija.b", "Bertil Handläggare", org_b.id))
        .await
        .expect("b");
    let client_a = store
        .create_client(
            NewClient {
                hetu: Hetu::parse("010594Y9032").expect("hetu"),
                first_name: name("Testi"),
                last_name: name("Asiakas"),
                language: Language::Fi,
                org_id: org_a.id,
            },
            &acting(&official_a),
        )
        .await
        .expect("client");
    Fixture {
        org_a,
        org_b,
        official_a,
        official_b,
        client_a,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 11: `KIRJURI_TEST_BACKENDS` must name at least one known backend; anything else is
    /// an error that names what was wrong, so a run cannot pass by testing nothing.
    #[test]
    fn issue11_a_backend_list_naming_no_known_backend_is_an_error() {
        let table: &[(&str, Result<Vec<Backend>, &str>)] = &[
            (
                "sqlite,postgres",
                Ok(vec![Backend::Sqlite, Backend::Postgres]),
            ),
            (
                " postgres , sqlite ",
                Ok(vec![Backend::Postgres, Backend::Sqlite]),
            ),
            ("sqlite,", Ok(vec![Backend::Sqlite])),
            ("", Err("\"\" names no backend")),
            (" , ,", Err("\" , ,\" names no backend")),
            ("sqlitee", Err("unknown backend \"sqlitee\"")),
            ("sqlite,mysql", Err("unknown backend \"mysql\"")),
        ];
        for (spec, expected) in table {
            match (parse_backends(spec), expected) {
                (Ok(got), Ok(want)) => assert_eq!(&got, want, "{spec:?}"),
                (Err(got), Err(want)) => assert!(got.contains(want), "{spec:?}: {got}"),
                (got, want) => panic!("{spec:?}: got {got:?}, expected {want:?}"),
            }
        }
    }
}

/// An empty database for a test that opens it by URL itself, as an operator would (the
/// CLI's tests, issue 16): a new file on SQLite, a new schema on PostgreSQL (its URL sets the
/// search path, as [`Store::connect`] does for a schema). Nothing is migrated yet.
#[derive(Debug)]
pub struct EmptyDatabase {
    pub url: String,
    pub schema: Option<String>,
}

impl EmptyDatabase {
    /// Drops the PostgreSQL schema (a SQLite file goes with its test's directory).
    pub async fn cleanup(self) {
        if let Some(schema) = self.schema {
            drop_schema(&schema).await;
        }
    }
}

/// A fresh, empty database on `backend`; on SQLite the file `name` in `dir`.
pub async fn empty_database(backend: Backend, dir: &std::path::Path, name: &str) -> EmptyDatabase {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    match backend {
        Backend::Sqlite => EmptyDatabase {
            url: format!("sqlite:{}", dir.join(format!("{name}-{n}.db")).display()),
            schema: None,
        },
        Backend::Postgres => {
            sqlx::any::install_default_drivers();
            let salt = IdSource::from_entropy().next().simple().to_string();
            let schema = format!("kirjuri_e_{}_{n}_{}", std::process::id(), &salt[..8]);
            let url = postgres_url();
            let pool = sqlx::AnyPool::connect(&url).await.unwrap_or_else(|e| {
                panic!("PostgreSQL is expected at {url} but is not usable: {e}")
            });
            sqlx::raw_sql(&format!("CREATE SCHEMA {schema}"))
                .execute(&pool)
                .await
                .expect("create the test schema");
            pool.close().await;
            let sep = if url.contains('?') { '&' } else { '?' };
            EmptyDatabase {
                url: format!("{url}{sep}options=-c%20search_path%3D{schema}"),
                schema: Some(schema),
            }
        }
    }
}

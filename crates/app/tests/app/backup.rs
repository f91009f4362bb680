//! Issue 17, backup and restore: a backup taken while officials write (through the
//! application layer) restores into a fresh database whose ledger verifies, holding every
//! entry acknowledged before the backup began and nothing that was never acknowledged, and
//! whose last signed checkpoint is consistent with the restored tree. SQLite through
//! `Store::backup_to` (what `kirjuri backup` runs); PostgreSQL through the README's
//! `pg_dump` procedure.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{TimeZone, Utc};
use kirjuri_app::{Actor, App};
use kirjuri_domain::*;
use kirjuri_ledger::{verify_consistency, Checkpoint};
use kirjuri_store::testing::{
    backends, drop_schema, fixture, fresh_store, postgres_url, raw_strings, test_ledger_keys,
};
use kirjuri_store::{Backend, IdSource, Store};

const WRITERS: usize = 4;

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
    ))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kirjuri-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn entry(client: ClientId, n: usize) -> NewEntry {
    NewEntry::new(
        client,
        EntryKind::Contact,
        EntryText::parse(&format!(
            "Asiakas soitti ja kertoi hakeneensa työpaikkaa numero {n}."
        ))
        .unwrap(),
        Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap(),
        EntryDetails::default(),
        None,
    )
    .unwrap()
}

/// Officials writing entries until told to stop; every acknowledged entry id is kept.
struct Load {
    stop: Arc<AtomicBool>,
    acked: Arc<Mutex<Vec<String>>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Load {
    fn start(app: &App, official: &Actor, client: ClientId) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let acked = Arc::new(Mutex::new(Vec::new()));
        let tasks = (0..WRITERS)
            .map(|w| {
                let (app, official) = (app.clone(), official.clone());
                let (stop, acked) = (stop.clone(), acked.clone());
                tokio::spawn(async move {
                    let mut n = 0;
                    while !stop.load(Ordering::Relaxed) {
                        let written = app
                            .write_entry(&official, entry(client, w * 1_000_000 + n))
                            .await
                            .unwrap();
                        acked.lock().unwrap().push(written.entry.id.to_string());
                        n += 1;
                    }
                })
            })
            .collect();
        Self { stop, acked, tasks }
    }

    fn acknowledged(&self) -> HashSet<String> {
        self.acked.lock().unwrap().iter().cloned().collect()
    }

    /// Waits until at least `n` more entries are acknowledged.
    async fn grow_by(&self, n: usize) {
        let target = self.acknowledged().len() + n;
        while self.acknowledged().len() < target {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    }

    async fn stop(self) -> HashSet<String> {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.tasks {
            t.await.unwrap();
        }
        self.acked.lock().unwrap().iter().cloned().collect()
    }
}

/// The database under test and how it is backed up and restored.
enum Db {
    SqliteFile { dir: PathBuf },
    Postgres { schema: String },
}

async fn open_sqlite(path: &Path) -> Store {
    Store::connect(
        &format!("sqlite:{}", path.display()),
        None,
        clock(),
        IdSource::seeded(17),
    )
    .await
    .unwrap()
    .with_ledger(test_ledger_keys())
}

fn run(cmd: &mut std::process::Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The README's PostgreSQL procedure: `pg_dump` of the live database (one consistent
/// snapshot), loaded with `psql` into a freshly created database.
fn pg_dump_restore(schema: &str, fresh_db: &str, dump: &Path) {
    let url = postgres_url();
    run(std::process::Command::new("pg_dump")
        .args(["--format=plain", "--no-owner", "--schema", schema, "--file"])
        .arg(dump)
        .arg(&url));
    let (base, _) = url.rsplit_once('/').unwrap();
    run(std::process::Command::new("psql").args([
        "--quiet",
        &url,
        "-c",
        &format!("CREATE DATABASE {fresh_db}"),
    ]));
    run(std::process::Command::new("psql")
        .args([
            "--quiet",
            "-v",
            "ON_ERROR_STOP=1",
            &format!("{base}/{fresh_db}"),
            "-f",
        ])
        .arg(dump));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_load_restores_into_a_fresh_database_that_verifies_with_every_acknowledged_write(
) {
    for backend in backends() {
        eprintln!("backend {backend:?}");
        let dir = scratch(&format!("backup-{backend:?}"));
        let (store, db) = match backend {
            Backend::Sqlite => (
                open_sqlite(&dir.join("live.db")).await,
                Db::SqliteFile { dir: dir.clone() },
            ),
            Backend::Postgres => {
                let ts = fresh_store(backend, clock()).await;
                let schema = ts.schema.clone().unwrap();
                (ts.store, Db::Postgres { schema })
            }
        };
        let fx = fixture(&store).await;
        let app = App::new(store.clone(), Default::default()).unwrap();
        let official = Actor::new(fx.official_a.clone());
        let load = Load::start(&app, &official, fx.client_a.id);
        load.grow_by(20).await;
        // A checkpoint signed under load; the restored tree must extend it.
        let checkpoint = store.ledger_checkpoint().await.unwrap();
        load.grow_by(20).await;

        let before = load.acknowledged();
        let fresh_db = format!("kirjuri_restore_{}", std::process::id());
        let restored_url = match &db {
            Db::SqliteFile { dir } => {
                let backup = dir.join("backup.db");
                let report = store.backup_to(&backup).await.unwrap();
                assert!(report.bytes > 0);
                // A backup never overwrites a file.
                assert!(store.backup_to(&backup).await.is_err());
                // Restoring is putting the file where a database is expected.
                let restored = dir.join("restored").join("kirjuri.db");
                std::fs::create_dir_all(restored.parent().unwrap()).unwrap();
                std::fs::copy(&backup, &restored).unwrap();
                format!("sqlite:{}", restored.display())
            }
            Db::Postgres { schema } => {
                let (schema, fresh, dump) =
                    (schema.clone(), fresh_db.clone(), dir.join("dump.sql"));
                tokio::task::spawn_blocking(move || pg_dump_restore(&schema, &fresh, &dump))
                    .await
                    .unwrap();
                let (base, _) = postgres_url()
                    .rsplit_once('/')
                    .map(|(b, d)| (b.to_owned(), d.to_owned()))
                    .unwrap();
                format!("{base}/{fresh_db}")
            }
        };
        // The writers go on after the backup: none of that may be in it.
        load.grow_by(20).await;
        let all = load.stop().await;
        assert!(all.len() >= before.len() + 20);

        let schema = match &db {
            Db::Postgres { schema } => Some(schema.as_str()),
            Db::SqliteFile { .. } => None,
        };
        let restored = Store::connect(&restored_url, schema, clock(), IdSource::seeded(18))
            .await
            .unwrap();
        // The verification `kirjuri ledger verify` runs.
        let verifier = test_ledger_keys().verifier();
        let report = restored
            .verify_ledger(std::slice::from_ref(&verifier))
            .await
            .unwrap();
        assert_eq!(report.fault, None, "{report:?}");
        assert!(report.checkpoints >= 1);

        let ids: HashSet<String> = raw_strings(&restored, "SELECT id FROM entries")
            .await
            .into_iter()
            .collect();
        let missing: Vec<_> = before.difference(&ids).collect();
        assert!(
            missing.is_empty(),
            "acknowledged before the backup and lost: {missing:?}"
        );
        let unknown: Vec<_> = ids.difference(&all).collect();
        assert!(unknown.is_empty(), "never acknowledged: {unknown:?}");
        assert!(
            ids.len() < all.len(),
            "the backup holds writes made after it"
        );

        // The last checkpoint is consistent with the restored tree.
        let latest = restored.ledger_latest_checkpoint().await.unwrap().unwrap();
        assert_eq!(latest, checkpoint);
        let (old, _) = Checkpoint::open(&checkpoint.note, &[verifier]).unwrap();
        let size = restored.ledger_size().await.unwrap();
        assert!(size >= old.size);
        let root = restored.ledger_root(size).await.unwrap();
        let proof = restored.ledger_consistency(old.size, size).await.unwrap();
        verify_consistency(old.size, size, &proof, &old.root, &root).unwrap();

        restored.close().await;
        store.close().await;
        if let Some(schema) = schema {
            drop_schema(schema).await;
            let url = postgres_url();
            let _ = std::process::Command::new("psql")
                .args([&url, "-c", &format!("DROP DATABASE IF EXISTS {fresh_db}")])
                .output();
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// Review finding (backup file permissions): the backup holds every client's data, so it is
/// written readable and writable by its owner only (0600), whatever the umask.
#[cfg(unix)]
#[tokio::test]
async fn a_backup_file_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    if !backends().contains(&Backend::Sqlite) {
        return; // a SQLite file
    }
    let dir = scratch("backup-mode");
    let store = open_sqlite(&dir.join("kirjuri.db")).await;
    fixture(&store).await;
    let out = dir.join("kirjuri-backup.db");
    let report = store.backup_to(&out).await.unwrap();
    assert!(report.bytes > 0);
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");
    assert!(!dir.join("kirjuri-backup.db.partial").exists());
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

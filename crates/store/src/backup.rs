//! Online backup of an embedded (SQLite) database: a consistent copy of the whole database
//! while the server goes on writing (issue 17). PostgreSQL is backed up with its own tools
//! (`pg_dump`, or a base backup with WAL archiving; README "Backup and restore").

use std::path::{Path, PathBuf};

use crate::{Backend, Store, StoreError};

/// What [`Store::backup_to`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    /// The backup file (a complete SQLite database).
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
}

/// Makes a just-written file and its name durable: the copy is fsynced, renamed into place
/// and the directory fsynced, so a backup that was reported written survives a power cut.
fn settle(partial: &Path, out: &Path) -> std::io::Result<u64> {
    let file = std::fs::File::open(partial)?;
    file.sync_all()?;
    let bytes = file.metadata()?.len();
    drop(file);
    std::fs::rename(partial, out)?;
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::File::open(dir)?.sync_all()?;
    Ok(bytes)
}

/// Creates `path` empty, readable and writable by the owner only; fails when it exists.
fn create_private(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map(drop)
}

/// `VACUUM INTO` on a reader connection. Readers are `query_only`, which refuses even a
/// copy into another file, so it is lifted for this one statement; the connection itself
/// is opened read-only (`mode=ro`) on a file database, so it still cannot change it. A
/// connection whose `query_only` could not be restored is closed rather than pooled.
async fn vacuum_into(pool: &sqlx::AnyPool, target: String) -> Result<(), sqlx::Error> {
    let mut conn = pool.acquire().await?;
    // An in-memory database reads through its one writer connection, which stays writable.
    let query_only: i64 = sqlx::query_scalar("PRAGMA query_only")
        .fetch_one(&mut *conn)
        .await?;
    if query_only != 0 {
        sqlx::query("PRAGMA query_only = OFF")
            .execute(&mut *conn)
            .await?;
    }
    let copied = sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(&mut *conn)
        .await;
    if query_only != 0
        && sqlx::query("PRAGMA query_only = ON")
            .execute(&mut *conn)
            .await
            .is_err()
    {
        drop(conn.detach());
    }
    copied.map(|_| ())
}

impl Store {
    /// Writes a consistent copy of the database to `out` (which must not exist) with SQLite's
    /// `VACUUM INTO`: one read transaction on a reader connection, so the copy is the database
    /// as of one commit, with every acknowledged write up to it and none half, while the
    /// writer keeps committing beside it (WAL). The copy is written beside `out` under a
    /// temporary name and renamed only once complete and on disk. On PostgreSQL it refuses
    /// ([`StoreError::BackupUnsupported`]): use `pg_dump`.
    pub async fn backup_to(&self, out: &Path) -> Result<BackupReport, StoreError> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::BackupUnsupported);
        }
        if out.exists() {
            return Err(StoreError::BackupTarget(format!(
                "{} already exists; a backup never overwrites a file",
                out.display()
            )));
        }
        let name = out
            .file_name()
            .ok_or_else(|| StoreError::BackupTarget(format!("{} names no file", out.display())))?;
        let mut partial_name = name.to_os_string();
        partial_name.push(".partial");
        let partial = out.with_file_name(partial_name);
        // What an interrupted earlier backup left is not a backup.
        let _ = std::fs::remove_file(&partial);
        let target = partial
            .to_str()
            .ok_or_else(|| StoreError::BackupTarget(format!("{} is not UTF-8", out.display())))?
            .to_owned();
        // The copy holds every client's data: it is made readable by the owner only before a
        // byte is written (VACUUM INTO would create it with the umask's mode, often 0644), and
        // VACUUM INTO fills an existing empty file.
        create_private(&partial)
            .map_err(|e| StoreError::BackupTarget(format!("{}: {e}", partial.display())))?;
        let copied = vacuum_into(&self.read, target).await;
        if let Err(e) = copied {
            let _ = std::fs::remove_file(&partial);
            return Err(StoreError::Database(e));
        }
        let out_owned = out.to_path_buf();
        let bytes = tokio::task::spawn_blocking(move || settle(&partial, &out_owned))
            .await
            .map_err(|e| StoreError::BackupTarget(format!("writing the backup stopped: {e}")))?
            .map_err(|e| StoreError::BackupTarget(format!("{}: {e}", out.display())))?;
        Ok(BackupReport {
            path: out.to_path_buf(),
            bytes,
        })
    }
}

//! What operations need of the store (issue 16): whether the database takes writes, how deep
//! the write queue is, how many statements wait in the outbox, and the real cause when the
//! database cannot be opened at all.

use chrono::{DateTime, Utc};
use sqlx::Connection;

use crate::rows::ts;
use crate::{Backend, Store, StoreError};

impl Store {
    /// Writes the one row of `write_probe` (migration 18) through the writer like any other
    /// write, so a database that cannot take writes (its disk full, the file or the server
    /// read-only) answers here as the record's writes would. `server` names the process, for
    /// whoever looks at the row.
    pub async fn probe_write(&self, server: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        let server = server.to_owned();
        let at = ts(at);
        self.writer
            .write(move |tx, _leaves| {
                Box::pin(async move {
                    sqlx::query("UPDATE write_probe SET at = $1, server = $2 WHERE id = 1")
                        .bind(at)
                        .bind(server)
                        .execute(&mut *tx)
                        .await?;
                    Ok(())
                })
            })
            .await
    }

    /// Writes waiting for the writer now: on SQLite the jobs queued for the next group commit,
    /// on PostgreSQL the connections busy (each write holds one until it commits).
    pub fn write_queue_depth(&self) -> usize {
        match &self.writer {
            crate::writer::Writer::Grouped(queue, _) => {
                queue.max_capacity().saturating_sub(queue.capacity())
            }
            crate::writer::Writer::Direct(pool, _) => {
                let idle = u32::try_from(pool.num_idle()).unwrap_or(u32::MAX);
                usize::try_from(pool.size().saturating_sub(idle)).unwrap_or(usize::MAX)
            }
        }
    }

    /// Statements enqueued for a benefit payer and not yet received.
    pub async fn outbox_backlog(&self) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM delivery_outstanding")
                .fetch_one(&self.read)
                .await?,
        )
    }
}

/// Opens one connection to `url` before a pool is made, so that a database that cannot be
/// opened is reported with its cause: the pool retries until its time-out and then says only
/// "pool timed out".
pub(crate) async fn try_open(url: &str, backend: Backend) -> Result<(), StoreError> {
    if backend == Backend::Sqlite && !url.contains(":memory:") {
        let path = url
            .trim_start_matches("sqlite://")
            .trim_start_matches("sqlite:");
        let path = path.split('?').next().unwrap_or(path);
        let dir = std::path::Path::new(path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty());
        if let Some(dir) = dir {
            if !dir.is_dir() {
                return Err(StoreError::CannotOpen(format!(
                    "the directory {} does not exist (create it, or name another path)",
                    dir.display()
                )));
            }
        }
    }
    match sqlx::AnyConnection::connect(url).await {
        Ok(conn) => {
            let _ = conn.close().await;
            Ok(())
        }
        Err(e) => Err(StoreError::CannotOpen(cause(&e))),
    }
}

/// The cause of a failed connection, in words an operator can act on.
fn cause(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => {
                format!("connection refused: no database server listens at that address ({io})")
            }
            std::io::ErrorKind::NotFound => format!("not found: {io}"),
            std::io::ErrorKind::PermissionDenied => format!("permission denied: {io}"),
            _ => format!("cannot connect: {io}"),
        },
        sqlx::Error::Database(db) => db.message().to_owned(),
        sqlx::Error::Tls(t) => format!("TLS: {t}"),
        sqlx::Error::Configuration(c) => format!("the URL is not valid: {c}"),
        other => other.to_string(),
    }
}

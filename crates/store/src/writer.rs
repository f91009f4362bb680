//! The write path: every write is a job run inside a transaction.
//!
//! On PostgreSQL a job gets a transaction of its own. On SQLite, which has one writer and pays
//! an fsync per commit, concurrent jobs are grouped: one task takes the jobs waiting at that
//! moment, runs each under a savepoint of its own in one transaction, and commits once. A job
//! that fails is rolled back to its savepoint and reports its own error; the others are not
//! affected. No job hears "done" before the commit that carries it is on disk, and if that
//! commit fails every job in it hears so.
//!
//! A job owes its ledger leaves to [`Pending`] instead of appending them itself; they are
//! appended together just before the commit (`ledger::flush`), in the same transaction, so a
//! record and its leaf are still committed together, and the leaves of a job that failed are
//! forgotten with its savepoint.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

use futures_util::FutureExt;
use sqlx::{AnyConnection, AnyPool, Executor};
use tokio::sync::{mpsc, oneshot};

use crate::ledger::{self, Pending};
use crate::{Backend, StoreError};

/// What a write job returns: a future borrowing the connection for the transaction.
pub(crate) type TxFuture<'c, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'c>>;

/// A job with its result type erased: runs, says whether it succeeded, and leaves behind the
/// delivery to call once the commit's outcome is known.
type Erased = Box<
    dyn for<'c> FnOnce(
            &'c mut AnyConnection,
            &'c mut Pending,
        ) -> Pin<Box<dyn Future<Output = Ran> + Send + 'c>>
        + Send,
>;

/// Hands a job its result once the commit is decided: `Some(why)` if the commit failed.
type Deliver = Box<dyn FnOnce(Option<&StoreError>) + Send>;

pub(crate) struct Ran {
    ok: bool,
    deliver: Deliver,
}

/// Jobs taken into one SQLite transaction at most; bounds the latency a batch adds.
const MAX_BATCH: usize = 64;

#[derive(Debug, Clone)]
pub(crate) enum Writer {
    /// One transaction per job.
    Direct(AnyPool, Backend),
    /// Group commit through the writer task, and why its last batch failed as a whole.
    Grouped(mpsc::Sender<Erased>, Arc<AtomicU8>),
}

/// Why a batch failed before its jobs ran (its transaction could not begin), for the callers
/// whose jobs were dropped unrun: they hear the database's state, not "the writer stopped"
/// (issue 16: a read-only database answered 500 instead of 503).
const BATCH_OK: u8 = 0;
const BATCH_FULL: u8 = 1;
const BATCH_READ_ONLY: u8 = 2;
const BATCH_FAILED: u8 = 3;

impl Writer {
    pub(crate) fn direct(pool: AnyPool, backend: Backend) -> Self {
        Writer::Direct(pool, backend)
    }

    /// Starts the writer task on the current runtime. It ends when the last [`Writer`] clone
    /// is dropped.
    pub(crate) fn grouped(pool: AnyPool, backend: Backend) -> Self {
        let (tx, rx) = mpsc::channel::<Erased>(1024);
        let failed = Arc::new(AtomicU8::new(BATCH_OK));
        tokio::spawn(run(pool, backend, rx, failed.clone()));
        Writer::Grouped(tx, failed)
    }

    /// Runs `job` in a transaction and returns its result once committed.
    pub(crate) async fn write<T, F>(&self, job: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection, &'c mut Pending) -> TxFuture<'c, T>
            + Send
            + 'static,
    {
        match self {
            Writer::Direct(pool, backend) => {
                let mut tx = pool.begin().await?;
                let mut pending = Pending::default();
                let value = job(&mut tx, &mut pending).await?;
                ledger::flush(&mut tx, *backend, &pending).await?;
                tx.commit().await?;
                Ok(value)
            }
            Writer::Grouped(queue, failed) => {
                let (done_tx, done_rx) = oneshot::channel::<Result<T, StoreError>>();
                let erased: Erased =
                    Box::new(move |conn: &mut AnyConnection, pending: &mut Pending| {
                        Box::pin(async move {
                            let result = job(conn, pending).await;
                            let ok = result.is_ok();
                            let deliver = Box::new(move |commit_failed: Option<&StoreError>| {
                                let result = match commit_failed {
                                    Some(StoreError::StorageFull) if ok => {
                                        Err(StoreError::StorageFull)
                                    }
                                    Some(StoreError::ReadOnly) if ok => Err(StoreError::ReadOnly),
                                    Some(why) if ok => {
                                        Err(StoreError::CommitFailed(why.to_string()))
                                    }
                                    _ => result,
                                };
                                // The caller may have gone away (a dropped request); the write
                                // stands either way.
                                let _ = done_tx.send(result);
                            });
                            Ran { ok, deliver }
                        })
                    });
                queue
                    .send(erased)
                    .await
                    .map_err(|_| StoreError::CommitFailed("the store is closed".into()))?;
                done_rx
                    .await
                    .map_err(|_| match failed.load(Ordering::Relaxed) {
                        BATCH_FULL => StoreError::StorageFull,
                        BATCH_READ_ONLY => StoreError::ReadOnly,
                        _ => StoreError::CommitFailed("the writer stopped".into()),
                    })?
            }
        }
    }
}

async fn run(
    pool: AnyPool,
    backend: Backend,
    mut rx: mpsc::Receiver<Erased>,
    failed: Arc<AtomicU8>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.recv().await {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        #[cfg(test)]
        tests::LARGEST_BATCH.fetch_max(batch.len(), std::sync::atomic::Ordering::Relaxed);
        let mut delivered = Vec::with_capacity(batch.len());
        let outcome = run_batch(&pool, backend, &mut batch, &mut delivered).await;
        match &outcome {
            // Each job's caller hears it and the transport logs the refusal once per request
            // (issue 16: a full disk logged two lines per request).
            Err(e @ (StoreError::StorageFull | StoreError::ReadOnly)) => {
                tracing::debug!("group commit of {} writes: {e}", delivered.len());
            }
            Err(e) => tracing::error!("group commit of {} writes failed: {e}", delivered.len()),
            Ok(()) => {}
        }
        failed.store(
            match &outcome {
                Ok(()) => BATCH_OK,
                Err(StoreError::StorageFull) => BATCH_FULL,
                Err(StoreError::ReadOnly) => BATCH_READ_ONLY,
                Err(_) => BATCH_FAILED,
            },
            Ordering::Relaxed,
        );
        let why = outcome.err();
        for ran in delivered.drain(..) {
            (ran.deliver)(why.as_ref());
        }
        // Jobs never started (the batch broke off early) are dropped unrun; their callers
        // hear that the writer stopped, and nothing of theirs was written.
        batch.clear();
    }
}

async fn run_batch(
    pool: &AnyPool,
    backend: Backend,
    batch: &mut Vec<Erased>,
    delivered: &mut Vec<Ran>,
) -> Result<(), StoreError> {
    let mut conn = pool.acquire().await?;
    conn.execute("BEGIN IMMEDIATE").await?;
    let mut pending = Pending::default();
    let body = async {
        // Each job runs under a savepoint of its own. Releasing one and opening the next is
        // one round trip to the database thread: on the write path every official uses, the
        // number of statements per write is what sets the pace.
        conn.execute("SAVEPOINT job").await?;
        let jobs = batch.len();
        for (i, job) in batch.drain(..).enumerate() {
            let mark = pending.len();
            // A job that panics is a failed job: rolled back to its savepoint, its caller
            // hears that the write was not committed, and the writer goes on with the rest.
            let ran = match AssertUnwindSafe(job(&mut conn, &mut pending))
                .catch_unwind()
                .await
            {
                Ok(ran) => ran,
                Err(_) => {
                    tracing::error!("a write job panicked; it was rolled back");
                    Ran {
                        ok: false,
                        deliver: Box::new(|_| {}),
                    }
                }
            };
            if !ran.ok {
                conn.execute("ROLLBACK TO job").await?;
                pending.truncate(mark);
            }
            if i + 1 < jobs {
                conn.execute("RELEASE job; SAVEPOINT job").await?;
            } else {
                conn.execute("RELEASE job").await?;
            }
            delivered.push(ran);
        }
        ledger::flush(&mut conn, backend, &pending).await?;
        conn.execute("COMMIT").await?;
        Ok::<(), StoreError>(())
    }
    .await;
    if body.is_err() {
        let _ = conn.execute("ROLLBACK").await;
    }
    body
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use sqlx::any::AnyPoolOptions;

    use super::*;

    pub(super) static LARGEST_BATCH: AtomicUsize = AtomicUsize::new(0);

    /// A job that fails after it wrote is rolled back to its savepoint; its neighbours in the
    /// same commit keep their writes.
    #[tokio::test]
    async fn a_failed_job_leaves_nothing_and_its_batch_commits() {
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        sqlx::raw_sql("CREATE TABLE t (x INTEGER NOT NULL)")
            .execute(&pool)
            .await
            .unwrap();
        let writer = Writer::grouped(pool.clone(), Backend::Sqlite);
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..200_i64 {
            let writer = writer.clone();
            tasks.spawn(async move {
                let r = writer
                    .write(move |tx, _| {
                        Box::pin(async move {
                            sqlx::query("INSERT INTO t (x) VALUES ($1)")
                                .bind(i)
                                .execute(&mut *tx)
                                .await?;
                            if i % 2 == 1 {
                                return Err(StoreError::NotFound("odd"));
                            }
                            Ok(i)
                        })
                    })
                    .await;
                (i, r)
            });
        }
        while let Some(done) = tasks.join_next().await {
            match done.unwrap() {
                (i, Ok(v)) => assert!(i % 2 == 0 && v == i),
                (i, Err(StoreError::NotFound("odd"))) => assert!(i % 2 == 1),
                (i, Err(e)) => panic!("job {i}: {e}"),
            }
        }
        let rows: Vec<i64> = sqlx::query_scalar("SELECT x FROM t ORDER BY x")
            .fetch_all(&pool)
            .await
            .unwrap();
        assert_eq!(rows, (0..200).step_by(2).collect::<Vec<_>>());
        assert!(
            LARGEST_BATCH.load(Ordering::Relaxed) > 1,
            "no two jobs shared a commit"
        );
    }

    /// A job that panics fails alone: its caller hears the write was not committed, its
    /// writes are rolled back, and the writer keeps serving.
    #[tokio::test]
    async fn a_panicking_job_fails_alone_and_the_writer_goes_on() {
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        sqlx::raw_sql("CREATE TABLE t (x INTEGER NOT NULL)")
            .execute(&pool)
            .await
            .unwrap();
        let writer = Writer::grouped(pool.clone(), Backend::Sqlite);
        let insert = |x: i64, boom: bool| {
            let writer = writer.clone();
            async move {
                writer
                    .write(move |tx, _| {
                        Box::pin(async move {
                            sqlx::query("INSERT INTO t (x) VALUES ($1)")
                                .bind(x)
                                .execute(&mut *tx)
                                .await?;
                            if boom {
                                panic!("a bug in a write job");
                            }
                            Ok(x)
                        })
                    })
                    .await
            }
        };
        let (a, b, c) = tokio::join!(insert(1, false), insert(2, true), insert(3, false));
        assert_eq!(a.unwrap(), 1);
        assert!(matches!(b, Err(StoreError::CommitFailed(_))), "{b:?}");
        assert_eq!(c.unwrap(), 3);
        assert_eq!(insert(4, false).await.unwrap(), 4);
        let rows: Vec<i64> = sqlx::query_scalar("SELECT x FROM t ORDER BY x")
            .fetch_all(&pool)
            .await
            .unwrap();
        assert_eq!(rows, [1, 3, 4]);
    }
}

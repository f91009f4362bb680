//! Signed checkpoints of the ledger, written by the server itself (issue 16): at least every
//! minute while leaves are added, and at shutdown, so that `kirjuri ledger verify` always has
//! a recent signed tree head to check against and proof bundles use a stored checkpoint
//! instead of signing one per read. Whether one is due is decided on the store's `Clock` and
//! the time the newest stored checkpoint was signed (every server of a database sees the same),
//! so a test moves a test clock instead of waiting.

use std::sync::Arc;

use kirjuri_store::{Store, StoredCheckpoint};

use crate::{App, AppError, AppResult};

/// How often checkpoints are signed.
#[derive(Debug, Clone)]
pub struct CheckpointConfig {
    /// A checkpoint is signed when the ledger has grown and the newest was signed this long
    /// ago (by the store's clock) or there is none.
    pub every: chrono::Duration,
    /// How often the task looks (real time).
    pub poll: std::time::Duration,
}

impl Default for CheckpointConfig {
    fn default() -> Self {
        Self {
            every: chrono::Duration::minutes(1),
            poll: std::time::Duration::from_secs(1),
        }
    }
}

/// Signs a checkpoint when one is due under `every`: the ledger holds leaves no stored
/// checkpoint covers, and the newest was signed `every` ago or there is none. Returns what
/// it signed.
pub async fn checkpoint_if_due(
    store: &Store,
    every: chrono::Duration,
) -> AppResult<Option<StoredCheckpoint>> {
    let size = store.ledger_size().await?;
    let due = match store.ledger_latest_checkpoint_at().await? {
        None => size > 0,
        Some((covered, signed_at)) => size > covered && store.clock().now() - signed_at >= every,
    };
    if !due {
        return Ok(None);
    }
    Ok(Some(store.ledger_checkpoint().await?))
}

/// The server's checkpoint task.
#[derive(Debug)]
pub struct Checkpointer {
    stop: Option<tokio::sync::watch::Sender<bool>>,
    task: Option<tokio::task::JoinHandle<()>>,
    store: Store,
}

impl Checkpointer {
    /// Starts the task on the application's store (which must have the ledger keys).
    pub fn spawn(app: &App, config: CheckpointConfig) -> Self {
        let store = app.store.clone();
        let (tx, mut rx) = tokio::sync::watch::channel(false);
        let config = Arc::new(config);
        let task_store = store.clone();
        let task = tokio::spawn(async move {
            loop {
                if *rx.borrow() {
                    break;
                }
                match checkpoint_if_due(&task_store, config.every).await {
                    Ok(Some(cp)) => tracing::debug!(size = cp.size, "ledger checkpoint signed"),
                    Ok(None) => {}
                    Err(e) => tracing::warn!("ledger checkpoint: {e}"),
                }
                tokio::select! {
                    _ = tokio::time::sleep(config.poll) => {}
                    _ = rx.changed() => {}
                }
            }
        });
        Self {
            stop: Some(tx),
            task: Some(task),
            store,
        }
    }

    /// Stops the task and signs a last checkpoint of whatever was added since the newest.
    pub async fn stop(mut self) -> AppResult<StoredCheckpoint> {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(true);
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        Ok(self.store.ledger_checkpoint().await?)
    }
}

impl App {
    /// The newest signed checkpoint of the ledger (`GET /api/ledger/checkpoint`): public, it
    /// holds no personal data (the origin, the tree size, the root hash, signatures).
    pub async fn latest_checkpoint(&self) -> AppResult<StoredCheckpoint> {
        self.store
            .ledger_latest_checkpoint()
            .await?
            .ok_or(AppError::NotFound("checkpoint"))
    }
}

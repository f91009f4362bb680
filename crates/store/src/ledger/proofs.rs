//! Reading the ledger back: the Merkle tree the store caches, signed checkpoints, offline proof
//! bundles and consistency proofs.

use kirjuri_ledger::{Checkpoint, EventType, Hash, LeafRecord, MerkleTree, Opening, ProofBundle};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{hex32, idx_i64, PAGE};
use crate::rows::ts;
use crate::{Store, StoreError};
use kirjuri_domain::{DecisionId, EntryId};

/// Adds the committed leaves past `tree.size()` to the cached tree.
async fn refresh_tree(conn: &mut AnyConnection, tree: &mut MerkleTree) -> Result<(), StoreError> {
    loop {
        let rows = sqlx::query(
            "SELECT idx, event_type, subject, commitment FROM ledger_leaves
             WHERE idx >= $1 ORDER BY idx LIMIT $2",
        )
        .bind(idx_i64(tree.size())?)
        .bind(PAGE)
        .fetch_all(&mut *conn)
        .await?;
        if rows.is_empty() {
            return Ok(());
        }
        for row in &rows {
            let idx: i64 = row.try_get(0)?;
            if u64::try_from(idx).ok() != Some(tree.size()) {
                return Err(StoreError::Corrupt(format!(
                    "ledger leaf {} is missing (found {idx}); run `kirjuri ledger verify`",
                    tree.size()
                )));
            }
            tree.push(leaf_from_row(row)?.leaf_hash());
        }
    }
}

fn leaf_from_row(row: &AnyRow) -> Result<LeafRecord, StoreError> {
    let code: String = row.try_get("event_type")?;
    Ok(LeafRecord {
        event_type: EventType::from_code(&code)
            .map_err(|e| StoreError::Corrupt(format!("ledger event type: {e}")))?,
        subject: hex32(&row.try_get::<String, _>("subject")?, "subject")?,
        commitment: Hash::from_bytes(hex32(
            &row.try_get::<String, _>("commitment")?,
            "commitment",
        )?),
    })
}

/// The leaf and opening of `idx`, for a bundle.
async fn leaf_and_opening(
    conn: &mut AnyConnection,
    idx: u64,
) -> Result<(LeafRecord, Option<Opening>), StoreError> {
    let row = sqlx::query(
        "SELECT l.event_type, l.subject, l.commitment, o.salt, o.record
         FROM ledger_leaves l LEFT JOIN ledger_openings o ON o.idx = l.idx WHERE l.idx = $1",
    )
    .bind(idx_i64(idx)?)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound("ledger leaf"))?;
    let leaf = leaf_from_row(&row)?;
    let salt: Option<String> = row.try_get("salt")?;
    let record: Option<Vec<u8>> = row.try_get("record")?;
    let opening = match (salt, record) {
        (Some(salt), Some(record)) => Some(Opening {
            salt: hex32(&salt, "salt")?,
            record,
        }),
        _ => None,
    };
    Ok((leaf, opening))
}

/// A proof bundle for leaf `idx` against the signed checkpoint `note` of `size` leaves.
fn bundle(
    tree: &MerkleTree,
    idx: u64,
    leaf: LeafRecord,
    opening: Option<Opening>,
    note: String,
    size: u64,
) -> Result<ProofBundle, StoreError> {
    Ok(ProofBundle {
        leaf_index: idx,
        leaf,
        proof: tree.inclusion_proof(idx, size)?,
        checkpoint: note,
        opening,
    })
}

/// A signed checkpoint as stored: the tree size and the signed note text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCheckpoint {
    pub size: u64,
    pub note: String,
}

impl Store {
    /// The ledger tree brought up to date with the committed leaves.
    async fn ledger_tree(&self) -> Result<tokio::sync::MutexGuard<'_, MerkleTree>, StoreError> {
        let mut tree = self.tree.lock().await;
        let mut conn = self.read.acquire().await?;
        refresh_tree(&mut conn, &mut tree).await?;
        Ok(tree)
    }

    /// Number of leaves committed to the ledger.
    pub async fn ledger_size(&self) -> Result<u64, StoreError> {
        Ok(self.ledger_tree().await?.size())
    }

    /// The ledger's root hash at `size` leaves.
    pub async fn ledger_root(&self, size: u64) -> Result<Hash, StoreError> {
        Ok(self.ledger_tree().await?.root_at(size)?)
    }

    /// Signs a checkpoint of the whole ledger as it stands (or returns the stored one if the
    /// ledger has not grown since), stores it and returns the signed note.
    pub async fn ledger_checkpoint(&self) -> Result<StoredCheckpoint, StoreError> {
        let _one_signer = self.signing.lock().await;
        self.sign_checkpoint().await
    }

    /// A stored checkpoint covering leaf `idx`: the newest if it does, otherwise one signed
    /// now, once however many readers ask at the same moment (issue 16: the server signs
    /// every minute, so reads of older leaves sign nothing).
    pub async fn ledger_checkpoint_covering(
        &self,
        idx: u64,
    ) -> Result<StoredCheckpoint, StoreError> {
        if let Some(cp) = self.ledger_latest_checkpoint().await? {
            if cp.size > idx {
                return Ok(cp);
            }
        }
        let _one_signer = self.signing.lock().await;
        if let Some(cp) = self.ledger_latest_checkpoint().await? {
            if cp.size > idx {
                return Ok(cp);
            }
        }
        self.sign_checkpoint().await
    }

    /// The size of the newest stored checkpoint and when it was signed (by the store's clock).
    pub async fn ledger_latest_checkpoint_at(
        &self,
    ) -> Result<Option<(u64, chrono::DateTime<chrono::Utc>)>, StoreError> {
        let row = sqlx::query(
            "SELECT size, signed_at FROM ledger_checkpoints ORDER BY size DESC LIMIT 1",
        )
        .fetch_optional(&self.read)
        .await?;
        row.map(|row| {
            Ok((
                u64::try_from(row.try_get::<i64, _>(0)?)
                    .map_err(|_| StoreError::Corrupt("checkpoint size".into()))?,
                crate::rows::parse_ts(&row.try_get::<String, _>(1)?)?,
            ))
        })
        .transpose()
    }

    /// [`Store::ledger_checkpoint`] under the signing lock already held.
    async fn sign_checkpoint(&self) -> Result<StoredCheckpoint, StoreError> {
        let keys = self.keys()?.clone();
        let (size, root) = {
            let tree = self.ledger_tree().await?;
            (tree.size(), tree.root())
        };
        if let Some(latest) = self.ledger_latest_checkpoint().await? {
            if latest.size == size {
                return Ok(latest);
            }
        }
        let note =
            Checkpoint::new(keys.origin(), size, root).sign(std::slice::from_ref(&keys.signer))?;
        let (stored, now) = (note.clone(), ts(self.now()));
        let size_i = idx_i64(size)?;
        self.writer
            .write(move |tx, _| {
                Box::pin(async move {
                    sqlx::query(
                        "INSERT INTO ledger_checkpoints (size, note, signed_at) VALUES ($1, $2, $3)
                         ON CONFLICT (size) DO NOTHING",
                    )
                    .bind(size_i)
                    .bind(stored)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    Ok(())
                })
            })
            .await?;
        Ok(StoredCheckpoint { size, note })
    }

    /// The newest stored signed checkpoint.
    pub async fn ledger_latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>, StoreError> {
        let row =
            sqlx::query("SELECT size, note FROM ledger_checkpoints ORDER BY size DESC LIMIT 1")
                .fetch_optional(&self.read)
                .await?;
        row.map(|row| {
            Ok(StoredCheckpoint {
                size: u64::try_from(row.try_get::<i64, _>(0)?)
                    .map_err(|_| StoreError::Corrupt("checkpoint size".into()))?,
                note: row.try_get(1)?,
            })
        })
        .transpose()
    }

    /// An offline proof bundle for leaf `idx`: the leaf, its opening (unless erased), and its
    /// inclusion proof in the newest stored checkpoint, signing a new one if none covers it.
    pub async fn ledger_bundle(&self, idx: u64) -> Result<ProofBundle, StoreError> {
        let checkpoint = self.ledger_checkpoint_covering(idx).await?;
        let tree = self.ledger_tree().await?;
        if idx >= checkpoint.size {
            return Err(StoreError::NotFound("ledger leaf"));
        }
        let mut conn = self.read.acquire().await?;
        let (leaf, opening) = leaf_and_opening(&mut conn, idx).await?;
        bundle(&tree, idx, leaf, opening, checkpoint.note, checkpoint.size)
    }

    /// The index of the leaf that covers an entry.
    pub async fn ledger_index_of_entry(&self, id: EntryId) -> Result<u64, StoreError> {
        let idx: i64 = sqlx::query_scalar(
            "SELECT idx FROM ledger_links WHERE record_table = 'entries' AND record_key = $1",
        )
        .bind(id.to_string())
        .fetch_optional(&self.read)
        .await?
        .ok_or(StoreError::NotFound("ledger leaf of the entry"))?;
        u64::try_from(idx).map_err(|_| StoreError::Corrupt("ledger index".into()))
    }

    /// [`Store::ledger_bundle`] for the leaf of an entry.
    pub async fn ledger_bundle_for_entry(&self, id: EntryId) -> Result<ProofBundle, StoreError> {
        let idx = self.ledger_index_of_entry(id).await?;
        self.ledger_bundle(idx).await
    }

    /// The RFC 9162 consistency proof from the tree of `old_size` leaves to `new_size`.
    pub async fn ledger_consistency(
        &self,
        old_size: u64,
        new_size: u64,
    ) -> Result<Vec<Hash>, StoreError> {
        Ok(self
            .ledger_tree()
            .await?
            .consistency_proof(old_size, new_size)?)
    }

    /// The index of the ledger leaf that covers a decision.
    pub async fn ledger_index_of_decision(&self, id: DecisionId) -> Result<u64, StoreError> {
        let idx: i64 = sqlx::query_scalar(
            "SELECT idx FROM ledger_links WHERE record_table = 'decisions' AND record_key = $1",
        )
        .bind(id.to_string())
        .fetch_optional(&self.read)
        .await?
        .ok_or(StoreError::NotFound("ledger leaf of the decision"))?;
        u64::try_from(idx).map_err(|_| StoreError::Corrupt("ledger index".into()))
    }
}

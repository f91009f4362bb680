//! The ledger's public face (issue 16): the newest signed checkpoint.

use serde::Serialize;
use utoipa::ToSchema;

/// The newest signed checkpoint of the ledger: a C2SP signed note whose body is the
/// `tlog-checkpoint` (origin, tree size, root hash in base64), followed by the signatures.
/// It holds no personal data. Verify it with the public ledger key
/// (`kirjuri ledger consistency`, `kirjuri ledger verify`).
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckpointView {
    /// Leaves the checkpoint covers.
    pub size: u64,
    /// The signed note, as stored.
    pub note: String,
}

impl From<kirjuri_app::model::StoredCheckpoint> for CheckpointView {
    fn from(c: kirjuri_app::model::StoredCheckpoint) -> Self {
        Self {
            size: c.size,
            note: c.note,
        }
    }
}

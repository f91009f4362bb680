//! The supervisor's search of the access log (A3; Information Management Act 17 §). Reading
//! the log is itself logged, once per client whose rows were shown.

use std::collections::BTreeSet;

use kirjuri_store::{AccessLogEntry, AccessLogQuery};

use crate::policy::Capability;
use crate::{Actor, App, AppError, AppResult};

impl App {
    /// Searches the access log, oldest first (the supervisor).
    pub async fn search_access_log(
        &self,
        actor: &Actor,
        query: &AccessLogQuery,
    ) -> AppResult<Vec<AccessLogEntry>> {
        let (_, access) = self.permit(actor, Capability::SearchAccessLog)?;
        if !(1..=1000).contains(&query.limit) {
            return Err(AppError::invalid("limit", "must be between 1 and 1000"));
        }
        let rows = self.store.search_access_log(query).await?;
        let clients: BTreeSet<_> = rows.iter().map(|r| r.client_id).collect();
        for client in clients {
            self.log_read(&access, client, "access_log").await?;
        }
        Ok(rows)
    }
}

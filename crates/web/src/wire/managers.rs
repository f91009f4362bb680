//! Manager grants (issue 14): an official whom an administrator of their organisation made a
//! manager reads that organisation's compliance reports.

use serde::Serialize;
use utoipa::ToSchema;

/// A manager grant in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct ManagerGrantView {
    /// The manager's account.
    pub user_id: String,
    /// The organisation whose reports the manager reads (the account's own).
    pub organisation_id: String,
    pub granted_at: chrono::DateTime<chrono::Utc>,
    /// The administrator who gave the grant.
    pub granted_by: String,
}

impl From<&kirjuri_app::managers::ManagerGrant> for ManagerGrantView {
    fn from(g: &kirjuri_app::managers::ManagerGrant) -> Self {
        Self {
            user_id: g.user_id.to_string(),
            organisation_id: g.org_id.to_string(),
            granted_at: g.granted_at,
            granted_by: g.by_user.to_string(),
        }
    }
}

//! Log-in, the signed-in user, organisations and health.

use kirjuri_domain as d;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub organisation: Option<OrgView>,
    pub client_id: Option<String>,
}

impl UserView {
    pub fn new(user: &d::User, organisation: Option<&d::Organisation>) -> Self {
        Self {
            id: user.id.to_string(),
            username: user.username.to_string(),
            display_name: user.display_name.to_string(),
            role: user.role.code().into(),
            organisation: organisation.map(OrgView::from),
            client_id: user.client_id.map(|c| c.to_string()),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrgView {
    pub id: String,
    pub kind: String,
    /// Full name in Finnish (never an abbreviation).
    pub name_fi: String,
    /// Full name in Swedish.
    pub name_sv: String,
}

impl From<&d::Organisation> for OrgView {
    fn from(o: &d::Organisation) -> Self {
        Self {
            id: o.id.to_string(),
            kind: o.kind.code().into(),
            name_fi: o.name_fi.to_string(),
            name_sv: o.name_sv.to_string(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`, or `degraded` (answered 503).
    pub status: &'static str,
    /// `ok`; `unreachable` (it does not answer); `storage_full` (its storage is full: writes
    /// are refused); `unwritable` (it answers but refuses writes: a read-only file or server).
    pub database: &'static str,
    /// What the state means for the users, when it is not `ok`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<&'static str>,
    /// Present when e-mail notices cannot go out (no mail server configured), with how many
    /// wait (issue 13).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notices: Option<String>,
}

//! Account administration.

use kirjuri_app::admin::NewAccount;
use kirjuri_domain as d;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::parse::{field, Parsed};

/// An account as an administrator manages it: no client data.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountView {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub organisation_id: Option<String>,
}

impl From<&d::User> for AccountView {
    fn from(u: &d::User) -> Self {
        Self {
            id: u.id.to_string(),
            username: u.username.to_string(),
            display_name: u.display_name.to_string(),
            role: u.role.code().into(),
            organisation_id: u.org_id.map(|o| o.to_string()),
        }
    }
}

/// A new personal account in the administrator's organisation (A1: one account per person).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccountRequest {
    pub username: String,
    pub display_name: String,
    /// `official`, `keha_official`, `rules_author`, `supervisor` or `administrator`; job-seeker
    /// accounts come with the client's own identification, not from an administrator.
    pub role: String,
    /// At least 12 characters; omit for an account that logs in only through OpenID Connect.
    pub password: Option<String>,
}

impl NewAccountRequest {
    pub fn parse(self) -> Parsed<NewAccount> {
        Ok(NewAccount {
            role: field("role", self.role.parse())?,
            username: field("username", d::Username::parse(self.username.trim()))?,
            display_name: field(
                "display_name",
                d::PersonName::parse(self.display_name.trim()),
            )?,
            password: self.password,
        })
    }
}

/// One row of the lasting security log (issue 15 item 7): failed and delayed password
/// log-ins, and an administrator lifting an account's delays.
#[derive(Debug, Serialize, ToSchema)]
pub struct SecurityEventView {
    pub seq: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    /// `login_failed`, `login_delayed` or `delays_lifted`.
    pub event: &'static str,
    /// The username as typed (control and format characters replaced).
    pub username: String,
    /// The client's address as the server saw it.
    pub address: Option<String>,
    /// The account of that username, when there is one.
    pub user_id: Option<String>,
    /// The administrator who lifted the delays.
    pub by_user: Option<String>,
}

impl From<&kirjuri_app::model::SecurityEvent> for SecurityEventView {
    fn from(e: &kirjuri_app::model::SecurityEvent) -> Self {
        Self {
            seq: e.seq,
            at: e.at,
            event: e.kind.code(),
            username: e.username.clone(),
            address: e.address.clone(),
            user_id: e.user_id.map(|u| u.to_string()),
            by_user: e.by_user.map(|u| u.to_string()),
        }
    }
}

/// Who created an account, with which role (issue 15 item 6): the supervisor's view.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountEventView {
    pub seq: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    /// `created`.
    pub event: String,
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub organisation_id: Option<String>,
    /// The administrator who acted: id, username and display name.
    pub by_user: String,
    pub by_username: String,
    pub by_display_name: String,
}

impl From<&kirjuri_app::model::AccountEvent> for AccountEventView {
    fn from(e: &kirjuri_app::model::AccountEvent) -> Self {
        Self {
            seq: e.seq,
            at: e.at,
            event: e.event.clone(),
            user_id: e.user_id.to_string(),
            username: e.username.clone(),
            display_name: e.display_name.clone(),
            role: e.role.clone(),
            organisation_id: e.org_id.map(|o| o.to_string()),
            by_user: e.by_user.to_string(),
            by_username: e.by_username.clone(),
            by_display_name: e.by_display_name.clone(),
        }
    }
}

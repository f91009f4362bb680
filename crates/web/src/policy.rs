//! Who may do what with a client's data (A2, A3). One function decides every access; handlers
//! ask it before they touch the store.
//!
//! This is the foundation's policy: officials work with the clients of their own employment
//! authority, the supervisor reads everything and writes nothing, a job seeker reads only their
//! own record, and other roles see no client data. Denials that would reveal whether a client
//! exists answer 404.

use kirjuri_domain::{Client, Role, User};

use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Read,
    Write,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// The user may know the client exists but may not do this (e.g. the supervisor writing).
    Forbidden,
    /// The user may not even learn that the client exists.
    Hidden,
}

pub fn decide(user: &User, action: Action, client: &Client) -> Decision {
    match user.role {
        Role::Official if user.org_id == Some(client.org_id) => Decision::Allow,
        Role::Supervisor => match action {
            Action::Read => Decision::Allow,
            Action::Write => Decision::Forbidden,
        },
        Role::JobSeeker if user.client_id == Some(client.id) => match action {
            Action::Read => Decision::Allow,
            Action::Write => Decision::Forbidden,
        },
        _ => Decision::Hidden,
    }
}

pub fn require(user: &User, action: Action, client: &Client) -> Result<(), ApiError> {
    match decide(user, action, client) {
        Decision::Allow => Ok(()),
        Decision::Forbidden => Err(ApiError::forbidden("your role may not change this record")),
        Decision::Hidden => Err(ApiError::not_found("client")),
    }
}

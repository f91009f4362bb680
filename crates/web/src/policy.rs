//! Who may do what with a client's data (A2, A3, A16). One function, [`decide`], answers every
//! access from (user, role, organisation, client, action, purpose); handlers ask it through
//! `api::client_for` before they touch the store, and the store logs what was allowed.
//!
//! - An official works with the clients of their own employment authority, and with clients
//!   they are the responsible expert of. Another organisation's client may be read only with a
//!   stated reason (the `X-Kirjuri-Purpose` header); such a read is flagged for review. Without
//!   a reason the client does not exist for them (404), so existence itself stays confidential.
//! - A KEHA official sees what their statement tasks need; until statement tasks exist (the
//!   work queue), that is no client record.
//! - The supervisor reads everything and writes nothing (A3); every read is logged.
//! - A job seeker reads their own record only.
//! - Rules authors and administrators see no client data (administrators manage accounts).
//!
//! Denials of an existing client's data are logged by the caller with the store's `Denied`
//! action, so a review sees attempts as well as accesses.

use kirjuri_domain::{Client, Role, ShortText, User};

/// What the user wants to do with the client's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Read,
    Write,
}

/// The answer of [`decide`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Allowed. The purpose is the stated one, or else this role's standing purpose; `flagged`
    /// marks an access a reviewer should look at.
    Allow {
        default_purpose: &'static str,
        flagged: bool,
    },
    /// The user may know the client exists but may not do this (e.g. the supervisor writing).
    Forbidden(&'static str),
    /// The user may not even learn that the client exists.
    Hidden,
}

/// What the request says beyond who the user is.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// A reason stated by the user for this access.
    pub stated_purpose: Option<ShortText>,
    /// The user is the client's responsible expert in force.
    pub responsible_expert: bool,
}

/// Decides one access. Pure: everything it needs is in its arguments.
pub fn decide(user: &User, action: Action, client: &Client, ctx: &Context) -> Decision {
    let allow = |default_purpose: &'static str, flagged: bool| Decision::Allow {
        default_purpose,
        flagged,
    };
    match user.role {
        Role::Official if user.org_id == Some(client.org_id) || ctx.responsible_expert => {
            allow("asiakaspalvelu", false)
        }
        Role::Official => match (action, &ctx.stated_purpose) {
            (Action::Read, Some(_)) => allow("toisen organisaation asiakas", true),
            (Action::Write, Some(_)) => Decision::Forbidden(
                "another organisation's client may be read with a stated reason, not changed",
            ),
            (_, None) => Decision::Hidden,
        },
        Role::Supervisor => match action {
            Action::Read => allow("valvonta", false),
            Action::Write => {
                Decision::Forbidden("the supervisor reads the record and never changes it")
            }
        },
        Role::JobSeeker if user.client_id == Some(client.id) => match action {
            Action::Read => allow("oma asiointi", false),
            Action::Write => Decision::Forbidden("officials make entries in the record"),
        },
        Role::JobSeeker | Role::KehaOfficial | Role::RulesAuthor | Role::Administrator => {
            Decision::Hidden
        }
    }
}

//! Who may do what with a client's data (A2, A3, A16). One function, [`decide`], answers every
//! access from (user, role, organisation, client, action, purpose); handlers ask it through
//! `api::client_for` before they touch the store, and the store logs what was allowed.
//!
//! - An official works with the clients of their own employment authority, and with clients
//!   they are the responsible expert of. Another organisation's client may be read only with a
//!   stated reason (the `X-Kirjuri-Purpose` header); such a read is flagged for review. Without
//!   a reason the client does not exist for them (404), so existence itself stays confidential.
//! - A KEHA official sees what their statement tasks need: the data of a client who has a
//!   decision routed to KEHA-keskus that is open or was resolved by KEHA-keskus, and only that
//!   client's (read, and take and resolve that case); every such access is logged.
//! - A routed case ([`Action::Resolve`]: take or resolve) is handled by an official of the
//!   client's own employment authority when routed there, and by a KEHA official when routed
//!   to KEHA-keskus.
//! - The supervisor reads everything and writes nothing (A3); every read is logged.
//! - A job seeker reads their own record only, and asks for reconsideration of their own
//!   statements ([`Action::Ask`]); an official of the client's own employment authority may
//!   record such a request on the client's behalf.
//! - A request for reconsideration is taken and resolved ([`Action::Resolve`]) like a routed
//!   case: by an official of the employment authority that issued the statement, or by a KEHA
//!   official when KEHA-keskus issued it (a KEHA task).
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
    /// Take or resolve a decision routed to an official, or a request for reconsideration
    /// (the work queue).
    Resolve,
    /// Ask for reconsideration of a statement (B7): the client themself, or an official of
    /// the client's own employment authority on the client's behalf.
    Ask,
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
    /// The client has a decision routed to KEHA-keskus that is open or was resolved by
    /// KEHA-keskus (asked only for KEHA officials).
    pub keha_task: bool,
    /// For [`Action::Resolve`]: where the case was routed (`employment_authority` or `keha`;
    /// `None`: the decision was not routed).
    pub routed_to: Option<String>,
}

/// Decides one access. Pure: everything it needs is in its arguments.
pub fn decide(user: &User, action: Action, client: &Client, ctx: &Context) -> Decision {
    let allow = |default_purpose: &'static str, flagged: bool| Decision::Allow {
        default_purpose,
        flagged,
    };
    if action == Action::Resolve {
        return decide_case(user, client, ctx);
    }
    match user.role {
        Role::KehaOfficial if ctx.keha_task => match action {
            Action::Read => allow("lausuntotehtävä", false),
            _ => Decision::Forbidden("a KEHA official resolves statement tasks only"),
        },
        Role::Official if user.org_id == Some(client.org_id) || ctx.responsible_expert => {
            allow("asiakaspalvelu", false)
        }
        Role::Official => match (action, &ctx.stated_purpose) {
            (Action::Read, Some(_)) => allow("toisen organisaation asiakas", true),
            (_, Some(_)) => Decision::Forbidden(
                "another organisation's client may be read with a stated reason, not changed",
            ),
            (_, None) => Decision::Hidden,
        },
        Role::Supervisor => match action {
            Action::Read => allow("valvonta", false),
            Action::Write | Action::Resolve | Action::Ask => {
                Decision::Forbidden("the supervisor reads the record and never changes it")
            }
        },
        Role::JobSeeker if user.client_id == Some(client.id) => match action {
            Action::Read | Action::Ask => allow("oma asiointi", false),
            Action::Write | Action::Resolve => {
                Decision::Forbidden("officials make entries in the record")
            }
        },
        Role::JobSeeker | Role::KehaOfficial | Role::RulesAuthor | Role::Administrator => {
            Decision::Hidden
        }
    }
}

/// Who takes and resolves a routed case: an official of the client's own employment authority
/// for a case routed there, a KEHA official for a case routed to KEHA-keskus.
fn decide_case(user: &User, client: &Client, ctx: &Context) -> Decision {
    let routed_to = ctx.routed_to.as_deref();
    let allow = Decision::Allow {
        default_purpose: "työvoimapoliittinen lausunto",
        flagged: false,
    };
    match user.role {
        Role::Official if user.org_id == Some(client.org_id) => match routed_to {
            Some("employment_authority") => allow,
            Some(_) => Decision::Forbidden("the case is routed to KEHA-keskus"),
            None => Decision::Forbidden("the decision was not routed to an official"),
        },
        Role::KehaOfficial if ctx.keha_task => match routed_to {
            Some("keha") => allow,
            _ => Decision::Forbidden("the case is not routed to KEHA-keskus"),
        },
        Role::Supervisor => {
            Decision::Forbidden("the supervisor reads the record and never changes it")
        }
        Role::JobSeeker if user.client_id == Some(client.id) => {
            Decision::Forbidden("officials resolve routed cases")
        }
        _ => Decision::Hidden,
    }
}

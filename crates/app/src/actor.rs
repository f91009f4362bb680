//! [`Actor`]: who is acting, and why. Every use case takes one, whatever the transport: the
//! JSON API fills it from the session and the `X-Kirjuri-Purpose` header, the pages from the
//! session and a form field, the command line from `--as` and `--purpose`.

use kirjuri_domain::{ShortText, User};

/// A signed-in user and the reason they state for this access, if any. A stated reason is
/// required to read another organisation's client (A2) and is recorded in the access log
/// whenever given; without one the role's standing purpose is recorded.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: User,
    pub purpose: Option<ShortText>,
}

impl Actor {
    /// The user acting for their role's standing purpose.
    pub fn new(user: User) -> Self {
        Self {
            user,
            purpose: None,
        }
    }

    /// The user acting for a reason they stated.
    pub fn with_purpose(user: User, purpose: Option<ShortText>) -> Self {
        Self { user, purpose }
    }
}

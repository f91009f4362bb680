//! [`Actor`]: who is acting, and why. Every use case takes one, whatever the transport: the
//! JSON API fills it from the session and the `X-Kirjuri-Purpose` header, the pages from the
//! session and a form field, the command line from `--as` and `--purpose`.

use kirjuri_domain::{ShortText, User};

use crate::policy::Standing;

/// A signed-in user and the reason they state for this access, if any. A stated reason is
/// required to read another organisation's client (A2) and is recorded in the access log
/// whenever given; without one the role's standing purpose is recorded.
///
/// The grants the account holds beyond its role ([`Standing`]: a manager grant, issue 14)
/// are read by the application layer only ([`crate::App::actor`]), with the account, once per
/// request; an actor made with [`Actor::new`] or [`Actor::with_purpose`] holds none.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: User,
    pub purpose: Option<ShortText>,
    standing: Standing,
}

impl Actor {
    /// The user acting for their role's standing purpose.
    pub fn new(user: User) -> Self {
        Self::with_purpose(user, None)
    }

    /// The user acting for a reason they stated.
    pub fn with_purpose(user: User, purpose: Option<ShortText>) -> Self {
        Self {
            user,
            purpose,
            standing: Standing::default(),
        }
    }

    /// The same actor stating `purpose` instead (what it holds is kept).
    pub fn stating(mut self, purpose: Option<ShortText>) -> Self {
        self.purpose = purpose;
        self
    }

    /// What the account holds beyond its role, as read for this request.
    pub fn standing(&self) -> Standing {
        self.standing
    }

    pub(crate) fn holding(mut self, standing: Standing) -> Self {
        self.standing = standing;
        self
    }
}

//! Managers (issue 14): an organisation's own managers read the compliance reports of their
//! own organisation. A manager is an official's or KEHA official's account holding a manager
//! grant ([`crate::policy::Standing::manager`]), not a role of its own. An administrator of the
//! account's organisation gives and takes away the grant ([`Capability::ManageAccounts`]);
//! every grant and revocation is recorded with who made it (`manager_grant_events`, a ledger
//! leaf each). [`App::actor`] reads the grant with the account on every request, so a grant
//! taken away holds from the account's next request on.

use kirjuri_domain::{ShortText, User, UserId};
use kirjuri_store::StoreError;

pub use kirjuri_store::ManagerGrant;

use crate::policy::{may_be_manager, Capability, Scope, Standing};
use crate::{Actor, App, AppError, AppResult};

impl App {
    /// The actor of a request: the signed-in account (as the session gave it), the reason it
    /// stated, and what it holds beyond its role (a manager grant in force for the account's
    /// own organisation). Transports make every actor of a signed-in request here.
    pub async fn actor(&self, user: User, purpose: Option<ShortText>) -> AppResult<Actor> {
        let manager = may_be_manager(user.role)
            && user.org_id.is_some()
            && self.store.manager_grant(user.id).await?.is_some();
        Ok(Actor::with_purpose(user, purpose).holding(Standing { manager }))
    }

    /// The account `id` of the administrator's own organisation that may hold a manager grant
    /// (an account of another organisation, or none, is "not found"; one of another role is
    /// refused naming `id`).
    async fn manager_candidate(&self, actor: &Actor, id: UserId) -> AppResult<User> {
        let (grant, _) = self.permit(actor, Capability::ManageAccounts)?;
        let Scope::Organisation(org) = grant.scope else {
            return Err(AppError::forbidden(
                "only an administrator manages accounts, of their own organisation",
            ));
        };
        let target = match self.store.user(id).await {
            Ok(u) => u,
            Err(StoreError::NotFound(_)) => return Err(AppError::NotFound("account")),
            Err(e) => return Err(e.into()),
        };
        if target.org_id != Some(org) {
            return Err(AppError::NotFound("account"));
        }
        if !may_be_manager(target.role) {
            return Err(AppError::invalid(
                "id",
                format!(
                    "a {} account cannot be a manager: only officials and KEHA officials are",
                    target.role.code()
                ),
            ));
        }
        Ok(target)
    }

    /// Makes account `id` of the administrator's own organisation a manager of it. A grant
    /// already in force is kept as it was given (nothing is recorded again); the answer is the
    /// grant in force and whether this call gave it.
    pub async fn grant_manager(
        &self,
        actor: &Actor,
        id: UserId,
    ) -> AppResult<(ManagerGrant, bool)> {
        let target = self.manager_candidate(actor, id).await?;
        let org = target
            .org_id
            .ok_or_else(|| AppError::internal("a manager candidate without an organisation"))?;
        Ok(self
            .store
            .grant_manager(target.id, org, actor.user.id)
            .await?)
    }

    /// Takes away account `id`'s manager grant (an account of the administrator's own
    /// organisation). `false` when it held none (nothing is recorded).
    pub async fn revoke_manager(&self, actor: &Actor, id: UserId) -> AppResult<bool> {
        let target = self.manager_candidate(actor, id).await?;
        Ok(self.store.revoke_manager(target.id, actor.user.id).await?)
    }
}

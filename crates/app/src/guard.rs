//! The guard: the one place where a use case learns whether it may go on, and the one place a
//! refusal is logged. It asks the policy ([`crate::policy`]) and answers with the
//! [`Access`] to do the work under; the store then writes the access-log row of every read and
//! write it does under that `Access` itself, inside the same transaction as a write
//! (Information Management Act 17 §). A refusal about an existing client is logged here as
//! `denied` and flagged for review, so a supervisor sees attempts as well as accesses.

use kirjuri_domain::{Client, ClientId, Role, ShortText};
use kirjuri_store::{Access, AccessAction};

use crate::policy::{self, purpose, Action, Capability, CaseQueue, Context, Decision, Grant};
use crate::{Actor, App, AppError, AppResult};

/// A client the actor may act on, and the access to log the work under.
#[derive(Debug, Clone)]
pub struct Granted {
    pub client: Client,
    pub access: Access,
}

/// A purpose the policy names; its texts are short constants, so this cannot fail in practice,
/// but a failure would be a bug inside Kirjuri, not the user's.
pub(crate) fn fixed_purpose(text: &str) -> AppResult<ShortText> {
    ShortText::parse(text).map_err(AppError::internal)
}

impl App {
    /// Checks a capability and gives the access to log its reads under: the stated purpose,
    /// or the role's standing one.
    pub(crate) fn permit(&self, actor: &Actor, cap: Capability) -> AppResult<(Grant, Access)> {
        let grant =
            policy::permit_as(&actor.user, actor.standing(), cap).map_err(AppError::forbidden)?;
        let purpose = match &actor.purpose {
            Some(p) => p.clone(),
            None => fixed_purpose(grant.purpose)?,
        };
        Ok((grant, Access::new(&actor.user, purpose, false)))
    }

    /// Loads client `id` and authorises `action` on it (see [`App::authorise`]).
    pub(crate) async fn client_access(
        &self,
        actor: &Actor,
        id: ClientId,
        action: Action,
        resource: &'static str,
    ) -> AppResult<Granted> {
        let client = self.store.client(id).await?;
        self.authorise(actor, client, action, resource, None).await
    }

    /// Authorises `action` on a loaded client (for [`Action::Resolve`], with the queue the case
    /// is in). A refusal is logged (`denied`, flagged) before it is answered; a client the user
    /// may not know of is "not found", like one that does not exist.
    pub(crate) async fn authorise(
        &self,
        actor: &Actor,
        client: Client,
        action: Action,
        resource: &'static str,
        queue: Option<CaseQueue>,
    ) -> AppResult<Granted> {
        let user = &actor.user;
        let responsible_expert = user.role == Role::Official
            && user.org_id != Some(client.org_id)
            && self.store.is_responsible_expert(client.id, user.id).await?;
        let keha_task =
            user.role == Role::KehaOfficial && self.store.has_keha_task(client.id).await?;
        let ctx = Context {
            stated_purpose: actor.purpose.clone(),
            responsible_expert,
            keha_task,
            queue,
        };
        match policy::decide(user, action, &client, &ctx) {
            Decision::Allow {
                default_purpose,
                flagged,
            } => {
                let purpose = match &actor.purpose {
                    Some(p) => p.clone(),
                    None => fixed_purpose(default_purpose)?,
                };
                Ok(Granted {
                    access: Access::new(user, purpose, flagged),
                    client,
                })
            }
            refusal => {
                self.log_refusal(actor, client.id, resource).await?;
                Err(match refusal {
                    Decision::Forbidden(why) => AppError::forbidden(why),
                    _ => AppError::NotFound("client"),
                })
            }
        }
    }

    /// Logs a refused attempt on a client's data (flagged for review).
    pub(crate) async fn log_refusal(
        &self,
        actor: &Actor,
        client: ClientId,
        resource: &'static str,
    ) -> AppResult<()> {
        let purpose = match &actor.purpose {
            Some(p) => p.clone(),
            None => fixed_purpose(purpose::NOT_STATED)?,
        };
        let access = Access::new(&actor.user, purpose, true);
        self.store
            .log(&access, client, AccessAction::Denied, resource)
            .await?;
        Ok(())
    }

    /// Logs a read that no store method logs by itself (a whole view assembled from several
    /// reads, such as the access log shown to the client or the export).
    pub(crate) async fn log_read(
        &self,
        access: &Access,
        client: ClientId,
        resource: &'static str,
    ) -> AppResult<()> {
        self.store
            .log(access, client, AccessAction::Read, resource)
            .await?;
        Ok(())
    }
}

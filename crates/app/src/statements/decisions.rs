//! A client's decisions as the client and the officials read them: each with the statement an
//! official issued on it when it was routed, the request for its reconsideration (B7) and, for
//! an automated statement, its GDPR art. 22(3) safeguards (B15).

use chrono::{DateTime, Utc};
use kirjuri_domain::{ClientId, DecisionId, OrgId, Organisation};
use kirjuri_store::{Access, Reconsideration, Resolution, StoredDecision};
use serde_json::Value;

use super::safeguards::Safeguards;
use crate::guard::Granted;
use crate::policy::{Action, Capability, Scope};
use crate::stored::stored_json;
use crate::{Actor, App, AppError, AppResult};

/// One decision of the automated procedure and what followed it.
#[derive(Debug, Clone)]
pub struct DecisionRecord {
    pub stored: StoredDecision,
    /// The routing reasons as stored: code, target, legal basis, rule.
    pub reasons: Value,
    /// For a routed case: the statement an official issued, once resolved.
    pub official_statement: Option<OfficialStatement>,
    /// For an automated statement: the safeguards (B15).
    pub safeguards: Option<Safeguards>,
    /// The request for reconsideration of its statement, if one was made (B7).
    pub reconsideration: Option<ReconsiderationRecord>,
}

impl DecisionRecord {
    /// The decision as stored, without what followed it.
    pub fn bare(stored: StoredDecision) -> AppResult<Self> {
        let reasons = stored_json("reasons", &stored.decision.reasons)?;
        Ok(Self {
            stored,
            reasons,
            official_statement: None,
            safeguards: None,
            reconsideration: None,
        })
    }

    /// Made by the automated procedure without an official (B8).
    pub fn automated(&self) -> bool {
        self.stored.decision.outcome != "routed"
    }
}

/// The statement an official issued on a routed case.
#[derive(Debug, Clone)]
pub struct OfficialStatement {
    pub resolution: Resolution,
    pub issuer: OrgId,
    pub issued_at: DateTime<Utc>,
}

/// A request for reconsideration, the organisation handling it, and once resolved the new
/// statement.
#[derive(Debug, Clone)]
pub struct ReconsiderationRecord {
    pub request: Reconsideration,
    pub handled_by: Organisation,
    pub new_statement: Option<ReconsiderationStatement>,
}

impl ReconsiderationRecord {
    /// When an official took it, if one did.
    pub fn taken_at(&self) -> Option<DateTime<Utc>> {
        self.request
            .steps
            .iter()
            .rev()
            .find(|s| s.step == "taken")
            .map(|s| s.at)
    }
}

/// The statement given on reconsideration.
#[derive(Debug, Clone)]
pub struct ReconsiderationStatement {
    pub resolution: Resolution,
    /// The outcome or its effective date differs from the statement reconsidered.
    pub outcome_changed: bool,
    pub issuer: Organisation,
    pub issued_at: DateTime<Utc>,
}

impl App {
    /// A client's decisions, oldest first, for an official or the supervisor.
    pub async fn client_decisions(
        &self,
        actor: &Actor,
        client: ClientId,
    ) -> AppResult<Vec<DecisionRecord>> {
        let Granted { client, access } = self
            .client_access(actor, client, Action::Read, "decisions")
            .await?;
        self.decision_records(client.id, &access).await
    }

    /// One decision of a client with what followed it (the statements issued on it), for an
    /// official or the supervisor: the printable statement page reads it. The read is logged
    /// as [`App::client_decisions`]' is; a decision the user may not see is "not found".
    pub async fn decision(&self, actor: &Actor, id: DecisionId) -> AppResult<DecisionRecord> {
        let client = self.store.decision_client(id).await?;
        let Granted { client, access } = self
            .client_access(actor, client, Action::Read, "decisions")
            .await?;
        self.decision_records(client.id, &access)
            .await?
            .into_iter()
            .find(|d| d.stored.id == id)
            .ok_or(AppError::NotFound("decision"))
    }

    /// The job seeker's own decisions and statements.
    pub async fn my_decisions(&self, actor: &Actor) -> AppResult<Vec<DecisionRecord>> {
        let Granted { client, access } = self.own_client(actor, "decisions").await?;
        self.decision_records(client.id, &access).await
    }

    /// The job seeker's own client, authorised for reading `resource`.
    pub(crate) async fn own_client(
        &self,
        actor: &Actor,
        resource: &'static str,
    ) -> AppResult<Granted> {
        let (grant, _) = self.permit(actor, Capability::OwnData)?;
        let Scope::OwnClient(id) = grant.scope else {
            return Err(AppError::forbidden(
                "this is a job seeker's view of their own data",
            ));
        };
        self.client_access(actor, id, Action::Read, resource).await
    }

    /// A client's decisions, each routed one with the statement an official issued on it,
    /// read under `access` (logged by the store).
    pub(crate) async fn decision_records(
        &self,
        client: ClientId,
        access: &Access,
    ) -> AppResult<Vec<DecisionRecord>> {
        let decisions = self.store.decisions(client, access).await?;
        let requests = self.store.reconsiderations(client, access).await?;
        let mut out = Vec::with_capacity(decisions.len());
        for d in decisions {
            let mut record = DecisionRecord::bare(d)?;
            if !record.automated() {
                let steps = self
                    .store
                    .official_steps(client, record.stored.id, access)
                    .await?;
                record.official_statement = steps.iter().find_map(|s| {
                    s.resolution.as_ref().map(|r| OfficialStatement {
                        resolution: r.clone(),
                        issuer: s.org,
                        issued_at: s.at,
                    })
                });
            }
            let request = requests.iter().find(|r| r.decision_id == record.stored.id);
            if let Some(r) = request {
                record.reconsideration = Some(self.reconsideration_record(r).await?);
            }
            if record.automated() && record.stored.decision.document.is_some() {
                record.safeguards = Some(self.safeguards(&record.stored, request.is_none())?);
            }
            out.push(record);
        }
        Ok(out)
    }

    pub(crate) async fn reconsideration_record(
        &self,
        r: &Reconsideration,
    ) -> AppResult<ReconsiderationRecord> {
        let new_statement = match r.resolved() {
            Some(s) => match (&s.resolution, s.outcome_changed) {
                (Some(res), Some(changed)) => Some(ReconsiderationStatement {
                    resolution: res.clone(),
                    outcome_changed: changed,
                    issuer: self.store.organisation(s.org).await?,
                    issued_at: s.at,
                }),
                _ => {
                    return Err(AppError::Internal(format!(
                        "corrupt stored reconsideration step {}: resolved without its statement",
                        s.seq
                    )))
                }
            },
            None => None,
        };
        Ok(ReconsiderationRecord {
            request: r.clone(),
            handled_by: self.store.organisation(r.org).await?,
            new_statement,
        })
    }
}

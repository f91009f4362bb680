//! The officials' work on statements (B2, B4, B7, B10): routed decisions and requests for
//! reconsideration are both *cases* in a queue — the client's employment authority's, or
//! KEHA-keskus's — that an official of that organisation takes and resolves with a statement.
//! One path serves both ([`CaseRef`]): the policy's [`Action::Resolve`] decides who may, the
//! resolution is checked against the decision's kind, the official's reasoning and legal basis
//! pass the entry-quality checks for documents, and the statement is issued in the name of
//! the official's organisation in the client's language.
//!
//! A client asks for reconsideration of their own statement ([`App::ask_reconsideration`]);
//! an official of the client's authority may record such a request on their behalf
//! ([`App::record_reconsideration`]). A statement is reconsidered once.

use chrono::{DateTime, NaiveDate, Utc};
use kirjuri_domain::{
    ClientReasons, DecisionId, LegalBasis, Organisation, PersonName, Reasoning, ReconsiderationId,
    User,
};
use kirjuri_store::{Queue, QueueCase, ReconsiderationCase, Resolution};
use serde_json::Value;

use crate::documents::{
    document_language, official_document, reconsideration_document, CaseResolution,
    OfficialDocument, ReconsiderationDocument,
};
use crate::guard::Granted;
use crate::policy::{Action, Capability, CaseQueue, Scope};
use crate::statements::decisions::ReconsiderationRecord;
use crate::stored::stored_json;
use crate::{Actor, App, AppError, AppResult};

/// A case in a work queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseRef {
    /// A decision the automated procedure routed to an official.
    Routed(DecisionId),
    /// A request for reconsideration of a statement.
    Reconsideration(ReconsiderationId),
}

/// A step an official took on a case; for `resolved`, the statement issued.
#[derive(Debug, Clone)]
pub struct CaseStep {
    pub case: CaseRef,
    /// The decision the case is about (for a request, the decision whose statement it
    /// reconsiders): where the statement issued is shown.
    pub decision: DecisionId,
    /// `taken` or `resolved`.
    pub step: String,
    /// The official.
    pub by: User,
    /// The organisation the official acted for: the statement's issuer.
    pub organisation: Organisation,
    pub at: DateTime<Utc>,
    pub resolution: Option<Resolution>,
    /// For a resolved reconsideration: the outcome or its effective date changed.
    pub outcome_changed: Option<bool>,
}

/// What the official decided, as given: the outcome is checked against the decision's kind.
#[derive(Debug, Clone)]
pub struct ResolutionInput {
    /// `no_obstacle` or `obstacle` (a start), `job_search_ended` or `obstacle` (an end).
    pub outcome: String,
    pub effective_date: NaiveDate,
    pub reasoning: Reasoning,
    pub basis: LegalBasis,
}

impl ResolutionInput {
    /// Checks the outcome for a decision of `kind` (`job_search_start` or `job_search_end`).
    pub fn check(&self, kind: &str) -> AppResult<CaseResolution> {
        let allowed: &[&str] = if kind == "job_search_end" {
            &["job_search_ended", "obstacle"]
        } else {
            &["no_obstacle", "obstacle"]
        };
        if !allowed.contains(&self.outcome.as_str()) {
            return Err(AppError::invalid(
                "outcome",
                format!(
                    "{:?} is not an outcome of this statement (one of: {})",
                    self.outcome,
                    allowed.join(", ")
                ),
            ));
        }
        Ok(CaseResolution {
            outcome: self.outcome.clone(),
            effective_date: self.effective_date,
            reasoning: self.reasoning.to_string(),
            basis: self.basis.to_string(),
        })
    }
}

/// A routing reason in words: the rule's titles in Finnish and Swedish, with its legal basis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReasonInWords {
    pub code: String,
    pub title_fi: String,
    pub title_sv: String,
    pub basis: String,
    pub rule: Option<String>,
}

/// Who took a case, and when.
#[derive(Debug, Clone)]
pub struct Taken {
    pub by: PersonName,
    pub at: DateTime<Utc>,
}

/// An open routed case in a work queue.
#[derive(Debug, Clone)]
pub struct RoutedCase {
    pub case: QueueCase,
    pub reasons: Vec<ReasonInWords>,
    pub taken: Option<Taken>,
}

/// An open request for reconsideration in a work queue.
#[derive(Debug, Clone)]
pub struct OpenReconsideration {
    pub case: ReconsiderationCase,
    pub taken: Option<Taken>,
}

/// The queue of the granted scope.
pub(crate) fn queue_of(scope: Scope) -> AppResult<Queue> {
    match scope {
        Scope::Organisation(org) => Ok(Queue::EmploymentAuthority(org)),
        Scope::Keha => Ok(Queue::Keha),
        _ => Err(AppError::forbidden(
            "the work queue is for officials and KEHA officials",
        )),
    }
}

impl App {
    /// The routing reasons of a decision in words: the rule's titles from the shipped rule
    /// sets, or the procedure's own checks (`MISSING_INPUTS`, `NOT_ADOPTED`).
    pub fn reasons_in_words(&self, reasons: &Value) -> AppResult<Vec<ReasonInWords>> {
        let list = reasons.as_array().ok_or_else(|| {
            AppError::Internal("corrupt stored routing reasons: not a list".into())
        })?;
        let mut out = Vec::with_capacity(list.len());
        for r in list {
            let text = |key: &str| {
                r[key].as_str().map(str::to_owned).ok_or_else(|| {
                    AppError::Internal(format!("corrupt stored routing reason: no {key:?}"))
                })
            };
            let code = text("code")?;
            let basis = text("basis")?;
            let rule = r["rule"].as_str().map(str::to_owned);
            let meta = rule.as_deref().and_then(|id| {
                [&self.rules.start, &self.rules.end]
                    .into_iter()
                    .flat_map(|set| set.rules())
                    .find(|m| m.id == id)
            });
            let (title_fi, title_sv) = match (meta, code.as_str()) {
                (Some(m), _) => (m.title_fi.clone(), m.title_sv.clone()),
                (None, "MISSING_INPUTS") => (
                    "Asiakkaan vastaukset tai rekisteritiedot puuttuvat".to_owned(),
                    "Kundens svar eller registeruppgifterna saknas".to_owned(),
                ),
                (None, "NOT_ADOPTED") => (
                    "Käsittelysääntöjen versiota ei ole otettu käyttöön".to_owned(),
                    "Versionen av behandlingsreglerna har inte tagits i bruk".to_owned(),
                ),
                (None, other) => (other.to_owned(), other.to_owned()),
            };
            out.push(ReasonInWords {
                code,
                title_fi,
                title_sv,
                basis,
                rule,
            });
        }
        Ok(out)
    }

    /// A reason code in words (issue 14: the quality figures by reason): the title of the
    /// shipped rule that routes with it, in Finnish and Swedish, or the code itself when no
    /// shipped rule gives it (a retired version's code).
    pub fn reason_code_in_words(&self, code: &str) -> (String, String) {
        let meta = [&self.rules.start, &self.rules.end]
            .into_iter()
            .flat_map(|set| set.rules())
            .find(|m| m.code.is_some_and(|c| c.as_str() == code));
        match meta {
            Some(m) => (m.title_fi.clone(), m.title_sv.clone()),
            None => {
                match self.reasons_in_words(&serde_json::json!([{"code": code, "basis": ""}])) {
                    Ok(mut v) if !v.is_empty() => {
                        let r = v.swap_remove(0);
                        (r.title_fi, r.title_sv)
                    }
                    _ => (code.to_owned(), code.to_owned()),
                }
            }
        }
    }

    async fn taken(&self, by: kirjuri_domain::UserId, at: DateTime<Utc>) -> AppResult<Taken> {
        Ok(Taken {
            by: self.store.user(by).await?.display_name,
            at,
        })
    }

    /// The open routed cases of the actor's queue: an official's own organisation's (cases
    /// routed to the employment authority), or KEHA-keskus's for a KEHA official. Every client
    /// listed is a logged read.
    pub async fn work_queue(&self, actor: &Actor) -> AppResult<Vec<RoutedCase>> {
        let (grant, access) = self.permit(actor, Capability::WorkQueue)?;
        let cases = self
            .store
            .work_queue(queue_of(grant.scope)?, &access)
            .await?;
        let mut out = Vec::with_capacity(cases.len());
        for case in cases {
            out.push(self.routed_case(case).await?);
        }
        Ok(out)
    }

    /// One open routed case of the actor's queue, as [`App::work_queue`] lists it (the same
    /// policy): a logged read of that case's client only. Not found when it is not open in
    /// this queue.
    pub async fn queue_case(&self, actor: &Actor, id: DecisionId) -> AppResult<RoutedCase> {
        let (grant, access) = self.permit(actor, Capability::WorkQueue)?;
        let case = self
            .store
            .work_queue_case(queue_of(grant.scope)?, id, &access)
            .await?
            .ok_or(AppError::NotFound("case"))?;
        self.routed_case(case).await
    }

    pub(crate) async fn routed_case(&self, case: QueueCase) -> AppResult<RoutedCase> {
        let reasons = stored_json("routing reasons", &case.decision.decision.reasons)?;
        let taken = match &case.taken {
            Some(s) => Some(self.taken(s.by, s.at).await?),
            None => None,
        };
        Ok(RoutedCase {
            reasons: self.reasons_in_words(&reasons)?,
            case,
            taken,
        })
    }

    /// The open requests for reconsideration of the actor's queue.
    pub async fn reconsideration_queue(
        &self,
        actor: &Actor,
    ) -> AppResult<Vec<OpenReconsideration>> {
        let (grant, access) = self.permit(actor, Capability::ReconsiderationQueue)?;
        let cases = self
            .store
            .reconsideration_queue(queue_of(grant.scope)?, &access)
            .await?;
        let mut out = Vec::with_capacity(cases.len());
        for case in cases {
            out.push(self.open_reconsideration(case).await?);
        }
        Ok(out)
    }

    /// One open request for reconsideration of the actor's queue, as
    /// [`App::reconsideration_queue`] lists it (the same policy): a logged read of that
    /// request's client only. Not found when it is not open in this queue.
    pub async fn reconsideration_case(
        &self,
        actor: &Actor,
        id: ReconsiderationId,
    ) -> AppResult<OpenReconsideration> {
        let (grant, access) = self.permit(actor, Capability::ReconsiderationQueue)?;
        let case = self
            .store
            .reconsideration_queue_case(queue_of(grant.scope)?, id, &access)
            .await?
            .ok_or(AppError::NotFound("reconsideration request"))?;
        self.open_reconsideration(case).await
    }

    pub(crate) async fn open_reconsideration(
        &self,
        case: ReconsiderationCase,
    ) -> AppResult<OpenReconsideration> {
        let taken = match case.request.steps.iter().rev().find(|s| s.step == "taken") {
            Some(s) => Some(self.taken(s.by, s.at).await?),
            None => None,
        };
        Ok(OpenReconsideration { case, taken })
    }

    /// The client of a case, authorised for [`Action::Resolve`] with the case's queue, the
    /// kind of the decision it is about and that decision.
    async fn open_case(
        &self,
        actor: &Actor,
        case: CaseRef,
    ) -> AppResult<(Granted, String, DecisionId)> {
        let (client, queue, kind, resource, decision) = match case {
            CaseRef::Routed(id) => {
                let (client, routed_to, kind) = self.store.decision_routing(id).await?;
                let queue = routed_to.as_deref().and_then(CaseQueue::from_target);
                (client, queue, kind, "decisions", id)
            }
            CaseRef::Reconsideration(id) => {
                let (client, target, kind, decision) =
                    self.store.reconsideration_routing(id).await?;
                (
                    client,
                    CaseQueue::from_target(&target),
                    kind,
                    "reconsiderations",
                    decision,
                )
            }
        };
        let client = self.store.client(client).await?;
        let granted = self
            .authorise(actor, client, Action::Resolve, resource, queue)
            .await?;
        Ok((granted, kind, decision))
    }

    /// Takes a case: the official works on it (shown in the queue).
    pub async fn take_case(&self, actor: &Actor, case: CaseRef) -> AppResult<CaseStep> {
        let (Granted { client, access }, _, decision) = self.open_case(actor, case).await?;
        match case {
            CaseRef::Routed(id) => {
                let s = self.store.take_case(client.id, id, &access).await?;
                self.case_step(
                    case,
                    decision,
                    s.step,
                    s.by,
                    s.org,
                    s.at,
                    s.resolution,
                    None,
                )
                .await
            }
            CaseRef::Reconsideration(id) => {
                let s = self
                    .store
                    .take_reconsideration(client.id, id, &access)
                    .await?;
                self.case_step(
                    case,
                    decision,
                    s.step,
                    s.by,
                    s.org,
                    s.at,
                    s.resolution,
                    s.outcome_changed,
                )
                .await
            }
        }
    }

    /// The statement an official would issue on a case, without issuing it (the preview of
    /// the pages): the same checks as [`App::resolve_case`], nothing written beyond the logged
    /// read.
    pub async fn preview_resolution(
        &self,
        actor: &Actor,
        case: CaseRef,
        input: &ResolutionInput,
    ) -> AppResult<String> {
        let (granted, kind, _) = self.open_case(actor, case).await?;
        Ok(self
            .resolution_document(actor, case, &granted, &kind, input)
            .await?
            .0)
    }

    /// The checked resolution's document and the resolution itself.
    async fn resolution_document(
        &self,
        actor: &Actor,
        case: CaseRef,
        granted: &Granted,
        kind: &str,
        input: &ResolutionInput,
    ) -> AppResult<(String, CaseResolution, bool)> {
        let resolution = input.check(kind)?;
        self.plausible("effective_date", resolution.effective_date)?;
        let client = &granted.client;
        let language = document_language(client.language);
        // B12, A13–A18: what the official writes goes to the client and the benefit payer.
        self.check_document_text("reasoning", &resolution.reasoning, language)?;
        self.check_document_text("basis", &resolution.basis, language)?;
        let org_id = actor
            .user
            .org_id
            .ok_or_else(|| AppError::forbidden("an official acts for an organisation"))?;
        let org = self.store.organisation(org_id).await?;
        let date = self.store.clock().today();
        Ok(match case {
            CaseRef::Routed(_) => (
                official_document(&OfficialDocument {
                    org: &org,
                    client,
                    kind,
                    date,
                    resolution: &resolution,
                }),
                resolution,
                false,
            ),
            CaseRef::Reconsideration(id) => {
                let request = self
                    .store
                    .reconsiderations(client.id, &granted.access)
                    .await?
                    .into_iter()
                    .find(|r| r.id == id)
                    .ok_or(AppError::NotFound("reconsideration request"))?;
                let doc = ReconsiderationDocument {
                    org: &org,
                    client,
                    date,
                    statement: &request.statement,
                    old_outcome: &request.statement_outcome,
                    old_effective_date: request.statement_effective_date,
                    resolution: &resolution,
                };
                let changed = doc.changed();
                (reconsideration_document(&doc), resolution, changed)
            }
        })
    }

    /// Resolves a case with the official's statement (outcome, effective date, reasoning,
    /// legal basis), issued in the name of the official's organisation in the client's
    /// language. A finding in the reasoning or basis that must not reach a client refuses it
    /// and nothing is written.
    pub async fn resolve_case(
        &self,
        actor: &Actor,
        case: CaseRef,
        input: &ResolutionInput,
    ) -> AppResult<CaseStep> {
        let (granted, kind, decision) = self.open_case(actor, case).await?;
        let (document, r, _) = self
            .resolution_document(actor, case, &granted, &kind, input)
            .await?;
        let resolution = Resolution {
            outcome: r.outcome,
            effective_date: r.effective_date,
            reasoning: r.reasoning,
            basis: r.basis,
            document,
            document_language: document_language(granted.client.language).code().to_owned(),
        };
        let Granted { client, access } = granted;
        match case {
            CaseRef::Routed(id) => {
                let s = self
                    .store
                    .resolve_case(client.id, id, resolution, &access)
                    .await?;
                self.case_step(
                    case,
                    decision,
                    s.step,
                    s.by,
                    s.org,
                    s.at,
                    s.resolution,
                    None,
                )
                .await
            }
            CaseRef::Reconsideration(id) => {
                let s = self
                    .store
                    .resolve_reconsideration(client.id, id, resolution, &access)
                    .await?;
                self.case_step(
                    case,
                    decision,
                    s.step,
                    s.by,
                    s.org,
                    s.at,
                    s.resolution,
                    s.outcome_changed,
                )
                .await
            }
        }
    }

    #[allow(clippy::too_many_arguments)] // one step, field by field, from either kind of case
    async fn case_step(
        &self,
        case: CaseRef,
        decision: DecisionId,
        step: String,
        by: kirjuri_domain::UserId,
        org: kirjuri_domain::OrgId,
        at: DateTime<Utc>,
        resolution: Option<Resolution>,
        outcome_changed: Option<bool>,
    ) -> AppResult<CaseStep> {
        Ok(CaseStep {
            case,
            decision,
            step,
            by: self.store.user(by).await?,
            organisation: self.store.organisation(org).await?,
            at,
            resolution,
            outcome_changed,
        })
    }

    /// The client asks that the statement on one of their decisions be reconsidered (B7),
    /// with their reasons. A person handles it; a statement is reconsidered once.
    pub async fn ask_reconsideration(
        &self,
        actor: &Actor,
        decision: DecisionId,
        reasons: ClientReasons,
    ) -> AppResult<ReconsiderationRecord> {
        self.permit(actor, Capability::OwnData)?;
        self.request_reconsideration(actor, decision, reasons, Action::Ask)
            .await
    }

    /// An official of the client's own employment authority records the client's request
    /// for reconsideration on their behalf (e.g. made by phone).
    pub async fn record_reconsideration(
        &self,
        actor: &Actor,
        decision: DecisionId,
        reasons: ClientReasons,
    ) -> AppResult<ReconsiderationRecord> {
        self.request_reconsideration(actor, decision, reasons, Action::AskOnBehalf)
            .await
    }

    async fn request_reconsideration(
        &self,
        actor: &Actor,
        decision: DecisionId,
        reasons: ClientReasons,
        action: Action,
    ) -> AppResult<ReconsiderationRecord> {
        let client = self.store.decision_client(decision).await?;
        let Granted { client, access } = self
            .client_access(actor, client, action, "reconsiderations")
            .await?;
        let r = self
            .store
            .request_reconsideration(client.id, decision, reasons.to_string(), &access)
            .await?;
        self.reconsideration_record(&r).await
    }
}

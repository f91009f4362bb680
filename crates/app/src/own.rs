//! The job seeker acting in their own view (issue 13; A19, B7, B14): registering and ending
//! their own job search with their own answers, and reading one of their own decisions. The
//! reads of the own view are in `clients` (`my_record`, `my_entries`, `my_appointments`,
//! `my_job_searches`), `statements` (`my_decisions`) and `me` (the access log, the export).
//!
//! The client's own job search goes through the same procedure as an official's
//! ([`App::start_job_search`]): the same rules decide in the same transaction. What differs is
//! decided here, once for every transport: the client must have been shown the prior notice of
//! automated processing (B14) and must answer the form (the contract's `reported` part); the
//! job search starts on the day they register (JTYPL 27 §: the registration date); and a
//! client ends their own job search only for a reason they can report themself
//! ([`OWN_END_REASONS`]) — the others are the authority's to record.

use chrono::NaiveDate;
use kirjuri_domain::{DecisionId, EndReason, JobSearchId};

use crate::guard::Granted;
use crate::policy::{Action, Capability, Scope};
use crate::statements::{DecisionRecord, FormAnswers, JobSearchDecision};
use crate::{Actor, App, AppError, AppResult};

/// The reasons a job seeker ends their own job search for: they found work, they end it
/// themself, or they start full-time studies. The rest (not renewed, no contact, information
/// not given, right to work ended) are recorded by the authority.
pub const OWN_END_REASONS: [EndReason; 3] = [
    EndReason::Employed,
    EndReason::OwnRequest,
    EndReason::FullTimeStudies,
];

impl App {
    /// The job seeker's own client, authorised to register or end their job search.
    async fn own_job_search_access(&self, actor: &Actor) -> AppResult<Granted> {
        let (grant, _) = self.permit(actor, Capability::OwnData)?;
        let Scope::OwnClient(id) = grant.scope else {
            return Err(AppError::forbidden(
                "this is a job seeker's view of their own data",
            ));
        };
        self.client_access(actor, id, Action::ReportJobSearch, "job_searches")
            .await
    }

    /// The job seeker registers their own job search, starting today (Europe/Helsinki, by
    /// the clock), with their answers; the automated procedure decides the start statement in
    /// the same transaction (B1). Refused, with nothing written, without the prior notice
    /// acknowledged (B14) or without answers.
    pub async fn register_my_job_search(
        &self,
        actor: &Actor,
        form: FormAnswers,
    ) -> AppResult<JobSearchDecision> {
        let granted = self.own_job_search_access(actor).await?;
        if !form.acknowledged_notice {
            return Err(AppError::invalid(
                "acknowledged_notice",
                "read the prior notice of automated processing first",
            ));
        }
        if form.answers.is_none() {
            return Err(AppError::invalid("answers", "answer every question"));
        }
        let today = self.clock().today();
        self.start_deciding(granted, today, form).await
    }

    /// The job seeker ends their own open job search `job_search` on `end` for one of
    /// [`OWN_END_REASONS`]; the automated procedure decides the end statement in the same
    /// transaction (B1). Refused, with nothing written, without the prior notice acknowledged
    /// (B14).
    pub async fn end_my_job_search(
        &self,
        actor: &Actor,
        job_search: JobSearchId,
        end: NaiveDate,
        reason: EndReason,
        acknowledged_notice: bool,
    ) -> AppResult<JobSearchDecision> {
        let granted = self.own_job_search_access(actor).await?;
        if !OWN_END_REASONS.contains(&reason) {
            return Err(AppError::invalid(
                "reason",
                "the employment authority records this reason; choose one you can report",
            ));
        }
        if !acknowledged_notice {
            return Err(AppError::invalid(
                "acknowledged_notice",
                "read the prior notice of automated processing first",
            ));
        }
        let form = FormAnswers {
            answers: None,
            acknowledged_notice,
        };
        self.end_deciding(granted, job_search, end, reason, form)
            .await
    }

    /// One of the job seeker's own decisions with its statements, safeguards and request for
    /// reconsideration; another client's decision is "not found", as one that does not exist.
    pub async fn my_decision(&self, actor: &Actor, id: DecisionId) -> AppResult<DecisionRecord> {
        self.my_decisions(actor)
            .await?
            .into_iter()
            .find(|d| d.stored.id == id)
            .ok_or(AppError::NotFound("decision"))
    }
}

/// The standing purpose `purpose` recorded in the access log, as a code a transport can put
/// into words in the client's language (`customer_service`, `supervision`, …); `None` for a
/// purpose an official stated in their own words, which is shown as written.
pub fn purpose_code(purpose: &str) -> Option<&'static str> {
    use crate::policy::purpose as p;
    Some(match purpose {
        p::CUSTOMER_SERVICE => "customer_service",
        p::REGISTRATION => "registration",
        p::SUPERVISION => "supervision",
        p::OWN_USE => "own_use",
        p::STATEMENT_TASK => "statement_task",
        p::STATEMENT => "statement",
        p::RECONSIDERATION => "reconsideration",
        p::OTHER_ORGANISATION => "other_organisation",
        p::NOT_STATED => "not_stated",
        _ => return None,
    })
}

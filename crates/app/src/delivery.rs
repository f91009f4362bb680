//! Benefit payers, benefit applications, the delivery of statements to the payers, and the
//! validity query (TTL 1:4, A11, A18).
//!
//! - Payers and their delivery endpoints (https; http only to loopback) are listed to anyone
//!   signed in and registered by an administrator.
//! - A client's applications for benefit are recorded by an official of the client's
//!   employment authority (the policy's `Write`), never by the client: an application makes
//!   the authority disclose the client's statement and identity code to that payer, so it is
//!   recorded from what the payer or the client shows the official. Recording one enqueues the
//!   statements in force for that payer in the same transaction.
//! - Where each statement's delivery stands is the authority's own record
//!   ([`Action::ReadAuthorityRecord`]): officials and the supervisor.
//! - The validity query lists the clients who apply for benefit and have no statement in force
//!   on a date: an official's own organisation, or every organisation for the supervisor. Each
//!   client listed is a logged read.

use chrono::NaiveDate;
use kirjuri_domain::{ClientId, PayerId, PersonName};
use kirjuri_store::{
    BenefitApplication, BenefitPayer, DeliveryStatus, GapScope, NewBenefitPayer, StatementGap,
    StoreError,
};

use crate::guard::Granted;
use crate::paging::{self, PageRequest};
use crate::policy::{Action, Capability, Scope};
use crate::{Actor, App, AppError, AppResult};

/// An application for benefit with its payer and who recorded it.
#[derive(Debug, Clone)]
pub struct ApplicationRecord {
    pub application: BenefitApplication,
    pub payer: BenefitPayer,
    pub recorded_by: PersonName,
    /// For a newly recorded application: how many statement deliveries it enqueued.
    pub deliveries_enqueued: Option<usize>,
}

/// One page of the validity query's answer on one date, with the payers' names.
#[derive(Debug, Clone)]
pub struct Gaps {
    pub date: NaiveDate,
    pub gaps: Vec<StatementGap>,
    pub payers: Vec<BenefitPayer>,
    /// The cursor of the next page, when more clients remain to be examined (a page may hold
    /// fewer gaps than asked for, even none, and still have a next one: see
    /// [`kirjuri_store::Store::statement_gaps_page`]).
    pub next: Option<String>,
}

impl App {
    /// The benefit payers (anyone signed in).
    pub async fn payers(&self, actor: &Actor) -> AppResult<Vec<BenefitPayer>> {
        self.permit(actor, Capability::SignedIn)?;
        Ok(self.store.payers().await?)
    }

    /// The benefit payers, for the page of the administrator, who registers them (anyone
    /// signed in may read them through [`App::payers`]; this one is the administrator's).
    pub async fn administered_payers(&self, actor: &Actor) -> AppResult<Vec<BenefitPayer>> {
        self.permit(actor, Capability::RegisterPayer)?;
        Ok(self.store.payers().await?)
    }

    /// Registers a benefit payer and its delivery endpoint (an administrator).
    pub async fn register_payer(
        &self,
        actor: &Actor,
        new: NewBenefitPayer,
    ) -> AppResult<BenefitPayer> {
        self.permit(actor, Capability::RegisterPayer)?;
        if new.endpoint.is_loopback() && !self.config.loopback_payers {
            return Err(AppError::invalid(
                "endpoint_url",
                "points to this machine (loopback), which only a test configuration allows",
            ));
        }
        Ok(self.store.register_payer(new, actor.user.id).await?)
    }

    async fn application_record(
        &self,
        application: BenefitApplication,
        deliveries_enqueued: Option<usize>,
    ) -> AppResult<ApplicationRecord> {
        Ok(ApplicationRecord {
            payer: self.store.payer(application.payer_id).await?,
            recorded_by: self.store.user(application.recorded_by).await?.display_name,
            application,
            deliveries_enqueued,
        })
    }

    pub(crate) async fn application_records(
        &self,
        client: ClientId,
        access: &kirjuri_store::Access,
    ) -> AppResult<Vec<ApplicationRecord>> {
        let mut out = Vec::new();
        for a in self.store.benefit_applications(client, access).await? {
            out.push(self.application_record(a, None).await?);
        }
        Ok(out)
    }

    /// A client's applications for benefit.
    pub async fn benefit_applications(
        &self,
        actor: &Actor,
        client: ClientId,
    ) -> AppResult<Vec<ApplicationRecord>> {
        let Granted { client, access } = self
            .client_access(actor, client, Action::Read, "benefit_applications")
            .await?;
        self.application_records(client.id, &access).await
    }

    /// Records an application for benefit at a payer; the statements in force are enqueued
    /// for that payer in the same transaction.
    pub async fn record_benefit_application(
        &self,
        actor: &Actor,
        client: ClientId,
        payer: PayerId,
        from: NaiveDate,
    ) -> AppResult<ApplicationRecord> {
        let Granted { client, access } = self
            .client_access(actor, client, Action::Write, "benefit_applications")
            .await?;
        self.plausible("from_date", from)?;
        match self.store.payer(payer).await {
            Ok(_) => {}
            Err(StoreError::NotFound(_)) => {
                return Err(AppError::invalid(
                    "payer_id",
                    "no benefit payer with this id is registered (see /api/benefit-payers)",
                ))
            }
            Err(e) => return Err(e.into()),
        }
        let (application, made) = self
            .store
            .record_benefit_application(client.id, payer, from, &access)
            .await?;
        self.application_record(application, Some(made.len())).await
    }

    /// Where each of a client's statement deliveries stands (officials and the supervisor).
    pub async fn deliveries(
        &self,
        actor: &Actor,
        client: ClientId,
    ) -> AppResult<Vec<DeliveryStatus>> {
        let Granted { client, access } = self
            .client_access(actor, client, Action::ReadAuthorityRecord, "deliveries")
            .await?;
        Ok(self.store.deliveries(client.id, &access).await?)
    }

    /// Applicants without a statement in force on `on` (default today by the store's clock),
    /// by name, a page at a time (`limit` 1–500 gaps, default 100; issue 16).
    pub async fn statement_gaps(
        &self,
        actor: &Actor,
        on: Option<NaiveDate>,
        page: &PageRequest,
    ) -> AppResult<Gaps> {
        let (grant, access) = self.permit(actor, Capability::StatementGaps)?;
        let checked = paging::STATEMENT_GAPS.check(page)?;
        let scope = match grant.scope {
            Scope::Organisation(org) => GapScope::Organisation(org),
            _ => GapScope::All,
        };
        let date = match on {
            Some(d) => self.plausible("date", d)?,
            None => self.store.clock().today(),
        };
        let (gaps, next) = self
            .store
            .statement_gaps_page(
                scope,
                date,
                checked.after.as_deref(),
                checked.limit,
                &access,
            )
            .await?;
        Ok(Gaps {
            date,
            gaps,
            payers: self.store.payers().await?,
            next: next.map(|key| paging::STATEMENT_GAPS.cursor(&key)),
        })
    }
}

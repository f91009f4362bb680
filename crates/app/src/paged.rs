//! The lists that grow without bound, a page at a time (issue 16; see [`crate::paging`]): a
//! client's entries and appointments, the job seeker's own, the access log, the job seeker's
//! view of it, the security log and the account events. Each asks the policy and logs the
//! read exactly as its whole-list counterpart does; the pages call those, the JSON API these.

use std::collections::BTreeSet;

use kirjuri_domain::{Appointment, ClientId, User};
use kirjuri_store::{AccessLogEntry, AccessLogQuery, AccountEvent, DeliveryStatus, SecurityEvent};

use crate::cases::{queue_of, OpenReconsideration, RoutedCase};
use crate::clients::RecordEntry;
use crate::guard::Granted;
use crate::me::SeenBy;
use crate::paging::{self, Page, PageRequest};
use crate::policy::{Action, Capability, Scope};
use crate::{Actor, App, AppError, AppResult};

impl App {
    /// A page of the client's entries in the order they were made, each with the entry
    /// correcting it wherever that is in the list (A5).
    pub async fn entries_page(
        &self,
        actor: &Actor,
        client: ClientId,
        page: &PageRequest,
    ) -> AppResult<Page<RecordEntry>> {
        let checked = paging::ENTRIES.check(page)?;
        let after = paging::ENTRIES.seq(&checked)?;
        let Granted { client, access } = self
            .client_access(actor, client, Action::Read, "entries")
            .await?;
        self.entry_page(client.id, after, checked.limit, &access)
            .await
    }

    /// A page of the job seeker's own entries.
    pub async fn my_entries_page(
        &self,
        actor: &Actor,
        page: &PageRequest,
    ) -> AppResult<Page<RecordEntry>> {
        let checked = paging::ENTRIES.check(page)?;
        let after = paging::ENTRIES.seq(&checked)?;
        let Granted { client, access } = self.own_client(actor, "entries").await?;
        self.entry_page(client.id, after, checked.limit, &access)
            .await
    }

    async fn entry_page(
        &self,
        client: ClientId,
        after: Option<i64>,
        limit: i64,
        access: &kirjuri_store::Access,
    ) -> AppResult<Page<RecordEntry>> {
        let rows = self
            .store
            .entries_page(client, after, limit + 1, access)
            .await?;
        let page = paging::ENTRIES.page(rows, limit, |(seq, _, _)| seq.to_string());
        Ok(Page {
            items: page
                .items
                .into_iter()
                .map(|(_, entry, corrected_by)| RecordEntry {
                    entry,
                    corrected_by,
                })
                .collect(),
            next: page.next,
        })
    }

    /// A page of the client's appointments by start time.
    pub async fn appointments_page(
        &self,
        actor: &Actor,
        client: ClientId,
        page: &PageRequest,
    ) -> AppResult<Page<Appointment>> {
        let checked = paging::APPOINTMENTS.check(page)?;
        let Granted { client, access } = self
            .client_access(actor, client, Action::Read, "appointments")
            .await?;
        let rows = self
            .store
            .appointments_page(
                client.id,
                checked.after.as_deref(),
                checked.limit + 1,
                &access,
            )
            .await?;
        Ok(paging::APPOINTMENTS.page(rows, checked.limit, |a| a.id.to_string()))
    }

    /// A page of the job seeker's own appointments (A12: exactly as recorded).
    pub async fn my_appointments_page(
        &self,
        actor: &Actor,
        page: &PageRequest,
    ) -> AppResult<Page<Appointment>> {
        let checked = paging::APPOINTMENTS.check(page)?;
        let Granted { client, access } = self.own_client(actor, "appointments").await?;
        let rows = self
            .store
            .appointments_page(
                client.id,
                checked.after.as_deref(),
                checked.limit + 1,
                &access,
            )
            .await?;
        Ok(paging::APPOINTMENTS.page(rows, checked.limit, |a| a.id.to_string()))
    }

    /// A page of the access log, oldest first (the supervisor). The query's own `limit` and
    /// `after_seq` are replaced by the page's. Reading it is logged once per client shown.
    pub async fn access_log_page(
        &self,
        actor: &Actor,
        query: &AccessLogQuery,
        page: &PageRequest,
    ) -> AppResult<Page<AccessLogEntry>> {
        let (_, access) = self.permit(actor, Capability::SearchAccessLog)?;
        let checked = paging::ACCESS_LOG.check(page)?;
        let q = AccessLogQuery {
            after_seq: paging::ACCESS_LOG.seq(&checked)?,
            limit: checked.limit + 1,
            ..query.clone()
        };
        let rows = self.store.search_access_log(&q).await?;
        let page = paging::ACCESS_LOG.page(rows, checked.limit, |r| r.seq.to_string());
        let clients: BTreeSet<_> = page.items.iter().map(|r| r.client_id).collect();
        for client in clients {
            self.log_read(&access, client, "access_log").await?;
        }
        Ok(page)
    }

    /// A page of who has handled the job seeker's data, other than they themself, oldest
    /// first.
    pub async fn my_access_log_page(
        &self,
        actor: &Actor,
        page: &PageRequest,
    ) -> AppResult<Page<SeenBy>> {
        let checked = paging::SEEN_BY.check(page)?;
        let after_seq = paging::SEEN_BY.seq(&checked)?;
        let Granted { client, access } = self.own_client(actor, "access_log").await?;
        self.log_read(&access, client.id, "access_log").await?;
        let rows = self
            .store
            .search_access_log(&AccessLogQuery {
                client: Some(client.id),
                not_user: Some(actor.user.id),
                after_seq,
                limit: checked.limit + 1,
                ..Default::default()
            })
            .await?;
        let page = paging::SEEN_BY.page(rows, checked.limit, |r| r.seq.to_string());
        Ok(Page {
            items: self.seen_by_rows(page.items).await?,
            next: page.next,
        })
    }

    /// A page of the security log, newest first (the supervisor).
    pub async fn security_log_page(
        &self,
        actor: &Actor,
        page: &PageRequest,
    ) -> AppResult<Page<SecurityEvent>> {
        self.permit(actor, Capability::SearchAccessLog)?;
        let checked = paging::SECURITY_LOG.check(page)?;
        let before = paging::SECURITY_LOG.seq(&checked)?;
        let rows = self
            .store
            .security_log_before(before, checked.limit + 1)
            .await?;
        Ok(paging::SECURITY_LOG.page(rows, checked.limit, |r| r.seq.to_string()))
    }

    /// A page of who created which account, newest first (the supervisor).
    pub async fn account_events_page(
        &self,
        actor: &Actor,
        page: &PageRequest,
    ) -> AppResult<Page<AccountEvent>> {
        self.permit(actor, Capability::SearchAccessLog)?;
        let checked = paging::ACCOUNT_EVENTS.check(page)?;
        let before = paging::ACCOUNT_EVENTS.seq(&checked)?;
        let rows = self
            .store
            .account_events_before(before, checked.limit + 1)
            .await?;
        Ok(paging::ACCOUNT_EVENTS.page(rows, checked.limit, |r| r.seq.to_string()))
    }

    /// A page of the open routed cases of the actor's queue, oldest first (see
    /// [`App::work_queue`]); only the clients shown are logged reads.
    pub async fn work_queue_page(
        &self,
        actor: &Actor,
        page: &PageRequest,
    ) -> AppResult<Page<RoutedCase>> {
        let (grant, access) = self.permit(actor, Capability::WorkQueue)?;
        let checked = paging::WORK_QUEUE.check(page)?;
        let (cases, more) = self
            .store
            .work_queue_page(
                queue_of(grant.scope)?,
                checked.after.as_deref(),
                checked.limit,
                &access,
            )
            .await?;
        let mut out = Vec::with_capacity(cases.len());
        for case in cases {
            out.push(self.routed_case(case).await?);
        }
        Ok(paging::WORK_QUEUE.more(out, more, |c| c.case.decision.id.to_string()))
    }

    /// A page of the open requests for reconsideration of the actor's queue, oldest first
    /// (see [`App::reconsideration_queue`]); only the clients shown are logged reads.
    pub async fn reconsideration_queue_page(
        &self,
        actor: &Actor,
        page: &PageRequest,
    ) -> AppResult<Page<OpenReconsideration>> {
        let (grant, access) = self.permit(actor, Capability::ReconsiderationQueue)?;
        let checked = paging::RECONSIDERATIONS.check(page)?;
        let (cases, more) = self
            .store
            .reconsideration_queue_page(
                queue_of(grant.scope)?,
                checked.after.as_deref(),
                checked.limit,
                &access,
            )
            .await?;
        let mut out = Vec::with_capacity(cases.len());
        for case in cases {
            out.push(self.open_reconsideration(case).await?);
        }
        Ok(paging::RECONSIDERATIONS.more(out, more, |c| c.case.request.id.to_string()))
    }

    /// A page of where the client's statement deliveries stand, oldest first.
    pub async fn deliveries_page(
        &self,
        actor: &Actor,
        client: ClientId,
        page: &PageRequest,
    ) -> AppResult<Page<DeliveryStatus>> {
        let checked = paging::DELIVERIES.check(page)?;
        let Granted { client, access } = self
            .client_access(actor, client, Action::ReadAuthorityRecord, "deliveries")
            .await?;
        let rows = self
            .store
            .deliveries_page(
                client.id,
                checked.after.as_deref(),
                checked.limit + 1,
                &access,
            )
            .await?;
        Ok(paging::DELIVERIES.page(rows, checked.limit, |d| d.id.to_string()))
    }

    /// A page of the accounts of the administrator's own organisation, by display name.
    pub async fn accounts_page(&self, actor: &Actor, page: &PageRequest) -> AppResult<Page<User>> {
        let checked = paging::ACCOUNTS.check(page)?;
        let (grant, _) = self.permit(actor, Capability::ManageAccounts)?;
        let Scope::Organisation(org) = grant.scope else {
            return Err(AppError::forbidden(
                "only an administrator manages accounts, of their own organisation",
            ));
        };
        let rows = self
            .store
            .users_of_org_page(org, checked.after.as_deref(), checked.limit + 1)
            .await?;
        Ok(paging::ACCOUNTS.page(rows, checked.limit, |u| u.id.to_string()))
    }
}

//! The client's own view beyond their record (A19): who has handled their data, and a full
//! copy of everything about them (GDPR art. 15). Every read goes through the same policy and
//! access log as an official's.

use chrono::{DateTime, Utc};
use kirjuri_domain::{
    Appointment, Client, ContactMethod, JobSearch, Organisation, ResponsibleExpert, Role,
};
use kirjuri_store::{AccessAction, DeliveryStatus};

use crate::clients::{with_corrections, RecordEntry};
use crate::delivery::ApplicationRecord;
use crate::guard::Granted;
use crate::statements::DecisionRecord;
use crate::{Actor, App, AppResult};

/// One access to the client's data by someone else.
#[derive(Debug, Clone)]
pub struct SeenBy {
    pub at: DateTime<Utc>,
    /// The organisation, named in full (none: a user of no organisation).
    pub organisation: Option<Organisation>,
    pub role: Role,
    pub action: AccessAction,
    /// What was handled.
    pub what: String,
    pub purpose: String,
}

/// Everything Kirjuri holds about the client (GDPR art. 15).
#[derive(Debug, Clone)]
pub struct Export {
    pub generated_at: DateTime<Utc>,
    pub client: Client,
    pub organisation: Organisation,
    pub job_searches: Vec<JobSearch>,
    pub entries: Vec<RecordEntry>,
    pub appointments: Vec<Appointment>,
    pub contact_methods: Vec<ContactMethod>,
    pub responsible_experts: Vec<ResponsibleExpert>,
    pub statements: Vec<DecisionRecord>,
    pub benefit_applications: Vec<ApplicationRecord>,
    pub statement_deliveries: Vec<DeliveryStatus>,
    pub seen_by: Vec<SeenBy>,
    /// The secure conversation with the organisation (A18), oldest first.
    pub messages: Vec<kirjuri_domain::Message>,
}

impl App {
    async fn seen_by(&self, client: &Client, me: &Actor) -> AppResult<Vec<SeenBy>> {
        let rows = self.store.access_log_of_client(client.id).await?;
        let rows = rows.into_iter().filter(|r| r.user_id != me.user.id);
        self.seen_by_rows(rows).await
    }

    /// The rows of the log as the job seeker is shown them.
    pub(crate) async fn seen_by_rows(
        &self,
        rows: impl IntoIterator<Item = kirjuri_store::AccessLogEntry>,
    ) -> AppResult<Vec<SeenBy>> {
        let orgs = self.store.organisations().await?;
        Ok(rows
            .into_iter()
            .map(|r| SeenBy {
                at: r.at,
                organisation: r
                    .org_id
                    .and_then(|o| orgs.iter().find(|org| org.id == o))
                    .cloned(),
                role: r.role,
                action: r.action,
                what: r.resource,
                purpose: r.purpose,
            })
            .collect())
    }

    /// Who has handled the job seeker's data, other than they themself, oldest first.
    pub async fn my_access_log(&self, actor: &Actor) -> AppResult<Vec<SeenBy>> {
        let Granted { client, access } = self.own_client(actor, "access_log").await?;
        self.log_read(&access, client.id, "access_log").await?;
        self.seen_by(&client, actor).await
    }

    /// The whole conversation, oldest first, read page by page without marking anything
    /// read: making a copy is not reading the messages.
    async fn all_messages(
        &self,
        client: kirjuri_domain::ClientId,
        access: &kirjuri_store::Access,
    ) -> AppResult<Vec<kirjuri_domain::Message>> {
        let mut all = Vec::new();
        let mut before = None;
        loop {
            let page = kirjuri_store::MessagePage { before, limit: 200 };
            let c = self.store.conversation(client, page, None, access).await?;
            all.extend(c.messages);
            match c.next {
                Some(next) => before = Some(next),
                None => break,
            }
        }
        all.reverse();
        Ok(all)
    }

    /// A full copy of the job seeker's data (GDPR art. 15).
    pub async fn my_export(&self, actor: &Actor) -> AppResult<Export> {
        let Granted { client, access } = self.own_client(actor, "export").await?;
        self.log_read(&access, client.id, "export").await?;
        let store = &self.store;
        Ok(Export {
            generated_at: store.clock().now(),
            organisation: store.organisation(client.org_id).await?,
            job_searches: store.job_searches(client.id, &access).await?,
            entries: with_corrections(store.entries(client.id, &access).await?),
            appointments: store.appointments(client.id, &access).await?,
            contact_methods: store.contact_methods(client.id, &access).await?,
            responsible_experts: store.responsible_experts(client.id, &access).await?,
            statements: self.decision_records(client.id, &access).await?,
            benefit_applications: self.application_records(client.id, &access).await?,
            statement_deliveries: store.deliveries(client.id, &access).await?,
            seen_by: self.seen_by(&client, actor).await?,
            messages: self.all_messages(client.id, &access).await?,
            client,
        })
    }
}

//! Clients and their record (A2, A4–A10, A12): registering, finding and listing clients, the
//! client's record as an official or the client reads it, journal entries (checked before they
//! are written), appointments, the agreed contact method and the responsible expert.

use chrono::NaiveDate;
use kirjuri_domain::{
    time, Appointment, AppointmentMode, Client, ClientId, ContactMethod, ContactMethodKind, Entry,
    EntryId, EntryKind, Hetu, JobSearch, Language, NewAppointment, NewClient, NewEntry, OrgId,
    Organisation, PersonName, ResponsibleExpert, Role, ShortText, User, UserId,
};
use kirjuri_quality::Report;

use crate::guard::Granted;
use crate::policy::{Action, Capability, Scope};
use crate::quality::stored_findings;
use crate::{Actor, App, AppError, AppResult};

/// A client to register, as given.
#[derive(Debug, Clone)]
pub struct ClientRegistration {
    pub hetu: Hetu,
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub language: Language,
}

/// A client with what is needed first: the agreed contact method, the responsible expert, the
/// job search in progress and its initial-interview deadline (JTYPL 31 §).
#[derive(Debug, Clone)]
pub struct ClientRecord {
    pub client: Client,
    pub organisation: Organisation,
    /// The agreement in force.
    pub contact_method: Option<ContactMethod>,
    /// The assignment in force.
    pub responsible_expert: Option<ResponsibleExpert>,
    pub job_search: Option<JobSearch>,
    /// Every job search, oldest first (the open one above among them): what the statement in
    /// force is told from ([`crate::statements::in_force`]).
    pub job_searches: Vec<JobSearch>,
    pub initial_interview_deadline: Option<NaiveDate>,
}

/// An entry of the record and, when it has been corrected, the entry that corrects it.
#[derive(Debug, Clone)]
pub struct RecordEntry {
    pub entry: Entry,
    pub corrected_by: Option<EntryId>,
}

/// Each entry with the entry that corrects it (A5: corrections are linked both ways).
pub fn with_corrections(entries: Vec<Entry>) -> Vec<RecordEntry> {
    let corrected_by: std::collections::HashMap<EntryId, EntryId> = entries
        .iter()
        .filter_map(|c| c.corrects.as_ref().map(|k| (k.entry_id, c.id)))
        .collect();
    entries
        .into_iter()
        .map(|entry| RecordEntry {
            corrected_by: corrected_by.get(&entry.id).copied(),
            entry,
        })
        .collect()
}

/// A written entry and what the entry-quality checker warned about.
#[derive(Debug, Clone)]
pub struct WrittenEntry {
    pub entry: Entry,
    pub report: Report,
}

/// The most clients a search by name shows.
pub const FIND_LIMIT: i64 = 100;
/// The longest name query accepted.
pub const FIND_QUERY_MAX: usize = 200;

/// A page of an organisation's clients.
#[derive(Debug, Clone)]
pub struct ClientPage {
    pub clients: Vec<Client>,
    pub limit: i64,
    pub offset: i64,
    /// The cursor of the next page, when more clients follow (issue 16).
    pub next: Option<String>,
}

impl App {
    /// The signed-in user and their organisation.
    pub async fn whoami(&self, actor: &Actor) -> AppResult<(User, Option<Organisation>)> {
        let organisation = match actor.user.org_id {
            Some(id) => Some(self.store.organisation(id).await?),
            None => None,
        };
        Ok((actor.user.clone(), organisation))
    }

    /// Every organisation (any signed-in user: names are public).
    pub async fn organisations(&self, actor: &Actor) -> AppResult<Vec<Organisation>> {
        self.permit(actor, Capability::SignedIn)?;
        Ok(self.store.organisations().await?)
    }

    /// One organisation's clients, by name, a page at a time (an official: their own; the
    /// supervisor: the one named). Every client listed is a logged read.
    pub async fn list_clients(
        &self,
        actor: &Actor,
        organisation: Option<OrgId>,
        page: &crate::paging::PageRequest,
        offset: i64,
    ) -> AppResult<ClientPage> {
        let (grant, access) = self.permit(actor, Capability::ListClients)?;
        let checked = crate::paging::CLIENTS.check(page)?;
        let limit = checked.limit;
        if offset < 0 {
            return Err(AppError::invalid("offset", "must not be negative"));
        }
        if offset > 0 && checked.after.is_some() {
            return Err(AppError::invalid(
                "offset",
                "give either a cursor or an offset, not both",
            ));
        }
        let org = match (grant.scope, organisation) {
            (Scope::Organisation(own), None) => own,
            (Scope::Organisation(own), Some(asked)) if asked == own => own,
            (Scope::Organisation(_), Some(_)) => {
                return Err(AppError::forbidden(
                    "an official lists the clients of their own organisation",
                ))
            }
            (_, Some(asked)) => asked,
            (_, None) => {
                return Err(AppError::invalid(
                    "organisation_id",
                    "name the organisation to list",
                ))
            }
        };
        let (clients, more) = self
            .store
            .clients_page(org, checked.after.as_deref(), offset, limit, &access)
            .await?;
        let page = crate::paging::CLIENTS.more(clients, more, |c| c.id.to_string());
        Ok(ClientPage {
            clients: page.items,
            limit,
            offset,
            next: page.next,
        })
    }

    /// Clients found by name: every word of `query` in the first or last name, ignoring
    /// case, by name, at most 100 (an official: of their own organisation; the supervisor: of
    /// all). Every client found is a logged read. Another organisation's client is found by
    /// identity code only, with a stated reason ([`App::lookup_client`]).
    pub async fn find_clients(&self, actor: &Actor, query: &str) -> AppResult<Vec<Client>> {
        let (grant, access) = self.permit(actor, Capability::ListClients)?;
        let org = match grant.scope {
            Scope::Organisation(own) => Some(own),
            Scope::All => None,
            _ => return Err(AppError::forbidden("your role may not search for clients")),
        };
        let words: Vec<String> = query.split_whitespace().map(str::to_owned).collect();
        if words.is_empty() {
            return Ok(Vec::new());
        }
        if query.chars().count() > FIND_QUERY_MAX {
            return Err(AppError::invalid(
                "q",
                format!("at most {FIND_QUERY_MAX} characters"),
            ));
        }
        Ok(self
            .store
            .find_clients_by_name(org, &words, FIND_LIMIT, &access)
            .await?)
    }

    /// Registers a client of the official's own organisation. Registering someone who is
    /// already a client tells that they are, so the attempt is an access like any other: a
    /// read if the official may see the client, answered as a conflict; otherwise a flagged
    /// refusal, answered exactly as [`App::lookup_client`] answers for that code ("not
    /// found"), so the two are no existence oracle together (issue 15 item 8).
    pub async fn register_client(
        &self,
        actor: &Actor,
        new: ClientRegistration,
    ) -> AppResult<Client> {
        let (grant, access) = self.permit(actor, Capability::RegisterClient)?;
        let Scope::Organisation(org_id) = grant.scope else {
            return Err(AppError::forbidden(
                "only officials of an employment authority register clients",
            ));
        };
        if let Ok(existing) = self.store.client_by_hetu(&new.hetu).await {
            // A refusal is logged (flagged) by `authorise` and answered as the lookup's.
            let Granted { client, access } = self
                .authorise(actor, existing, Action::Read, "client", None)
                .await?;
            self.log_read(&access, client.id, "client").await?;
            return Err(AppError::Conflict {
                field: Some("hetu"),
                message: "a client with this identity code is already registered".into(),
            });
        }
        let new = NewClient {
            hetu: new.hetu,
            first_name: new.first_name,
            last_name: new.last_name,
            language: new.language,
            org_id,
        };
        Ok(self.store.create_client(new, &access).await?)
    }

    /// Finds a client by identity code (a logged read, or a logged refusal).
    pub async fn lookup_client(&self, actor: &Actor, hetu: &Hetu) -> AppResult<Client> {
        let client = self.store.client_by_hetu(hetu).await?;
        let Granted { client, access } = self
            .authorise(actor, client, Action::Read, "client", None)
            .await?;
        Ok(self.store.read_client(client.id, &access).await?)
    }

    /// A client's record as an official or the supervisor reads it.
    pub async fn client_record(&self, actor: &Actor, client: ClientId) -> AppResult<ClientRecord> {
        let granted = self
            .client_access(actor, client, Action::Read, "client")
            .await?;
        self.record_of(granted).await
    }

    /// The job seeker's own record.
    pub async fn my_record(&self, actor: &Actor) -> AppResult<ClientRecord> {
        let granted = self.own_client(actor, "client").await?;
        self.record_of(granted).await
    }

    /// Every part read under the granted access and logged.
    async fn record_of(&self, granted: Granted) -> AppResult<ClientRecord> {
        let Granted { client, access } = granted;
        // Asked together: each part's access-log row is a write, and writes arriving together
        // share one group commit (one fsync on SQLite) instead of one each.
        let (client, organisation, contact, experts, searches) = tokio::try_join!(
            self.store.read_client(client.id, &access),
            self.store.organisation(client.org_id),
            self.store.contact_methods(client.id, &access),
            self.store.responsible_experts(client.id, &access),
            self.store.job_searches(client.id, &access),
        )?;
        let job_search = searches.iter().rev().find(|j| j.end.is_none()).cloned();
        Ok(ClientRecord {
            initial_interview_deadline: job_search
                .as_ref()
                .and_then(|j| time::initial_interview_deadline(j.start_date)),
            client,
            organisation,
            contact_method: contact.into_iter().next(),
            responsible_expert: experts.into_iter().next(),
            job_search,
            job_searches: searches,
        })
    }

    // ---- job searches ------------------------------------------------------------------

    /// A client's job searches, oldest first.
    pub async fn job_searches(&self, actor: &Actor, client: ClientId) -> AppResult<Vec<JobSearch>> {
        let Granted { client, access } = self
            .client_access(actor, client, Action::Read, "job_searches")
            .await?;
        Ok(self.store.job_searches(client.id, &access).await?)
    }

    /// The job seeker's own job searches.
    pub async fn my_job_searches(&self, actor: &Actor) -> AppResult<Vec<JobSearch>> {
        let Granted { client, access } = self.own_client(actor, "job_searches").await?;
        Ok(self.store.job_searches(client.id, &access).await?)
    }

    // ---- entries -----------------------------------------------------------------------

    /// A client's entries in the order they were made, each with the entry correcting it.
    pub async fn entries(&self, actor: &Actor, client: ClientId) -> AppResult<Vec<RecordEntry>> {
        let Granted { client, access } = self
            .client_access(actor, client, Action::Read, "entries")
            .await?;
        Ok(with_corrections(
            self.store.entries(client.id, &access).await?,
        ))
    }

    /// The job seeker's own entries.
    pub async fn my_entries(&self, actor: &Actor) -> AppResult<Vec<RecordEntry>> {
        let Granted { client, access } = self.own_client(actor, "entries").await?;
        Ok(with_corrections(
            self.store.entries(client.id, &access).await?,
        ))
    }

    /// Writes an entry. It passes the entry-quality checks (A13–A18) in the client's language
    /// first: a blocking finding refuses it; warnings are stored with it.
    pub async fn write_entry(&self, actor: &Actor, new: NewEntry) -> AppResult<WrittenEntry> {
        let Granted { client, access } = self
            .client_access(actor, new.client_id(), Action::Write, "entries")
            .await?;
        self.plausible_instant("event_at", new.event_at())?;
        for (i, d) in new.details().follow_up_dates.iter().enumerate() {
            self.plausible(&format!("follow_up_dates[{i}]"), *d)?;
        }
        let report = self.check_entry_text(new.text().as_str(), new.kind(), client.language)?;
        // The short texts beside it reach the client's record too (issue 15 item 4).
        if let Some(c) = new.corrects() {
            let reason = c.reason.as_str();
            self.check_record_text("corrects.reason", reason, new.kind(), client.language)?;
        }
        if let Some(service) = &new.details().service {
            let service = service.as_str();
            self.check_record_text("service", service, new.kind(), client.language)?;
        }
        let entry = self
            .store
            .append_checked_entry(&new, stored_findings(&report), &access)
            .await?;
        Ok(WrittenEntry { entry, report })
    }

    /// An entry with the chain of entries correcting it, oldest first.
    pub async fn correction_chain(
        &self,
        actor: &Actor,
        client: ClientId,
        entry: EntryId,
    ) -> AppResult<Vec<RecordEntry>> {
        let Granted { client, access } = self
            .client_access(actor, client, Action::Read, "entries")
            .await?;
        Ok(with_corrections(
            self.store
                .correction_chain(client.id, entry, &access)
                .await?,
        ))
    }

    // ---- appointments ------------------------------------------------------------------

    /// A client's appointments.
    pub async fn appointments(
        &self,
        actor: &Actor,
        client: ClientId,
    ) -> AppResult<Vec<Appointment>> {
        let Granted { client, access } = self
            .client_access(actor, client, Action::Read, "appointments")
            .await?;
        Ok(self.store.appointments(client.id, &access).await?)
    }

    /// The job seeker's own appointments (A12: exactly as recorded).
    pub async fn my_appointments(&self, actor: &Actor) -> AppResult<Vec<Appointment>> {
        let Granted { client, access } = self.own_client(actor, "appointments").await?;
        Ok(self.store.appointments(client.id, &access).await?)
    }

    /// Books an appointment (A12).
    pub async fn book_appointment(
        &self,
        actor: &Actor,
        new: NewAppointment,
    ) -> AppResult<Appointment> {
        let Granted { client, access } = self
            .client_access(actor, new.client_id, Action::Write, "appointments")
            .await?;
        self.plausible("date", new.date)?;
        // What the client is told about the appointment (issue 15 item 4).
        let (field, text) = match &new.mode {
            AppointmentMode::Phone { phone_number } => (
                "mode.phone_number",
                phone_number.as_ref().map(|t| t.as_str()),
            ),
            AppointmentMode::Video { link } => ("mode.link", link.as_ref().map(|t| t.as_str())),
            AppointmentMode::Visit { address } => ("mode.address", Some(address.as_str())),
        };
        if let Some(text) = text {
            self.check_record_text(field, text, EntryKind::Other, client.language)?;
        }
        Ok(self.store.book_appointment(&new, &access).await?)
    }

    // ---- contact method and responsible expert -----------------------------------------

    /// The contact-method agreements, the one in force first (A9).
    pub async fn contact_methods(
        &self,
        actor: &Actor,
        client: ClientId,
    ) -> AppResult<Vec<ContactMethod>> {
        let Granted { client, access } = self
            .client_access(actor, client, Action::Read, "contact_methods")
            .await?;
        Ok(self.store.contact_methods(client.id, &access).await?)
    }

    /// Records the contact method agreed with the client (A9).
    pub async fn agree_contact_method(
        &self,
        actor: &Actor,
        client: ClientId,
        method: ContactMethodKind,
        agreed_on: NaiveDate,
        note: Option<ShortText>,
    ) -> AppResult<ContactMethod> {
        self.agree_contact_method_with_email(actor, client, method, agreed_on, note, None)
            .await
    }

    /// Records the contact method agreed with the client (A9) with the e-mail address for
    /// notices (issue 13): notices go only where the agreement in force has one, and a
    /// client who chose letters gets none by e-mail.
    pub async fn agree_contact_method_with_email(
        &self,
        actor: &Actor,
        client: ClientId,
        method: ContactMethodKind,
        agreed_on: NaiveDate,
        note: Option<ShortText>,
        email: Option<kirjuri_domain::EmailAddress>,
    ) -> AppResult<ContactMethod> {
        let Granted { client, access } = self
            .client_access(actor, client, Action::Write, "contact_methods")
            .await?;
        self.plausible("agreed_on", agreed_on)?;
        if email.is_some() && method == ContactMethodKind::Letter {
            return Err(AppError::invalid(
                "email",
                "a client who chose letters gets no notices by e-mail",
            ));
        }
        Ok(self
            .store
            .agree_contact_method_with_email(client.id, method, agreed_on, note, email, &access)
            .await?)
    }

    /// The responsible-expert assignments, the one in force first (A8).
    pub async fn responsible_experts(
        &self,
        actor: &Actor,
        client: ClientId,
    ) -> AppResult<Vec<ResponsibleExpert>> {
        let Granted { client, access } = self
            .client_access(actor, client, Action::Read, "responsible_experts")
            .await?;
        Ok(self.store.responsible_experts(client.id, &access).await?)
    }

    /// The officials who may be made the client's responsible expert (those of the client's
    /// employment authority), by name; for whoever may assign one.
    pub async fn expert_candidates(&self, actor: &Actor, client: ClientId) -> AppResult<Vec<User>> {
        let Granted { client, .. } = self
            .client_access(actor, client, Action::Write, "responsible_experts")
            .await?;
        let mut officials: Vec<User> = self
            .store
            .users_of_org(client.org_id)
            .await?
            .into_iter()
            .filter(|u| u.role == Role::Official)
            .collect();
        officials.sort_by(|a, b| a.display_name.as_str().cmp(b.display_name.as_str()));
        Ok(officials)
    }

    /// Assigns the client's responsible expert (an official of the client's organisation).
    pub async fn assign_responsible_expert(
        &self,
        actor: &Actor,
        client: ClientId,
        official: UserId,
        from: NaiveDate,
    ) -> AppResult<ResponsibleExpert> {
        let Granted { client, access } = self
            .client_access(actor, client, Action::Write, "responsible_experts")
            .await?;
        self.plausible("from", from)?;
        Ok(self
            .store
            .assign_responsible_expert(client.id, official, from, &access)
            .await?)
    }
}

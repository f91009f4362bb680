//! The client's own view (A19): their record, entries, appointments and job searches, who has
//! handled their data, and a full machine-readable copy (GDPR art. 15). Every read goes through
//! the same policy and access log as an official's.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use kirjuri_domain::{Client, Role, User};
use kirjuri_store::{Access, AccessAction};

use crate::api::{authorise, client_detail, entry_views};
use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::policy::Action;
use crate::wire::*;
use crate::AppState;

type ApiResult<T> = Result<T, ApiError>;

/// The job seeker's own client record and the access to log reads under.
pub(crate) async fn own_client(
    state: &AppState,
    user: &User,
    headers: &HeaderMap,
    resource: &'static str,
) -> ApiResult<(Client, Access)> {
    let id = match (user.role, user.client_id) {
        (Role::JobSeeker, Some(id)) => id,
        _ => {
            return Err(ApiError::forbidden(
                "this is a job seeker's view of their own data",
            ))
        }
    };
    let client = state.store.client(id).await?;
    authorise(state, user, headers, client, Action::Read, resource).await
}

#[utoipa::path(get, path = "/api/me/record", tag = "own data",
    responses((status = 200, body = ClientDetail), (status = 403, body = ErrorBody)))]
pub async fn my_record(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
) -> ApiResult<Json<ClientDetail>> {
    let (client, access) = own_client(&state, &user, &headers, "client").await?;
    Ok(Json(client_detail(&state, client, &access).await?))
}

#[utoipa::path(get, path = "/api/me/entries", tag = "own data",
    responses((status = 200, body = [EntryView]), (status = 403, body = ErrorBody)))]
pub async fn my_entries(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<EntryView>>> {
    let (client, access) = own_client(&state, &user, &headers, "entries").await?;
    Ok(Json(entry_views(
        &state.store.entries(client.id, &access).await?,
    )))
}

#[utoipa::path(get, path = "/api/me/appointments", tag = "own data",
    responses((status = 200, body = [AppointmentView]), (status = 403, body = ErrorBody)))]
pub async fn my_appointments(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<AppointmentView>>> {
    let (client, access) = own_client(&state, &user, &headers, "appointments").await?;
    let list = state.store.appointments(client.id, &access).await?;
    Ok(Json(list.iter().map(AppointmentView::from).collect()))
}

#[utoipa::path(get, path = "/api/me/job-searches", tag = "own data",
    responses((status = 200, body = [JobSearchView]), (status = 403, body = ErrorBody)))]
pub async fn my_job_searches(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<JobSearchView>>> {
    let (client, access) = own_client(&state, &user, &headers, "job_searches").await?;
    let list = state.store.job_searches(client.id, &access).await?;
    Ok(Json(list.iter().map(JobSearchView::from).collect()))
}

/// Who has handled the client's data, other than the client: organisation and role.
async fn seen_by(state: &AppState, client: &Client, me: &User) -> ApiResult<Vec<SeenByView>> {
    let orgs: BTreeMap<String, OrgView> = state
        .store
        .organisations()
        .await?
        .iter()
        .map(|o| (o.id.to_string(), OrgView::from(o)))
        .collect();
    let rows = state.store.access_log_of_client(client.id).await?;
    Ok(rows
        .iter()
        .filter(|r| r.user_id != me.id)
        .map(|r| SeenByView {
            at: r.at,
            organisation: r.org_id.and_then(|o| orgs.get(&o.to_string())).cloned(),
            role: r.role.code().into(),
            action: r.action.code().into(),
            what: r.resource.clone(),
            purpose: r.purpose.clone(),
        })
        .collect())
}

#[utoipa::path(get, path = "/api/me/access-log", tag = "own data",
    responses((status = 200, description = "who has handled my data, oldest first", body = [SeenByView]),
              (status = 403, body = ErrorBody)))]
pub async fn my_access_log(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<SeenByView>>> {
    let (client, access) = own_client(&state, &user, &headers, "access_log").await?;
    state
        .store
        .log(&access, client.id, AccessAction::Read, "access_log")
        .await?;
    Ok(Json(seen_by(&state, &client, &user).await?))
}

/// What every field of the export means (GDPR art. 15: intelligible to the person).
fn field_meanings() -> BTreeMap<&'static str, &'static str> {
    BTreeMap::from([
        ("format", "Version of this document's layout."),
        ("generated_at", "When this copy was made (UTC)."),
        ("field_meanings", "This list: what each field of the document means."),
        ("client.id", "Your client number in Kirjuri."),
        ("client.hetu_masked", "Your personal identity code, with the individual part hidden."),
        ("client.birth_date", "Date of birth, from the identity code."),
        ("client.first_name", "First name."),
        ("client.last_name", "Last name."),
        ("client.language", "Language of service: fi Finnish, sv Swedish, se Sámi, en English."),
        ("client.organisation_id", "The employment authority whose client you are."),
        ("client.created_at", "When you were registered as a client."),
        ("organisation", "The employment authority whose client you are, named in full."),
        ("job_searches", "Your job-search periods: start date, and end date and reason once ended."),
        ("entries", "Entries about your service, in the order they were made. An entry is never changed: a correction is a new entry pointing at the one it corrects, with a reason."),
        ("entries[].entry_type", "What the entry records: contact, initial interview, employment plan, advice given, service start or end, work-capacity information, safety information, other."),
        ("entries[].event_at", "When the event happened."),
        ("entries[].recorded_at", "When the entry was made."),
        ("entries[].recording_lag_seconds", "How long after the event the entry was made, in seconds."),
        ("entries[].author_name", "The official who made the entry."),
        ("entries[].follow_up_dates", "Dates on which your employment plan is followed up."),
        ("entries[].corrects", "The entry this one corrects, and why."),
        ("entries[].corrected_by", "The entry that corrects this one."),
        ("appointments", "Your appointments: date and time in Finnish time (Europe/Helsinki), length, and how it is held: phone, video or a visit at an address."),
        ("contact_methods", "How you and the authority agreed to keep in contact, the one in force first."),
        ("responsible_experts", "Your responsible expert (vastuuasiantuntija), the one in force first."),
        ("statements", "Labour-policy statements about you: what was assessed, the outcome and from when, whether it was decided automatically and under which adoption decision, and the statement text."),
        ("statements[].automated", "true if the statement was made by the automated procedure without an official."),
        ("statements[].outcome", "auto_positive (no labour-policy obstacle), auto_end (job search ended), routed (an official decides)."),
        ("statements[].official_statement", "For a routed case: the statement the official issued, with the reasoning and the legal basis."),
        ("statements[].safeguards", "For an automatic statement: that it was made automatically, the processing rules that applied to you and why, your right to have an official handle the matter, to give your view and to contest the statement, and how to ask for reconsideration (GDPR art. 22(3))."),
        ("statements[].reconsideration", "Your request for reconsideration of the statement: your reasons, who handles it, its state (requested, taken, resolved) and the new statement, which says whether the outcome changed."),
        ("benefit_applications", "Your applications for unemployment benefit that the authority knows of: the benefit payer (Kela or an unemployment fund) and from which date. Your labour-policy statements are sent to these payers."),
        ("statement_deliveries", "Each statement sent to a benefit payer: to whom, which statement, whether it has arrived (delivered), is waiting (pending) or is being tried again (retrying), and when the payer received it. The payer receives the statement and your personal identity code."),
        ("seen_by", "Who has read or changed your data, other than you: organisation, role, what and why."),
        ("seen_by[].action", "read, write, or denied (someone tried and was refused)."),
    ])
}

#[utoipa::path(get, path = "/api/me/export", tag = "own data",
    responses((status = 200, description = "a full copy of my data (GDPR art. 15)", body = ExportView),
              (status = 403, body = ErrorBody)))]
pub async fn my_export(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
) -> ApiResult<Json<ExportView>> {
    let (client, access) = own_client(&state, &user, &headers, "export").await?;
    state
        .store
        .log(&access, client.id, AccessAction::Read, "export")
        .await?;
    let store = &state.store;
    let organisation = OrgView::from(&store.organisation(client.org_id).await?);
    let job_searches = store.job_searches(client.id, &access).await?;
    let entries = store.entries(client.id, &access).await?;
    let appointments = store.appointments(client.id, &access).await?;
    let contact_methods = store.contact_methods(client.id, &access).await?;
    let responsible_experts = store.responsible_experts(client.id, &access).await?;
    let statements = crate::statements::decision_views(&state, client.id, &access).await?;
    let benefit_applications =
        crate::delivery::application_views(&state, client.id, &access).await?;
    let statement_deliveries = store
        .deliveries(client.id, &access)
        .await?
        .iter()
        .map(DeliveryView::from)
        .collect();
    let seen_by = seen_by(&state, &client, &user).await?;
    Ok(Json(ExportView {
        format: "kirjuri-export/1",
        generated_at: store.clock().now(),
        field_meanings: field_meanings(),
        client: ClientView::from(&client),
        organisation,
        job_searches: job_searches.iter().map(JobSearchView::from).collect(),
        entries: entry_views(&entries),
        appointments: appointments.iter().map(AppointmentView::from).collect(),
        contact_methods: contact_methods
            .iter()
            .map(ContactMethodView::from)
            .collect(),
        responsible_experts: responsible_experts
            .iter()
            .map(ResponsibleExpertView::from)
            .collect(),
        statements,
        benefit_applications,
        statement_deliveries,
        seen_by,
    }))
}

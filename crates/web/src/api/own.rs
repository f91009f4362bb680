//! The job seeker's own view (A19): their record, entries, appointments and job searches, who
//! has handled their data, and a full machine-readable copy (GDPR art. 15).

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::Uri;
use axum::Json;

use crate::api::record::paged_entries;
use crate::auth::Act;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiQuery;
use crate::paging::{PageParams, Paged};
use crate::wire::*;
use crate::AppState;

type ApiResult<T> = Result<T, ApiError>;

#[utoipa::path(get, path = "/api/me/record", tag = "own data",
    responses((status = 200, body = ClientDetail), (status = 403, body = ErrorBody)))]
/// The job seeker's own record.
pub async fn my_record(
    State(state): State<AppState>,
    Act(actor): Act,
) -> ApiResult<Json<ClientDetail>> {
    let record = state.app.my_record(&actor).await?;
    Ok(Json(ClientDetail::from(&record)))
}

#[utoipa::path(get, path = "/api/me/entries", tag = "own data", params(PageParams),
    responses((status = 200, body = [EntryView], headers(("Link" = String, description = "the next page, `<…?cursor=…>; rel=\"next\"`, when more follow"), ("Next-Cursor" = String, description = "the next page's cursor, when more follow"))), (status = 403, body = ErrorBody)))]
/// The entries about the job seeker, a page at a time (`limit` 1–500, default 100).
pub async fn my_entries(
    State(state): State<AppState>,
    Act(actor): Act,
    uri: Uri,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Paged<EntryView>> {
    let page = state.app.my_entries_page(&actor, &p.request()).await?;
    Ok(paged_entries(uri, page))
}

#[utoipa::path(get, path = "/api/me/appointments", tag = "own data", params(PageParams),
    responses((status = 200, body = [AppointmentView], headers(("Link" = String, description = "the next page, `<…?cursor=…>; rel=\"next\"`, when more follow"), ("Next-Cursor" = String, description = "the next page's cursor, when more follow"))), (status = 403, body = ErrorBody)))]
/// The job seeker's appointments, exactly as recorded (A12), a page at a time (`limit`
/// 1–500, default 100).
pub async fn my_appointments(
    State(state): State<AppState>,
    Act(actor): Act,
    uri: Uri,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Paged<AppointmentView>> {
    let page = state.app.my_appointments_page(&actor, &p.request()).await?;
    Ok(Paged::new(uri, page, |x| AppointmentView::from(x)))
}

#[utoipa::path(get, path = "/api/me/job-searches", tag = "own data",
    responses((status = 200, body = [JobSearchView]), (status = 403, body = ErrorBody)))]
/// The job seeker's job searches.
pub async fn my_job_searches(
    State(state): State<AppState>,
    Act(actor): Act,
) -> ApiResult<Json<Vec<JobSearchView>>> {
    let list = state.app.my_job_searches(&actor).await?;
    Ok(Json(list.iter().map(JobSearchView::from).collect()))
}

#[utoipa::path(get, path = "/api/me/access-log", tag = "own data", params(PageParams),
    responses((status = 200, description = "who has handled my data, oldest first", body = [SeenByView], headers(("Link" = String, description = "the next page, `<…?cursor=…>; rel=\"next\"`, when more follow"), ("Next-Cursor" = String, description = "the next page's cursor, when more follow"))),
              (status = 403, body = ErrorBody)))]
/// Who has read or changed the job seeker's data, other than they themself, a page at a
/// time (`limit` 1–1000, default 200).
pub async fn my_access_log(
    State(state): State<AppState>,
    Act(actor): Act,
    uri: Uri,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Paged<SeenByView>> {
    let page = state.app.my_access_log_page(&actor, &p.request()).await?;
    Ok(Paged::new(uri, page, |x| SeenByView::from(x)))
}

/// What each field of the export means, by JSON path (GDPR art. 15: intelligible).
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
        ("messages", "Your secure messages with the authority, oldest first: who wrote each (you or an official, named), when, the text, and when the other side first read it."),
        ("seen_by[].action", "read, write, or denied (someone tried and was refused)."),
    ])
}

#[utoipa::path(get, path = "/api/me/export", tag = "own data",
    responses((status = 200, description = "a full copy of my data (GDPR art. 15)", body = ExportView),
              (status = 403, body = ErrorBody)))]
/// A full copy of the job seeker's data, with the meaning of every field.
pub async fn my_export(
    State(state): State<AppState>,
    Act(actor): Act,
) -> ApiResult<Json<ExportView>> {
    let e = state.app.my_export(&actor).await?;
    Ok(Json(export_view(&e)))
}

/// The export as its JSON document (the API's answer, and the own pages' download).
pub(crate) fn export_view(e: &kirjuri_app::me::Export) -> ExportView {
    ExportView {
        format: "kirjuri-export/1",
        generated_at: e.generated_at,
        field_meanings: field_meanings(),
        client: ClientView::from(&e.client),
        organisation: OrgView::from(&e.organisation),
        job_searches: e.job_searches.iter().map(JobSearchView::from).collect(),
        entries: entry_views(&e.entries),
        appointments: e.appointments.iter().map(AppointmentView::from).collect(),
        contact_methods: e
            .contact_methods
            .iter()
            .map(ContactMethodView::from)
            .collect(),
        responsible_experts: e
            .responsible_experts
            .iter()
            .map(ResponsibleExpertView::from)
            .collect(),
        statements: e.statements.iter().map(DecisionView::from).collect(),
        benefit_applications: e
            .benefit_applications
            .iter()
            .map(ApplicationView::from)
            .collect(),
        statement_deliveries: e
            .statement_deliveries
            .iter()
            .map(DeliveryView::from)
            .collect(),
        seen_by: e.seen_by.iter().map(SeenByView::from).collect(),
        messages: e
            .messages
            .iter()
            .map(crate::wire::MessageView::from)
            .collect(),
    }
}

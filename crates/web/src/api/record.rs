//! The record: entries (checked before they are written), appointments, the agreed contact
//! method and the responsible expert.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::Uri;
use axum::Json;
use kirjuri_domain::{ClientId, EntryId};

use crate::auth::Act;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{path_id, ApiJson, ApiQuery};
use crate::paging::{PageParams, Paged};
use crate::wire::*;
use crate::AppState;

type ApiResult<T> = Result<T, ApiError>;

fn client_id(s: &str) -> ApiResult<ClientId> {
    path_id("client", s)
}

#[utoipa::path(get, path = "/api/clients/{id}/entries", tag = "entries",
    params(("id" = String, Path), PageParams),
    responses((status = 200, body = [EntryView], headers(("Link" = String, description = "the next page, `<…?cursor=…>; rel=\"next\"`, when more follow"), ("Next-Cursor" = String, description = "the next page's cursor, when more follow")))))]
/// The client's entries in the order they were made, a page at a time (`limit` 1–500,
/// default 100; the `Link` header names the next page).
pub async fn list_entries(
    State(state): State<AppState>,
    Act(actor): Act,
    Path(id): Path<String>,
    uri: Uri,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Paged<EntryView>> {
    let client = client_id(&id)?;
    let page = state.app.entries_page(&actor, client, &p.request()).await?;
    Ok(paged_entries(uri, page))
}

#[utoipa::path(post, path = "/api/clients/{id}/entries", tag = "entries",
    params(("id" = String, Path)), request_body = NewEntryRequest,
    responses((status = 201, body = EntryView), (status = 422, body = ErrorBody)))]
/// Writes an entry. A blocking finding of the entry-quality checker refuses it (422 with the
/// findings); warnings are stored with it and returned.
pub async fn create_entry(
    State(state): State<AppState>,
    Act(actor): Act,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<NewEntryRequest>,
) -> ApiResult<(StatusCode, Json<EntryView>)> {
    let new = req.into_domain(client_id(&id)?)?;
    let written = state.app.write_entry(&actor, new).await?;
    let mut view = EntryView::new(&written.entry, None);
    view.findings = written
        .report
        .findings
        .iter()
        .map(FindingView::from)
        .collect();
    Ok((StatusCode::CREATED, Json(view)))
}

#[utoipa::path(get, path = "/api/clients/{id}/entries/{entry_id}/chain", tag = "entries",
    params(("id" = String, Path), ("entry_id" = String, Path)),
    responses((status = 200, body = [EntryView]), (status = 404, body = ErrorBody)))]
/// An entry and the entries correcting it.
pub async fn entry_chain(
    State(state): State<AppState>,
    Act(actor): Act,
    Path((id, entry)): Path<(String, String)>,
) -> ApiResult<Json<Vec<EntryView>>> {
    let client = client_id(&id)?;
    let entry: EntryId = path_id("entry", &entry)?;
    let chain = state.app.correction_chain(&actor, client, entry).await?;
    Ok(Json(entry_views(&chain)))
}

#[utoipa::path(get, path = "/api/clients/{id}/appointments", tag = "appointments",
    params(("id" = String, Path), PageParams),
    responses((status = 200, body = [AppointmentView], headers(("Link" = String, description = "the next page, `<…?cursor=…>; rel=\"next\"`, when more follow"), ("Next-Cursor" = String, description = "the next page's cursor, when more follow")))))]
/// The client's appointments by start time, a page at a time (`limit` 1–500, default 100).
pub async fn list_appointments(
    State(state): State<AppState>,
    Act(actor): Act,
    Path(id): Path<String>,
    uri: Uri,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Paged<AppointmentView>> {
    let client = client_id(&id)?;
    let page = state
        .app
        .appointments_page(&actor, client, &p.request())
        .await?;
    Ok(Paged::new(uri, page, |x| AppointmentView::from(x)))
}

#[utoipa::path(post, path = "/api/clients/{id}/appointments", tag = "appointments",
    params(("id" = String, Path)), request_body = NewAppointmentRequest,
    responses((status = 201, body = AppointmentView), (status = 422, body = ErrorBody)))]
/// Books an appointment (A12).
pub async fn create_appointment(
    State(state): State<AppState>,
    Act(actor): Act,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<NewAppointmentRequest>,
) -> ApiResult<(StatusCode, Json<AppointmentView>)> {
    let new = req.into_domain(client_id(&id)?)?;
    let a = state.app.book_appointment(&actor, new).await?;
    Ok((StatusCode::CREATED, Json(AppointmentView::from(&a))))
}

#[utoipa::path(get, path = "/api/clients/{id}/contact-method", tag = "contact method",
    params(("id" = String, Path)),
    responses((status = 200, description = "agreements, the one in force first", body = [ContactMethodView])))]
/// The contact-method agreements (A9).
pub async fn list_contact_methods(
    State(state): State<AppState>,
    Act(actor): Act,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<ContactMethodView>>> {
    let list = state.app.contact_methods(&actor, client_id(&id)?).await?;
    Ok(Json(list.iter().map(ContactMethodView::from).collect()))
}

#[utoipa::path(post, path = "/api/clients/{id}/contact-method", tag = "contact method",
    params(("id" = String, Path)), request_body = ContactMethodRequest,
    responses((status = 201, body = ContactMethodView), (status = 422, body = ErrorBody)))]
/// Records the contact method agreed with the client (A9).
pub async fn agree_contact_method(
    State(state): State<AppState>,
    Act(actor): Act,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ContactMethodRequest>,
) -> ApiResult<(StatusCode, Json<ContactMethodView>)> {
    let client = client_id(&id)?;
    let (method, agreed_on, note) = req.parse()?;
    let email = req.parse_email()?;
    let c = state
        .app
        .agree_contact_method_with_email(&actor, client, method, agreed_on, note, email)
        .await?;
    Ok((StatusCode::CREATED, Json(ContactMethodView::from(&c))))
}

#[utoipa::path(get, path = "/api/clients/{id}/responsible-expert", tag = "responsible expert",
    params(("id" = String, Path)),
    responses((status = 200, description = "assignments, the one in force first", body = [ResponsibleExpertView])))]
/// The responsible-expert assignments (A8).
pub async fn list_responsible_experts(
    State(state): State<AppState>,
    Act(actor): Act,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<ResponsibleExpertView>>> {
    let list = state
        .app
        .responsible_experts(&actor, client_id(&id)?)
        .await?;
    Ok(Json(list.iter().map(ResponsibleExpertView::from).collect()))
}

#[utoipa::path(post, path = "/api/clients/{id}/responsible-expert", tag = "responsible expert",
    params(("id" = String, Path)), request_body = ResponsibleExpertRequest,
    responses((status = 201, body = ResponsibleExpertView), (status = 422, body = ErrorBody)))]
/// Assigns the client's responsible expert.
pub async fn assign_responsible_expert(
    State(state): State<AppState>,
    Act(actor): Act,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ResponsibleExpertRequest>,
) -> ApiResult<(StatusCode, Json<ResponsibleExpertView>)> {
    let client = client_id(&id)?;
    let (official, from) = req.parse()?;
    let r = state
        .app
        .assign_responsible_expert(&actor, client, official, from)
        .await?;
    Ok((StatusCode::CREATED, Json(ResponsibleExpertView::from(&r))))
}

/// A page of entries as the record shows them: with their corrections linked both ways.
pub(crate) fn paged_entries(
    uri: Uri,
    page: kirjuri_app::paging::Page<kirjuri_app::clients::RecordEntry>,
) -> Paged<EntryView> {
    Paged {
        items: entry_views(&page.items),
        uri,
        next: page.next,
    }
}

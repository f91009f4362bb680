//! JSON API handlers for clients and their record. Each handler: authenticate (the
//! [`CurrentUser`] extractor), load the client, ask the policy, then call the store.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use kirjuri_domain::{time, Client, ClientId, EntryId, Role, ShortText, User};
use kirjuri_store::{Access, AccessAction};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiJson;
use crate::policy::{decide, Action, Context, Decision};
use crate::statements;
use crate::wire::*;
use crate::AppState;

type ApiResult<T> = Result<T, ApiError>;

pub(crate) async fn user_view(state: &AppState, user: &User) -> ApiResult<UserView> {
    let organisation = match user.org_id {
        Some(id) => Some(OrgView::from(&state.store.organisation(id).await?)),
        None => None,
    };
    Ok(UserView {
        id: user.id.to_string(),
        username: user.username.to_string(),
        display_name: user.display_name.to_string(),
        role: user.role.code().into(),
        organisation,
        client_id: user.client_id.map(|c| c.to_string()),
    })
}

/// The header in which a user states why they access a client's data (required for another
/// organisation's client; recorded in the access log whenever given).
pub const PURPOSE_HEADER: &str = "x-kirjuri-purpose";

pub(crate) fn stated_purpose(headers: &HeaderMap) -> ApiResult<Option<ShortText>> {
    let Some(value) = headers.get(PURPOSE_HEADER) else {
        return Ok(None);
    };
    let text = std::str::from_utf8(value.as_bytes())
        .map_err(|_| ApiError::field(PURPOSE_HEADER, "must be UTF-8 text"))?;
    field(PURPOSE_HEADER, ShortText::parse(text.trim())).map(Some)
}

fn fixed_purpose(text: &str) -> ApiResult<ShortText> {
    ShortText::parse(text).map_err(|e| ApiError::internal(&e))
}

/// The access of a user acting without a client in view (listing, registering): for the
/// stated purpose, or the role's standing one.
pub(crate) fn own_access(user: &User, headers: &HeaderMap, default: &str) -> ApiResult<Access> {
    let purpose = match stated_purpose(headers)? {
        Some(p) => p,
        None => fixed_purpose(default)?,
    };
    Ok(Access::new(user, purpose, false))
}

/// Loads a client the user may act on and the access to log it under. A refusal is logged
/// (`denied`, flagged for review) before it is answered; a client the user may not see is
/// "not found".
pub(crate) async fn client_for(
    state: &AppState,
    user: &User,
    headers: &HeaderMap,
    id: &str,
    action: Action,
    resource: &'static str,
) -> ApiResult<(Client, Access)> {
    // The header is judged before the client is looked up, so a bad header answers the same
    // whether or not the client exists.
    stated_purpose(headers)?;
    let id: ClientId = parse_path_id("client", id)?;
    let client = state.store.client(id).await?;
    authorise(state, user, headers, client, action, resource).await
}

/// [`client_for`] for a client already loaded (looked up by identity code).
pub(crate) async fn authorise(
    state: &AppState,
    user: &User,
    headers: &HeaderMap,
    client: Client,
    action: Action,
    resource: &'static str,
) -> ApiResult<(Client, Access)> {
    authorise_with(state, user, headers, client, action, resource, None).await
}

/// [`authorise`] for a decision routed to `routed_to` ([`Action::Resolve`]).
pub(crate) async fn authorise_with(
    state: &AppState,
    user: &User,
    headers: &HeaderMap,
    client: Client,
    action: Action,
    resource: &'static str,
    routed_to: Option<String>,
) -> ApiResult<(Client, Access)> {
    let stated = stated_purpose(headers)?;
    let responsible_expert = user.role == Role::Official
        && user.org_id != Some(client.org_id)
        && state
            .store
            .is_responsible_expert(client.id, user.id)
            .await?;
    let keha_task = user.role == Role::KehaOfficial && state.store.has_keha_task(client.id).await?;
    let ctx = Context {
        stated_purpose: stated.clone(),
        responsible_expert,
        keha_task,
        routed_to,
    };
    let refused = |purpose: Option<ShortText>| -> ApiResult<Access> {
        let purpose = match purpose {
            Some(p) => p,
            None => fixed_purpose("ei ilmoitettu")?,
        };
        Ok(Access::new(user, purpose, true))
    };
    match decide(user, action, &client, &ctx) {
        Decision::Allow {
            default_purpose,
            flagged,
        } => {
            let purpose = match stated {
                Some(p) => p,
                None => fixed_purpose(default_purpose)?,
            };
            Ok((client, Access::new(user, purpose, flagged)))
        }
        refusal => {
            let access = refused(stated)?;
            state
                .store
                .log(&access, client.id, AccessAction::Denied, resource)
                .await?;
            Err(match refusal {
                Decision::Forbidden(why) => ApiError::forbidden(why),
                _ => ApiError::not_found("client"),
            })
        }
    }
}

#[utoipa::path(get, path = "/health", tag = "system",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    match state.store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(Health {
                status: "ok",
                database: "ok",
            }),
        ),
        Err(e) => {
            tracing::warn!("health check: {e}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health {
                    status: "degraded",
                    database: "unreachable",
                }),
            )
        }
    }
}

#[utoipa::path(get, path = "/api/me", tag = "session",
    responses((status = 200, body = UserView), (status = 401, body = ErrorBody)))]
pub async fn me(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> ApiResult<Json<UserView>> {
    Ok(Json(user_view(&state, &user).await?))
}

#[utoipa::path(get, path = "/api/organisations", tag = "organisations",
    responses((status = 200, body = [OrgView])))]
pub async fn organisations(
    State(state): State<AppState>,
    CurrentUser(_): CurrentUser,
) -> ApiResult<Json<Vec<OrgView>>> {
    Ok(Json(
        state
            .store
            .organisations()
            .await?
            .iter()
            .map(OrgView::from)
            .collect(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Page size, 1–500 (default 50).
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    /// Supervisor only: which organisation's clients.
    pub organisation_id: Option<String>,
}

#[utoipa::path(get, path = "/api/clients", tag = "clients", params(ListParams),
    responses((status = 200, body = ClientList), (status = 403, body = ErrorBody)))]
pub async fn list_clients(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    Query(p): Query<ListParams>,
) -> ApiResult<Json<ClientList>> {
    let limit = p.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::field("limit", "must be between 1 and 500"));
    }
    let offset = p.offset.unwrap_or(0);
    if offset < 0 {
        return Err(ApiError::field("offset", "must not be negative"));
    }
    let org = match (user.role, user.org_id, p.organisation_id.as_deref()) {
        (Role::Official, Some(own), None) => own,
        (Role::Official, Some(own), Some(asked)) if asked == own.to_string() => own,
        (Role::Supervisor, _, Some(asked)) => field("organisation_id", asked.parse())?,
        (Role::Supervisor, _, None) => {
            return Err(ApiError::field(
                "organisation_id",
                "name the organisation to list",
            ))
        }
        _ => return Err(ApiError::forbidden("your role may not list clients")),
    };
    let default = if user.role == Role::Supervisor {
        "valvonta"
    } else {
        "asiakaspalvelu"
    };
    let access = own_access(&user, &headers, default)?;
    let clients = state
        .store
        .clients_of_org(org, limit, offset, &access)
        .await?;
    Ok(Json(ClientList {
        clients: clients.iter().map(ClientView::from).collect(),
        limit,
        offset,
    }))
}

#[utoipa::path(post, path = "/api/clients", tag = "clients", request_body = NewClientRequest,
    responses((status = 201, body = ClientView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_client(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    ApiJson(req): ApiJson<NewClientRequest>,
) -> ApiResult<(StatusCode, Json<ClientView>)> {
    let org = match (user.role, user.org_id) {
        (Role::Official, Some(org)) => org,
        _ => {
            return Err(ApiError::forbidden(
                "only officials of an employment authority register clients",
            ))
        }
    };
    let new = req.into_domain(org)?;
    let access = own_access(&user, &headers, "asiakkaaksi rekisteröinti")?;
    // Registering someone who is already a client tells that they are (the identity code is
    // unique), so the attempt is an access like any other: a read if the official may see the
    // client, otherwise a refusal flagged for review; then the conflict is answered.
    if let Ok(existing) = state.store.client_by_hetu(&new.hetu).await {
        match authorise(&state, &user, &headers, existing, Action::Read, "client").await {
            Ok((client, access)) => {
                state
                    .store
                    .log(&access, client.id, AccessAction::Read, "client")
                    .await?
            }
            // Refused: logged as a flagged refusal by `authorise`.
            Err(e) if e.status == StatusCode::NOT_FOUND || e.status == StatusCode::FORBIDDEN => {}
            Err(e) => return Err(e),
        }
        return Err(ApiError {
            status: StatusCode::CONFLICT,
            ..ApiError::field(
                "hetu",
                "a client with this identity code is already registered",
            )
        });
    }
    let client = state.store.create_client(new, &access).await?;
    Ok((StatusCode::CREATED, Json(ClientView::from(&client))))
}

#[utoipa::path(post, path = "/api/clients/lookup", tag = "clients", request_body = ClientLookupRequest,
    responses((status = 200, body = ClientView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn lookup_client(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    ApiJson(req): ApiJson<ClientLookupRequest>,
) -> ApiResult<Json<ClientView>> {
    let hetu = field("hetu", kirjuri_domain::Hetu::parse(req.hetu.trim()))?;
    stated_purpose(&headers)?;
    let client = state.store.client_by_hetu(&hetu).await?;
    let (client, access) =
        authorise(&state, &user, &headers, client, Action::Read, "client").await?;
    state
        .store
        .log(&access, client.id, AccessAction::Read, "client")
        .await?;
    Ok(Json(ClientView::from(&client)))
}

#[utoipa::path(get, path = "/api/clients/{id}", tag = "clients",
    params(("id" = String, Path, description = "client id")),
    responses((status = 200, body = ClientDetail), (status = 404, body = ErrorBody)))]
pub async fn get_client(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<ClientDetail>> {
    let (client, access) = client_for(&state, &user, &headers, &id, Action::Read, "client").await?;
    Ok(Json(client_detail(&state, client, &access).await?))
}

/// A client with what is needed first (contact method, responsible expert, the job search in
/// progress and its initial-interview deadline), every part read under `access` and logged:
/// the official's view and the client's own.
pub(crate) async fn client_detail(
    state: &AppState,
    client: kirjuri_domain::Client,
    access: &Access,
) -> ApiResult<ClientDetail> {
    let organisation = OrgView::from(&state.store.organisation(client.org_id).await?);
    state
        .store
        .log(access, client.id, AccessAction::Read, "client")
        .await?;
    let contact = state.store.contact_methods(client.id, access).await?;
    let experts = state.store.responsible_experts(client.id, access).await?;
    let searches = state.store.job_searches(client.id, access).await?;
    let active = searches.iter().rev().find(|j| j.end.is_none());
    Ok(ClientDetail {
        client: ClientView::from(&client),
        organisation,
        contact_method: contact.first().map(ContactMethodView::from),
        responsible_expert: experts.first().map(ResponsibleExpertView::from),
        job_search: active.map(JobSearchView::from),
        initial_interview_deadline: active.map(|j| time::initial_interview_deadline(j.start_date)),
    })
}

// ---- job searches ---------------------------------------------------------------------------

#[utoipa::path(get, path = "/api/clients/{id}/job-searches", tag = "job searches",
    params(("id" = String, Path)), responses((status = 200, body = [JobSearchView])))]
pub async fn list_job_searches(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<JobSearchView>>> {
    let (client, access) =
        client_for(&state, &user, &headers, &id, Action::Read, "job_searches").await?;
    Ok(Json(
        state
            .store
            .job_searches(client.id, &access)
            .await?
            .iter()
            .map(JobSearchView::from)
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/clients/{id}/job-searches", tag = "job searches",
    params(("id" = String, Path)), request_body = StartJobSearchRequest,
    responses((status = 201, body = JobSearchDecisionView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Registers a job search; the automated procedure decides the start statement in the same
/// transaction (B1), and the response carries the decision and the prior notice (B14).
pub async fn start_job_search(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<StartJobSearchRequest>,
) -> ApiResult<(StatusCode, Json<JobSearchDecisionView>)> {
    let (client, access) =
        client_for(&state, &user, &headers, &id, Action::Write, "job_searches").await?;
    let start = date("start_date", &req.start_date)?;
    let org = state.store.organisation(client.org_id).await?;
    let decide = statements::decide(
        state.rules.clone(),
        statements::Step::Start,
        req.answers,
        req.acknowledged_notice,
        org,
    );
    let (js, decision) = state
        .store
        .start_job_search_deciding(client.id, start, &access, decide)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(JobSearchDecisionView {
            job_search: JobSearchView::from(&js),
            decision: DecisionView::from(&decision),
            notice: statements::notice(),
        }),
    ))
}

#[utoipa::path(post, path = "/api/clients/{id}/job-searches/{job_search_id}/end", tag = "job searches",
    params(("id" = String, Path), ("job_search_id" = String, Path)), request_body = EndJobSearchRequest,
    responses((status = 200, body = JobSearchDecisionView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Ends a job search; the automated procedure decides the end statement in the same
/// transaction (B1).
pub async fn end_job_search(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    Path((id, js)): Path<(String, String)>,
    ApiJson(req): ApiJson<EndJobSearchRequest>,
) -> ApiResult<Json<JobSearchDecisionView>> {
    let (client, access) =
        client_for(&state, &user, &headers, &id, Action::Write, "job_searches").await?;
    let js = job_search_id(&js)?;
    let (end, reason) = req.parse()?;
    let org = state.store.organisation(client.org_id).await?;
    let decide = statements::decide(
        state.rules.clone(),
        statements::Step::End { date: end, reason },
        req.answers,
        req.acknowledged_notice,
        org,
    );
    let (ended, decision) = state
        .store
        .end_job_search_deciding(client.id, js, end, reason, &access, decide)
        .await?;
    Ok(Json(JobSearchDecisionView {
        job_search: JobSearchView::from(&ended),
        decision: DecisionView::from(&decision),
        notice: statements::notice(),
    }))
}

// ---- entries --------------------------------------------------------------------------------

pub(crate) fn entry_views(entries: &[kirjuri_domain::Entry]) -> Vec<EntryView> {
    entries
        .iter()
        .map(|e| {
            let corrected_by = entries
                .iter()
                .find(|c| c.corrects.as_ref().is_some_and(|k| k.entry_id == e.id))
                .map(|c| c.id);
            EntryView::new(e, corrected_by)
        })
        .collect()
}

#[utoipa::path(get, path = "/api/clients/{id}/entries", tag = "entries",
    params(("id" = String, Path)), responses((status = 200, body = [EntryView])))]
pub async fn list_entries(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<EntryView>>> {
    let (client, access) =
        client_for(&state, &user, &headers, &id, Action::Read, "entries").await?;
    Ok(Json(entry_views(
        &state.store.entries(client.id, &access).await?,
    )))
}

#[utoipa::path(post, path = "/api/clients/{id}/entries", tag = "entries",
    params(("id" = String, Path)), request_body = NewEntryRequest,
    responses((status = 201, body = EntryView), (status = 422, body = ErrorBody)))]
pub async fn create_entry(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<NewEntryRequest>,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let (client, access) =
        client_for(&state, &user, &headers, &id, Action::Write, "entries").await?;
    let new = req.into_domain(client.id)?;
    // Every entry passes the quality checks (A13–A18) in the client's language: a blocking
    // finding refuses the write; warnings are stored with the entry.
    let ctx = kirjuri_quality::Context::entry(new.kind(), client.language);
    let report = crate::quality::check(&state, new.text().as_str(), &ctx)?;
    if report.blocks() {
        return Ok(crate::quality::blocked(&report));
    }
    let entry = state
        .store
        .append_checked_entry(&new, crate::quality::stored(&report), &access)
        .await?;
    let mut view = EntryView::new(&entry, None);
    view.findings = crate::quality::views(&report);
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

#[utoipa::path(get, path = "/api/clients/{id}/entries/{entry_id}/chain", tag = "entries",
    params(("id" = String, Path), ("entry_id" = String, Path)),
    responses((status = 200, body = [EntryView]), (status = 404, body = ErrorBody)))]
pub async fn entry_chain(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    Path((id, entry)): Path<(String, String)>,
) -> ApiResult<Json<Vec<EntryView>>> {
    let (client, access) =
        client_for(&state, &user, &headers, &id, Action::Read, "entries").await?;
    let entry: EntryId = parse_path_id("entry", &entry)?;
    let chain = state
        .store
        .correction_chain(client.id, entry, &access)
        .await?;
    Ok(Json(entry_views(&chain)))
}

// ---- appointments ---------------------------------------------------------------------------

#[utoipa::path(get, path = "/api/clients/{id}/appointments", tag = "appointments",
    params(("id" = String, Path)), responses((status = 200, body = [AppointmentView])))]
pub async fn list_appointments(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<AppointmentView>>> {
    let (client, access) =
        client_for(&state, &user, &headers, &id, Action::Read, "appointments").await?;
    Ok(Json(
        state
            .store
            .appointments(client.id, &access)
            .await?
            .iter()
            .map(AppointmentView::from)
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/clients/{id}/appointments", tag = "appointments",
    params(("id" = String, Path)), request_body = NewAppointmentRequest,
    responses((status = 201, body = AppointmentView), (status = 422, body = ErrorBody)))]
pub async fn create_appointment(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<NewAppointmentRequest>,
) -> ApiResult<(StatusCode, Json<AppointmentView>)> {
    let (client, access) =
        client_for(&state, &user, &headers, &id, Action::Write, "appointments").await?;
    let new = req.into_domain(client.id)?;
    let a = state.store.book_appointment(&new, &access).await?;
    Ok((StatusCode::CREATED, Json(AppointmentView::from(&a))))
}

// ---- contact method and responsible expert --------------------------------------------------

#[utoipa::path(get, path = "/api/clients/{id}/contact-method", tag = "contact method",
    params(("id" = String, Path)),
    responses((status = 200, description = "agreements, the one in force first", body = [ContactMethodView])))]
pub async fn list_contact_methods(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<ContactMethodView>>> {
    let (client, access) = client_for(
        &state,
        &user,
        &headers,
        &id,
        Action::Read,
        "contact_methods",
    )
    .await?;
    Ok(Json(
        state
            .store
            .contact_methods(client.id, &access)
            .await?
            .iter()
            .map(ContactMethodView::from)
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/clients/{id}/contact-method", tag = "contact method",
    params(("id" = String, Path)), request_body = ContactMethodRequest,
    responses((status = 201, body = ContactMethodView), (status = 422, body = ErrorBody)))]
pub async fn agree_contact_method(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ContactMethodRequest>,
) -> ApiResult<(StatusCode, Json<ContactMethodView>)> {
    let (client, access) = client_for(
        &state,
        &user,
        &headers,
        &id,
        Action::Write,
        "contact_methods",
    )
    .await?;
    let (method, agreed_on, note) = req.parse()?;
    let c = state
        .store
        .agree_contact_method(client.id, method, agreed_on, note, &access)
        .await?;
    Ok((StatusCode::CREATED, Json(ContactMethodView::from(&c))))
}

#[utoipa::path(get, path = "/api/clients/{id}/responsible-expert", tag = "responsible expert",
    params(("id" = String, Path)),
    responses((status = 200, description = "assignments, the one in force first", body = [ResponsibleExpertView])))]
pub async fn list_responsible_experts(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<ResponsibleExpertView>>> {
    let (client, access) = client_for(
        &state,
        &user,
        &headers,
        &id,
        Action::Read,
        "responsible_experts",
    )
    .await?;
    Ok(Json(
        state
            .store
            .responsible_experts(client.id, &access)
            .await?
            .iter()
            .map(ResponsibleExpertView::from)
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/clients/{id}/responsible-expert", tag = "responsible expert",
    params(("id" = String, Path)), request_body = ResponsibleExpertRequest,
    responses((status = 201, body = ResponsibleExpertView), (status = 422, body = ErrorBody)))]
pub async fn assign_responsible_expert(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ResponsibleExpertRequest>,
) -> ApiResult<(StatusCode, Json<ResponsibleExpertView>)> {
    let (client, access) = client_for(
        &state,
        &user,
        &headers,
        &id,
        Action::Write,
        "responsible_experts",
    )
    .await?;
    let (official, from) = req.parse()?;
    let r = state
        .store
        .assign_responsible_expert(client.id, official, from, &access)
        .await?;
    Ok((StatusCode::CREATED, Json(ResponsibleExpertView::from(&r))))
}

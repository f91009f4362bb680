//! Clients: listing, registering, finding, the client record; job searches with the
//! statements the automated procedure decides on them.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use kirjuri_app::statements::{FormAnswers, NOTICE};
use kirjuri_domain::{ClientId, JobSearchId};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::Act;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{path_id, ApiJson, ApiQuery};
use crate::wire::*;
use crate::AppState;

type ApiResult<T> = Result<T, ApiError>;

fn client_id(s: &str) -> ApiResult<ClientId> {
    path_id("client", s)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Page size, 1–500 (default 50).
    pub limit: Option<i64>,
    /// The `next` cursor of the previous page, as it was given (none: the first page).
    pub cursor: Option<String>,
    /// Skip this many clients (without a cursor only; the cursor is the way to page on).
    pub offset: Option<i64>,
    /// Supervisor only: which organisation's clients.
    pub organisation_id: Option<String>,
}

#[utoipa::path(get, path = "/api/clients", tag = "clients", params(ListParams),
    responses((status = 200, body = ClientList), (status = 403, body = ErrorBody)))]
/// One organisation's clients by name, a page at a time.
pub async fn list_clients(
    State(state): State<AppState>,
    Act(actor): Act,
    ApiQuery(p): ApiQuery<ListParams>,
) -> ApiResult<Json<ClientList>> {
    let org = p
        .organisation_id
        .as_deref()
        .map(|o| field("organisation_id", o.parse()))
        .transpose()?;
    let page = state
        .app
        .list_clients(
            &actor,
            org,
            &kirjuri_app::paging::PageRequest {
                cursor: p.cursor,
                limit: p.limit,
            },
            p.offset.unwrap_or(0),
        )
        .await?;
    Ok(Json(ClientList::from(&page)))
}

#[utoipa::path(post, path = "/api/clients", tag = "clients", request_body = NewClientRequest,
    responses((status = 201, body = ClientView),
        (status = 404, body = ErrorBody, description = "the identity code is a client's whom the official may not see: answered as the lookup answers it"),
        (status = 409, body = ErrorBody, description = "already a client the official may see"),
        (status = 422, body = ErrorBody)))]
/// Registers a client of the official's own organisation.
pub async fn create_client(
    State(state): State<AppState>,
    Act(actor): Act,
    ApiJson(req): ApiJson<NewClientRequest>,
) -> ApiResult<(StatusCode, Json<ClientView>)> {
    let client = state.app.register_client(&actor, req.parse()?).await?;
    Ok((StatusCode::CREATED, Json(ClientView::from(&client))))
}

#[utoipa::path(post, path = "/api/clients/lookup", tag = "clients", request_body = ClientLookupRequest,
    responses((status = 200, body = ClientView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Finds a client by identity code.
pub async fn lookup_client(
    State(state): State<AppState>,
    Act(actor): Act,
    ApiJson(req): ApiJson<ClientLookupRequest>,
) -> ApiResult<Json<ClientView>> {
    let hetu = field("hetu", kirjuri_domain::Hetu::parse(req.hetu.trim()))?;
    let client = state.app.lookup_client(&actor, &hetu).await?;
    Ok(Json(ClientView::from(&client)))
}

#[utoipa::path(get, path = "/api/clients/{id}", tag = "clients",
    params(("id" = String, Path, description = "client id")),
    responses((status = 200, body = ClientDetail), (status = 404, body = ErrorBody)))]
/// The client with what is needed first.
pub async fn get_client(
    State(state): State<AppState>,
    Act(actor): Act,
    Path(id): Path<String>,
) -> ApiResult<Json<ClientDetail>> {
    let record = state.app.client_record(&actor, client_id(&id)?).await?;
    Ok(Json(ClientDetail::from(&record)))
}

#[utoipa::path(get, path = "/api/clients/{id}/job-searches", tag = "job searches",
    params(("id" = String, Path)), responses((status = 200, body = [JobSearchView])))]
/// The client's job searches.
pub async fn list_job_searches(
    State(state): State<AppState>,
    Act(actor): Act,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<JobSearchView>>> {
    let list = state.app.job_searches(&actor, client_id(&id)?).await?;
    Ok(Json(list.iter().map(JobSearchView::from).collect()))
}

#[utoipa::path(post, path = "/api/clients/{id}/job-searches", tag = "job searches",
    params(("id" = String, Path)), request_body = StartJobSearchRequest,
    responses((status = 201, body = JobSearchDecisionView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Registers a job search; the automated procedure decides the start statement in the same
/// transaction (B1), and the response carries the decision and the prior notice (B14).
pub async fn start_job_search(
    State(state): State<AppState>,
    Act(actor): Act,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<StartJobSearchRequest>,
) -> ApiResult<(StatusCode, Json<JobSearchDecisionView>)> {
    let client = client_id(&id)?;
    let start = date("start_date", &req.start_date)?;
    let form = FormAnswers {
        answers: answers(req.answers.as_ref())?,
        acknowledged_notice: req.acknowledged_notice,
    };
    let d = state
        .app
        .start_job_search(&actor, client, start, form)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(JobSearchDecisionView::new(&d, NOTICE)),
    ))
}

#[utoipa::path(post, path = "/api/clients/{id}/job-searches/{job_search_id}/end", tag = "job searches",
    params(("id" = String, Path), ("job_search_id" = String, Path)), request_body = EndJobSearchRequest,
    responses((status = 200, body = JobSearchDecisionView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Ends a job search; the automated procedure decides the end statement in the same
/// transaction (B1).
pub async fn end_job_search(
    State(state): State<AppState>,
    Act(actor): Act,
    Path((id, js)): Path<(String, String)>,
    ApiJson(req): ApiJson<EndJobSearchRequest>,
) -> ApiResult<Json<JobSearchDecisionView>> {
    let client = client_id(&id)?;
    let js: JobSearchId = path_id("job search", &js)?;
    let (end, reason) = req.parse()?;
    let form = FormAnswers {
        answers: answers(req.answers.as_ref())?,
        acknowledged_notice: req.acknowledged_notice,
    };
    let d = state
        .app
        .end_job_search(&actor, client, js, end, reason, form)
        .await?;
    Ok(Json(JobSearchDecisionView::new(&d, NOTICE)))
}

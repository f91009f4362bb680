//! Benefit payers, benefit applications, the delivery of statements to the payers, and the
//! validity query (TTL 1:4, A11).

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kirjuri_app::paging::PageRequest;
use kirjuri_domain::{ClientId, PayerId};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::Act;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{path_id, ApiJson, ApiQuery};
use crate::paging::{with_next, PageParams, Paged};
use crate::wire::*;
use crate::AppState;

type ApiResult<T> = Result<T, ApiError>;

#[utoipa::path(get, path = "/api/benefit-payers", tag = "statements",
    responses((status = 200, body = [PayerView]), (status = 401, body = ErrorBody)))]
/// The benefit payers and their delivery endpoints.
pub async fn list_payers(
    State(state): State<AppState>,
    Act(actor): Act,
) -> ApiResult<Json<Vec<PayerView>>> {
    let payers = state.app.payers(&actor).await?;
    Ok(Json(payers.iter().map(PayerView::from).collect()))
}

#[utoipa::path(post, path = "/api/benefit-payers", tag = "statements", request_body = NewPayerRequest,
    responses((status = 201, body = PayerView), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Registers a benefit payer (an administrator).
pub async fn create_payer(
    State(state): State<AppState>,
    Act(actor): Act,
    ApiJson(req): ApiJson<NewPayerRequest>,
) -> ApiResult<(StatusCode, Json<PayerView>)> {
    let new = req.parse()?;
    let payer = state.app.register_payer(&actor, new).await?;
    Ok((StatusCode::CREATED, Json(PayerView::from(&payer))))
}

#[utoipa::path(get, path = "/api/clients/{id}/benefit-applications", tag = "statements",
    params(("id" = String, Path)), responses((status = 200, body = [ApplicationView]),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
/// The client's applications for benefit.
pub async fn list_applications(
    State(state): State<AppState>,
    Act(actor): Act,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<ApplicationView>>> {
    let client: ClientId = path_id("client", &id)?;
    let list = state.app.benefit_applications(&actor, client).await?;
    Ok(Json(list.iter().map(ApplicationView::from).collect()))
}

#[utoipa::path(post, path = "/api/clients/{id}/benefit-applications", tag = "statements",
    params(("id" = String, Path)), request_body = ApplicationRequest,
    responses((status = 201, body = ApplicationView), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Records that the client has applied for benefit at a payer; the statements in force are
/// enqueued for that payer.
pub async fn record_application(
    State(state): State<AppState>,
    Act(actor): Act,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ApplicationRequest>,
) -> ApiResult<(StatusCode, Json<ApplicationView>)> {
    let client: ClientId = path_id("client", &id)?;
    let payer: PayerId = field("payer_id", req.payer_id.trim().parse())?;
    let from = date("from_date", &req.from_date)?;
    let a = state
        .app
        .record_benefit_application(&actor, client, payer, from)
        .await?;
    Ok((StatusCode::CREATED, Json(ApplicationView::from(&a))))
}

#[utoipa::path(get, path = "/api/clients/{id}/deliveries", tag = "statements",
    params(("id" = String, Path), PageParams), responses((status = 200, body = [DeliveryView], headers(("Link" = String, description = "the next page, `<…?cursor=…>; rel=\"next\"`, when more follow"), ("Next-Cursor" = String, description = "the next page's cursor, when more follow"))),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
/// Where each of the client's statement deliveries stands (officials and the supervisor),
/// oldest first, a page at a time (`limit` 1–500, default 100).
pub async fn list_deliveries(
    State(state): State<AppState>,
    Act(actor): Act,
    Path(id): Path<String>,
    uri: Uri,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Paged<DeliveryView>> {
    let client: ClientId = path_id("client", &id)?;
    let page = state
        .app
        .deliveries_page(&actor, client, &p.request())
        .await?;
    Ok(Paged::new(uri, page, |d| DeliveryView::from(d)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct GapParams {
    /// The date to judge (YYYY-MM-DD); today by default.
    pub date: Option<String>,
    /// The `Next-Cursor` of the previous page, as it was given (none: the first page).
    pub cursor: Option<String>,
    /// Most gaps on the page (1–500, default 100).
    pub limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/statements/gaps", tag = "statements", params(GapParams),
    responses((status = 200, body = StatementGaps, headers(("Link" = String, description = "the next page, `<…?cursor=…>; rel=\"next\"`, when more follow"), ("Next-Cursor" = String, description = "the next page's cursor, when more follow"))),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// The clients who apply for benefit and have no statement in force on the date (A11), by
/// name, a page at a time: a page examines a bounded number of applicants, so it may hold
/// fewer gaps than `limit` (even none) and still have a next page; the list ends where no
/// `Next-Cursor` is given.
pub async fn statement_gaps(
    State(state): State<AppState>,
    Act(actor): Act,
    uri: Uri,
    ApiQuery(p): ApiQuery<GapParams>,
) -> ApiResult<Response> {
    let on = p.date.as_deref().map(|s| date("date", s)).transpose()?;
    let page = PageRequest {
        cursor: p.cursor,
        limit: p.limit,
    };
    let gaps = state.app.statement_gaps(&actor, on, &page).await?;
    let resp = Json(StatementGaps::from(&gaps)).into_response();
    Ok(with_next(resp, &uri, gaps.next.as_deref()))
}

//! The officials' work queues (B2, B4, B7, B10): routed cases and requests for
//! reconsideration, taken and resolved through one use case each; and the requests for
//! reconsideration, by the client or on the client's behalf.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::Json;
use kirjuri_app::cases::CaseRef;
use kirjuri_domain::{DecisionId, ReconsiderationId};

use crate::auth::Act;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{path_id, ApiJson, ApiQuery};
use crate::paging::{PageParams, Paged};
use crate::wire::*;
use crate::AppState;

type ApiResult<T> = Result<T, ApiError>;

fn routed(id: &str) -> ApiResult<CaseRef> {
    Ok(CaseRef::Routed(path_id::<DecisionId>("decision", id)?))
}

fn reconsideration(id: &str) -> ApiResult<CaseRef> {
    Ok(CaseRef::Reconsideration(path_id::<ReconsiderationId>(
        "reconsideration request",
        id,
    )?))
}

#[utoipa::path(get, path = "/api/work-queue", tag = "statements", params(PageParams),
    responses((status = 200, body = [WorkQueueCase], headers(("Link" = String, description = "the next page, `<…?cursor=…>; rel=\"next\"`, when more follow"), ("Next-Cursor" = String, description = "the next page's cursor, when more follow"))), (status = 403, body = ErrorBody)))]
/// The open routed cases for the user: an official's own organisation's queue (cases routed
/// to the employment authority), or KEHA-keskus's queue for a KEHA official. Oldest first, a
/// page at a time (`limit` 1–500, default 100).
pub async fn work_queue(
    State(state): State<AppState>,
    Act(actor): Act,
    uri: Uri,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Paged<WorkQueueCase>> {
    let page = state.app.work_queue_page(&actor, &p.request()).await?;
    Ok(Paged::new(uri, page, |c| WorkQueueCase::from(c)))
}

#[utoipa::path(post, path = "/api/decisions/{id}/take", tag = "statements",
    params(("id" = String, Path, description = "decision id")),
    responses((status = 200, body = OfficialStepView), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
/// Takes a routed case: the official works on it (shown in the queue).
pub async fn take_case(
    State(state): State<AppState>,
    Act(actor): Act,
    Path(id): Path<String>,
) -> ApiResult<Json<OfficialStepView>> {
    let step = state.app.take_case(&actor, routed(&id)?).await?;
    Ok(Json(OfficialStepView::from(&step)))
}

#[utoipa::path(post, path = "/api/decisions/{id}/resolve", tag = "statements",
    params(("id" = String, Path, description = "decision id")), request_body = ResolveRequest,
    responses((status = 200, body = OfficialStepView), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
/// Resolves a routed case with the official's statement (outcome, effective date, reasoning,
/// legal basis); the statement document is issued in the name of the official's organisation.
/// The reasoning and basis pass the entry-quality checks, or nothing is written (422 with the
/// findings).
pub async fn resolve_case(
    State(state): State<AppState>,
    Act(actor): Act,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ResolveRequest>,
) -> ApiResult<Json<OfficialStepView>> {
    let case = routed(&id)?;
    let input = req.parse()?;
    let step = state.app.resolve_case(&actor, case, &input).await?;
    Ok(Json(OfficialStepView::from(&step)))
}

#[utoipa::path(post, path = "/api/me/decisions/{id}/reconsideration", tag = "own data",
    params(("id" = String, Path, description = "decision id")),
    request_body = ReconsiderationRequestBody,
    responses((status = 201, body = ReconsiderationView), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
/// The client asks that the statement on one of their decisions be reconsidered (B7), with
/// their reasons. A person handles it; a statement is reconsidered once.
pub async fn ask_reconsideration(
    State(state): State<AppState>,
    Act(actor): Act,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ReconsiderationRequestBody>,
) -> ApiResult<(StatusCode, Json<ReconsiderationView>)> {
    let decision: DecisionId = path_id("decision", &id)?;
    let reasons = req.parse()?;
    let r = state
        .app
        .ask_reconsideration(&actor, decision, reasons)
        .await?;
    Ok((StatusCode::CREATED, Json(ReconsiderationView::from(&r))))
}

#[utoipa::path(post, path = "/api/decisions/{id}/reconsideration", tag = "statements",
    params(("id" = String, Path, description = "decision id")),
    request_body = ReconsiderationRequestBody,
    responses((status = 201, body = ReconsiderationView), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
/// An official of the client's own employment authority records the client's request for
/// reconsideration on their behalf (e.g. made by phone), with the client's reasons.
pub async fn record_reconsideration(
    State(state): State<AppState>,
    Act(actor): Act,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ReconsiderationRequestBody>,
) -> ApiResult<(StatusCode, Json<ReconsiderationView>)> {
    let decision: DecisionId = path_id("decision", &id)?;
    let reasons = req.parse()?;
    let r = state
        .app
        .record_reconsideration(&actor, decision, reasons)
        .await?;
    Ok((StatusCode::CREATED, Json(ReconsiderationView::from(&r))))
}

#[utoipa::path(get, path = "/api/work-queue/reconsiderations", tag = "statements", params(PageParams),
    responses((status = 200, body = [ReconsiderationCaseView], headers(("Link" = String, description = "the next page, `<…?cursor=…>; rel=\"next\"`, when more follow"), ("Next-Cursor" = String, description = "the next page's cursor, when more follow"))), (status = 403, body = ErrorBody)))]
/// The open requests for reconsideration for the user: those about statements of the
/// official's own organisation, or KEHA-keskus's for a KEHA official. Oldest first, a page at
/// a time (`limit` 1–500, default 100).
pub async fn reconsideration_queue(
    State(state): State<AppState>,
    Act(actor): Act,
    uri: Uri,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Paged<ReconsiderationCaseView>> {
    let page = state
        .app
        .reconsideration_queue_page(&actor, &p.request())
        .await?;
    Ok(Paged::new(uri, page, |c| ReconsiderationCaseView::from(c)))
}

#[utoipa::path(post, path = "/api/reconsiderations/{id}/take", tag = "statements",
    params(("id" = String, Path, description = "reconsideration request id")),
    responses((status = 200, body = ReconsiderationStepView), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
/// Takes a request for reconsideration: the official works on it.
pub async fn take_reconsideration(
    State(state): State<AppState>,
    Act(actor): Act,
    Path(id): Path<String>,
) -> ApiResult<Json<ReconsiderationStepView>> {
    let step = state.app.take_case(&actor, reconsideration(&id)?).await?;
    Ok(Json(ReconsiderationStepView::from(&step)))
}

#[utoipa::path(post, path = "/api/reconsiderations/{id}/resolve", tag = "statements",
    params(("id" = String, Path, description = "reconsideration request id")),
    request_body = ResolveRequest,
    responses((status = 200, body = ReconsiderationStepView), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
/// Resolves a request with a new statement (outcome for the decision's kind, effective date,
/// reasoning, legal basis), issued in the name of the official's organisation, linked to the
/// statement it reconsiders and saying whether it changed. The reasoning and basis pass the
/// entry-quality checks, or nothing is written (422 with the findings).
pub async fn resolve_reconsideration(
    State(state): State<AppState>,
    Act(actor): Act,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ResolveRequest>,
) -> ApiResult<Json<ReconsiderationStepView>> {
    let case = reconsideration(&id)?;
    let input = req.parse()?;
    let step = state.app.resolve_case(&actor, case, &input).await?;
    Ok(Json(ReconsiderationStepView::from(&step)))
}

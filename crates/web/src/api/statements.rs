//! The automated statement procedure (KEHA/73792/2024): the prior notice and the adoption
//! decisions (public), registering an adoption decision, register facts, a client's decisions,
//! the job seeker's own statements, a decision's provenance, and the quality figures.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use kirjuri_app::statements::NOTICE;
use kirjuri_domain::{ClientId, DecisionId};

use crate::auth::Act;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{path_id, ApiJson};
use crate::wire::*;
use crate::AppState;

type ApiResult<T> = Result<T, ApiError>;

#[utoipa::path(get, path = "/api/statements/notice", tag = "statements",
    responses((status = 200, body = NoticeView)))]
/// The prior notice of automated decision-making (B14), for the form. Public.
pub async fn get_notice() -> Json<NoticeView> {
    Json(NoticeView::from(NOTICE))
}

#[utoipa::path(get, path = "/api/adoption-decisions", tag = "statements",
    responses((status = 200, body = [AdoptionDecisionView])))]
/// The adoption decisions of the automated procedure (B13, B17). Public: no log-in.
pub async fn list_adoption_decisions(
    State(state): State<AppState>,
) -> ApiResult<Json<Vec<AdoptionDecisionView>>> {
    let list = state.app.adoption_decisions().await?;
    Ok(Json(list.iter().map(AdoptionDecisionView::from).collect()))
}

#[utoipa::path(post, path = "/api/adoption-decisions", tag = "statements",
    request_body = NewAdoptionDecisionRequest,
    responses((status = 201, body = AdoptionDecisionView), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Registers an adoption decision (rules author only).
pub async fn create_adoption_decision(
    State(state): State<AppState>,
    Act(actor): Act,
    ApiJson(req): ApiJson<NewAdoptionDecisionRequest>,
) -> ApiResult<(StatusCode, Json<AdoptionDecisionView>)> {
    let input = req.parse()?;
    let a = state.app.register_adoption_decision(&actor, &input).await?;
    Ok((StatusCode::CREATED, Json(AdoptionDecisionView::from(&a))))
}

#[utoipa::path(put, path = "/api/clients/{id}/register-facts", tag = "statements",
    params(("id" = String, Path)), request_body = RegisterFactsRequest,
    responses((status = 200, body = RegisterFactsView), (status = 422, body = ErrorBody)))]
/// Records what the registers say about the client (B4); the latest record is in force.
pub async fn put_register_facts(
    State(state): State<AppState>,
    Act(actor): Act,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<RegisterFactsRequest>,
) -> ApiResult<Json<RegisterFactsView>> {
    let client: ClientId = path_id("client", &id)?;
    let f = state
        .app
        .set_register_facts(&actor, client, req.to_store())
        .await?;
    Ok(Json(RegisterFactsView::from(&f)))
}

#[utoipa::path(get, path = "/api/clients/{id}/decisions", tag = "statements",
    params(("id" = String, Path)), responses((status = 200, body = [DecisionView])))]
/// A client's decisions of the automated procedure, oldest first.
pub async fn list_decisions(
    State(state): State<AppState>,
    Act(actor): Act,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<DecisionView>>> {
    let client: ClientId = path_id("client", &id)?;
    let list = state.app.client_decisions(&actor, client).await?;
    Ok(Json(list.iter().map(DecisionView::from).collect()))
}

#[utoipa::path(get, path = "/api/me/statements", tag = "own data",
    responses((status = 200, body = [DecisionView]), (status = 403, body = ErrorBody)))]
/// The job seeker's own decisions and statements.
pub async fn my_statements(
    State(state): State<AppState>,
    Act(actor): Act,
) -> ApiResult<Json<Vec<DecisionView>>> {
    let list = state.app.my_decisions(&actor).await?;
    Ok(Json(list.iter().map(DecisionView::from).collect()))
}

#[utoipa::path(get, path = "/api/decisions/{id}/provenance", tag = "statements",
    params(("id" = String, Path, description = "decision id")),
    responses((status = 200, body = ProvenanceView), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
/// Which rule-set version decided, under which adoption decision, every step with who and
/// when, and a ledger proof bundle that verifies offline (B10). Officials of the client's
/// organisation and the supervisor.
pub async fn decision_provenance(
    State(state): State<AppState>,
    Act(actor): Act,
    Path(id): Path<String>,
) -> ApiResult<Json<ProvenanceView>> {
    let id: DecisionId = path_id("decision", &id)?;
    let p = state.app.provenance(&actor, id).await?;
    Ok(Json(ProvenanceView::from(&p)))
}

#[utoipa::path(get, path = "/api/statements/quality", tag = "statements",
    responses((status = 200, body = [RuleSetQualityView]), (status = 403, body = ErrorBody)))]
/// Quality figures per rule-set version (B11): decisions, automated and routed shares, routed
/// cases by reason, requests for reconsideration, how many were resolved and how many changed
/// the outcome. For the rules author, KEHA officials and the supervisor; no client data.
pub async fn statement_quality(
    State(state): State<AppState>,
    Act(actor): Act,
) -> ApiResult<Json<Vec<RuleSetQualityView>>> {
    let figures = state.app.statement_quality(&actor).await?;
    Ok(Json(figures.iter().map(RuleSetQualityView::from).collect()))
}

//! Health, the signed-in user, organisations.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

use crate::auth::Act;
use crate::error::{ApiError, ErrorBody};
use crate::wire::{Health, OrgView, UserView};
use crate::AppState;

#[utoipa::path(get, path = "/health", tag = "system",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
/// Whether the database answers.
pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    match state.app.health().await {
        Ok(()) => (
            StatusCode::OK,
            Json(Health {
                status: "ok",
                database: "ok",
                notices: state.app.notice_health().await.ok().flatten(),
            }),
        ),
        Err(e) => {
            tracing::warn!("health check: {e}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health {
                    status: "degraded",
                    database: "unreachable",
                    notices: None,
                }),
            )
        }
    }
}

#[utoipa::path(get, path = "/api/me", tag = "session",
    responses((status = 200, body = UserView), (status = 401, body = ErrorBody)))]
/// The signed-in user.
pub async fn me(
    State(state): State<AppState>,
    Act(actor): Act,
) -> Result<Json<UserView>, ApiError> {
    let (user, organisation) = state.app.whoami(&actor).await?;
    Ok(Json(UserView::new(&user, organisation.as_ref())))
}

#[utoipa::path(get, path = "/api/organisations", tag = "organisations",
    responses((status = 200, body = [OrgView])))]
/// Every organisation, named in full.
pub async fn organisations(
    State(state): State<AppState>,
    Act(actor): Act,
) -> Result<Json<Vec<OrgView>>, ApiError> {
    let orgs = state.app.organisations(&actor).await?;
    Ok(Json(orgs.iter().map(OrgView::from).collect()))
}

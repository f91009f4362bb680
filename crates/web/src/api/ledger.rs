//! The ledger's public endpoint (issue 16).

use axum::extract::State;
use axum::Json;

use crate::error::{ApiError, ErrorBody};
use crate::wire::CheckpointView;
use crate::AppState;

type ApiResult<T> = Result<T, ApiError>;

#[utoipa::path(get, path = "/api/ledger/checkpoint", tag = "statements",
    responses((status = 200, body = CheckpointView), (status = 404, body = ErrorBody)))]
/// The newest signed checkpoint of the tamper-evident ledger (the server signs one at least
/// every minute while the ledger grows). Public: no log-in, no personal data.
pub async fn latest_checkpoint(State(state): State<AppState>) -> ApiResult<Json<CheckpointView>> {
    Ok(Json(state.app.latest_checkpoint().await?.into()))
}

//! Notices by e-mail (issue 13): what an administrator sees of them.

use axum::extract::State;
use axum::Json;

use crate::auth::Act;
use crate::error::{ApiError, ErrorBody};
use crate::wire::EmailNoticesView;
use crate::AppState;

#[utoipa::path(get, path = "/api/admin/notices", tag = "administration",
    responses((status = 200, body = EmailNoticesView), (status = 403, body = ErrorBody)))]
/// The e-mail notices to the clients of the administrator's organisation, newest first: which
/// wait and why (no mail server configured, no TLS, …), which were sent under which
/// `Message-ID`, which failed. No client, address or text.
pub async fn list_notices(
    State(state): State<AppState>,
    Act(actor): Act,
) -> Result<Json<EmailNoticesView>, ApiError> {
    let overview = state.app.notices(&actor).await?;
    Ok(Json(EmailNoticesView::from(&overview)))
}

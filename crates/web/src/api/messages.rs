//! Secure messages (issue 13, A18): the client's conversation with their organisation, from
//! the client's side (`/api/me/messages`) and the officials' (`/api/clients/{id}/messages`).
//! Only over this server's own connection (HTTPS in production, `web::tls`): no message text
//! leaves Kirjuri any other way.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use kirjuri_app::messages::{page, SentMessage};
use kirjuri_domain::ClientId;

use crate::auth::Act;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{path_id, ApiJson, ApiQuery};
use crate::wire::*;
use crate::AppState;

type ApiResult<T> = Result<T, ApiError>;

fn sent_view(s: &SentMessage) -> MessageView {
    let mut view = MessageView::from(&s.message);
    if let Some(report) = &s.report {
        view.findings = report.findings.iter().map(FindingView::from).collect();
    }
    view
}

#[utoipa::path(get, path = "/api/clients/{id}/messages", tag = "messages",
    params(("id" = String, Path), MessageListParams),
    responses((status = 200, body = ConversationView), (status = 422, body = ErrorBody)))]
/// A page of the client's conversation with their organisation, newest first. Reading it is
/// logged and marks the other side's messages on the page read.
pub async fn list_messages(
    State(state): State<AppState>,
    Act(actor): Act,
    Path(id): Path<String>,
    ApiQuery(p): ApiQuery<MessageListParams>,
) -> ApiResult<Json<ConversationView>> {
    let client: ClientId = path_id("client", &id)?;
    let page = page(p.before, p.limit)?;
    let c = state.app.conversation(&actor, client, page).await?;
    Ok(Json(ConversationView::from(&c.page)))
}

#[utoipa::path(post, path = "/api/clients/{id}/messages", tag = "messages",
    params(("id" = String, Path)), request_body = NewMessageRequest,
    responses((status = 201, body = MessageView), (status = 422, body = ErrorBody)))]
/// Writes a message into the client's conversation. An official's message is checked first:
/// an unexplained abbreviation, an offensive word or anything that blocks an entry refuses
/// it (422 with the findings).
pub async fn send_message(
    State(state): State<AppState>,
    Act(actor): Act,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<NewMessageRequest>,
) -> ApiResult<(StatusCode, Json<MessageView>)> {
    let client: ClientId = path_id("client", &id)?;
    let text = req.parse()?;
    let sent = state.app.send_message(&actor, client, &text).await?;
    Ok((StatusCode::CREATED, Json(sent_view(&sent))))
}

#[utoipa::path(get, path = "/api/me/messages", tag = "own data", params(MessageListParams),
    responses((status = 200, body = ConversationView), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
/// The job seeker's conversation with their organisation, newest first.
pub async fn my_messages(
    State(state): State<AppState>,
    Act(actor): Act,
    ApiQuery(p): ApiQuery<MessageListParams>,
) -> ApiResult<Json<ConversationView>> {
    let page = page(p.before, p.limit)?;
    let c = state.app.my_conversation(&actor, page).await?;
    Ok(Json(ConversationView::from(&c.page)))
}

#[utoipa::path(post, path = "/api/me/messages", tag = "own data",
    request_body = NewMessageRequest,
    responses((status = 201, body = MessageView), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
/// The job seeker writes to their organisation.
pub async fn send_my_message(
    State(state): State<AppState>,
    Act(actor): Act,
    ApiJson(req): ApiJson<NewMessageRequest>,
) -> ApiResult<(StatusCode, Json<MessageView>)> {
    let text = req.parse()?;
    let sent = state.app.send_my_message(&actor, &text).await?;
    Ok((StatusCode::CREATED, Json(sent_view(&sent))))
}

//! "My work today": what the application layer already offers an official at the start of the
//! day, here the routed cases waiting in the organisation's work queue.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use kirjuri_app::AppError;

use super::error::{rendered, see_other, PageError, PageResult};
use super::layout::{date, helsinki_date, Layout, PageCtx};
use super::session::signed;
use crate::AppState;

#[derive(Template)]
#[template(path = "today.html")]
struct TodayPage {
    l: Layout,
    today: String,
    organisation: Option<String>,
    /// Open routed cases in the queue (none when the user has no work queue).
    queue_open: Option<usize>,
    queue_untaken: Option<usize>,
}

/// `GET /`: to "my work today", or to the log-in page without a session.
pub async fn root(State(state): State<AppState>, ctx: PageCtx) -> PageResult {
    match signed(&state, &ctx).await {
        Ok(_) => Ok(see_other("/today")),
        Err(_) => Ok(see_other("/login")),
    }
}

/// `GET /today`.
pub async fn today(State(state): State<AppState>, ctx: PageCtx) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let (_, org) = state
        .app
        .whoami(&s.actor)
        .await
        .map_err(|e| PageError::app(&ctx, e))?;
    let (queue_open, queue_untaken) = match state.app.work_queue(&s.actor).await {
        Ok(cases) => (
            Some(cases.len()),
            Some(cases.iter().filter(|c| c.taken.is_none()).count()),
        ),
        // A user without a work queue simply has none to show.
        Err(AppError::Forbidden(_)) => (None, None),
        Err(e) => return Err(PageError::app(&ctx, e)),
    };
    let page = TodayPage {
        l: Layout::new(&ctx, "today-title", Some(&s.actor.user), s.csrf),
        today: date(helsinki_date(state.app.clock().now())),
        organisation: org.map(|o| match ctx.lang {
            super::i18n::Lang::Sv => o.name_sv.to_string(),
            _ => o.name_fi.to_string(),
        }),
        queue_open,
        queue_untaken,
    };
    rendered(&ctx, StatusCode::OK, &page)
}

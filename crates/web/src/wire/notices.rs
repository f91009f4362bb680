//! Notices by e-mail (issue 13) as an administrator sees them: no client, no address, no text.

use chrono::{DateTime, Utc};
use kirjuri_app::model::NoticeStatus;
use kirjuri_app::notify::NoticeOverview;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct EmailNoticeView {
    pub id: String,
    /// `new_message`, `new_appointment`, `appointment_reminder` or `new_statement`.
    pub kind: &'static str,
    /// `waiting` (not sent yet), `sent`, or `failed` (given up: see `last_error`).
    pub state: &'static str,
    pub enqueued_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub attempts: i64,
    /// Why the last attempt did not send (no TLS, refused by the content check, …).
    pub last_error: Option<String>,
    pub retry_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    /// The `Message-ID` the notice was sent under (the same on every attempt).
    pub message_id: Option<String>,
}

impl From<&NoticeStatus> for EmailNoticeView {
    fn from(n: &NoticeStatus) -> Self {
        Self {
            id: n.id.clone(),
            kind: n.kind.code(),
            state: n.state.code(),
            enqueued_at: n.enqueued_at,
            due_at: n.due_at,
            attempts: n.attempts,
            last_error: n.last_error.clone(),
            retry_at: n.retry_at,
            sent_at: n.sent_at,
            message_id: n.message_id.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EmailNoticesView {
    /// Whether a mail server is configured; without one notices wait.
    pub smtp_configured: bool,
    /// How many of the notices below wait.
    pub waiting: usize,
    /// One line for the administrator: what stands in the way, if anything.
    pub summary: String,
    pub notices: Vec<EmailNoticeView>,
}

impl From<&NoticeOverview> for EmailNoticesView {
    fn from(o: &NoticeOverview) -> Self {
        let failed = o
            .notices
            .iter()
            .filter(|n| n.state.code() == "failed")
            .count();
        let summary = if !o.smtp_configured {
            format!(
                "No mail server is configured: {} notices wait (kirjuri serve --smtp-host …).",
                o.waiting
            )
        } else {
            format!("{} notices wait, {failed} failed.", o.waiting)
        };
        Self {
            smtp_configured: o.smtp_configured,
            waiting: o.waiting,
            summary,
            notices: o.notices.iter().map(EmailNoticeView::from).collect(),
        }
    }
}

//! The handover summary (A8): what a new responsible expert reads first — what was agreed,
//! the open follow-ups, the next appointment and the latest contacts — from one use case of
//! the application layer, which authorises and logs the read.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kirjuri_domain::{AppointmentMode, Entry};

use super::error::{rendered, PageError, PageResult};
use super::i18n::{text, Lang};
use super::layout::{date, date_time, time, Layout, PageCtx};
use super::record::client_id;
use super::session::signed;
use crate::AppState;

/// An entry as the summary shows it.
#[derive(Debug)]
pub struct SummaryEntry {
    pub event_at: String,
    pub author: String,
    pub text: String,
}

/// An open follow-up date.
#[derive(Debug)]
pub struct FollowUpRow {
    pub date: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "handover.html")]
struct HandoverPage {
    l: Layout,
    client_id: String,
    client_name: String,
    plan: Option<SummaryEntry>,
    plan_follow_ups: Vec<String>,
    open_follow_ups: Vec<FollowUpRow>,
    next_appointment: Option<String>,
    contacts: Vec<SummaryEntry>,
}

fn summary_entry(lang: Lang, e: &Entry) -> SummaryEntry {
    SummaryEntry {
        event_at: date_time(lang, e.event_at),
        author: e.author_name.to_string(),
        text: e.text.to_string(),
    }
}

/// `GET /clients/{id}/handover`.
pub async fn handover(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let client = client_id(&ctx, &id)?;
    let h = state
        .app
        .handover_summary(&s.actor, client)
        .await
        .map_err(|e| PageError::app(&ctx, e))?;
    let lang = ctx.lang;
    let next_appointment = h.next_appointment.as_ref().map(|a| {
        let place = match &a.mode {
            AppointmentMode::Phone { phone_number } => phone_number.as_ref().map(|p| p.to_string()),
            AppointmentMode::Video { link } => link.as_ref().map(|p| p.to_string()),
            AppointmentMode::Visit { address } => Some(address.to_string()),
        };
        let mut words = format!(
            "{} {} {} · {}",
            date(a.date),
            text(lang, "time-at", &[]),
            time(a.time),
            text(lang, &format!("mode-{}", a.mode.code()), &[])
        );
        if let Some(p) = place.filter(|p| !p.is_empty()) {
            words.push_str(" · ");
            words.push_str(&p);
        }
        words
    });
    let page = HandoverPage {
        l: Layout::new(&ctx, "handover-title", Some(&s.actor), s.csrf),
        client_id: client.to_string(),
        client_name: format!("{} {}", h.client.first_name, h.client.last_name),
        plan_follow_ups: h
            .plan
            .as_ref()
            .map(|p| p.details.follow_up_dates.iter().map(|d| date(*d)).collect())
            .unwrap_or_default(),
        plan: h.plan.as_ref().map(|p| summary_entry(lang, p)),
        open_follow_ups: h
            .open_follow_ups
            .iter()
            .map(|f| FollowUpRow {
                date: date(f.date),
                overdue: f.overdue,
            })
            .collect(),
        next_appointment,
        contacts: h
            .recent_contacts
            .iter()
            .map(|e| summary_entry(lang, e))
            .collect(),
    };
    rendered(&ctx, StatusCode::OK, &page)
}

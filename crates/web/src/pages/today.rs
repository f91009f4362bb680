//! "My work today" (issue 12 item 2): one call of `App::my_work_today` (which decides what the
//! user's role gets and logs every client shown) rendered as lists, each with its empty state:
//! my clients' appointments today and this week, initial interviews overdue and due, the
//! employment plans' follow-ups, the work-queue counts and my entries made late.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use kirjuri_app::my_work::{
    ClientAppointment, ClientWork, FollowUp, LateEntry, PendingInterview, QueueCounts,
};
use kirjuri_domain::{AppointmentMode, Client};

use super::error::{rendered, see_other, PageError, PageResult};
use super::i18n::{text, Lang};
use super::layout::{date, date_time, time, Layout, PageCtx};
use super::session::signed;
use crate::AppState;

/// An appointment row.
#[derive(Debug)]
struct AppointmentRow {
    date: String,
    time: String,
    mode: String,
    client: String,
    href: String,
}

#[derive(Debug)]
struct InterviewRow {
    client: String,
    href: String,
    start: String,
    deadline: String,
}

#[derive(Debug)]
struct FollowUpRow {
    client: String,
    href: String,
    date: String,
    latest: String,
}

/// A client with unread messages (issue 13): how many and when the newest came, no text.
#[derive(Debug)]
struct MessagesRow {
    client: String,
    href: String,
    unread: String,
    latest: String,
}

#[derive(Debug)]
struct LateRow {
    client: String,
    href: String,
    kind: String,
    event: String,
    recorded: String,
    lag: String,
}

/// One list under its heading, with what it says when empty.
#[derive(Debug)]
struct Group<R> {
    id: &'static str,
    title: String,
    empty: String,
    rows: Vec<R>,
}

/// The lists about the official's clients.
#[derive(Debug)]
struct WorkView {
    appointments_today: Vec<AppointmentRow>,
    appointments_week: Vec<AppointmentRow>,
    interviews: Vec<Group<InterviewRow>>,
    follow_ups: Vec<Group<FollowUpRow>>,
    late: Vec<LateRow>,
    messages: Vec<MessagesRow>,
}

#[derive(Template)]
#[template(path = "today.html")]
struct TodayPage {
    l: Layout,
    today: String,
    week_end: String,
    organisation: Option<String>,
    /// `None` for a user without clients of their own.
    work: Option<WorkView>,
    /// `None` for a user without a work queue.
    queue: Option<QueueCounts>,
}

/// `GET /`: to "my work today", or to the log-in page without a session.
pub async fn root(State(state): State<AppState>, ctx: PageCtx) -> PageResult {
    match signed(&state, &ctx).await {
        Ok(s) => Ok(see_other(super::session::home_path(&s.actor.user))),
        Err(_) => Ok(see_other("/login")),
    }
}

/// `GET /today`.
pub async fn today(State(state): State<AppState>, ctx: PageCtx) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let err = |e| PageError::app(&ctx, e);
    let (_, org) = state.app.whoami(&s.actor).await.map_err(err)?;
    let work = state.app.my_work_today(&s.actor).await.map_err(err)?;
    let lang = ctx.lang;
    let week_end = date(work.week_end);
    let page = TodayPage {
        l: Layout::new(&ctx, "today-title", Some(&s.actor), s.csrf),
        today: date(work.today),
        organisation: org.map(|o| match lang {
            Lang::Sv => o.name_sv.to_string(),
            _ => o.name_fi.to_string(),
        }),
        work: work.clients.map(|c| view(lang, &week_end, c)),
        week_end,
        queue: work.queue,
    };
    rendered(&ctx, StatusCode::OK, &page)
}

fn name(c: &Client) -> String {
    format!("{} {}", c.first_name, c.last_name)
}

fn href(c: &Client) -> String {
    format!("/clients/{}", c.id)
}

fn appointment(lang: Lang, a: &ClientAppointment) -> AppointmentRow {
    let ap = &a.appointment;
    let mode = text(lang, &format!("mode-{}", ap.mode.code()), &[]);
    let detail = match &ap.mode {
        AppointmentMode::Phone { phone_number } => phone_number.as_ref().map(|p| p.to_string()),
        AppointmentMode::Video { .. } => None,
        AppointmentMode::Visit { address } => Some(address.to_string()),
    };
    AppointmentRow {
        date: date(ap.date),
        time: time(ap.time),
        mode: match detail {
            Some(d) => format!("{mode}, {d}"),
            None => mode,
        },
        client: name(&a.client),
        href: href(&a.client),
    }
}

fn interview(p: &PendingInterview) -> InterviewRow {
    InterviewRow {
        client: name(&p.client),
        href: href(&p.client),
        start: date(p.job_search.start_date),
        deadline: p.deadline.map(date).unwrap_or_default(),
    }
}

fn follow_up(lang: Lang, f: &FollowUp) -> FollowUpRow {
    FollowUpRow {
        client: name(&f.client),
        href: href(&f.client),
        date: date(f.date),
        latest: match f.latest_follow_up {
            Some(d) => date(d),
            None => text(lang, "today-never", &[]),
        },
    }
}

fn late(lang: Lang, l: &LateEntry) -> LateRow {
    LateRow {
        client: name(&l.client),
        href: format!("{}#entry-{}", href(&l.client), l.entry.id),
        kind: text(lang, &format!("kind-{}", l.entry.kind.code()), &[]),
        event: date_time(lang, l.entry.event_at),
        recorded: date_time(lang, l.entry.recorded_at),
        lag: text(
            lang,
            "today-lag-working-days",
            &[("n", &l.working_days.to_string())],
        ),
    }
}

fn view(lang: Lang, week_end: &str, c: ClientWork) -> WorkView {
    let t = |key: &str| text(lang, key, &[]);
    let group = |id, title, empty: &str, rows| Group {
        id,
        title,
        empty: t(empty),
        rows,
    };
    WorkView {
        appointments_today: c
            .appointments_today
            .iter()
            .map(|a| appointment(lang, a))
            .collect(),
        appointments_week: c
            .appointments_this_week
            .iter()
            .map(|a| appointment(lang, a))
            .collect(),
        interviews: vec![
            group(
                "interviews-overdue",
                t("today-overdue"),
                "today-no-interviews-overdue",
                c.interviews_overdue.iter().map(interview).collect(),
            ),
            group(
                "interviews-due",
                t("today-due"),
                "today-no-interviews-due",
                c.interviews_due.iter().map(interview).collect(),
            ),
        ],
        follow_ups: vec![
            Group {
                id: "follow-ups-overdue",
                title: t("today-overdue"),
                empty: t("today-no-follow-ups-overdue"),
                rows: c
                    .follow_ups_overdue
                    .iter()
                    .map(|f| follow_up(lang, f))
                    .collect(),
            },
            Group {
                id: "follow-ups-today",
                title: t("today-follow-ups-today"),
                empty: t("today-no-follow-ups-today"),
                rows: c
                    .follow_ups_today
                    .iter()
                    .map(|f| follow_up(lang, f))
                    .collect(),
            },
            Group {
                id: "follow-ups-week",
                title: text(lang, "today-follow-ups-week", &[("date", week_end)]),
                empty: t("today-no-follow-ups-week"),
                rows: c
                    .follow_ups_this_week
                    .iter()
                    .map(|f| follow_up(lang, f))
                    .collect(),
            },
        ],
        late: c.late_entries.iter().map(|l| late(lang, l)).collect(),
        messages: c
            .new_messages
            .iter()
            .map(|m| MessagesRow {
                client: name(&m.client),
                href: format!("/clients/{}/messages", m.client.id),
                unread: m.unread.to_string(),
                latest: date_time(lang, m.latest),
            })
            .collect(),
    }
}

//! The job seeker's own pages (issue 13; A12, A19, B7, B14, B15): under `/me`, for the
//! signed-in job seeker only, in the same shell, design system, Fluent texts and CSRF and CSP
//! rules as the officials' pages. Each page calls the job seeker's own use cases of
//! `kirjuri_app` (`my_record`, `my_appointments`, `my_decisions`, …), which take the client
//! from the session, never from the address: no page of the own view names a client, so no
//! client's data can be asked for by another (an official's session is refused by the same use
//! cases). Nothing personal goes into an address.
//!
//! This module: the own start page, the appointments (A12: exactly as recorded) and the record
//! (entries paged like the official's record, contact method, responsible expert, job search).
//! [`super::own_jobsearch`] registers and ends the job search, [`super::own_statements`] shows
//! the statements with their safeguards and takes a request for reconsideration,
//! [`super::own_data`] shows who has handled the data and gives the export.

use askama::Template;
use axum::extract::{Query, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use kirjuri_app::statements::in_force;
use kirjuri_domain::{Appointment, AppointmentMode, Language, Organisation};
use serde::Deserialize;

use super::error::{rendered, see_other, PageError, PageResult};
use super::i18n::{text, Lang};
use super::layout::{cookie, date, time, Layout, PageCtx, LANG_COOKIE};
use super::record::{statement_words, timeline, StatementRow, TimelineEntry, TIMELINE_PAGE};
use super::session::signed;
use crate::AppState;

/// An organisation named in full in the page's language (the brief: always in full to a
/// client).
pub fn org_name(lang: Lang, o: &Organisation) -> String {
    match lang {
        Lang::Sv => o.name_sv.to_string(),
        _ => o.name_fi.to_string(),
    }
}

/// Where a routed case went, named in full: the client's own employment authority, or the
/// unemployment-security unit of KEHA-keskus.
pub fn target_name(lang: Lang, target: Option<&str>, own: &Organisation) -> String {
    match target {
        Some("keha") => text(lang, "own-queue-keha", &[]),
        _ => org_name(lang, own),
    }
}

/// One appointment exactly as the official recorded it (A12).
#[derive(Debug)]
pub struct OwnAppointment {
    pub date: String,
    pub time: String,
    pub duration: String,
    pub mode: String,
    /// The address of a visit, the number of a call, the link of a video meeting ("" if the
    /// official recorded none).
    pub place: String,
    /// What `place` is, in words.
    pub place_label: String,
}

pub fn own_appointment(lang: Lang, a: &Appointment) -> OwnAppointment {
    let (place, label) = match &a.mode {
        AppointmentMode::Phone { phone_number } => (
            phone_number
                .as_ref()
                .map(|p| p.to_string())
                .unwrap_or_default(),
            "own-place-phone",
        ),
        AppointmentMode::Video { link } => (
            link.as_ref().map(|p| p.to_string()).unwrap_or_default(),
            "own-place-video",
        ),
        AppointmentMode::Visit { address } => (address.to_string(), "own-place-visit"),
    };
    OwnAppointment {
        date: date(a.date),
        time: time(a.time),
        duration: text(
            lang,
            "own-duration",
            &[("n", &a.duration_minutes.to_string())],
        ),
        mode: text(lang, &format!("mode-{}", a.mode.code()), &[]),
        place,
        place_label: text(lang, label, &[]),
    }
}

#[derive(Template)]
#[template(path = "own_home.html")]
struct HomePage {
    l: Layout,
    name: String,
    organisation: String,
    job_search: Option<String>,
    statement: Option<StatementRow>,
    upcoming: Vec<OwnAppointment>,
    responsible_expert: Option<String>,
}

/// `GET /me`: the job seeker's start page. A client whose language of service is Swedish or
/// English and who has chosen no language yet gets the pages in their own language.
pub async fn home(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let err = |e| PageError::app(&ctx, e);
    let app = &state.app;
    let (record, appointments, decisions) = tokio::try_join!(
        app.my_record(&s.actor),
        app.my_appointments(&s.actor),
        app.my_decisions(&s.actor),
    )
    .map_err(err)?;
    let chosen = cookie(&headers, LANG_COOKIE).is_some()
        || query.as_deref().is_some_and(|q| q.contains("lang="));
    if !chosen {
        let own = match record.client.language {
            Language::Sv => Some("sv"),
            Language::En => Some("en"),
            Language::Fi | Language::Se => None,
        };
        if let Some(code) = own.filter(|c| *c != ctx.lang.code()) {
            return Ok(see_other(&format!("/me?lang={code}")));
        }
    }
    let lang = ctx.lang;
    let now = app.clock().now();
    let statement = in_force(&record.job_searches, &decisions);
    let c = &record.client;
    let page = HomePage {
        l: Layout::new(&ctx, "own-home-title", Some(&s.actor), s.csrf),
        name: format!("{} {}", c.first_name, c.last_name),
        organisation: org_name(lang, &record.organisation),
        job_search: record.job_search.as_ref().map(|j| {
            text(
                lang,
                "own-job-search-since",
                &[("date", &date(j.start_date))],
            )
        }),
        statement: statement.as_ref().map(|s| statement_words(lang, s)),
        upcoming: appointments
            .iter()
            .filter(|a| a.starts_at >= now)
            .take(3)
            .map(|a| own_appointment(lang, a))
            .collect(),
        responsible_expert: record
            .responsible_expert
            .as_ref()
            .map(|r| r.official_name.to_string()),
    };
    rendered(&ctx, StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "own_appointments.html")]
struct AppointmentsPage {
    l: Layout,
    upcoming: Vec<OwnAppointment>,
    past: Vec<OwnAppointment>,
}

/// `GET /me/appointments`: every appointment with exactly the date, time (Finnish time),
/// length, mode and address, number or link the official recorded (A12).
pub async fn appointments(State(state): State<AppState>, ctx: PageCtx) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let list = state
        .app
        .my_appointments(&s.actor)
        .await
        .map_err(|e| PageError::app(&ctx, e))?;
    let now = state.app.clock().now();
    let lang = ctx.lang;
    let (mut upcoming, mut past) = (Vec::new(), Vec::new());
    let mut sorted: Vec<&Appointment> = list.iter().collect();
    sorted.sort_by_key(|a| a.starts_at);
    for a in sorted {
        if a.starts_at >= now {
            upcoming.push(own_appointment(lang, a));
        } else {
            past.push(own_appointment(lang, a));
        }
    }
    past.reverse();
    let page = AppointmentsPage {
        l: Layout::new(&ctx, "own-appointments-title", Some(&s.actor), s.csrf),
        upcoming,
        past,
    };
    rendered(&ctx, StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "own_record.html")]
struct RecordPage {
    l: Layout,
    name: String,
    hetu_masked: String,
    language: String,
    organisation: String,
    contact_method: Option<String>,
    responsible_expert: Option<String>,
    job_search: Option<String>,
    past_job_searches: Vec<String>,
    entries: Vec<TimelineEntry>,
    page: usize,
    pages: usize,
}

#[derive(Debug, Deserialize)]
pub struct PageQuery {
    /// The timeline page, from 1 (newest entries); anything else is the first page.
    #[serde(default)]
    page: Option<String>,
}

/// `GET /me/record?page=`: the entries about the job seeker (newest first, 50 a page, like
/// the official's record), the agreed contact method, the responsible expert and the job
/// searches.
pub async fn record(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(query): Query<PageQuery>,
) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let page = query
        .page
        .and_then(|p| p.parse::<usize>().ok())
        .map_or(0, |p| p.saturating_sub(1));
    let app = &state.app;
    let (record, entries) = tokio::try_join!(app.my_record(&s.actor), app.my_entries(&s.actor))
        .map_err(|e| PageError::app(&ctx, e))?;
    let lang = ctx.lang;
    let c = &record.client;
    let page = RecordPage {
        l: Layout::new(&ctx, "own-record-title", Some(&s.actor), s.csrf),
        name: format!("{} {}", c.first_name, c.last_name),
        hetu_masked: c.hetu.masked(),
        language: text(lang, &format!("language-{}", c.language.code()), &[]),
        organisation: org_name(lang, &record.organisation),
        contact_method: record.contact_method.as_ref().map(|m| {
            text(
                lang,
                "own-contact-since",
                &[
                    (
                        "method",
                        &text(lang, &format!("contact-{}", m.method.code()), &[]),
                    ),
                    ("date", &date(m.agreed_on)),
                ],
            )
        }),
        responsible_expert: record.responsible_expert.as_ref().map(|r| {
            text(
                lang,
                "record-expert-since",
                &[
                    ("name", &r.official_name.to_string()),
                    ("date", &date(r.from)),
                ],
            )
        }),
        job_search: record.job_search.as_ref().map(|j| {
            text(
                lang,
                "own-job-search-since",
                &[("date", &date(j.start_date))],
            )
        }),
        past_job_searches: record
            .job_searches
            .iter()
            .rev()
            .filter_map(|j| {
                let end = j.end.as_ref()?;
                Some(text(
                    lang,
                    "own-job-search-period",
                    &[
                        ("start", &date(j.start_date)),
                        ("end", &date(end.date)),
                        (
                            "reason",
                            &text(lang, &format!("own-end-reason-{}", end.reason.code()), &[]),
                        ),
                    ],
                ))
            })
            .collect(),
        entries: timeline(lang, &entries, page),
        page: page + 1,
        pages: entries.len().div_ceil(TIMELINE_PAGE).max(1),
    };
    rendered(&ctx, StatusCode::OK, &page)
}

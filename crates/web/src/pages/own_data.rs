//! Who has handled the job seeker's data, and a copy of everything (issue 13; A19, GDPR art.
//! 15; Information Management Act 17 §): the access log as the client sees it — organisations
//! named in full, roles, what and why in words — and the export, as the same JSON document the
//! API gives (a download, never cached) and as a readable page of the same content.

use askama::Template;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::IntoResponse;
use kirjuri_app::me::SeenBy;
use kirjuri_app::own::purpose_code;

use super::error::{rendered, PageError, PageErrorKind, PageResult};
use super::i18n::{text, Lang};
use super::layout::{date, date_time, Layout, PageCtx};
use super::own::{org_name, own_appointment, OwnAppointment};
use super::record::{timeline, TimelineEntry};
use super::session::signed;
use super::statement::StatementDoc;
use crate::AppState;

/// One access to the client's data, in words.
#[derive(Debug)]
pub struct SeenRow {
    pub at: String,
    pub organisation: String,
    pub role: String,
    pub action: String,
    pub what: String,
    pub purpose: String,
    /// A refused attempt (shown as such).
    pub denied: bool,
}

/// `key` in `lang`, or `fallback` when no language has the message (a code added later).
fn words_or(lang: Lang, key: &str, fallback: &str) -> String {
    let t = text(lang, key, &[]);
    if t == key {
        fallback.to_owned()
    } else {
        t
    }
}

fn seen_row(lang: Lang, s: &SeenBy) -> SeenRow {
    SeenRow {
        at: date_time(lang, s.at),
        organisation: s
            .organisation
            .as_ref()
            .map(|o| org_name(lang, o))
            .unwrap_or_else(|| text(lang, "own-seen-no-organisation", &[])),
        role: words_or(lang, &format!("own-role-{}", s.role.code()), s.role.code()),
        action: words_or(
            lang,
            &format!("own-action-{}", s.action.code()),
            s.action.code(),
        ),
        what: words_or(lang, &format!("own-what-{}", s.what), &s.what),
        purpose: match purpose_code(&s.purpose) {
            Some(code) => words_or(lang, &format!("own-purpose-{code}"), &s.purpose),
            // A reason the official stated in their own words, as written.
            None => text(lang, "own-purpose-stated", &[("reason", &s.purpose)]),
        },
        denied: s.action.code() == "denied",
    }
}

#[derive(Template)]
#[template(path = "own_access.html")]
struct AccessPage {
    l: Layout,
    rows: Vec<SeenRow>,
}

/// `GET /me/access-log`: who other than the client has read or changed their data (and who
/// tried and was refused), newest first.
pub async fn access_log(State(state): State<AppState>, ctx: PageCtx) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let rows = state
        .app
        .my_access_log(&s.actor)
        .await
        .map_err(|e| PageError::app(&ctx, e))?;
    let lang = ctx.lang;
    let page = AccessPage {
        l: Layout::new(&ctx, "own-access-title", Some(&s.actor), s.csrf),
        rows: rows.iter().rev().map(|r| seen_row(lang, r)).collect(),
    };
    rendered(&ctx, StatusCode::OK, &page)
}

/// A line of a list of the export, in words.
#[derive(Debug)]
pub struct Line {
    pub text: String,
}

#[derive(Template)]
#[template(path = "own_export.html")]
struct ExportPage {
    l: Layout,
    generated: String,
    name: String,
    hetu_masked: String,
    birth_date: String,
    language: String,
    organisation: String,
    job_searches: Vec<Line>,
    contact_methods: Vec<Line>,
    experts: Vec<Line>,
    appointments: Vec<OwnAppointment>,
    entries: Vec<TimelineEntry>,
    statements: Vec<StatementDoc>,
    applications: Vec<Line>,
    deliveries: Vec<Line>,
    messages: Vec<Line>,
    seen: Vec<SeenRow>,
}

/// `GET /me/export`: everything Kirjuri holds about the client, as a readable document (the
/// same content as the JSON download linked from it).
pub async fn export_page(State(state): State<AppState>, ctx: PageCtx) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let e = state
        .app
        .my_export(&s.actor)
        .await
        .map_err(|e| PageError::app(&ctx, e))?;
    let lang = ctx.lang;
    let c = &e.client;
    let line = |t: String| Line { text: t };
    let mut statements = Vec::new();
    for d in &e.statements {
        let st = &d.stored.decision;
        let kind = text(lang, &format!("decision-{}", st.kind), &[]);
        let heading = |what: String| format!("{kind} {}: {what}", date(st.decision_date));
        match &st.document {
            Some(doc) => statements.push(StatementDoc {
                heading: heading(text(
                    lang,
                    "statement-automatic",
                    &[("at", &date_time(lang, d.stored.recorded_at))],
                )),
                lang: st.document_language.clone().unwrap_or_else(|| "fi".into()),
                text: doc.clone(),
            }),
            None if d.official_statement.is_none() => statements.push(StatementDoc {
                heading: heading(text(lang, "own-statement-waiting", &[])),
                lang: lang.code().to_owned(),
                text: String::new(),
            }),
            None => {}
        }
        if let Some(o) = &d.official_statement {
            statements.push(StatementDoc {
                heading: heading(text(
                    lang,
                    "statement-official",
                    &[("at", &date_time(lang, o.issued_at))],
                )),
                lang: o.resolution.document_language.clone(),
                text: o.resolution.document.clone(),
            });
        }
        if let Some(r) = &d.reconsideration {
            statements.push(StatementDoc {
                heading: heading(text(
                    lang,
                    "own-export-reconsideration",
                    &[("at", &date_time(lang, r.request.requested_at))],
                )),
                lang: lang.code().to_owned(),
                text: r.request.reasons.clone(),
            });
            if let Some(n) = &r.new_statement {
                statements.push(StatementDoc {
                    heading: heading(text(
                        lang,
                        "statement-reconsideration",
                        &[("at", &date_time(lang, n.issued_at))],
                    )),
                    lang: n.resolution.document_language.clone(),
                    text: n.resolution.document.clone(),
                });
            }
        }
    }
    let page = ExportPage {
        l: Layout::new(&ctx, "own-export-title", Some(&s.actor), s.csrf),
        generated: date_time(lang, e.generated_at),
        name: format!("{} {}", c.first_name, c.last_name),
        hetu_masked: c.hetu.masked(),
        birth_date: date(c.hetu.birth_date()),
        language: text(lang, &format!("language-{}", c.language.code()), &[]),
        organisation: org_name(lang, &e.organisation),
        job_searches: e
            .job_searches
            .iter()
            .map(|j| {
                line(match &j.end {
                    Some(end) => text(
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
                    ),
                    None => text(
                        lang,
                        "own-job-search-since",
                        &[("date", &date(j.start_date))],
                    ),
                })
            })
            .collect(),
        contact_methods: e
            .contact_methods
            .iter()
            .map(|m| {
                line(text(
                    lang,
                    "own-contact-since",
                    &[
                        (
                            "method",
                            &text(lang, &format!("contact-{}", m.method.code()), &[]),
                        ),
                        ("date", &date(m.agreed_on)),
                    ],
                ))
            })
            .collect(),
        experts: e
            .responsible_experts
            .iter()
            .map(|r| {
                line(text(
                    lang,
                    "record-expert-since",
                    &[
                        ("name", &r.official_name.to_string()),
                        ("date", &date(r.from)),
                    ],
                ))
            })
            .collect(),
        appointments: e
            .appointments
            .iter()
            .map(|a| own_appointment(lang, a))
            .collect(),
        entries: (0..e
            .entries
            .len()
            .div_ceil(super::record::TIMELINE_PAGE)
            .max(1))
            .flat_map(|p| timeline(lang, &e.entries, p))
            .collect(),
        statements,
        applications: e
            .benefit_applications
            .iter()
            .map(|a| {
                let payer = match lang {
                    Lang::Sv => a.payer.name_sv.to_string(),
                    _ => a.payer.name_fi.to_string(),
                };
                line(text(
                    lang,
                    "record-application",
                    &[("payer", &payer), ("from", &date(a.application.from_date))],
                ))
            })
            .collect(),
        deliveries: e
            .statement_deliveries
            .iter()
            .map(|d| {
                let payer = match lang {
                    Lang::Sv => d.payer_name_sv.clone(),
                    _ => d.payer_name_fi.clone(),
                };
                let state = match &d.receipt {
                    Some(r) => text(
                        lang,
                        "delivery-delivered",
                        &[("at", &date_time(lang, r.delivered_at))],
                    ),
                    None => text(lang, "delivery-pending", &[]),
                };
                line(format!("{payer}: {state}"))
            })
            .collect(),
        messages: e
            .messages
            .iter()
            .map(|m| {
                line(text(
                    lang,
                    "own-export-message",
                    &[
                        ("at", &date_time(lang, m.sent_at)),
                        ("author", &m.author_name.to_string()),
                        ("text", m.text.as_str()),
                    ],
                ))
            })
            .collect(),
        seen: e.seen_by.iter().rev().map(|r| seen_row(lang, r)).collect(),
    };
    rendered(&ctx, StatusCode::OK, &page)
}

/// `GET /me/export.json`: the same copy as `GET /api/me/export`, as a file to save
/// (`Content-Disposition: attachment`), never stored by a cache.
pub async fn export_json(State(state): State<AppState>, ctx: PageCtx) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let e = state
        .app
        .my_export(&s.actor)
        .await
        .map_err(|e| PageError::app(&ctx, e))?;
    let view = crate::api::own::export_view(&e);
    let body = serde_json::to_vec_pretty(&view)
        .map_err(|e| PageError::new(&ctx, PageErrorKind::Internal(e.to_string())))?;
    let name = format!(
        "attachment; filename=\"kirjuri-export-{}.json\"",
        super::layout::helsinki_date(e.generated_at).format("%Y-%m-%d")
    );
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&name) {
        h.insert(CONTENT_DISPOSITION, v);
    }
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

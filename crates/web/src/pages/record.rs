//! Finding a client and the client record: header, timeline of entries and appointments.
//! Every read goes through one use case of the application layer, which asks the policy and
//! writes the access log (with the stated reason, for another organisation's client).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use kirjuri_app::clients::RecordEntry;
use kirjuri_app::statements::{in_force, state_of, GivenBy, StatementInForce, StatementState};
use kirjuri_app::{Actor, AppError};
use kirjuri_domain::{ClientId, Hetu, ShortText};
use serde::Deserialize;

use super::error::{rendered, PageError, PageErrorKind, PageResult};
use super::i18n::{text, Lang};
use super::layout::{date, date_time, time, Layout, PageCtx};
use super::session::{signed, signed_form, HasCsrf};
use crate::AppState;

/// A client in a list of found clients.
#[derive(Debug)]
pub struct FoundClient {
    pub id: String,
    pub name: String,
    pub hetu_masked: String,
}

#[derive(Template)]
#[template(path = "find.html")]
struct FindPage {
    l: Layout,
    q: String,
    searched: bool,
    found: Vec<FoundClient>,
    hetu: String,
    reason: String,
    error: Option<FieldMessage>,
}

/// An error to show at a form field (and in the error summary at the top).
#[derive(Debug)]
pub struct FieldMessage {
    pub field: String,
    pub message: String,
}

impl FieldMessage {
    /// The message `key` (no arguments) in `lang`, at the form field `field`.
    pub fn new(lang: Lang, field: impl Into<String>, key: &str) -> Self {
        Self {
            field: field.into(),
            message: text(lang, key, &[]),
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct FindQuery {
    #[serde(default)]
    q: String,
}

/// `GET /clients?q=`: the clients whose name contains the words asked, found by the
/// application layer (of the official's own organisation; every client found is a logged
/// read).
pub async fn find(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(query): Query<FindQuery>,
) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let q = query.q.trim().to_owned();
    let (found, error, status) = match state.app.find_clients(&s.actor, &q).await {
        Ok(clients) => (
            clients
                .into_iter()
                .map(|c| FoundClient {
                    id: c.id.to_string(),
                    name: format!("{} {}", c.first_name, c.last_name),
                    hetu_masked: c.hetu.masked(),
                })
                .collect(),
            None,
            StatusCode::OK,
        ),
        Err(AppError::Invalid { .. }) => (
            Vec::new(),
            Some(FieldMessage::new(ctx.lang, "q", "find-name-invalid")),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => return Err(PageError::app(&ctx, e)),
    };
    let page = FindPage {
        l: Layout::new(&ctx, "find-title", Some(&s.actor), s.csrf),
        searched: !q.is_empty() && error.is_none(),
        q,
        found,
        hetu: String::new(),
        reason: String::new(),
        error,
    };
    rendered(&ctx, status, &page)
}

#[derive(Debug, Deserialize)]
pub struct LookupForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    hetu: String,
    #[serde(default)]
    reason: String,
}

impl HasCsrf for LookupForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// `POST /clients/lookup`: a client by identity code (posted, so the code stays out of
/// addresses and logs). Another organisation's client is shown only with a stated reason,
/// which becomes the purpose of the access (flagged in the log, as the API does).
pub async fn lookup(State(state): State<AppState>, ctx: PageCtx, body: Bytes) -> PageResult {
    let (s, f): (_, LookupForm) = signed_form(&state, &ctx, &body).await?;
    let again = |key: &str, field: &str, status: StatusCode| -> PageResult {
        let page = FindPage {
            l: Layout::new(&ctx, "find-title", Some(&s.actor), s.csrf.clone()),
            q: String::new(),
            searched: false,
            found: Vec::new(),
            hetu: f.hetu.clone(),
            reason: f.reason.clone(),
            error: Some(FieldMessage::new(ctx.lang, field, key)),
        };
        rendered(&ctx, status, &page)
    };
    let Ok(hetu) = Hetu::parse(f.hetu.trim()) else {
        return again(
            "find-hetu-invalid",
            "hetu",
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let reason = f.reason.trim();
    let purpose = if reason.is_empty() {
        None
    } else {
        match ShortText::parse(reason) {
            Ok(p) => Some(p),
            Err(_) => {
                return again(
                    "find-reason-invalid",
                    "reason",
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
            }
        }
    };
    let actor = s.actor.clone().stating(purpose);
    match state.app.lookup_client(&actor, &hetu).await {
        Ok(client) => {
            render_record(
                &state,
                &ctx,
                &actor,
                s.csrf.clone(),
                client.id,
                0,
                StatusCode::OK,
            )
            .await
        }
        // Not found and not visible without a reason answer alike (the API's rule).
        Err(AppError::NotFound(_)) => again("find-hetu-not-found", "hetu", StatusCode::NOT_FOUND),
        Err(e) => Err(PageError::app(&ctx, e)),
    }
}

/// One entry of the timeline.
#[derive(Debug)]
pub struct TimelineEntry {
    pub id: String,
    pub kind: String,
    pub text: String,
    pub event_at: String,
    pub recorded_at: String,
    pub lag: String,
    /// Recorded more than 5 working days after the event (A6).
    pub late: bool,
    pub author: String,
    /// The address of the entry this one corrects (on whichever timeline page it is).
    pub corrects: Option<String>,
    pub correction_reason: Option<String>,
    /// The address of the entry that corrects this one.
    pub corrected_by: Option<String>,
}

/// Entries on one page of the timeline: a record of years stays a page of tens of kilobytes.
pub const TIMELINE_PAGE: usize = 50;

#[derive(Debug)]
pub struct AppointmentRow {
    pub when: String,
    pub mode: String,
    pub place: String,
}

/// A benefit application in the record's header, with where the statements sent to its payer
/// stand.
#[derive(Debug)]
pub struct ApplicationRow {
    pub payer: String,
    pub from: String,
    /// One line per statement delivery to the payer, e.g. "delivered 3.3.2026 at 10.00".
    pub deliveries: Vec<String>,
}

/// The statement in force for the latest job search, in words, with its decision's
/// provenance page.
#[derive(Debug)]
pub struct StatementRow {
    pub words: String,
    pub decision_id: String,
}

/// The statement in force in the page's language.
pub fn statement_words(lang: Lang, s: &StatementInForce) -> StatementRow {
    let kind = text(lang, &format!("decision-{}", s.kind), &[]);
    let words = match &s.state {
        StatementState::Given {
            outcome,
            effective_date,
            by,
        } => {
            let (outcome_key, by_key) = match by {
                GivenBy::Automated => ("outcome", "statement-by-automated"),
                GivenBy::Official => ("resolution", "statement-by-official"),
                GivenBy::Reconsideration => ("resolution", "statement-by-reconsideration"),
            };
            let outcome = text(lang, &format!("{outcome_key}-{outcome}"), &[]);
            let by = text(lang, by_key, &[]);
            match effective_date {
                Some(d) => text(
                    lang,
                    "statement-given",
                    &[
                        ("kind", &kind),
                        ("outcome", &outcome),
                        ("date", &date(*d)),
                        ("by", &by),
                    ],
                ),
                None => text(
                    lang,
                    "statement-given-undated",
                    &[("kind", &kind), ("outcome", &outcome), ("by", &by)],
                ),
            }
        }
        StatementState::Waiting { target } => {
            let queue = text(
                lang,
                &format!(
                    "queue-{}",
                    target.as_deref().unwrap_or("employment_authority")
                ),
                &[],
            );
            text(
                lang,
                "statement-waiting",
                &[("kind", &kind), ("queue", &queue)],
            )
        }
    };
    StatementRow {
        words,
        decision_id: s.decision.to_string(),
    }
}

/// A decision of the client's in the record, with where its statements are.
#[derive(Debug)]
pub struct DecisionRow {
    pub id: String,
    /// What was decided and when, with the outcome, in words.
    pub summary: String,
    /// A statement has been issued on it (the printable page has something to print).
    pub issued: bool,
}

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    l: Layout,
    client_id: String,
    name: String,
    hetu_masked: String,
    language: String,
    organisation: String,
    contact_method: Option<String>,
    job_search: Option<String>,
    /// The open job search, which the record offers to end.
    open_job_search: bool,
    decisions: Vec<DecisionRow>,
    interview_deadline: Option<String>,
    responsible_expert: Option<String>,
    statement: Option<StatementRow>,
    applications: Vec<ApplicationRow>,
    entries: Vec<TimelineEntry>,
    /// The timeline page shown (from 1) and how many there are.
    page: usize,
    pages: usize,
    appointments: Vec<AppointmentRow>,
}

/// The recording lag in words: hours under a day, else days.
pub fn lag_words(lang: Lang, seconds: i64) -> String {
    let hours = seconds.max(0) / 3600;
    if hours < 24 {
        text(lang, "lag-hours", &[("n", &hours.to_string())])
    } else {
        text(lang, "lag-days", &[("n", &(hours / 24).to_string())])
    }
}

/// Page `page` (from 0, newest first) of the timeline of `entries` (in recorded order), with
/// links between corrections pointing at the page each entry is on.
pub fn timeline(lang: Lang, entries: &[RecordEntry], page: usize) -> Vec<TimelineEntry> {
    let newest_first: Vec<&RecordEntry> = entries.iter().rev().collect();
    let page_of: std::collections::HashMap<kirjuri_domain::EntryId, usize> = newest_first
        .iter()
        .enumerate()
        .map(|(i, r)| (r.entry.id, i / TIMELINE_PAGE))
        .collect();
    let href = |id: kirjuri_domain::EntryId| match page_of.get(&id) {
        Some(&p) if p != page => format!("?page={}#entry-{id}", p + 1),
        _ => format!("#entry-{id}"),
    };
    newest_first
        .iter()
        .skip(page * TIMELINE_PAGE)
        .take(TIMELINE_PAGE)
        .map(|r| {
            let e = &r.entry;
            let late = e.recorded_late();
            TimelineEntry {
                id: e.id.to_string(),
                kind: text(lang, &format!("kind-{}", e.kind.code()), &[]),
                text: e.text.to_string(),
                event_at: date_time(lang, e.event_at),
                recorded_at: date_time(lang, e.recorded_at),
                lag: lag_words(lang, e.recording_lag().num_seconds()),
                late,
                author: e.author_name.to_string(),
                corrects: e.corrects.as_ref().map(|c| href(c.entry_id)),
                correction_reason: e.corrects.as_ref().map(|c| c.reason.to_string()),
                corrected_by: r.corrected_by.map(href),
            }
        })
        .collect()
}

/// Renders a client's record for `actor` (whose stated purpose, if any, covers every read).
pub async fn render_record(
    state: &AppState,
    ctx: &PageCtx,
    actor: &Actor,
    csrf: String,
    client: ClientId,
    page: usize,
    status: StatusCode,
) -> PageResult {
    let app = &state.app;
    let err = |e| PageError::app(ctx, e);
    // Asked together: each use case writes its access-log row, and writes arriving together
    // share one group commit (on SQLite one fsync instead of one per part of the page).
    // The decisions are read once: the statement in force is derived from them.
    let (record, entries, appointments, applications, decisions) = tokio::try_join!(
        app.client_record(actor, client),
        app.entries(actor, client),
        app.appointments(actor, client),
        app.benefit_applications(actor, client),
        app.client_decisions(actor, client),
    )
    .map_err(err)?;
    let statement = in_force(&record.job_searches, &decisions);
    let lang = ctx.lang;
    let deliveries = if applications.is_empty() {
        Vec::new()
    } else {
        app.deliveries(actor, client).await.map_err(err)?
    };
    let applications = applications
        .iter()
        .map(|a| ApplicationRow {
            payer: match lang {
                Lang::Sv => a.payer.name_sv.to_string(),
                _ => a.payer.name_fi.to_string(),
            },
            from: date(a.application.from_date),
            deliveries: deliveries
                .iter()
                .filter(|d| d.payer_id == a.payer.id)
                .map(|d| {
                    let key = match d.statement_kind.as_str() {
                        "decision" | "official_step" => "statement-kind-decision",
                        "reconsideration" => "statement-kind-reconsideration",
                        _ => "statement-kind-other",
                    };
                    let kind = text(lang, key, &[]);
                    let state = match (&d.receipt, &d.last_failure) {
                        (Some(r), _) => text(
                            lang,
                            "delivery-delivered",
                            &[("at", &date_time(lang, r.delivered_at))],
                        ),
                        (None, Some(f)) => text(
                            lang,
                            "delivery-retrying",
                            &[
                                ("n", &d.attempts.to_string()),
                                ("at", &date_time(lang, f.retry_at)),
                            ],
                        ),
                        (None, None) => text(lang, "delivery-pending", &[]),
                    };
                    format!("{kind}: {state}")
                })
                .collect(),
        })
        .collect();
    let c = &record.client;
    let organisation = match lang {
        Lang::Sv => record.organisation.name_sv.to_string(),
        _ => record.organisation.name_fi.to_string(),
    };
    let page = RecordPage {
        l: Layout::new(ctx, "record-title", Some(actor), csrf),
        client_id: c.id.to_string(),
        name: format!("{} {}", c.first_name, c.last_name),
        hetu_masked: c.hetu.masked(),
        language: text(lang, &format!("language-{}", c.language.code()), &[]),
        organisation,
        contact_method: record
            .contact_method
            .as_ref()
            .map(|m| text(lang, &format!("contact-{}", m.method.code()), &[])),
        job_search: record.job_search.as_ref().map(|j| {
            text(
                lang,
                "record-job-search-since",
                &[("date", &date(j.start_date))],
            )
        }),
        open_job_search: record.job_search.is_some(),
        decisions: decisions
            .iter()
            .rev()
            .map(|d| {
                let stored = &d.stored.decision;
                let official = d.official_statement.as_ref().map(|o| &o.resolution);
                // As last given: a statement changed on reconsideration shows its new outcome.
                let outcome = match state_of(d) {
                    StatementState::Given {
                        outcome,
                        by: GivenBy::Automated,
                        ..
                    } => text(lang, &format!("outcome-{outcome}"), &[]),
                    StatementState::Given { outcome, .. } => {
                        text(lang, &format!("resolution-{outcome}"), &[])
                    }
                    StatementState::Waiting { .. } => text(lang, "record-decision-waiting", &[]),
                };
                DecisionRow {
                    id: d.stored.id.to_string(),
                    summary: format!(
                        "{} {}: {outcome}",
                        text(lang, &format!("decision-{}", stored.kind), &[]),
                        date(stored.decision_date),
                    ),
                    issued: stored.document.is_some() || official.is_some(),
                }
            })
            .collect(),
        interview_deadline: record.initial_interview_deadline.map(date),
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
        statement: statement.as_ref().map(|s| statement_words(lang, s)),
        applications,
        entries: timeline(lang, &entries, page),
        page: page + 1,
        pages: entries.len().div_ceil(TIMELINE_PAGE).max(1),
        appointments: appointments
            .iter()
            .map(|a| AppointmentRow {
                when: format!(
                    "{} {} {}",
                    date(a.date),
                    text(lang, "time-at", &[]),
                    time(a.time)
                ),
                mode: text(lang, &format!("mode-{}", a.mode.code()), &[]),
                place: match &a.mode {
                    kirjuri_domain::AppointmentMode::Phone { phone_number } => phone_number
                        .as_ref()
                        .map(|p| p.to_string())
                        .unwrap_or_default(),
                    kirjuri_domain::AppointmentMode::Video { link } => {
                        link.as_ref().map(|p| p.to_string()).unwrap_or_default()
                    }
                    kirjuri_domain::AppointmentMode::Visit { address } => address.to_string(),
                },
            })
            .collect(),
    };
    rendered(ctx, status, &page)
}

/// A client id in a page address; one that does not parse names nothing.
pub fn client_id(ctx: &PageCtx, s: &str) -> Result<ClientId, PageError> {
    s.parse()
        .map_err(|_| PageError::new(ctx, PageErrorKind::NotFound))
}

#[derive(Debug, Deserialize)]
pub struct RecordQuery {
    /// The timeline page, from 1 (newest entries); anything else is the first page.
    #[serde(default)]
    page: Option<String>,
}

/// `GET /clients/{id}?page=`: the client's record, the timeline a page at a time.
pub async fn record(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Query(query): Query<RecordQuery>,
) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let client = client_id(&ctx, &id)?;
    let page = query
        .page
        .and_then(|p| p.parse::<usize>().ok())
        .map_or(0, |p| p.saturating_sub(1));
    render_record(&state, &ctx, &s.actor, s.csrf, client, page, StatusCode::OK).await
}

//! Writing an entry. Without script the form has two buttons: "check" runs the entry-quality
//! checker and shows its findings at their place in the text, "save" writes the entry through
//! the same use case as the API (which checks again). A blocking finding keeps the entry
//! unsaved and the form shows the text exactly as it was sent.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use kirjuri_app::AppError;
use kirjuri_domain::{
    Correction, EntryDetails, EntryId, EntryKind, EntryText, NewEntry, ShortText,
};
use kirjuri_quality::{Context, Finding, Report, Severity};
use serde::Deserialize;

use super::error::{rendered, see_other, PageError, PageErrorKind, PageResult};
use super::i18n::{text, Lang};
use super::layout::{date_time, Layout, PageCtx, Signed};
use super::record::{client_id, FieldMessage};
use super::session::{signed, signed_form, HasCsrf};
use crate::AppState;

/// A piece of the checked text: plain, or marked with the number of its finding.
#[derive(Debug)]
pub struct Segment {
    pub text: String,
    pub finding: Option<usize>,
}

/// A finding as the form lists it.
#[derive(Debug)]
pub struct FindingRow {
    pub number: usize,
    pub blocks: bool,
    pub matched: String,
    pub message: String,
    pub suggestion: Option<String>,
}

#[derive(Debug)]
pub struct KindOption {
    pub code: &'static str,
    pub label: String,
    pub selected: bool,
}

/// The entry a correction corrects (A5), as the form names it.
#[derive(Debug)]
pub struct CorrectsInfo {
    pub id: String,
    /// Its type and event time in words.
    pub label: String,
}

#[derive(Template)]
#[template(path = "entry.html")]
struct EntryPage {
    corrects: Option<CorrectsInfo>,
    correction_reason: String,
    l: Layout,
    client_id: String,
    client_name: String,
    /// The client's language, in which the text is checked (also while typing).
    client_language: String,
    kinds: Vec<KindOption>,
    event_date: String,
    event_time: String,
    text: String,
    follow_up: String,
    service: String,
    checked: bool,
    blocked: bool,
    segments: Vec<Segment>,
    findings: Vec<FindingRow>,
    errors: Vec<FieldMessage>,
}

pub fn message(lang: Lang, f: &Finding) -> (String, Option<String>) {
    let m = match lang {
        Lang::Fi => f.message.fi.clone(),
        Lang::Sv => f.message.sv.clone(),
        Lang::En => f.message.en.clone(),
    };
    let s = f.suggestion.as_ref().map(|s| match lang {
        Lang::Sv => s.sv.clone(),
        _ => s.fi.clone(),
    });
    (m, s)
}

/// The text cut at the findings' character ranges (overlapping findings are listed, and the
/// first of them marked).
pub fn mark(textv: &str, report: &Report, lang: Lang) -> (Vec<Segment>, Vec<FindingRow>) {
    let chars: Vec<char> = textv.chars().collect();
    let mut order: Vec<&Finding> = report.findings.iter().collect();
    order.sort_by_key(|f| (f.chars.start, f.chars.end));
    let mut segments = Vec::new();
    let mut rows = Vec::new();
    let mut at = 0;
    for (i, f) in order.iter().enumerate() {
        let number = i + 1;
        let (msg, suggestion) = message(lang, f);
        rows.push(FindingRow {
            number,
            blocks: f.severity == Severity::Block,
            matched: f.matched.clone(),
            message: msg,
            suggestion,
        });
        let (start, end) = (f.chars.start.min(chars.len()), f.chars.end.min(chars.len()));
        if start < at || end <= start {
            continue;
        }
        if start > at {
            segments.push(Segment {
                text: chars[at..start].iter().collect(),
                finding: None,
            });
        }
        segments.push(Segment {
            text: chars[start..end].iter().collect(),
            finding: Some(number),
        });
        at = end;
    }
    if at < chars.len() {
        segments.push(Segment {
            text: chars[at..].iter().collect(),
            finding: None,
        });
    }
    (segments, rows)
}

fn kinds(lang: Lang, selected: &str) -> Vec<KindOption> {
    EntryKind::ALL
        .iter()
        .map(|k| KindOption {
            code: k.code(),
            label: text(lang, &format!("kind-{}", k.code()), &[]),
            selected: k.code() == selected,
        })
        .collect()
}

#[derive(Debug, Deserialize, Default)]
pub struct EntryForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    entry_type: String,
    #[serde(default)]
    event_date: String,
    #[serde(default)]
    event_time: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    follow_up: String,
    #[serde(default)]
    service: String,
    /// The id of the entry this one corrects (empty for a new entry).
    #[serde(default)]
    corrects: String,
    #[serde(default)]
    correction_reason: String,
    /// `check` or `save`.
    #[serde(default)]
    action: String,
}

impl HasCsrf for EntryForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

struct Rendered<'a> {
    checked: bool,
    blocked: bool,
    report: Option<&'a Report>,
    errors: Vec<FieldMessage>,
    /// The entry being corrected when the caller has already read it (the empty correction
    /// form); otherwise [`page`] reads it from the form's `corrects`.
    corrected: Option<kirjuri_domain::Entry>,
}

async fn page(
    state: &AppState,
    ctx: &PageCtx,
    s: &Signed,
    client: kirjuri_domain::ClientId,
    f: &EntryForm,
    r: Rendered<'_>,
    status: StatusCode,
) -> PageResult {
    let record = state
        .app
        .client_record(&s.actor, client)
        .await
        .map_err(|e| PageError::app(ctx, e))?;
    let corrected = match r.corrected {
        Some(e) => Some(e),
        None => corrected_entry(state, ctx, s, client, &f.corrects).await?,
    };
    let corrects = match corrected {
        Some(e) => Some(CorrectsInfo {
            id: e.id.to_string(),
            label: corrects_label(ctx.lang, &e),
        }),
        None => None,
    };
    let (segments, findings) = match r.report {
        Some(rep) => mark(&f.text, rep, ctx.lang),
        None => (Vec::new(), Vec::new()),
    };
    let now = state
        .app
        .clock()
        .now()
        .with_timezone(&kirjuri_domain::time::HELSINKI);
    let p = EntryPage {
        corrects,
        correction_reason: f.correction_reason.clone(),
        l: Layout::new(ctx, "entry-title", Some(&s.actor), s.csrf.clone()),
        client_id: client.to_string(),
        client_name: format!("{} {}", record.client.first_name, record.client.last_name),
        client_language: record.client.language.code().to_owned(),
        kinds: kinds(
            ctx.lang,
            if f.entry_type.is_empty() {
                "contact"
            } else {
                &f.entry_type
            },
        ),
        event_date: if f.event_date.is_empty() {
            now.format("%Y-%m-%d").to_string()
        } else {
            f.event_date.clone()
        },
        event_time: if f.event_time.is_empty() {
            now.format("%H:%M").to_string()
        } else {
            f.event_time.clone()
        },
        text: f.text.clone(),
        follow_up: f.follow_up.clone(),
        service: f.service.clone(),
        checked: r.checked,
        blocked: r.blocked,
        segments,
        findings,
        errors: r.errors,
    };
    rendered(ctx, status, &p)
}

/// The query of the entry form: `?corrects=ENTRY_ID` opens it as a correction of that entry.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct NewEntryQuery {
    #[serde(default)]
    corrects: Option<String>,
}

/// The client's entry `id` that a correction may correct: one of the client's entries, not
/// already corrected (a correction of a correction corrects the latest one). Not found
/// otherwise, as a page: nothing is written.
async fn corrected_entry(
    state: &AppState,
    ctx: &PageCtx,
    s: &Signed,
    client: kirjuri_domain::ClientId,
    id: &str,
) -> Result<Option<kirjuri_domain::Entry>, PageError> {
    if id.is_empty() {
        return Ok(None);
    }
    let not_found = || PageError::new(ctx, PageErrorKind::NotFound);
    let id: EntryId = id.parse().map_err(|_| not_found())?;
    let entries = state
        .app
        .entries(&s.actor, client)
        .await
        .map_err(|e| PageError::app(ctx, e))?;
    entries
        .into_iter()
        .find(|e| e.entry.id == id && e.corrected_by.is_none())
        .map(|e| Some(e.entry))
        .ok_or_else(not_found)
}

fn corrects_label(lang: Lang, e: &kirjuri_domain::Entry) -> String {
    format!(
        "{} · {}",
        text(lang, &format!("kind-{}", e.kind.code()), &[]),
        date_time(lang, e.event_at)
    )
}

/// `GET /clients/{id}/entries/new`: the empty form, or with `?corrects=` the form to correct
/// an entry, filled with what it said.
pub async fn new_entry(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let client = client_id(&ctx, &id)?;
    let q: NewEntryQuery = serde_urlencoded::from_str(query.as_deref().unwrap_or(""))
        .map_err(|_| PageError::new(&ctx, PageErrorKind::BadRequest))?;
    let mut form = EntryForm::default();
    let mut corrected = None;
    if let Some(c) = q.corrects {
        let old = corrected_entry(&state, &ctx, &s, client, &c)
            .await?
            .ok_or_else(|| PageError::new(&ctx, PageErrorKind::NotFound))?;
        let at = old.event_at.with_timezone(&kirjuri_domain::time::HELSINKI);
        form = EntryForm {
            entry_type: old.kind.code().to_owned(),
            event_date: at.format("%Y-%m-%d").to_string(),
            event_time: at.format("%H:%M").to_string(),
            text: old.text.as_str().to_owned(),
            follow_up: old
                .details
                .follow_up_dates
                .first()
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            service: old
                .details
                .service
                .as_ref()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            corrects: c,
            ..EntryForm::default()
        };
        corrected = Some(old);
    }
    let none = Rendered {
        checked: false,
        blocked: false,
        report: None,
        errors: Vec::new(),
        corrected,
    };
    page(&state, &ctx, &s, client, &form, none, StatusCode::OK).await
}

/// An application-layer field error at the form field it concerns.
fn app_field_error(lang: Lang, field: &str) -> FieldMessage {
    match field {
        "follow_up_dates" => FieldMessage::new(lang, "follow_up", "entry-error-follow-up"),
        "service" => FieldMessage::new(lang, "service", "entry-error-service"),
        "text" => FieldMessage::new(lang, "text", "entry-error-text"),
        "entry_type" => FieldMessage::new(lang, "entry_type", "entry-error-type"),
        "corrects.reason" => {
            FieldMessage::new(lang, "correction_reason", "entry-error-correction-reason")
        }
        "corrects.entry_id" | "corrects" => FieldMessage::new(lang, "text", "entry-error-corrects"),
        _ => FieldMessage::new(lang, "event_date", "entry-error-event"),
    }
}

/// The form's fields as domain values, or the errors to show at the fields.
fn parse(
    lang: Lang,
    client: kirjuri_domain::ClientId,
    f: &EntryForm,
) -> Result<(EntryKind, NewEntry), Vec<FieldMessage>> {
    let mut errors = Vec::new();
    let kind = f.entry_type.parse::<EntryKind>().ok();
    if kind.is_none() {
        errors.push(FieldMessage::new(lang, "entry_type", "entry-error-type"));
    }
    let text_value = EntryText::parse(&f.text).ok();
    if text_value.is_none() {
        errors.push(FieldMessage::new(lang, "text", "entry-error-text"));
    }
    let event_at = NaiveDate::parse_from_str(f.event_date.trim(), "%Y-%m-%d")
        .ok()
        .zip(NaiveTime::parse_from_str(f.event_time.trim(), "%H:%M").ok())
        .and_then(|(d, t)| {
            kirjuri_domain::time::HELSINKI
                .from_local_datetime(&d.and_time(t))
                .single()
        })
        .map(|t| t.with_timezone(&Utc));
    if event_at.is_none() {
        errors.push(FieldMessage::new(lang, "event_date", "entry-error-event"));
    }
    let follow_up_dates = if f.follow_up.trim().is_empty() {
        Vec::new()
    } else {
        match NaiveDate::parse_from_str(f.follow_up.trim(), "%Y-%m-%d") {
            Ok(d) => vec![d],
            Err(_) => {
                errors.push(FieldMessage::new(
                    lang,
                    "follow_up",
                    "entry-error-follow-up",
                ));
                Vec::new()
            }
        }
    };
    let service = if f.service.trim().is_empty() {
        None
    } else {
        match kirjuri_domain::ShortText::parse(f.service.trim()) {
            Ok(s) => Some(s),
            Err(_) => {
                errors.push(FieldMessage::new(lang, "service", "entry-error-service"));
                None
            }
        }
    };
    let corrects = if f.corrects.is_empty() {
        None
    } else {
        let id = f.corrects.parse::<EntryId>().ok();
        let reason = ShortText::parse(&f.correction_reason).ok();
        if id.is_none() {
            errors.push(FieldMessage::new(lang, "text", "entry-error-corrects"));
        }
        if reason.is_none() {
            errors.push(FieldMessage::new(
                lang,
                "correction_reason",
                "entry-error-correction-reason",
            ));
        }
        id.zip(reason)
            .map(|(entry_id, reason)| Correction { entry_id, reason })
    };
    let (Some(kind), Some(text_value), Some(event_at), true) =
        (kind, text_value, event_at, errors.is_empty())
    else {
        return Err(errors);
    };
    let details = EntryDetails {
        follow_up_dates,
        service,
    };
    NewEntry::new(client, kind, text_value, event_at, details, corrects)
        .map(|n| (kind, n))
        .map_err(|e| vec![app_field_error(lang, kirjuri_app::entry_error_field(&e))])
}

/// `POST /clients/{id}/entries`: checks (`action=check`) or saves the entry.
pub async fn post_entry(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let (s, f): (Signed, EntryForm) = signed_form(&state, &ctx, &body).await?;
    let client = client_id(&ctx, &id)?;
    let (kind, new) = match parse(ctx.lang, client, &f) {
        Ok(v) => v,
        Err(errors) => {
            let r = Rendered {
                checked: false,
                blocked: false,
                report: None,
                errors,
                corrected: None,
            };
            return page(
                &state,
                &ctx,
                &s,
                client,
                &f,
                r,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    if f.action == "check" {
        let record = state
            .app
            .client_record(&s.actor, client)
            .await
            .map_err(|e| PageError::app(&ctx, e))?;
        let report = state
            .app
            .check_text(
                &s.actor,
                &f.text,
                &Context::entry(kind, record.client.language),
            )
            .map_err(|e| PageError::app(&ctx, e))?;
        let r = Rendered {
            checked: true,
            blocked: report.blocks(),
            report: Some(&report),
            errors: Vec::new(),
            corrected: None,
        };
        return page(&state, &ctx, &s, client, &f, r, StatusCode::OK).await;
    }
    match state.app.write_entry(&s.actor, new).await {
        Ok(written) => Ok(see_other(&format!(
            "/clients/{client}#entry-{}",
            written.entry.id
        ))),
        Err(AppError::Blocked { report, .. }) => {
            let r = Rendered {
                checked: true,
                blocked: true,
                report: Some(&report),
                errors: Vec::new(),
                corrected: None,
            };
            page(
                &state,
                &ctx,
                &s,
                client,
                &f,
                r,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(AppError::Invalid { field, .. }) => {
            let r = Rendered {
                checked: false,
                blocked: false,
                report: None,
                errors: vec![app_field_error(ctx.lang, &field)],
                corrected: None,
            };
            page(
                &state,
                &ctx,
                &s,
                client,
                &f,
                r,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(PageError::app(&ctx, e)),
    }
}

//! Recording the client's contact method (A9) and setting the responsible expert (A8): forms
//! whose values are read by the JSON API's own wire parsers and written through the same use
//! cases (`agree_contact_method`, `assign_responsible_expert`). Bad input shows the form again
//! with an error summary and writes nothing; a saved form returns to the record.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kirjuri_app::AppError;
use kirjuri_domain::ClientId;
use serde::Deserialize;

use super::error::{rendered, see_other, PageError, PageResult};
use super::i18n::text;
use super::layout::{helsinki_date, Layout, PageCtx, Signed};
use super::record::{client_id, FieldMessage};
use super::session::{signed, signed_form, HasCsrf};
use crate::wire::{ContactMethodRequest, ResponsibleExpertRequest};
use crate::AppState;

/// The contact methods offered, in the order shown.
const METHODS: [&str; 5] = ["online", "phone", "video", "visit", "letter"];

/// An option of a select: value, label, selected.
type Choice = (String, String, bool);

#[derive(Template)]
#[template(path = "contact_method.html")]
struct ContactMethodPage {
    l: Layout,
    client_id: String,
    client_name: String,
    methods: Vec<Choice>,
    agreed_on: String,
    note: String,
    email: String,
    errors: Vec<FieldMessage>,
}

#[derive(Debug, Deserialize, Default)]
pub struct ContactMethodForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    agreed_on: String,
    #[serde(default)]
    note: String,
    /// Where notices go (issue 13): empty for none.
    #[serde(default)]
    email: String,
}

impl HasCsrf for ContactMethodForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

fn today(state: &AppState) -> String {
    helsinki_date(state.app.clock().now())
        .format("%Y-%m-%d")
        .to_string()
}

fn client_name(c: &kirjuri_domain::Client) -> String {
    format!("{} {}", c.first_name, c.last_name)
}

async fn contact_page(
    state: &AppState,
    ctx: &PageCtx,
    s: &Signed,
    client: ClientId,
    f: &ContactMethodForm,
    errors: Vec<FieldMessage>,
    status: StatusCode,
) -> PageResult {
    let record = state
        .app
        .client_record(&s.actor, client)
        .await
        .map_err(|e| PageError::app(ctx, e))?;
    // The method in force is the one offered, until the official chooses another.
    let chosen = if f.method.is_empty() {
        record
            .contact_method
            .as_ref()
            .map(|m| m.method.code().to_owned())
            .unwrap_or_default()
    } else {
        f.method.clone()
    };
    let page = ContactMethodPage {
        l: Layout::new(ctx, "contact-form-title", Some(&s.actor), s.csrf.clone()),
        client_id: client.to_string(),
        client_name: client_name(&record.client),
        methods: METHODS
            .iter()
            .map(|m| {
                (
                    (*m).to_owned(),
                    text(ctx.lang, &format!("contact-{m}"), &[]),
                    *m == chosen,
                )
            })
            .collect(),
        agreed_on: if f.agreed_on.is_empty() && errors.is_empty() {
            today(state)
        } else {
            f.agreed_on.clone()
        },
        note: f.note.clone(),
        // The address in force is offered again, so that re-recording the agreement (to change
        // the note, say) does not silently stop the client's notices.
        email: if f.method.is_empty() && errors.is_empty() {
            record
                .contact_method
                .as_ref()
                .and_then(|m| m.email.as_ref())
                .map(|e| e.as_str().to_owned())
                .unwrap_or_default()
        } else {
            f.email.clone()
        },
        errors,
    };
    rendered(ctx, status, &page)
}

/// `GET /clients/{id}/contact-method/new`.
pub async fn new_contact_method(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let client = client_id(&ctx, &id)?;
    let f = ContactMethodForm::default();
    contact_page(&state, &ctx, &s, client, &f, Vec::new(), StatusCode::OK).await
}

/// The form field a contact-method error concerns, and its message.
fn contact_error(ctx: &PageCtx, field: &str) -> FieldMessage {
    let (at, key) = match field {
        "method" => ("method", "contact-form-error-method"),
        "note" => ("note", "contact-form-error-note"),
        "email" => ("email", "contact-form-error-email"),
        _ => ("agreed_on", "contact-form-error-date"),
    };
    FieldMessage::new(ctx.lang, at, key)
}

/// `POST /clients/{id}/contact-method`: records the agreement and returns to the record.
pub async fn agree_contact_method(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let (s, f): (Signed, ContactMethodForm) = signed_form(&state, &ctx, &body).await?;
    let client = client_id(&ctx, &id)?;
    let again = |field: &str| {
        let errors = vec![contact_error(&ctx, field)];
        contact_page(
            &state,
            &ctx,
            &s,
            client,
            &f,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let note = f.note.trim();
    let req = ContactMethodRequest {
        method: f.method.trim().to_owned(),
        agreed_on: f.agreed_on.trim().to_owned(),
        note: (!note.is_empty()).then(|| note.to_owned()),
        email: Some(f.email.clone()),
    };
    let ((method, agreed_on, note), email) =
        match req.parse().and_then(|p| Ok((p, req.parse_email()?))) {
            Ok(p) => p,
            Err(e) => return again(&e.field).await,
        };
    match state
        .app
        .agree_contact_method_with_email(&s.actor, client, method, agreed_on, note, email)
        .await
    {
        Ok(_) => Ok(see_other(&format!("/clients/{client}"))),
        Err(AppError::Invalid { field, .. }) => again(&field).await,
        Err(e) => Err(PageError::app(&ctx, e)),
    }
}

#[derive(Template)]
#[template(path = "expert.html")]
struct ExpertPage {
    l: Layout,
    client_id: String,
    client_name: String,
    current: Option<String>,
    officials: Vec<Choice>,
    from: String,
    errors: Vec<FieldMessage>,
}

#[derive(Debug, Deserialize, Default)]
pub struct ExpertForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    official_id: String,
    #[serde(default)]
    from: String,
}

impl HasCsrf for ExpertForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

async fn expert_page(
    state: &AppState,
    ctx: &PageCtx,
    s: &Signed,
    client: ClientId,
    f: &ExpertForm,
    errors: Vec<FieldMessage>,
    status: StatusCode,
) -> PageResult {
    let app = &state.app;
    let (record, officials) = tokio::try_join!(
        app.client_record(&s.actor, client),
        app.expert_candidates(&s.actor, client),
    )
    .map_err(|e| PageError::app(ctx, e))?;
    let current = record.responsible_expert.as_ref();
    let chosen = if f.official_id.is_empty() {
        current
            .map(|r| r.official_id.to_string())
            .unwrap_or_default()
    } else {
        f.official_id.clone()
    };
    let page = ExpertPage {
        l: Layout::new(ctx, "expert-form-title", Some(&s.actor), s.csrf.clone()),
        client_id: client.to_string(),
        client_name: client_name(&record.client),
        current: current.map(|r| {
            text(
                ctx.lang,
                "record-expert-since",
                &[
                    ("name", &r.official_name.to_string()),
                    ("date", &super::layout::date(r.from)),
                ],
            )
        }),
        officials: officials
            .iter()
            .map(|u| {
                let id = u.id.to_string();
                let selected = id == chosen;
                (id, u.display_name.to_string(), selected)
            })
            .collect(),
        from: if f.from.is_empty() && errors.is_empty() {
            today(state)
        } else {
            f.from.clone()
        },
        errors,
    };
    rendered(ctx, status, &page)
}

/// `GET /clients/{id}/responsible-expert/new`.
pub async fn new_expert(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let client = client_id(&ctx, &id)?;
    let f = ExpertForm::default();
    expert_page(&state, &ctx, &s, client, &f, Vec::new(), StatusCode::OK).await
}

/// The form field a responsible-expert error concerns, and its message.
fn expert_error(ctx: &PageCtx, field: &str) -> FieldMessage {
    let (at, key) = match field {
        "from" => ("from", "expert-form-error-date"),
        _ => ("official_id", "expert-form-error-official"),
    };
    FieldMessage::new(ctx.lang, at, key)
}

/// `POST /clients/{id}/responsible-expert`: assigns the expert and returns to the record.
pub async fn assign_expert(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let (s, f): (Signed, ExpertForm) = signed_form(&state, &ctx, &body).await?;
    let client = client_id(&ctx, &id)?;
    let again = |field: &str, status: StatusCode| {
        let errors = vec![expert_error(&ctx, field)];
        expert_page(&state, &ctx, &s, client, &f, errors, status)
    };
    let req = ResponsibleExpertRequest {
        official_id: f.official_id.trim().to_owned(),
        from: f.from.trim().to_owned(),
    };
    let (official, from) = match req.parse() {
        Ok(p) => p,
        Err(e) => return again(&e.field, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    match state
        .app
        .assign_responsible_expert(&s.actor, client, official, from)
        .await
    {
        Ok(_) => Ok(see_other(&format!("/clients/{client}"))),
        Err(AppError::Invalid { field, .. }) => {
            again(&field, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        // No such account (one of another organisation is `Invalid` above).
        Err(AppError::NotFound("official")) => {
            again("official_id", StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(PageError::app(&ctx, e)),
    }
}

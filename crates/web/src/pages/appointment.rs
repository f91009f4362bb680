//! Booking an appointment (A12): date and time in Finnish time, duration, and how it is held
//! (phone number, video link or the office's address). The form's values are read by the same
//! wire parser as the API's, and the appointment is booked through the same use case.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kirjuri_app::AppError;
use serde::Deserialize;

use super::error::{rendered, see_other, PageError, PageResult};
use super::i18n::text;
use super::layout::{Layout, PageCtx, Signed};
use super::record::{client_id, FieldMessage};
use super::session::{signed, signed_form, HasCsrf};
use crate::wire::{AppointmentModeRequest, NewAppointmentRequest};
use crate::AppState;

#[derive(Template)]
#[template(path = "appointment.html")]
struct AppointmentPage {
    l: Layout,
    client_id: String,
    client_name: String,
    date: String,
    time: String,
    duration: String,
    modes: Vec<(&'static str, String, bool)>,
    place: String,
    errors: Vec<FieldMessage>,
}

#[derive(Debug, Deserialize, Default)]
pub struct AppointmentForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    duration: String,
    #[serde(default)]
    mode: String,
    /// The phone number, the video link or the address, by mode.
    #[serde(default)]
    place: String,
}

impl HasCsrf for AppointmentForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

async fn page(
    state: &AppState,
    ctx: &PageCtx,
    s: &Signed,
    client: kirjuri_domain::ClientId,
    f: &AppointmentForm,
    errors: Vec<FieldMessage>,
    status: StatusCode,
) -> PageResult {
    let record = state
        .app
        .client_record(&s.actor, client)
        .await
        .map_err(|e| PageError::app(ctx, e))?;
    let chosen = if f.mode.is_empty() {
        "visit"
    } else {
        f.mode.as_str()
    };
    let p = AppointmentPage {
        l: Layout::new(ctx, "appointment-title", Some(&s.actor), s.csrf.clone()),
        client_id: client.to_string(),
        client_name: format!("{} {}", record.client.first_name, record.client.last_name),
        date: f.date.clone(),
        time: f.time.clone(),
        duration: if f.duration.is_empty() {
            "45".into()
        } else {
            f.duration.clone()
        },
        modes: ["visit", "phone", "video"]
            .iter()
            .map(|m| (*m, text(ctx.lang, &format!("mode-{m}"), &[]), *m == chosen))
            .collect(),
        place: f.place.clone(),
        errors,
    };
    rendered(ctx, status, &p)
}

/// `GET /clients/{id}/appointments/new`.
pub async fn new_appointment(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let client = client_id(&ctx, &id)?;
    page(
        &state,
        &ctx,
        &s,
        client,
        &AppointmentForm::default(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

/// The form field an API field error concerns, and its message.
fn field_message(ctx: &PageCtx, field: &str) -> FieldMessage {
    let (at, key) = match field {
        "date" => ("date", "appointment-error-date"),
        "time" => ("time", "appointment-error-time"),
        "duration_minutes" => ("duration", "appointment-error-duration"),
        "mode.kind" => ("mode", "appointment-error-mode"),
        _ => ("place", "appointment-error-place"),
    };
    FieldMessage::new(ctx.lang, at, key)
}

/// `POST /clients/{id}/appointments`: books it and returns to the record.
pub async fn book(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let (s, f): (Signed, AppointmentForm) = signed_form(&state, &ctx, &body).await?;
    let client = client_id(&ctx, &id)?;
    let place = (!f.place.trim().is_empty()).then(|| f.place.trim().to_owned());
    let Ok(duration) = f.duration.trim().parse::<u32>() else {
        let errors = vec![field_message(&ctx, "duration_minutes")];
        return page(
            &state,
            &ctx,
            &s,
            client,
            &f,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let req = NewAppointmentRequest {
        date: f.date.trim().to_owned(),
        time: f.time.trim().to_owned(),
        duration_minutes: duration,
        official_id: Some(s.actor.user.id.to_string()),
        mode: AppointmentModeRequest {
            kind: f.mode.clone(),
            phone_number: place.clone().filter(|_| f.mode == "phone"),
            link: place.clone().filter(|_| f.mode == "video"),
            address: place.filter(|_| f.mode == "visit"),
        },
    };
    let new = match req.into_domain(client) {
        Ok(n) => n,
        Err(e) => {
            let errors = vec![field_message(&ctx, &e.field)];
            return page(
                &state,
                &ctx,
                &s,
                client,
                &f,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match state.app.book_appointment(&s.actor, new).await {
        Ok(_) => Ok(see_other(&format!("/clients/{client}#appointments"))),
        Err(AppError::Invalid { field, .. }) => {
            let errors = vec![field_message(&ctx, &field)];
            page(
                &state,
                &ctx,
                &s,
                client,
                &f,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(PageError::app(&ctx, e)),
    }
}

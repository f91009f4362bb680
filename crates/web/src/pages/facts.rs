//! Recording the client's register facts (B4; issue 12 item 7): what the income register, the
//! study registers, the trade register and the population information say, the right to work,
//! a vocational qualification and a partial disability pension, as an official reads them.
//! The form shows the facts in force (read through the app's logged use case) with who recorded
//! them and when; the answers are read by the JSON API's own wire type and written through the
//! same use case (`set_register_facts`). A question left unanswered shows the form again with
//! an error summary and writes nothing; saved facts return to the record.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kirjuri_app::model::RegisterFacts;
use kirjuri_app::AppError;
use kirjuri_domain::ClientId;
use kirjuri_rules::RightToWork;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::error::{rendered, see_other, PageError, PageResult};
use super::i18n::{text, Lang};
use super::jobsearch::{Choice, Question};
use super::layout::{date_time, Layout, PageCtx, Signed};
use super::record::{client_id, FieldMessage};
use super::session::{signed, signed_form, HasCsrf};
use crate::wire::statements::RegisterFactsRequest;
use crate::AppState;

/// The yes/no questions, in the order shown (the wire type's field names).
const YES_NO_FACTS: [&str; 6] = [
    "employment_continues",
    "active_degree_studies",
    "active_business",
    "resides_in_finland",
    "vocational_qualification",
    "partial_disability_pension",
];
const YES_NO: &[&str] = &["yes", "no"];

#[derive(Template)]
#[template(path = "register_facts.html")]
struct FactsPage {
    l: Layout,
    client_id: String,
    client_name: String,
    /// Who recorded the facts in force and when, if any are recorded.
    recorded: Option<String>,
    questions: Vec<Question>,
    errors: Vec<FieldMessage>,
}

#[derive(Debug, Deserialize, Default, Clone)]
pub struct FactsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    employment_continues: Option<String>,
    #[serde(default)]
    active_degree_studies: Option<String>,
    #[serde(default)]
    active_business: Option<String>,
    #[serde(default)]
    resides_in_finland: Option<String>,
    #[serde(default)]
    right_to_work: Option<String>,
    #[serde(default)]
    vocational_qualification: Option<String>,
    #[serde(default)]
    partial_disability_pension: Option<String>,
}

impl HasCsrf for FactsForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

impl FactsForm {
    /// The answer given to a question of the form, by its name.
    fn answer(&self, name: &str) -> Option<&str> {
        match name {
            "employment_continues" => self.employment_continues.as_deref(),
            "active_degree_studies" => self.active_degree_studies.as_deref(),
            "active_business" => self.active_business.as_deref(),
            "resides_in_finland" => self.resides_in_finland.as_deref(),
            "right_to_work" => self.right_to_work.as_deref(),
            "vocational_qualification" => self.vocational_qualification.as_deref(),
            "partial_disability_pension" => self.partial_disability_pension.as_deref(),
            _ => None,
        }
    }

    /// The form filled in with the facts in force.
    fn from_facts(f: &RegisterFacts) -> Self {
        let yn = |b: bool| Some(if b { "yes" } else { "no" }.to_owned());
        Self {
            csrf: String::new(),
            employment_continues: yn(f.employment_continues),
            active_degree_studies: yn(f.active_degree_studies),
            active_business: yn(f.active_business),
            resides_in_finland: yn(f.resides_in_finland),
            right_to_work: Some(f.right_to_work.clone()),
            vocational_qualification: yn(f.vocational_qualification),
            partial_disability_pension: yn(f.partial_disability_pension),
        }
    }
}

/// The values of a question: yes/no, or the right-to-work classes of the contract.
fn values(name: &str) -> &'static [&'static str] {
    if name == "right_to_work" {
        RightToWork::NAMES
    } else {
        YES_NO
    }
}

/// The anchor of a question in the error summary: its first radio button.
fn anchor(name: &str) -> String {
    format!("{name}-{}", values(name).first().copied().unwrap_or("yes"))
}

/// Every question's name, in the order shown.
fn names() -> impl Iterator<Item = &'static str> {
    YES_NO_FACTS[..4]
        .iter()
        .copied()
        .chain(std::iter::once("right_to_work"))
        .chain(YES_NO_FACTS[4..].iter().copied())
}

fn question(lang: Lang, name: &'static str, f: &FactsForm, errors: &[FieldMessage]) -> Question {
    let at = anchor(name);
    let chosen = f.answer(name);
    Question {
        name,
        legend: text(lang, &format!("facts-{name}"), &[]),
        choices: values(name)
            .iter()
            .map(|v| Choice {
                value: v,
                label: if name == "right_to_work" {
                    text(lang, &format!("facts-right_to_work-{v}"), &[])
                } else {
                    text(lang, &format!("facts-{v}"), &[])
                },
                checked: chosen == Some(*v),
            })
            .collect(),
        error: errors
            .iter()
            .find(|e| e.field == at)
            .map(|e| e.message.clone()),
        date: None,
    }
}

/// The answers as the API's request body, or the questions left unanswered.
fn request(lang: Lang, f: &FactsForm) -> Result<RegisterFactsRequest, Vec<FieldMessage>> {
    let mut body = Map::new();
    let mut errors = Vec::new();
    for name in names() {
        let value = match (name, f.answer(name)) {
            ("right_to_work", Some(v)) if RightToWork::NAMES.contains(&v) => Some(json!(v)),
            (_, Some("yes")) if name != "right_to_work" => Some(json!(true)),
            (_, Some("no")) if name != "right_to_work" => Some(json!(false)),
            _ => None,
        };
        match value {
            Some(v) => {
                body.insert(name.to_owned(), v);
            }
            None => errors.push(unanswered(lang, name)),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    serde_json::from_value(Value::Object(body)).map_err(|_| vec![unanswered(lang, "right_to_work")])
}

/// The error of a question left unanswered (or answered with a value not offered).
fn unanswered(lang: Lang, name: &str) -> FieldMessage {
    let legend = text(lang, &format!("facts-{name}"), &[]);
    FieldMessage {
        field: anchor(name),
        message: text(lang, "facts-error-unanswered", &[("question", &legend)]),
    }
}

async fn facts_page(
    state: &AppState,
    ctx: &PageCtx,
    s: &Signed,
    client: ClientId,
    f: Option<&FactsForm>,
    errors: Vec<FieldMessage>,
    status: StatusCode,
) -> PageResult {
    let app = &state.app;
    let (record, in_force) = tokio::try_join!(
        app.client_record(&s.actor, client),
        app.register_facts(&s.actor, client),
    )
    .map_err(|e| PageError::app(ctx, e))?;
    // The facts in force are offered until the official answers otherwise.
    let shown = match (f, &in_force) {
        (Some(f), _) => f.clone(),
        (None, Some(r)) => FactsForm::from_facts(&r.facts),
        (None, None) => FactsForm::default(),
    };
    let page = FactsPage {
        l: Layout::new(ctx, "facts-title", Some(&s.actor), s.csrf.clone()),
        client_id: client.to_string(),
        client_name: format!("{} {}", record.client.first_name, record.client.last_name),
        recorded: in_force.as_ref().map(|r| {
            text(
                ctx.lang,
                "facts-recorded",
                &[
                    ("name", &r.recorded_by_name),
                    ("at", &date_time(ctx.lang, r.recorded_at)),
                ],
            )
        }),
        questions: names()
            .map(|n| question(ctx.lang, n, &shown, &errors))
            .collect(),
        errors,
    };
    rendered(ctx, status, &page)
}

/// `GET /clients/{id}/register-facts/new`: the facts in force, if any, and the form.
pub async fn new_register_facts(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let client = client_id(&ctx, &id)?;
    facts_page(&state, &ctx, &s, client, None, Vec::new(), StatusCode::OK).await
}

/// `POST /clients/{id}/register-facts`: records the facts and returns to the record.
pub async fn set_register_facts(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let (s, f): (Signed, FactsForm) = signed_form(&state, &ctx, &body).await?;
    let client = client_id(&ctx, &id)?;
    let again = |errors: Vec<FieldMessage>| {
        facts_page(
            &state,
            &ctx,
            &s,
            client,
            Some(&f),
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let req = match request(ctx.lang, &f) {
        Ok(r) => r,
        Err(errors) => return again(errors).await,
    };
    match state
        .app
        .set_register_facts(&s.actor, client, req.to_store())
        .await
    {
        Ok(_) => Ok(see_other(&format!("/clients/{client}"))),
        Err(AppError::Invalid { field, .. }) => {
            let name = names().find(|n| *n == field).unwrap_or("right_to_work");
            again(vec![unanswered(ctx.lang, name)]).await
        }
        Err(e) => Err(PageError::app(&ctx, e)),
    }
}

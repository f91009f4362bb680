//! The work queue (issue 5; B2, B4, B10): decisions the automated procedure routed to an
//! official, and the official's statement on them.
//!
//! - `GET /api/work-queue`: an official sees the open cases routed to the employment authority
//!   of their own organisation's clients; a KEHA official the cases routed to KEHA-keskus. Each
//!   case shows the client by masked identity code only, the routing reasons in words (the
//!   rule titles of the shipped rule sets, in Finnish and Swedish) with their legal bases, and
//!   who has taken it. Every client listed is a logged read.
//! - `POST /api/decisions/{id}/take` and `POST /api/decisions/{id}/resolve`: the policy's
//!   [`Action::Resolve`] decides who may (see `policy`). Resolving records the official's
//!   statement: a document in the client's language naming the official's organisation in
//!   full, without the notice of automated decision-making (a person decided).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use kirjuri_domain::{Client, DecisionId, Language, Organisation, Role, User, UserId};
use kirjuri_store::{OfficialStep, Queue, Resolution};
use serde_json::Value;

use crate::api::authorise_with;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiJson;
use crate::policy::Action;
use crate::statements::{basis_in_full, fi_date};
use crate::wire::*;
use crate::AppState;

type ApiResult<T> = Result<T, ApiError>;

/// The routing reasons of a decision in words: the rule's titles from the shipped rule sets,
/// or the procedure's own checks (`MISSING_INPUTS`, `NOT_ADOPTED`).
pub(crate) fn reasons_in_words(state: &AppState, reasons: &str) -> Vec<ReasonInWords> {
    let list: Vec<Value> = serde_json::from_str(reasons).unwrap_or_default();
    list.iter()
        .map(|r| {
            let code = r["code"].as_str().unwrap_or_default().to_owned();
            let rule = r["rule"].as_str().map(str::to_owned);
            let basis = r["basis"].as_str().unwrap_or_default().to_owned();
            let meta = rule.as_deref().and_then(|id| {
                [&state.rules.start, &state.rules.end]
                    .into_iter()
                    .flat_map(|set| set.rules())
                    .find(|m| m.id == id)
            });
            let (title_fi, title_sv) = match (meta, code.as_str()) {
                (Some(m), _) => (m.title_fi.clone(), m.title_sv.clone()),
                (None, "MISSING_INPUTS") => (
                    "Asiakkaan vastaukset tai rekisteritiedot puuttuvat".to_owned(),
                    "Kundens svar eller registeruppgifterna saknas".to_owned(),
                ),
                (None, "NOT_ADOPTED") => (
                    "Käsittelysääntöjen versiota ei ole otettu käyttöön".to_owned(),
                    "Versionen av behandlingsreglerna har inte tagits i bruk".to_owned(),
                ),
                (None, other) => (other.to_owned(), other.to_owned()),
            };
            ReasonInWords {
                code,
                title_fi,
                title_sv,
                basis,
                rule,
            }
        })
        .collect()
}

async fn step_view(state: &AppState, s: &OfficialStep) -> ApiResult<OfficialStepView> {
    let user = state.store.user(s.by).await?;
    let org = state.store.organisation(s.org).await?;
    let r = s.resolution.as_ref();
    Ok(OfficialStepView {
        decision_id: s.decision_id.to_string(),
        step: s.step.clone(),
        by: user.display_name.to_string(),
        organisation: org.name_fi.to_string(),
        at: s.at,
        outcome: r.map(|r| r.outcome.clone()),
        effective_date: r.map(|r| r.effective_date),
        reasoning: r.map(|r| r.reasoning.clone()),
        basis: r.map(|r| r.basis.clone()),
        document: r.map(|r| r.document.clone()),
        document_language: r.map(|r| r.document_language.clone()),
    })
}

/// The official steps of a decision for its provenance (B10: where an official took part).
pub(crate) async fn provenance_steps(
    state: &AppState,
    steps: &[OfficialStep],
) -> ApiResult<Vec<ProvenanceStep>> {
    let mut out = Vec::with_capacity(steps.len());
    for s in steps {
        let user = state.store.user(s.by).await?;
        let org = state.store.organisation(s.org).await?;
        out.push(ProvenanceStep {
            step: if s.step == "resolved" {
                "official_resolved"
            } else {
                "official_taken"
            },
            by: format!("official {}, {}", user.display_name, org.name_fi),
            requested_by: format!("{} ({})", user.display_name, user.id),
            at: s.at,
        });
    }
    Ok(out)
}

/// The official's statement on a routed case.
#[derive(Debug)]
pub struct OfficialDocument<'a> {
    /// The official's organisation: the issuer.
    pub org: &'a Organisation,
    pub client: &'a Client,
    /// `job_search_start` or `job_search_end`.
    pub kind: &'a str,
    pub date: NaiveDate,
    pub resolution: &'a ParsedResolution,
}

/// The official's statement as plain text in the client's language (Finnish or Swedish; any
/// other language gets Finnish and a note that a translation can be asked for). Unlike the
/// automated statement it carries no notice of automated decision-making: an official decided.
pub fn official_document(d: &OfficialDocument<'_>) -> String {
    let sv = d.client.language == Language::Sv;
    let other = !matches!(d.client.language, Language::Fi | Language::Sv);
    let issuer = if sv {
        d.org.name_sv.to_string()
    } else {
        d.org.name_fi.to_string()
    };
    let name = format!("{} {}", d.client.first_name, d.client.last_name);
    let hetu = d.client.hetu.masked();
    let r = d.resolution;
    let effective = fi_date(r.effective_date);
    let basis = basis_in_full(&r.basis, sv);
    let end = d.kind == "job_search_end";
    let mut t = String::new();
    let mut line = |s: &str| {
        t.push_str(s);
        t.push('\n');
    };
    if sv {
        line("ARBETSKRAFTSPOLITISKT UTLÅTANDE");
        line("");
        line(&format!("Utfärdare: {issuer}"));
        line(&format!("Datum: {}", fi_date(d.date)));
        line(&format!("Sökande: {name} ({hetu})"));
        line("");
        line(&match (r.outcome.as_str(), end) {
            ("no_obstacle", _) => format!(
                "Utlåtande: Inget arbetskraftspolitiskt hinder för arbetslöshetsförmån från och med {effective}."
            ),
            ("job_search_ended", _) => {
                format!("Utlåtande: Ditt arbetssökande har upphört den {effective}.")
            }
            _ => format!(
                "Utlåtande: Arbetskraftspolitiskt hinder för arbetslöshetsförmån från och med {effective}."
            ),
        });
        line("");
        line("Motivering:");
        line(&format!("{} Grund: {basis}.", r.reasoning));
        line("");
        line("Ärendet har behandlats av en tjänsteman.");
        line("");
        line(&format!(
            "Begäran om omprövning: Om du anser att utlåtandet är felaktigt kan du begära \
             omprövning hos utfärdaren ({issuer}). Utlåtandet kan inte överklagas separat; du \
             kan söka ändring i beslutet av den som betalar förmånen (Folkpensionsanstalten \
             eller arbetslöshetskassan)."
        ));
    } else {
        line("TYÖVOIMAPOLIITTINEN LAUSUNTO");
        line("");
        line(&format!("Antaja: {issuer}"));
        line(&format!("Päivämäärä: {}", fi_date(d.date)));
        line(&format!("Hakija: {name} ({hetu})"));
        line("");
        line(&match (r.outcome.as_str(), end) {
            ("no_obstacle", _) => format!(
                "Lausunto: Ei työvoimapoliittista estettä työttömyysetuuden saamiselle {effective} alkaen."
            ),
            ("job_search_ended", _) => format!("Lausunto: Työnhakusi on päättynyt {effective}."),
            _ => format!(
                "Lausunto: Työvoimapoliittinen este työttömyysetuuden saamiselle {effective} alkaen."
            ),
        });
        line("");
        line("Perustelut:");
        line(&format!("{} Peruste: {basis}.", r.reasoning));
        line("");
        line("Asian on käsitellyt virkailija.");
        line("");
        line(&format!(
            "Oikaisupyyntö: Jos katsot, että lausunto on virheellinen, voit pyytää sen \
             oikaisua lausunnon antajalta ({issuer}). Lausuntoon ei voi hakea muutosta \
             erikseen; voit hakea muutosta etuuden maksajan (Kansaneläkelaitos tai \
             työttömyyskassa) päätökseen."
        ));
        if other {
            line("");
            line(
                "Voit pyytää tästä lausunnosta käännöksen omalle kielellesi. / You can ask for \
                  a translation of this statement into your own language.",
            );
        }
    }
    t
}

/// The queue an official works from: their own employment authority's, or KEHA-keskus's for
/// a KEHA official (routed cases and requests for reconsideration alike).
pub(crate) fn queue_of(user: &User) -> ApiResult<Queue> {
    match (user.role, user.org_id) {
        (Role::Official, Some(org)) => Ok(Queue::EmploymentAuthority(org)),
        (Role::KehaOfficial, Some(_)) => Ok(Queue::Keha),
        _ => Err(ApiError::forbidden(
            "the work queue is for officials and KEHA officials",
        )),
    }
}

/// Who took a case (by name), and when.
pub(crate) async fn taken_view(
    state: &AppState,
    by: UserId,
    at: DateTime<Utc>,
) -> ApiResult<TakenView> {
    Ok(TakenView {
        by: state.store.user(by).await?.display_name.to_string(),
        at,
    })
}

#[utoipa::path(get, path = "/api/work-queue", tag = "statements",
    responses((status = 200, body = [WorkQueueCase]), (status = 403, body = ErrorBody)))]
/// The open routed cases for the user: an official's own organisation's queue (cases routed
/// to the employment authority), or KEHA-keskus's queue for a KEHA official.
pub async fn work_queue(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<WorkQueueCase>>> {
    let queue = queue_of(&user)?;
    let access = crate::api::own_access(&user, &headers, "työvoimapoliittinen lausunto")?;
    let cases = state.store.work_queue(queue, &access).await?;
    let mut out = Vec::with_capacity(cases.len());
    for c in cases {
        let taken = match &c.taken {
            Some(s) => Some(taken_view(&state, s.by, s.at).await?),
            None => None,
        };
        let d = &c.decision;
        out.push(WorkQueueCase {
            decision_id: d.id.to_string(),
            client_id: c.client.id.to_string(),
            hetu_masked: c.client.hetu.masked(),
            kind: d.decision.kind.clone(),
            decision_date: d.decision.decision_date,
            to: d.decision.target.clone().unwrap_or_default(),
            reasons: reasons_in_words(&state, &d.decision.reasons),
            taken,
            recorded_at: d.recorded_at,
        });
    }
    Ok(Json(out))
}

/// The client of a routed decision, the access to act on it under (by the policy) and the
/// decision's kind.
async fn case_for(
    state: &AppState,
    user: &User,
    headers: &HeaderMap,
    id: &str,
) -> ApiResult<(DecisionId, Client, kirjuri_store::Access, String)> {
    crate::api::stated_purpose(headers)?;
    let id: DecisionId = parse_path_id("decision", id)?;
    let (client, routed_to, kind) = state.store.decision_routing(id).await?;
    let client = state.store.client(client).await?;
    let (client, access) = authorise_with(
        state,
        user,
        headers,
        client,
        Action::Resolve,
        "decisions",
        routed_to,
    )
    .await?;
    Ok((id, client, access, kind))
}

#[utoipa::path(post, path = "/api/decisions/{id}/take", tag = "statements",
    params(("id" = String, Path, description = "decision id")),
    responses((status = 200, body = OfficialStepView), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
/// Takes a routed case: the official works on it (shown in the queue).
pub async fn take_case(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<OfficialStepView>> {
    let (id, client, access, _) = case_for(&state, &user, &headers, &id).await?;
    let step = state.store.take_case(client.id, id, &access).await?;
    Ok(Json(step_view(&state, &step).await?))
}

#[utoipa::path(post, path = "/api/decisions/{id}/resolve", tag = "statements",
    params(("id" = String, Path, description = "decision id")), request_body = ResolveRequest,
    responses((status = 200, body = OfficialStepView), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
/// Resolves a routed case with the official's statement (outcome, effective date, reasoning,
/// legal basis); the statement document is issued in the name of the official's organisation.
pub async fn resolve_case(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ResolveRequest>,
) -> ApiResult<Json<OfficialStepView>> {
    let (id, client, access, kind) = case_for(&state, &user, &headers, &id).await?;
    let parsed = req.parse(&kind)?;
    let org_id = user
        .org_id
        .ok_or_else(|| ApiError::forbidden("an official acts for an organisation"))?;
    let org = state.store.organisation(org_id).await?;
    let document = official_document(&OfficialDocument {
        org: &org,
        client: &client,
        kind: &kind,
        date: state.store.clock().today(),
        resolution: &parsed,
    });
    let language = if client.language == Language::Sv {
        "sv"
    } else {
        "fi"
    };
    let step = state
        .store
        .resolve_case(
            client.id,
            id,
            Resolution {
                outcome: parsed.outcome,
                effective_date: parsed.effective_date,
                reasoning: parsed.reasoning,
                basis: parsed.basis,
                document,
                document_language: language.to_owned(),
            },
            &access,
        )
        .await?;
    Ok(Json(step_view(&state, &step).await?))
}

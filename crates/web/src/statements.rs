//! Automated labour-policy statements at the start and end of job search (KEHA/73792/2024;
//! B1, B2, B8, B10, B13, B14, B17).
//!
//! - [`decide`] builds the [`Decide`] function the store runs inside the job search's write
//!   transaction: it forms the statement request (the `shared/cases` contract) from the
//!   client's answers, the register facts and the client record, evaluates the shipped rule set
//!   of its kind, checks that an adoption decision covers that rule set on the decision date
//!   (otherwise the case goes to an official), and renders the statement for an automatic
//!   outcome ([`document`]).
//! - Handlers: the public list of adoption decisions and the prior notice, registering an
//!   adoption decision (rules author), register facts, a client's decisions, the job seeker's
//!   own statements, and a decision's provenance with its ledger proof.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use chrono::NaiveDate;
use kirjuri_domain::{Client, DecisionId, Organisation, Role, User};
use kirjuri_rules::{Kind, Outcome, Person, Registers, Reported, Request, RuleSets, Sex, Target};
use kirjuri_store::{
    AccessAction, AdoptionDecision, Decide, NewDecision, StatementContext, StoreError,
};
use serde_json::{json, Value};

use crate::api::client_for;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiJson;
use crate::policy::Action;
use crate::wire::*;
use crate::AppState;

type ApiResult<T> = Result<T, ApiError>;

// ---- the prior notice (B14) ----------------------------------------------------------------

/// Shown to the client before the form is filled in (B14, B13, GDPR art. 22).
pub const NOTICE_FI: &str = "Asiasi voidaan ratkaista automaattisesti. Kun ilmoittaudut \
työnhakijaksi tai työnhakusi päättyy, työvoimapoliittinen lausunto voidaan antaa \
automaattisessa menettelyssä: ennalta kirjoitetut käsittelysäännöt vertaavat antamiasi tietoja \
viranomaisen rekistereissä oleviin tietoihin, eikä virkailija käsittele asiaa, jos kaikki \
edellytykset täyttyvät selvästi. Jos asia vaatii harkintaa, sen ratkaisee aina virkailija. \
Menettelyn käyttöönotosta on tehty päätös, joka on julkaistu. Voit aina pyytää, että asiasi \
käsittelee virkailija: kirjoita se vapaamuotoiseen selvitykseen tai ota yhteyttä \
työvoimaviranomaiseen. Voit myös pyytää lausunnon oikaisua; oikaisupyynnön käsittelee aina \
virkailija.";

/// Swedish version of [`NOTICE_FI`].
pub const NOTICE_SV: &str = "Ditt ärende kan avgöras automatiskt. När du anmäler dig som \
arbetssökande eller när ditt arbetssökande upphör kan det arbetskraftspolitiska utlåtandet ges \
i ett automatiserat förfarande: på förhand skrivna behandlingsregler jämför de uppgifter du \
lämnar med uppgifterna i myndighetens register, och ingen tjänsteman behandlar ärendet om alla \
villkor klart uppfylls. Om ärendet kräver prövning avgörs det alltid av en tjänsteman. Beslutet \
om att ta förfarandet i bruk har publicerats. Du kan alltid begära att en tjänsteman behandlar \
ditt ärende: skriv det i den fritt formulerade utredningen eller kontakta \
arbetskraftsmyndigheten. Du kan också begära omprövning av utlåtandet; en begäran om omprövning \
behandlas alltid av en tjänsteman.";

pub(crate) fn notice() -> NoticeView {
    NoticeView {
        fi: NOTICE_FI,
        sv: NOTICE_SV,
    }
}

// ---- forming the decision ------------------------------------------------------------------

/// What the job-search request adds to the statement request.
#[derive(Debug, Clone)]
pub enum Step {
    Start,
    End {
        date: NaiveDate,
        reason: kirjuri_domain::EndReason,
    },
}

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("statement request: {e}"))
}

/// The [`Decide`] function for a job-search start or end: the automated procedure as the API
/// runs it (also used by the demo, so its statements are made the same way).
pub fn decide(
    rules: Arc<RuleSets>,
    step: Step,
    answers: Option<Reported>,
    acknowledged: bool,
    org: Organisation,
) -> Decide {
    Box::new(move |ctx: &StatementContext| {
        let kind = match step {
            Step::Start => Kind::JobSearchStart,
            Step::End { .. } => Kind::JobSearchEnd,
        };
        let rule_set = rules.for_kind(kind);
        let today = ctx.today;
        let adoption = ctx
            .adoptions
            .iter()
            .find(|a| a.covers(rule_set.hash(), today))
            .cloned();
        let base = |outcome: &str,
                    inputs: Value,
                    reasons: Value,
                    target: Option<&str>,
                    effective: Option<NaiveDate>,
                    trace: Value,
                    document: Option<(String, &str)>|
         -> Result<NewDecision, StoreError> {
            Ok(NewDecision {
                kind: kind.as_str().to_owned(),
                decision_date: today,
                inputs: serde_json::to_string(&inputs).map_err(json_err)?,
                rule_set_name: rule_set.name().to_owned(),
                rule_set_version: rule_set.version().to_owned(),
                rule_set_hash: rule_set.hash().to_owned(),
                adoption_number: adoption.as_ref().map(|a| a.number.clone()),
                outcome: outcome.to_owned(),
                reasons: serde_json::to_string(&reasons).map_err(json_err)?,
                target: target.map(str::to_owned),
                effective_date: effective,
                trace: serde_json::to_string(&trace).map_err(json_err)?,
                document_language: document.as_ref().map(|(_, l)| (*l).to_owned()),
                document: document.map(|(d, _)| d),
                notice_acknowledged: acknowledged,
            })
        };
        // The start statement needs the client's answers and the register facts; without
        // either nothing can be assessed automatically (B2): an official decides.
        let mut missing = Vec::new();
        if matches!(step, Step::Start) {
            if answers.is_none() {
                missing.push("answers");
            }
            if ctx.facts.is_none() {
                missing.push("register_facts");
            }
        }
        if !missing.is_empty() {
            let reasons = json!([{
                "code": "MISSING_INPUTS",
                "target": "employment_authority",
                "basis": "HL 53 e §; KEHA/73792/2024",
                "rule": null,
                "missing": missing,
            }]);
            let inputs = json!({"missing": missing, "job_search_start": ctx.job_search.start_date});
            return base(
                "routed",
                inputs,
                reasons,
                Some("employment_authority"),
                None,
                json!([]),
                None,
            );
        }
        let request = build_request(kind, ctx, &step, answers.clone())?;
        let decision = rules.evaluate(&request, true);
        let mut reasons = serde_json::to_value(decision.reasons()).map_err(json_err)?;
        let mut outcome = decision.outcome;
        let mut target = decision.target.map(Target::as_str);
        if outcome != Outcome::Routed && adoption.is_none() {
            // B13, B17: a rule-set version decides only while an adoption decision covers it.
            outcome = Outcome::Routed;
            target = Some(Target::EmploymentAuthority.as_str());
            if let Value::Array(list) = &mut reasons {
                list.push(json!({
                    "code": "NOT_ADOPTED",
                    "target": "employment_authority",
                    "basis": "HL 53 e §",
                    "rule": null,
                    "note": format!(
                        "no adoption decision covers rule set {} version {} ({}) on {today}; \
                         the rules would have given {}",
                        rule_set.name(), rule_set.version(), rule_set.hash(),
                        decision.outcome.as_str()
                    ),
                }));
            }
        }
        let mut inputs = serde_json::to_value(&request).map_err(json_err)?;
        // The evaluator's contract requires `person.sex`, but no rule may read it (B16, checked
        // when the rule set loads) and Kirjuri does not collect it: the request carries a fixed
        // placeholder, and the stored inputs leave it out.
        if let Some(person) = inputs.get_mut("person").and_then(Value::as_object_mut) {
            person.remove("sex");
        }
        if matches!(step, Step::End { .. }) {
            // The end rule set reads only the end date, reason and free text; what was not
            // given is stored as null rather than as the placeholders the contract needs.
            if answers.is_none() {
                inputs["reported"] = Value::Null;
            }
            if ctx.facts.is_none() {
                inputs["person"] = Value::Null;
                inputs["registers"] = Value::Null;
            }
        }
        let trace = serde_json::to_value(&decision.trace).map_err(json_err)?;
        let doc = match (outcome, adoption.as_ref()) {
            (Outcome::AutoPositive | Outcome::AutoEnd, Some(a)) => {
                let lang = ctx.client.language;
                let d = Document {
                    org: &org,
                    client: &ctx.client,
                    kind,
                    outcome,
                    date: today,
                    effective: decision.effective_date,
                    end_reason: request.end_reason,
                    adoption: a,
                    rule_title: decision
                        .decided_by()
                        .map(|r| (r.title_fi.clone(), r.title_sv.clone(), r.basis.clone())),
                    seeks_full_time: request.reported.seeks_full_time_work,
                };
                Some((
                    document(&d),
                    if lang == kirjuri_domain::Language::Sv {
                        "sv"
                    } else {
                        "fi"
                    },
                ))
            }
            _ => None,
        };
        base(
            outcome.as_str(),
            inputs,
            reasons,
            target,
            if outcome == Outcome::Routed {
                None
            } else {
                decision.effective_date
            },
            trace,
            doc,
        )
    })
}

fn build_request(
    kind: Kind,
    ctx: &StatementContext,
    step: &Step,
    answers: Option<Reported>,
) -> Result<Request, StoreError> {
    let language = serde_json::from_value(json!(ctx.client.language.code())).map_err(json_err)?;
    let (person, registers) = match &ctx.facts {
        Some(f) => (
            Person {
                birth_date: ctx.client.hetu.birth_date(),
                sex: Sex::Female,
                language,
                resides_in_finland: f.resides_in_finland,
                right_to_work: serde_json::from_value(json!(f.right_to_work)).map_err(json_err)?,
                vocational_qualification: f.vocational_qualification,
                partial_disability_pension: f.partial_disability_pension,
            },
            Registers {
                employment_continues: f.employment_continues,
                active_degree_studies: f.active_degree_studies,
                active_business: f.active_business,
            },
        ),
        // Only at the end, whose rules read none of these (see `decide`).
        None => (
            Person {
                birth_date: ctx.client.hetu.birth_date(),
                sex: Sex::Female,
                language,
                resides_in_finland: true,
                right_to_work: kirjuri_rules::RightToWork::Citizen,
                vocational_qualification: false,
                partial_disability_pension: false,
            },
            Registers {
                employment_continues: false,
                active_degree_studies: false,
                active_business: false,
            },
        ),
    };
    let reported = answers.unwrap_or(Reported {
        employment: kirjuri_rules::Employment::None,
        seeks_full_time_work: true,
        previous_employment_end: None,
        studies: kirjuri_rules::Studies::None,
        business: kirjuri_rules::Business::None,
        business_started_while_unemployed_on: None,
        in_service: None,
        free_text: None,
    });
    let (job_search_end, end_reason) = match step {
        Step::Start => (None, None),
        Step::End { date, reason } => (
            Some(*date),
            Some(serde_json::from_value(json!(reason.code())).map_err(json_err)?),
        ),
    };
    Ok(Request {
        id: None,
        kind,
        decision_date: ctx.today,
        job_search_start: ctx.job_search.start_date,
        job_search_end,
        end_reason,
        person,
        reported,
        registers,
    })
}

// ---- the statement document (B8, B12) ------------------------------------------------------

/// What a statement says.
#[derive(Debug)]
pub struct Document<'a> {
    /// The issuing employment authority.
    pub org: &'a Organisation,
    pub client: &'a Client,
    pub kind: Kind,
    pub outcome: Outcome,
    pub date: NaiveDate,
    pub effective: Option<NaiveDate>,
    pub end_reason: Option<kirjuri_rules::EndReason>,
    pub adoption: &'a AdoptionDecision,
    /// The deciding rule's titles (fi, sv) and legal basis.
    pub rule_title: Option<(String, String, String)>,
    /// The client seeks full-time work (otherwise a partial disability pension allowed it).
    pub seeks_full_time: bool,
}

pub(crate) fn fi_date(d: NaiveDate) -> String {
    d.format("%-d.%-m.%Y").to_string()
}

/// Legal references in full (A14: no abbreviations a client would not know).
pub(crate) fn basis_in_full(basis: &str, sv: bool) -> String {
    let mut out = Vec::new();
    for part in basis.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (law, rest) = part.split_once(' ').unwrap_or((part, ""));
        let rest = rest.trim();
        let section = match rest.split_once(':') {
            Some((ch, s)) if sv => format!("{ch} kap. {s}"),
            Some((ch, s)) => format!("{ch} luku {s}"),
            None => rest.to_owned(),
        };
        let section = if section.is_empty() || section.ends_with('§') {
            section
        } else {
            format!("{section} §")
        };
        let name = match (law, sv) {
            ("TTL", false) => "työttömyysturvalaki (1290/2002)",
            ("TTL", true) => "lagen om utkomstskydd för arbetslösa (1290/2002)",
            ("JTYPL", false) => "laki työvoimapalvelujen järjestämisestä (380/2023)",
            ("JTYPL", true) => "lagen om ordnandet av arbetskraftsservice (380/2023)",
            ("HL", false) => "hallintolaki (434/2003)",
            ("HL", true) => "förvaltningslagen (434/2003)",
            _ => {
                out.push(part.to_owned());
                continue;
            }
        };
        out.push(format!("{name} {section}").trim().to_owned());
    }
    out.join("; ")
}

/// The statement as plain text in the client's language: Finnish or Swedish; any other
/// language gets the Finnish text and a note that a translation can be asked for (A13).
pub fn document(d: &Document<'_>) -> String {
    let sv = d.client.language == kirjuri_domain::Language::Sv;
    let other = !matches!(
        d.client.language,
        kirjuri_domain::Language::Fi | kirjuri_domain::Language::Sv
    );
    let issuer = if sv {
        d.org.name_sv.to_string()
    } else {
        d.org.name_fi.to_string()
    };
    let name = format!("{} {}", d.client.first_name, d.client.last_name);
    let hetu = d.client.hetu.masked();
    let effective = d.effective.map(fi_date).unwrap_or_default();
    let (title, basis) = match &d.rule_title {
        Some((fi, s, b)) => (if sv { s.clone() } else { fi.clone() }, b.clone()),
        None => (String::new(), String::new()),
    };
    let basis = basis_in_full(&basis, sv);
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
        match d.kind {
            Kind::JobSearchStart => {
                line(
                    "Bedömt villkor: att du är arbetssökande och att de arbetskraftspolitiska \
                      förutsättningarna för arbetslöshetsförmån uppfylls (lagen om utkomstskydd \
                      för arbetslösa (1290/2002) 2 kap. 1 §).",
                );
                line("");
                line(&format!(
                    "Utlåtande: Inget arbetskraftspolitiskt hinder för arbetslöshetsförmån från och med {effective}."
                ));
            }
            Kind::JobSearchEnd => {
                line(
                    "Bedömt villkor: att arbetssökandet är i kraft (lagen om ordnandet av \
                      arbetskraftsservice (380/2023) 29 §).",
                );
                line("");
                line(&format!(
                    "Utlåtande: Ditt arbetssökande har upphört den {effective}."
                ));
            }
        }
        line("");
        line("Motivering:");
        match d.kind {
            Kind::JobSearchStart => line(&format!(
                "{title}. Enligt de uppgifter du lämnat och uppgifterna i myndighetens register \
                 uppfyller du villkoren: du är utan arbete, {}, studerar inte på heltid, är \
                 inte företagare på heltid, bor i Finland och har rätt att arbeta. Grund: {basis}.",
                if d.seeks_full_time {
                    "söker heltidsarbete"
                } else {
                    "får partiell invalidpension och behöver därför inte söka heltidsarbete"
                }
            )),
            Kind::JobSearchEnd => line(&format!(
                "{title}. Du har meddelat att arbetssökandet upphör ({}). Grund: {basis}.",
                match d.end_reason {
                    Some(kirjuri_rules::EndReason::Employed) => "du har fått arbete",
                    _ => "på din egen begäran",
                }
            )),
        }
        line("");
        line(&format!(
            "Detta utlåtande har getts automatiskt, utan att en tjänsteman har behandlat \
             ärendet. Beslutet om att ta det automatiserade förfarandet i bruk ({}, {}) är \
             publicerat på {}.",
            d.adoption.number,
            fi_date(d.adoption.decided_on),
            d.adoption.url
        ));
        line("");
        line(&format!(
            "Begäran om omprövning: Om du anser att utlåtandet är felaktigt kan du begära \
             omprövning hos utfärdaren ({issuer}). En tjänsteman behandlar alltid begäran. Utlåtandet kan inte \
             överklagas separat; du kan söka ändring i beslutet av den som betalar förmånen \
             (Folkpensionsanstalten eller arbetslöshetskassan)."
        ));
    } else {
        line("TYÖVOIMAPOLIITTINEN LAUSUNTO");
        line("");
        line(&format!("Antaja: {issuer}"));
        line(&format!("Päivämäärä: {}", fi_date(d.date)));
        line(&format!("Hakija: {name} ({hetu})"));
        line("");
        match d.kind {
            Kind::JobSearchStart => {
                line(
                    "Arvioitu edellytys: työnhakijana oleminen ja työttömyysetuuden \
                      työvoimapoliittiset edellytykset (työttömyysturvalaki (1290/2002) 2 luku \
                      1 §).",
                );
                line("");
                line(&format!(
                    "Lausunto: Ei työvoimapoliittista estettä työttömyysetuuden saamiselle {effective} alkaen."
                ));
            }
            Kind::JobSearchEnd => {
                line(
                    "Arvioitu edellytys: työnhaun voimassaolo (laki työvoimapalvelujen \
                      järjestämisestä (380/2023) 29 §).",
                );
                line("");
                line(&format!("Lausunto: Työnhakusi on päättynyt {effective}."));
            }
        }
        line("");
        line("Perustelut:");
        match d.kind {
            Kind::JobSearchStart => line(&format!(
                "{title}. Antamiesi tietojen ja viranomaisen rekistereissä olevien tietojen \
                 mukaan täytät edellytykset: olet ilman työtä, {}, et opiskele päätoimisesti, \
                 et ole päätoiminen yrittäjä, asut Suomessa ja sinulla on oikeus tehdä työtä. \
                 Peruste: {basis}.",
                if d.seeks_full_time {
                    "haet kokoaikatyötä"
                } else {
                    "saat osatyökyvyttömyyseläkettä etkä siksi joudu hakemaan kokoaikatyötä"
                }
            )),
            Kind::JobSearchEnd => line(&format!(
                "{title}. Olet ilmoittanut, että työnhakusi päättyy ({}). Peruste: {basis}.",
                match d.end_reason {
                    Some(kirjuri_rules::EndReason::Employed) => "olet työllistynyt",
                    _ => "omasta pyynnöstäsi",
                }
            )),
        }
        line("");
        line(&format!(
            "Tämä lausunto on annettu automaattisesti, eikä virkailija ole käsitellyt asiaa. \
             Päätös automaattisen menettelyn käyttöönotosta ({}, {}) on julkaistu osoitteessa \
             {}.",
            d.adoption.number,
            fi_date(d.adoption.decided_on),
            d.adoption.url
        ));
        line("");
        line(&format!(
            "Oikaisupyyntö: Jos katsot, että lausunto on virheellinen, voit pyytää sen \
             oikaisua lausunnon antajalta ({issuer}). Oikaisupyynnön käsittelee aina virkailija. Lausuntoon ei voi \
             hakea muutosta erikseen; voit hakea muutosta etuuden maksajan (Kansaneläkelaitos \
             tai työttömyyskassa) päätökseen."
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

// ---- handlers ------------------------------------------------------------------------------

#[utoipa::path(get, path = "/api/statements/notice", tag = "statements",
    responses((status = 200, body = NoticeView)))]
/// The prior notice of automated decision-making (B14), for the form. Public.
pub async fn get_notice() -> Json<NoticeView> {
    Json(notice())
}

#[utoipa::path(get, path = "/api/adoption-decisions", tag = "statements",
    responses((status = 200, body = [AdoptionDecisionView])))]
/// The adoption decisions of the automated procedure (B13, B17). Public: no log-in.
pub async fn list_adoption_decisions(
    State(state): State<AppState>,
) -> ApiResult<Json<Vec<AdoptionDecisionView>>> {
    Ok(Json(
        state
            .store
            .adoption_decisions()
            .await?
            .iter()
            .map(AdoptionDecisionView::from)
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/adoption-decisions", tag = "statements",
    request_body = NewAdoptionDecisionRequest,
    responses((status = 201, body = AdoptionDecisionView), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Registers an adoption decision (rules author only).
pub async fn create_adoption_decision(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiJson(req): ApiJson<NewAdoptionDecisionRequest>,
) -> ApiResult<(StatusCode, Json<AdoptionDecisionView>)> {
    if user.role != Role::RulesAuthor {
        return Err(ApiError::forbidden(
            "only a rules author registers adoption decisions",
        ));
    }
    let new = req.parse()?;
    let a = state.store.register_adoption_decision(new, user.id).await?;
    Ok((StatusCode::CREATED, Json(AdoptionDecisionView::from(&a))))
}

#[utoipa::path(put, path = "/api/clients/{id}/register-facts", tag = "statements",
    params(("id" = String, Path)), request_body = RegisterFactsRequest,
    responses((status = 200, body = RegisterFactsView), (status = 422, body = ErrorBody)))]
/// Records what the registers say about the client (B4); the latest record is in force.
pub async fn put_register_facts(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<RegisterFactsRequest>,
) -> ApiResult<Json<RegisterFactsView>> {
    let (client, access) = client_for(
        &state,
        &user,
        &headers,
        &id,
        Action::Write,
        "register_facts",
    )
    .await?;
    let f = state
        .store
        .set_register_facts(client.id, req.to_store(), &access)
        .await?;
    Ok(Json(RegisterFactsView::from(&f)))
}

#[utoipa::path(get, path = "/api/clients/{id}/decisions", tag = "statements",
    params(("id" = String, Path)), responses((status = 200, body = [DecisionView])))]
/// A client's decisions of the automated procedure, oldest first.
pub async fn list_decisions(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<DecisionView>>> {
    let (client, access) =
        client_for(&state, &user, &headers, &id, Action::Read, "decisions").await?;
    Ok(Json(decision_views(&state, client.id, &access).await?))
}

/// A client's decisions, each routed one with the statement an official issued on it.
pub(crate) async fn decision_views(
    state: &AppState,
    client: kirjuri_domain::ClientId,
    access: &kirjuri_store::Access,
) -> ApiResult<Vec<DecisionView>> {
    let mut views = Vec::new();
    let decisions = state.store.decisions(client, access).await?;
    for d in decisions.iter().cloned() {
        let mut view = DecisionView::from(&d);
        if d.decision.outcome == "routed" {
            let steps = state.store.official_steps(client, d.id, access).await?;
            view.official_statement = steps.iter().find_map(|s| {
                s.resolution.as_ref().map(|r| OfficialStatementView {
                    outcome: r.outcome.clone(),
                    effective_date: r.effective_date,
                    reasoning: r.reasoning.clone(),
                    basis: r.basis.clone(),
                    document: r.document.clone(),
                    document_language: r.document_language.clone(),
                    issuer_organisation_id: s.org.to_string(),
                    issued_at: s.at,
                })
            });
        }
        views.push(view);
    }
    // B7, B15: requests for reconsideration, and the safeguards of automated statements.
    crate::reconsideration::annotate(state, client, access, &decisions, &mut views).await?;
    Ok(views)
}

#[utoipa::path(get, path = "/api/me/statements", tag = "own data",
    responses((status = 200, body = [DecisionView]), (status = 403, body = ErrorBody)))]
/// The job seeker's own decisions and statements.
pub async fn my_statements(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<DecisionView>>> {
    let (client, access) = crate::me::own_client(&state, &user, &headers, "decisions").await?;
    Ok(Json(decision_views(&state, client.id, &access).await?))
}

#[utoipa::path(get, path = "/api/decisions/{id}/provenance", tag = "statements",
    params(("id" = String, Path, description = "decision id")),
    responses((status = 200, body = ProvenanceView), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
/// Which rule-set version decided, under which adoption decision, every step with who and
/// when, and a ledger proof bundle that verifies offline (B10). Officials of the client's
/// organisation and the supervisor.
pub async fn decision_provenance(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<ProvenanceView>> {
    Ok(Json(provenance(&state, &user, &headers, &id).await?))
}

/// The provenance of decision `id` as `user` may see it, with the read logged — for the API
/// and for `kirjuri provenance`, so both answer the same and both leave the same trace.
/// `headers` carries the stated purpose (`x-kirjuri-purpose`) as in a request.
pub async fn provenance(
    state: &AppState,
    user: &User,
    headers: &HeaderMap,
    id: &str,
) -> ApiResult<ProvenanceView> {
    let id: DecisionId = parse_path_id("decision", id)?;
    let client = state.store.decision_client(id).await?;
    let (client, access) = client_for(
        state,
        user,
        headers,
        &client.to_string(),
        Action::Read,
        "decisions",
    )
    .await?;
    if user.role == Role::JobSeeker {
        // The client reads their statements at /api/me/statements; provenance is for the
        // authority and the supervisor.
        let refused = kirjuri_store::Access {
            flagged: true,
            ..access
        };
        state
            .store
            .log(&refused, client.id, AccessAction::Denied, "decisions")
            .await?;
        return Err(ApiError::forbidden(
            "decision provenance is for officials and the supervisor",
        ));
    }
    let d = state.store.decision(client.id, id, &access).await?;
    let adoption = match &d.decision.adoption_number {
        Some(n) => state
            .store
            .adoption_decisions()
            .await?
            .iter()
            .find(|a| &a.number == n)
            .map(AdoptionDecisionView::from),
        None => None,
    };
    let requester = state.store.user(d.recorded_by).await?;
    let idx = state.store.ledger_index_of_decision(id).await?;
    let bundle = state.store.ledger_bundle(idx).await?;
    let view = DecisionView::from(&d);
    let rule_set = RuleSetRefView {
        name: d.decision.rule_set_name.clone(),
        version: d.decision.rule_set_version.clone(),
        hash: d.decision.rule_set_hash.clone(),
    };
    let mut steps = vec![ProvenanceStep {
        step: "automated_decision",
        by: format!(
            "automated procedure: rule set {} version {}",
            rule_set.name, rule_set.version
        ),
        requested_by: format!("{} ({})", requester.display_name, requester.id),
        at: d.recorded_at,
    }];
    // B10: where an official took part (the work queue).
    let official = state.store.official_steps(client.id, id, &access).await?;
    steps.extend(crate::work_queue::provenance_steps(state, &official).await?);
    // B7: requests for reconsideration of its statement, and the officials' steps on them.
    steps.extend(crate::reconsideration::provenance_steps(state, client.id, id, &access).await?);
    Ok(ProvenanceView {
        steps,
        decision: view,
        rule_set,
        adoption_decision: adoption,
        ledger_leaf_index: idx,
        ledger_bundle: bundle.to_text(),
    })
}

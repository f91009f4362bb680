//! Reconsideration of statements (B7), the safeguards of automated statements (B15; GDPR
//! art. 22(3)) and the quality figures per rule-set version (B11).
//!
//! - `POST /api/me/decisions/{id}/reconsideration`: the client asks that the statement on one
//!   of their decisions be reconsidered, with their reasons (their view of the matter).
//!   `POST /api/decisions/{id}/reconsideration`: an official of the client's own employment
//!   authority records such a request on the client's behalf (e.g. received by phone).
//! - The request is a case in the queue of the organisation that issued the statement
//!   (`GET /api/work-queue/reconsiderations`). An automated start or end statement is issued in
//!   the name of the client's employment authority — the document names it as the issuer and
//!   tells the client to ask it — and the procedure decides automatically only cases with no
//!   matter for KEHA-keskus (studies, business, youth education duty and conduct route to
//!   KEHA-keskus), so its employment authority reconsiders it. An official's statement on a
//!   routed case is reconsidered by the organisation the official acted for (KEHA-keskus for
//!   its own statements).
//! - `POST /api/reconsiderations/{id}/take` and `.../resolve`: an official of that
//!   organisation takes the case and resolves it with a new statement in the client's language
//!   that names the statement it reconsiders and says whether it changed. A person handles it:
//!   the policy and the store both refuse anyone but an official of the issuing organisation.
//! - The client sees their request, its state and the new statement with the decision in
//!   `GET /api/me/statements` (and the GDPR art. 15 export); the steps are in the decision's
//!   provenance (B10). An automated statement comes with its safeguards ([`safeguards`]).
//! - `GET /api/statements/quality`: figures per rule-set version, for the rules author, KEHA
//!   officials (KEHA-keskus owns the procedure) and the supervisor (it supervises the procedure;
//!   the figures identify no client).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use kirjuri_domain::{Client, DecisionId, Language, Organisation, ReconsiderationId, Role, User};
use kirjuri_store::{Access, AccessAction, Reconsideration, ReconsiderationStep, Resolution};
use serde_json::Value;

use crate::api::{authorise, authorise_with};
use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiJson;
use crate::policy::Action;
use crate::statements::{basis_in_full, fi_date};
use crate::wire::*;
use crate::AppState;

type ApiResult<T> = Result<T, ApiError>;

fn reconsiders(statement: &str) -> String {
    if statement == "automated" {
        "automated_statement".to_owned()
    } else {
        "official_statement".to_owned()
    }
}

// ---- the statement issued on reconsideration (B7, B12) --------------------------------------

/// What the statement issued on reconsideration says.
#[derive(Debug)]
pub struct ReconsiderationDocument<'a> {
    /// The organisation of the official who resolved it: the issuer.
    pub org: &'a Organisation,
    pub client: &'a Client,
    pub date: NaiveDate,
    /// `automated` or `official`: the statement reconsidered.
    pub statement: &'a str,
    pub old_outcome: &'a str,
    pub old_effective_date: NaiveDate,
    pub resolution: &'a ParsedResolution,
}

impl ReconsiderationDocument<'_> {
    /// The outcome or its effective date differs from the statement reconsidered.
    pub fn changed(&self) -> bool {
        self.resolution.outcome != self.old_outcome
            || self.resolution.effective_date != self.old_effective_date
    }
}

fn outcome_clause(outcome: &str, date: NaiveDate, sv: bool) -> String {
    let d = fi_date(date);
    match (outcome, sv) {
        ("no_obstacle", false) => {
            format!("ei ole työvoimapoliittista estettä työttömyysetuuden saamiselle {d} alkaen")
        }
        ("job_search_ended", false) => format!("työnhakusi on päättynyt {d}"),
        (_, false) => {
            format!("on työvoimapoliittinen este työttömyysetuuden saamiselle {d} alkaen")
        }
        ("no_obstacle", true) => format!(
            "det inte finns något arbetskraftspolitiskt hinder för arbetslöshetsförmån från och med {d}"
        ),
        ("job_search_ended", true) => format!("ditt arbetssökande har upphört den {d}"),
        (_, true) => format!(
            "det finns ett arbetskraftspolitiskt hinder för arbetslöshetsförmån från och med {d}"
        ),
    }
}

/// The sentence with its first letter in upper case.
fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The new statement as plain text in the client's language (Finnish or Swedish; any other
/// language gets Finnish and a note that a translation can be asked for): issued by the
/// official's organisation in full, naming the statement it reconsiders, whether it changed,
/// the reasoning and legal basis, that an official handled it, and that the client may appeal
/// the benefit payer's decision (a statement is reconsidered once).
pub fn reconsideration_document(d: &ReconsiderationDocument<'_>) -> String {
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
    let old = outcome_clause(d.old_outcome, d.old_effective_date, sv);
    let new = outcome_clause(&r.outcome, r.effective_date, sv);
    let basis = basis_in_full(&r.basis, sv);
    let mut t = String::new();
    let mut line = |s: &str| {
        t.push_str(s);
        t.push('\n');
    };
    if sv {
        line("ARBETSKRAFTSPOLITISKT UTLÅTANDE");
        line("Utlåtande med anledning av din begäran om omprövning");
        line("");
        line(&format!("Utfärdare: {issuer}"));
        line(&format!("Datum: {}", fi_date(d.date)));
        line(&format!("Sökande: {name} ({hetu})"));
        line("");
        line(&format!(
            "Din begäran om omprövning gällde {} utlåtande enligt vilket {old}.",
            if d.statement == "automated" {
                "ett automatiskt givet"
            } else {
                "en tjänstemans"
            }
        ));
        line("");
        line(&format!(
            "Utlåtande efter omprövning: {}.",
            capitalised(&new)
        ));
        line(if d.changed() {
            "Det tidigare utlåtandet ändras."
        } else {
            "Det tidigare utlåtandet står fast."
        });
        line("");
        line("Motivering:");
        line(&format!("{} Grund: {basis}.", r.reasoning));
        line("");
        line("Din begäran om omprövning har behandlats av en tjänsteman.");
        line("");
        line(
            "Ändringssökande: Ett utlåtande som getts efter omprövning omprövas inte på nytt och \
             kan inte överklagas separat. Du kan söka ändring i beslutet av den som betalar \
             förmånen (Folkpensionsanstalten eller arbetslöshetskassan).",
        );
    } else {
        line("TYÖVOIMAPOLIITTINEN LAUSUNTO");
        line("Oikaisupyyntösi johdosta annettu lausunto");
        line("");
        line(&format!("Antaja: {issuer}"));
        line(&format!("Päivämäärä: {}", fi_date(d.date)));
        line(&format!("Hakija: {name} ({hetu})"));
        line("");
        line(&format!(
            "Oikaisupyyntösi koski {} lausuntoa, jonka mukaan {old}.",
            if d.statement == "automated" {
                "automaattisesti annettua"
            } else {
                "virkailijan antamaa"
            }
        ));
        line("");
        line(&format!(
            "Lausunto oikaisupyynnön johdosta: {}.",
            capitalised(&new)
        ));
        line(if d.changed() {
            "Aiempi lausunto muuttuu."
        } else {
            "Aiempi lausunto pysyy ennallaan."
        });
        line("");
        line("Perustelut:");
        line(&format!("{} Peruste: {basis}.", r.reasoning));
        line("");
        line("Oikaisupyyntösi on käsitellyt virkailija.");
        line("");
        line(
            "Muutoksenhaku: Oikaisupyynnön johdosta annettua lausuntoa ei oikaista uudelleen, \
             eikä siihen voi hakea muutosta erikseen. Voit hakea muutosta etuuden maksajan \
             (Kansaneläkelaitos tai työttömyyskassa) päätökseen.",
        );
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

// ---- views ----------------------------------------------------------------------------------

async fn org_view(state: &AppState, org: kirjuri_domain::OrgId) -> ApiResult<OrgView> {
    Ok(OrgView::from(&state.store.organisation(org).await?))
}

/// A request as the client (and the official listing the client's decisions) sees it.
pub(crate) async fn view(state: &AppState, r: &Reconsideration) -> ApiResult<ReconsiderationView> {
    let new_statement = match r.resolved() {
        Some(s) => match (&s.resolution, s.outcome_changed) {
            (Some(res), Some(changed)) => Some(ReconsiderationStatementView {
                outcome: res.outcome.clone(),
                effective_date: res.effective_date,
                reasoning: res.reasoning.clone(),
                basis: res.basis.clone(),
                document: res.document.clone(),
                document_language: res.document_language.clone(),
                outcome_changed: changed,
                issuer: org_view(state, s.org).await?,
                issued_at: s.at,
                reconsiders_decision_id: r.decision_id.to_string(),
                reconsiders: reconsiders(&r.statement),
            }),
            _ => None,
        },
        None => None,
    };
    Ok(ReconsiderationView {
        id: r.id.to_string(),
        decision_id: r.decision_id.to_string(),
        reconsiders: reconsiders(&r.statement),
        reconsidered_outcome: r.statement_outcome.clone(),
        reconsidered_effective_date: r.statement_effective_date,
        reasons: r.reasons.clone(),
        requested_as: r.requested_as.clone(),
        requested_at: r.requested_at,
        state: r.state(),
        handled_by: org_view(state, r.org).await?,
        taken_at: r
            .steps
            .iter()
            .rev()
            .find(|s| s.step == "taken")
            .map(|s| s.at),
        new_statement,
    })
}

async fn step_view(
    state: &AppState,
    s: &ReconsiderationStep,
) -> ApiResult<ReconsiderationStepView> {
    let user = state.store.user(s.by).await?;
    let org = state.store.organisation(s.org).await?;
    let r = s.resolution.as_ref();
    Ok(ReconsiderationStepView {
        request_id: s.request_id.to_string(),
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
        outcome_changed: s.outcome_changed,
    })
}

/// Adds to a client's decisions their requests for reconsideration and, for automated
/// statements, the safeguards (B7, B15). Reads the requests under `access` (logged).
pub(crate) async fn annotate(
    state: &AppState,
    client: kirjuri_domain::ClientId,
    access: &Access,
    decisions: &[kirjuri_store::StoredDecision],
    views: &mut [DecisionView],
) -> ApiResult<()> {
    let requests = state.store.reconsiderations(client, access).await?;
    for (d, v) in decisions.iter().zip(views.iter_mut()) {
        let request = requests.iter().find(|r| r.decision_id == d.id);
        if let Some(r) = request {
            v.reconsideration = Some(view(state, r).await?);
        }
        if d.decision.outcome != "routed" && d.decision.document.is_some() {
            v.safeguards = Some(safeguards(state, d, request.is_none()));
        }
    }
    Ok(())
}

/// The steps of the requests about a decision, for its provenance (B10).
pub(crate) async fn provenance_steps(
    state: &AppState,
    client: kirjuri_domain::ClientId,
    decision: DecisionId,
    access: &Access,
) -> ApiResult<Vec<ProvenanceStep>> {
    let mut out = Vec::new();
    for r in state.store.reconsiderations(client, access).await? {
        if r.decision_id != decision {
            continue;
        }
        let requester = state.store.user(r.requested_by).await?;
        out.push(ProvenanceStep {
            step: "reconsideration_requested",
            by: if r.requested_as == "client" {
                "the client".to_owned()
            } else {
                format!("official {} on the client's behalf", requester.display_name)
            },
            requested_by: format!("{} ({})", requester.display_name, requester.id),
            at: r.requested_at,
        });
        for s in &r.steps {
            let user = state.store.user(s.by).await?;
            let org = state.store.organisation(s.org).await?;
            out.push(ProvenanceStep {
                step: if s.step == "resolved" {
                    "reconsideration_resolved"
                } else {
                    "reconsideration_taken"
                },
                by: format!("official {}, {}", user.display_name, org.name_fi),
                requested_by: format!("{} ({})", user.display_name, user.id),
                at: s.at,
            });
        }
    }
    Ok(out)
}

// ---- GDPR art. 22(3) safeguards (B15) -------------------------------------------------------

/// Rights of the client in the face of an automated statement (GDPR art. 22(3)).
const HUMAN_FI: &str = "Sinulla on oikeus siihen, että virkailija käsittelee asiasi. Voit \
pyytää lausunnon oikaisua, ja oikaisupyynnön käsittelee aina virkailija, ei automaattinen \
menettely. Virkailija antaa oikaisupyyntöön uuden lausunnon.";
const HUMAN_SV: &str = "Du har rätt att få ditt ärende behandlat av en tjänsteman. Du kan \
begära omprövning av utlåtandet, och en begäran om omprövning behandlas alltid av en tjänsteman, \
inte av det automatiserade förfarandet. Tjänstemannen ger ett nytt utlåtande med anledning av \
begäran.";
const VIEW_FI: &str = "Voit esittää oman näkemyksesi asiasta: kirjoita oikaisupyyntöön, miksi \
lausunto on mielestäsi virheellinen ja mitä asiassa pitäisi ottaa huomioon. Virkailija ottaa \
sen huomioon ja voi pyytää sinulta lisätietoja.";
const VIEW_SV: &str = "Du kan framföra din egen synpunkt: skriv i begäran om omprövning varför \
du anser att utlåtandet är felaktigt och vad som borde beaktas. Tjänstemannen beaktar den och \
kan be dig om mer information.";
const CONTEST_FI: &str = "Voit riitauttaa lausunnon pyytämällä sen oikaisua lausunnon antajalta. \
Lausuntoon ei voi hakea muutosta erikseen; voit hakea muutosta etuuden maksajan \
(Kansaneläkelaitos tai työttömyyskassa) päätökseen.";
const CONTEST_SV: &str = "Du kan bestrida utlåtandet genom att begära omprövning hos \
utfärdaren. Utlåtandet kan inte överklagas separat; du kan söka ändring i beslutet av den som \
betalar förmånen (Folkpensionsanstalten eller arbetslöshetskassan).";
const ASK_FI: &str = "Pyydä oikaisua Kirjurissa tämän lausunnon kohdalla ja kirjoita \
perustelusi. Voit myös ottaa yhteyttä työvoimaviranomaiseen, jolloin virkailija kirjaa \
pyyntösi puolestasi.";
const ASK_SV: &str = "Begär omprövning i Kirjuri vid detta utlåtande och skriv dina skäl. Du \
kan också kontakta arbetskraftsmyndigheten, så registrerar en tjänsteman begäran för din \
räkning.";
const ASKED_FI: &str = "Olet jo pyytänyt tämän lausunnon oikaisua; näet pyyntösi tilan ja \
uuden lausunnon tämän lausunnon yhteydessä.";
const ASKED_SV: &str = "Du har redan begärt omprövning av detta utlåtande; du ser hur din \
begäran framskrider och det nya utlåtandet vid detta utlåtande.";
const LEGAL_FI: &str = "Euroopan unionin yleisen tietosuoja-asetuksen 22 artiklan 3 kohta; \
hallintolaki (434/2003) 53 e §; Kehittämis- ja hallintokeskuksen päätös automaattisen \
menettelyn käyttöönotosta.";
const LEGAL_SV: &str = "Artikel 22.3 i Europeiska unionens allmänna dataskyddsförordning; \
förvaltningslagen (434/2003) 53 e §; Utvecklings- och förvaltningscentrets beslut om att ta \
det automatiserade förfarandet i bruk.";

fn status_words(status: &str, sv: bool) -> &'static str {
    match (status, sv) {
        ("fired", false) => "ehto täyttyi",
        ("not_fired", false) => "ehto ei täyttynyt",
        ("unknown", false) => "ehtoa ei voitu arvioida",
        (_, false) => "ei arvioitu",
        ("fired", true) => "villkoret uppfylldes",
        ("not_fired", true) => "villkoret uppfylldes inte",
        ("unknown", true) => "villkoret kunde inte bedömas",
        (_, true) => "inte bedömd",
    }
}

/// The safeguards of an automated statement, in the client's language (Swedish for Swedish,
/// otherwise Finnish; the rules engine's explanation also in English for English speakers).
pub(crate) fn safeguards(
    state: &AppState,
    d: &kirjuri_store::StoredDecision,
    can_ask: bool,
) -> SafeguardsView {
    let inputs: Value = serde_json::from_str(&d.decision.inputs).unwrap_or(Value::Null);
    let client_lang = inputs["person"]["language"]
        .as_str()
        .or(d.decision.document_language.as_deref())
        .unwrap_or("fi")
        .to_owned();
    let sv = client_lang == "sv" || d.decision.document_language.as_deref() == Some("sv");
    let rule_set = [&state.rules.start, &state.rules.end]
        .into_iter()
        .find(|rs| rs.hash() == d.decision.rule_set_hash);
    let trace: Vec<Value> = serde_json::from_str(&d.decision.trace).unwrap_or_default();
    let rules: Vec<AppliedRuleView> = trace
        .iter()
        .map(|st| {
            let id = st["rule"].as_str().unwrap_or_default().to_owned();
            let meta = rule_set.and_then(|rs| rs.rules().iter().find(|m| m.id == id));
            let title = match meta {
                Some(m) if sv => m.title_sv.clone(),
                Some(m) => m.title_fi.clone(),
                None => id.clone(),
            };
            let status = st["status"].as_str().unwrap_or_default();
            AppliedRuleView {
                rule: id,
                title,
                basis: basis_in_full(st["basis"].as_str().unwrap_or_default(), sv),
                applied: status == "fired",
                status: status_words(status, sv).to_owned(),
                read: st["reads"]
                    .as_array()
                    .map(|rs| {
                        rs.iter()
                            .map(|r| {
                                format!(
                                    "{} = {}",
                                    r["name"].as_str().unwrap_or_default(),
                                    r["value"].as_str().unwrap_or_default()
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();
    // The rules engine's own explanation: the stored request evaluated again by the same
    // rule-set version (when it is the one in use), which gives the same decision.
    let explanation = rule_set.and_then(|_| {
        let mut request = inputs.clone();
        request.get_mut("person")?.as_object_mut()?.insert(
            "sex".to_owned(),
            // The contract needs it; no rule reads it (B16).
            Value::String("female".to_owned()),
        );
        let request: kirjuri_rules::Request = serde_json::from_value(request).ok()?;
        let decision = state.rules.evaluate(&request, true);
        let lang = match client_lang.as_str() {
            "sv" => kirjuri_rules::Lang::Sv,
            "en" => kirjuri_rules::Lang::En,
            _ => kirjuri_rules::Lang::Fi,
        };
        // The engine's closing line names the organisation by its short name and a fixed
        // adoption decision; `notice` says it with the adoption decision that covered this
        // statement, so the line is left out.
        let text = kirjuri_rules::explain(&decision, lang);
        Some(
            text.lines()
                .filter(|l| {
                    ![
                        "KEHA-keskuksen päätös",
                        "KEHA-centralens beslut",
                        "KEHA Centre decision",
                    ]
                    .iter()
                    .any(|m| l.contains(m))
                })
                .map(|l| format!("{l}\n"))
                .collect::<String>(),
        )
    });
    let rs = &d.decision;
    let adoption = rs.adoption_number.clone().unwrap_or_default();
    let (summary, notice) = if sv {
        (
            format!(
                "Utlåtandet gavs av behandlingsreglerna {} version {}: reglerna jämförde de \
                 uppgifter du lämnat med uppgifterna i myndighetens register, och eftersom alla \
                 villkor klart uppfylldes avgjordes ärendet utan en tjänsteman. Nedan finns \
                 varje regel som prövades, dess grund och de uppgifter den läste.",
                rs.rule_set_name, rs.rule_set_version
            ),
            format!(
                "Detta utlåtande har getts automatiskt, utan att en tjänsteman har behandlat \
                 ärendet (förvaltningslagen 53 e §), enligt beslutet om att ta förfarandet i \
                 bruk ({adoption})."
            ),
        )
    } else {
        (
            format!(
                "Lausunnon antoivat käsittelysäännöt {} versio {}: säännöt vertasivat \
                 antamiasi tietoja viranomaisen rekistereissä oleviin tietoihin, ja koska \
                 kaikki edellytykset täyttyivät selvästi, asia ratkaistiin ilman virkailijaa. \
                 Alla on jokainen arvioitu sääntö, sen peruste ja tiedot, joita se luki.",
                rs.rule_set_name, rs.rule_set_version
            ),
            format!(
                "Tämä lausunto on annettu automaattisesti, eikä virkailija ole käsitellyt asiaa \
                 (hallintolaki 53 e §). Menettely on otettu käyttöön päätöksellä {adoption}."
            ),
        )
    };
    let pick = |fi: &str, s: &str| if sv { s.to_owned() } else { fi.to_owned() };
    SafeguardsView {
        language: if sv { "sv" } else { "fi" }.to_owned(),
        made_automatically: true,
        notice,
        logic: LogicView {
            summary,
            rule_set: RuleSetRefView {
                name: rs.rule_set_name.clone(),
                version: rs.rule_set_version.clone(),
                hash: rs.rule_set_hash.clone(),
            },
            rules,
            explanation,
        },
        right_to_human_intervention: pick(HUMAN_FI, HUMAN_SV),
        right_to_express_view: pick(VIEW_FI, VIEW_SV),
        right_to_contest: pick(CONTEST_FI, CONTEST_SV),
        how_to_ask: HowToAskView {
            available: can_ask,
            method: "POST",
            path: format!("/api/me/decisions/{}/reconsideration", d.id),
            body: "{\"reasons\": \"...\"}",
            text: if can_ask {
                pick(ASK_FI, ASK_SV)
            } else {
                pick(ASKED_FI, ASKED_SV)
            },
        },
        legal_basis: pick(LEGAL_FI, LEGAL_SV),
    }
}

// ---- handlers -------------------------------------------------------------------------------

/// The client of a decision, authorised for asking (a refusal is logged by `authorise`).
async fn decision_for_asking(
    state: &AppState,
    user: &User,
    headers: &HeaderMap,
    id: &str,
) -> ApiResult<(DecisionId, Client, Access)> {
    crate::api::stated_purpose(headers)?;
    let id: DecisionId = parse_path_id("decision", id)?;
    let client = state.store.decision_client(id).await?;
    let client = state.store.client(client).await?;
    let (client, access) = authorise(
        state,
        user,
        headers,
        client,
        Action::Ask,
        "reconsiderations",
    )
    .await?;
    Ok((id, client, access))
}

#[utoipa::path(post, path = "/api/me/decisions/{id}/reconsideration", tag = "own data",
    params(("id" = String, Path, description = "decision id")),
    request_body = ReconsiderationRequestBody,
    responses((status = 201, body = ReconsiderationView), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
/// The client asks that the statement on one of their decisions be reconsidered (B7), with
/// their reasons. A person handles it; a statement is reconsidered once.
pub async fn ask_reconsideration(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ReconsiderationRequestBody>,
) -> ApiResult<(StatusCode, Json<ReconsiderationView>)> {
    if user.role != Role::JobSeeker || user.client_id.is_none() {
        return Err(ApiError::forbidden(
            "this is a job seeker's view of their own data",
        ));
    }
    let (id, client, access) = decision_for_asking(&state, &user, &headers, &id).await?;
    let reasons = req.parse()?;
    let r = state
        .store
        .request_reconsideration(client.id, id, reasons, &access)
        .await?;
    Ok((StatusCode::CREATED, Json(view(&state, &r).await?)))
}

#[utoipa::path(post, path = "/api/decisions/{id}/reconsideration", tag = "statements",
    params(("id" = String, Path, description = "decision id")),
    request_body = ReconsiderationRequestBody,
    responses((status = 201, body = ReconsiderationView), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
/// An official of the client's own employment authority records the client's request for
/// reconsideration on their behalf (e.g. made by phone), with the client's reasons.
pub async fn record_reconsideration(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ReconsiderationRequestBody>,
) -> ApiResult<(StatusCode, Json<ReconsiderationView>)> {
    let (id, client, access) = decision_for_asking(&state, &user, &headers, &id).await?;
    if user.role == Role::JobSeeker {
        // The client asks in their own view; this is the official's way of recording it.
        let refused = Access {
            flagged: true,
            ..access
        };
        state
            .store
            .log(
                &refused,
                client.id,
                AccessAction::Denied,
                "reconsiderations",
            )
            .await?;
        return Err(ApiError::forbidden(
            "ask at /api/me/decisions/{id}/reconsideration",
        ));
    }
    let reasons = req.parse()?;
    let r = state
        .store
        .request_reconsideration(client.id, id, reasons, &access)
        .await?;
    Ok((StatusCode::CREATED, Json(view(&state, &r).await?)))
}

#[utoipa::path(get, path = "/api/work-queue/reconsiderations", tag = "statements",
    responses((status = 200, body = [ReconsiderationCaseView]), (status = 403, body = ErrorBody)))]
/// The open requests for reconsideration for the user: those about statements of the
/// official's own organisation, or KEHA-keskus's for a KEHA official.
pub async fn reconsideration_queue(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<ReconsiderationCaseView>>> {
    let queue = crate::work_queue::queue_of(&user)?;
    let access = crate::api::own_access(&user, &headers, "oikaisupyyntö")?;
    let cases = state.store.reconsideration_queue(queue, &access).await?;
    let mut out = Vec::with_capacity(cases.len());
    for c in cases {
        let r = &c.request;
        let taken = match r.steps.iter().rev().find(|s| s.step == "taken") {
            Some(s) => Some(crate::work_queue::taken_view(&state, s.by, s.at).await?),
            None => None,
        };
        out.push(ReconsiderationCaseView {
            request_id: r.id.to_string(),
            decision_id: r.decision_id.to_string(),
            client_id: c.client.id.to_string(),
            hetu_masked: c.client.hetu.masked(),
            kind: c.kind.clone(),
            to: r.target.clone(),
            reconsiders: reconsiders(&r.statement),
            reconsidered_outcome: r.statement_outcome.clone(),
            reconsidered_effective_date: r.statement_effective_date,
            reasons: r.reasons.clone(),
            requested_as: r.requested_as.clone(),
            requested_at: r.requested_at,
            taken,
        });
    }
    Ok(Json(out))
}

/// The client of a request, the access to act on it under (by the policy: like a routed
/// case) and the kind of the decision it is about.
async fn request_for(
    state: &AppState,
    user: &User,
    headers: &HeaderMap,
    id: &str,
) -> ApiResult<(ReconsiderationId, Client, Access, String)> {
    crate::api::stated_purpose(headers)?;
    let id: ReconsiderationId = parse_path_id("reconsideration request", id)?;
    let (client, target, kind) = state.store.reconsideration_routing(id).await?;
    let client = state.store.client(client).await?;
    let (client, access) = authorise_with(
        state,
        user,
        headers,
        client,
        Action::Resolve,
        "reconsiderations",
        Some(target),
    )
    .await?;
    Ok((id, client, access, kind))
}

#[utoipa::path(post, path = "/api/reconsiderations/{id}/take", tag = "statements",
    params(("id" = String, Path, description = "reconsideration request id")),
    responses((status = 200, body = ReconsiderationStepView), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
/// Takes a request for reconsideration: the official works on it.
pub async fn take_reconsideration(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<ReconsiderationStepView>> {
    let (id, client, access, _) = request_for(&state, &user, &headers, &id).await?;
    let step = state
        .store
        .take_reconsideration(client.id, id, &access)
        .await?;
    Ok(Json(step_view(&state, &step).await?))
}

#[utoipa::path(post, path = "/api/reconsiderations/{id}/resolve", tag = "statements",
    params(("id" = String, Path, description = "reconsideration request id")),
    request_body = ResolveRequest,
    responses((status = 200, body = ReconsiderationStepView), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
/// Resolves a request with a new statement (outcome for the decision's kind, effective date,
/// reasoning, legal basis), issued in the name of the official's organisation, linked to the
/// statement it reconsiders and saying whether it changed. The document passes the
/// entry-quality checks in the client's language (no blocking finding and no offensive or
/// belittling word), or nothing is written (422 with findings).
pub async fn resolve_reconsideration(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ResolveRequest>,
) -> ApiResult<Response> {
    let (id, client, access, kind) = request_for(&state, &user, &headers, &id).await?;
    let parsed = req.parse(&kind)?;
    let org_id = user
        .org_id
        .ok_or_else(|| ApiError::forbidden("an official acts for an organisation"))?;
    let org = state.store.organisation(org_id).await?;
    let request = state
        .store
        .reconsiderations(client.id, &access)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| ApiError::not_found("reconsideration request"))?;
    let doc = ReconsiderationDocument {
        org: &org,
        client: &client,
        date: state.store.clock().today(),
        statement: &request.statement,
        old_outcome: &request.statement_outcome,
        old_effective_date: request.statement_effective_date,
        resolution: &parsed,
    };
    let document = reconsideration_document(&doc);
    let language = if client.language == Language::Sv {
        Language::Sv
    } else {
        Language::Fi
    };
    // B12, A13–A18: the new statement passes the entry-quality checks in its language. It is
    // addressed to the client, so an offensive or belittling word refuses it even where an
    // entry would only be warned (A15).
    let ctx = kirjuri_quality::Context::entry(kirjuri_domain::EntryKind::Other, language);
    let report = crate::quality::check(&state, &document, &ctx)?;
    if report.blocks()
        || report
            .findings
            .iter()
            .any(|f| f.kind == kirjuri_quality::Kind::Offensive)
    {
        return Ok(crate::quality::blocked(&report));
    }
    let step = state
        .store
        .resolve_reconsideration(
            client.id,
            id,
            Resolution {
                outcome: parsed.outcome,
                effective_date: parsed.effective_date,
                reasoning: parsed.reasoning,
                basis: parsed.basis,
                document,
                document_language: language.code().to_owned(),
            },
            &access,
        )
        .await?;
    Ok(Json(step_view(&state, &step).await?).into_response())
}

#[utoipa::path(get, path = "/api/statements/quality", tag = "statements",
    responses((status = 200, body = [RuleSetQualityView]), (status = 403, body = ErrorBody)))]
/// Quality figures per rule-set version (B11): decisions, automated and routed shares, routed
/// cases by reason, requests for reconsideration, how many were resolved and how many changed
/// the outcome. For the rules author, KEHA officials and the supervisor; no client data.
pub async fn statement_quality(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> ApiResult<Json<Vec<RuleSetQualityView>>> {
    if !matches!(
        user.role,
        Role::RulesAuthor | Role::KehaOfficial | Role::Supervisor
    ) {
        return Err(ApiError::forbidden(
            "the quality figures are for the rules author, KEHA officials and the supervisor",
        ));
    }
    Ok(Json(
        state
            .store
            .statement_quality()
            .await?
            .iter()
            .map(RuleSetQualityView::from)
            .collect(),
    ))
}

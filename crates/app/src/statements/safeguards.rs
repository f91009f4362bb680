//! The safeguards of an automated statement (B15; GDPR art. 22(3); Administrative Procedure
//! Act 53 e §), in the client's language: that it was made automatically and under which
//! adoption decision, the logic that applied (every rule considered from the stored trace, with
//! titles in the client's language and legal bases in full, and the rules engine's own
//! explanation of the stored request under the same rule-set version), and the client's rights
//! and how to use them.

use kirjuri_domain::Language;
use kirjuri_store::StoredDecision;
use serde_json::Value;

use crate::documents::basis_in_full;
use crate::stored::stored_json;
use crate::{App, AppError, AppResult};

/// A rule-set version by name, version and SHA-256 of its canonical text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSetRef {
    pub name: String,
    pub version: String,
    pub hash: String,
}

impl RuleSetRef {
    pub fn of(d: &StoredDecision) -> Self {
        Self {
            name: d.decision.rule_set_name.clone(),
            version: d.decision.rule_set_version.clone(),
            hash: d.decision.rule_set_hash.clone(),
        }
    }
}

/// One rule as it applied to the client's case.
#[derive(Debug, Clone)]
pub struct AppliedRule {
    pub rule: String,
    /// The rule's title in the client's language.
    pub title: String,
    /// Legal basis, in full.
    pub basis: String,
    /// The rule's condition held.
    pub applied: bool,
    /// What happened to the rule, in words.
    pub status: String,
    /// The facts it read, as `name = value`.
    pub read: Vec<String>,
}

/// The safeguards of one automated statement, in `language`.
#[derive(Debug, Clone)]
pub struct Safeguards {
    /// Finnish or Swedish.
    pub language: Language,
    /// That the statement was made automatically, and under which adoption decision.
    pub notice: String,
    /// In a sentence or two, how the statement was formed.
    pub summary: String,
    pub rule_set: RuleSetRef,
    /// Every rule considered, in order.
    pub rules: Vec<AppliedRule>,
    /// The rules engine's own explanation, when the rule-set version that decided is the one
    /// in use.
    pub explanation: Option<String>,
    pub right_to_human_intervention: String,
    pub right_to_express_view: String,
    pub right_to_contest: String,
    /// A request for reconsideration can still be made (none was made yet).
    pub can_ask: bool,
    /// How to ask, in words.
    pub how_to_ask: String,
    pub legal_basis: String,
}

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

/// A string member of a stored JSON object, or a corrupt record.
fn text<'a>(v: &'a Value, key: &str, what: &str) -> AppResult<&'a str> {
    v[key]
        .as_str()
        .ok_or_else(|| AppError::Internal(format!("corrupt stored {what}: no {key:?}")))
}

impl App {
    /// The safeguards of an automated statement, in the client's language (Swedish for
    /// Swedish, otherwise Finnish; the rules engine's explanation also in English for English
    /// speakers). `can_ask`: no request for reconsideration was made yet.
    pub(crate) fn safeguards(&self, d: &StoredDecision, can_ask: bool) -> AppResult<Safeguards> {
        let inputs = stored_json("decision inputs", &d.decision.inputs)?;
        let client_lang = inputs["person"]["language"]
            .as_str()
            .or(d.decision.document_language.as_deref())
            .unwrap_or("fi")
            .to_owned();
        let sv = client_lang == "sv" || d.decision.document_language.as_deref() == Some("sv");
        let rule_set = [&self.rules.start, &self.rules.end]
            .into_iter()
            .find(|rs| rs.hash() == d.decision.rule_set_hash);
        let trace = stored_json("decision trace", &d.decision.trace)?;
        let steps = trace.as_array().ok_or_else(|| {
            AppError::Internal("corrupt stored decision trace: not a list".into())
        })?;
        let mut rules = Vec::with_capacity(steps.len());
        for st in steps {
            let id = text(st, "rule", "decision trace")?.to_owned();
            let meta = rule_set.and_then(|rs| rs.rules().iter().find(|m| m.id == id));
            let title = match meta {
                Some(m) if sv => m.title_sv.clone(),
                Some(m) => m.title_fi.clone(),
                None => id.clone(),
            };
            let status = text(st, "status", "decision trace")?;
            let mut read = Vec::new();
            for r in st["reads"].as_array().ok_or_else(|| {
                AppError::Internal("corrupt stored decision trace: no \"reads\"".into())
            })? {
                read.push(format!(
                    "{} = {}",
                    text(r, "name", "decision trace")?,
                    text(r, "value", "decision trace")?
                ));
            }
            rules.push(AppliedRule {
                rule: id,
                title,
                basis: basis_in_full(text(st, "basis", "decision trace")?, sv),
                applied: status == "fired",
                status: status_words(status, sv).to_owned(),
                read,
            });
        }
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
            let decision = self.rules.evaluate(&request, true);
            let lang = match client_lang.as_str() {
                "sv" => kirjuri_rules::Lang::Sv,
                "en" => kirjuri_rules::Lang::En,
                _ => kirjuri_rules::Lang::Fi,
            };
            // The engine's closing line names a fixed adoption decision; `notice` says it with
            // the adoption decision that covered this statement, so the line is left out.
            let text = kirjuri_rules::explain(&decision, lang);
            let closing = kirjuri_rules::automated_notice(lang);
            Some(
                text.lines()
                    .filter(|l| *l != closing)
                    .map(|l| format!("{l}\n"))
                    .collect::<String>(),
            )
        });
        let rs = &d.decision;
        let adoption = rs.adoption_number.clone().ok_or_else(|| {
            AppError::Internal(format!(
                "corrupt stored decision {}: automated without an adoption decision",
                d.id
            ))
        })?;
        let (summary, notice) = if sv {
            (
                format!(
                    "Utlåtandet gavs av behandlingsreglerna {} version {}: reglerna jämförde de \
                     uppgifter du lämnat med uppgifterna i myndighetens register, och eftersom \
                     alla villkor klart uppfylldes avgjordes ärendet utan en tjänsteman. Nedan \
                     finns varje regel som prövades, dess grund och de uppgifter den läste.",
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
                     kaikki edellytykset täyttyivät selvästi, asia ratkaistiin ilman \
                     virkailijaa. Alla on jokainen arvioitu sääntö, sen peruste ja tiedot, joita \
                     se luki.",
                    rs.rule_set_name, rs.rule_set_version
                ),
                format!(
                    "Tämä lausunto on annettu automaattisesti, eikä virkailija ole käsitellyt \
                     asiaa (hallintolaki 53 e §). Menettely on otettu käyttöön päätöksellä \
                     {adoption}."
                ),
            )
        };
        let pick = |fi: &str, s: &str| if sv { s.to_owned() } else { fi.to_owned() };
        Ok(Safeguards {
            language: if sv { Language::Sv } else { Language::Fi },
            notice,
            summary,
            rule_set: RuleSetRef::of(d),
            rules,
            explanation,
            right_to_human_intervention: pick(HUMAN_FI, HUMAN_SV),
            right_to_express_view: pick(VIEW_FI, VIEW_SV),
            right_to_contest: pick(CONTEST_FI, CONTEST_SV),
            can_ask,
            how_to_ask: if can_ask {
                pick(ASK_FI, ASK_SV)
            } else {
                pick(ASKED_FI, ASKED_SV)
            },
            legal_basis: pick(LEGAL_FI, LEGAL_SV),
        })
    }
}

//! The automatic statement of the procedure (B8): issued in the name of the client's
//! employment authority, naming the condition and its section of law, the outcome and from
//! when, the reasons, the notice that it was made automatically with the adoption decision's
//! number and address, and how to ask for reconsideration.

use chrono::NaiveDate;
use kirjuri_domain::{Client, Organisation};
use kirjuri_rules::{Kind, Outcome};
use kirjuri_store::AdoptionDecision;

use super::{basis_in_full, fi_date};

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
                    "Bedömt villkor: att arbetssökandet är i kraft (lagen om ordnande av \
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

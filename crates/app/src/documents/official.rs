//! An official's statement on a routed case: issued in the name of the official's
//! organisation, without the notice of automated decision-making (a person decided).

use chrono::NaiveDate;
use kirjuri_domain::{Client, Language, Organisation};

use super::{basis_in_full, fi_date, CaseResolution};

/// The official's statement on a routed case.
#[derive(Debug)]
pub struct OfficialDocument<'a> {
    /// The official's organisation: the issuer.
    pub org: &'a Organisation,
    pub client: &'a Client,
    /// `job_search_start` or `job_search_end`.
    pub kind: &'a str,
    pub date: NaiveDate,
    pub resolution: &'a CaseResolution,
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

//! The statement given on reconsideration (B7): issued by the official's organisation in
//! full, naming the statement it reconsiders and whether it changed.

use chrono::NaiveDate;
use kirjuri_domain::{Client, Language, Organisation};

use super::{basis_in_full, fi_date, CaseResolution};

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
    pub resolution: &'a CaseResolution,
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

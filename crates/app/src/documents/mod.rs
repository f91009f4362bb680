//! The statements Kirjuri issues, as plain text in the client's language (B8, B12, A13, A14):
//! the automatic statement of the procedure ([`automatic`]), an official's statement on a
//! routed case ([`official`]) and the statement given on reconsideration
//! ([`reconsideration`]). Finnish or Swedish; any other language gets Finnish and a note that
//! a translation can be asked for. Organisations and laws are named in full. Every text an
//! official adds to a document passes the entry-quality checks before the document is issued
//! (`App::check_document_text`).

pub mod automatic;
pub mod official;
pub mod reconsideration;

use chrono::NaiveDate;
use kirjuri_domain::Language;

pub use automatic::{document, Document};
pub use official::{official_document, OfficialDocument};
pub use reconsideration::{reconsideration_document, ReconsiderationDocument};

/// What an official decided on a routed case or a request for reconsideration, checked
/// against the decision it resolves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseResolution {
    /// `no_obstacle` or `obstacle` (a start), `job_search_ended` or `obstacle` (an end).
    pub outcome: String,
    pub effective_date: NaiveDate,
    /// The official's reasoning, shown to the client in the statement.
    pub reasoning: String,
    /// Legal basis, e.g. `TTL 2:14`; written out in full in the document.
    pub basis: String,
}

/// The language a client's documents are written in: Swedish for Swedish speakers, otherwise
/// Finnish (with a note on translation for other languages).
pub fn document_language(client: Language) -> Language {
    if client == Language::Sv {
        Language::Sv
    } else {
        Language::Fi
    }
}

/// A date as it is written in Finland: `2.3.2026`.
pub fn fi_date(d: NaiveDate) -> String {
    d.format("%-d.%-m.%Y").to_string()
}

/// Legal references in full (A14: no abbreviations a client would not know).
pub fn basis_in_full(basis: &str, sv: bool) -> String {
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
            ("JTYPL", true) => "lagen om ordnande av arbetskraftsservice (380/2023)",
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

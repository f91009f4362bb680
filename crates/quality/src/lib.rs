//! # kirjuri-quality — language and content checks for journal entries (A13–A18)
//!
//! Checks the free text of an entry (or of an outgoing e-mail) before it is saved or sent and
//! reports findings with exact spans on the original text:
//! - **abbreviation** (A14): glossary abbreviations (with the full form to suggest) and unknown
//!   all-caps tokens, also inflected (`TTV:lle`, `OMO-opintojen`); one explained in parentheses
//!   at its first use is fine there and later; official names such as `KEHA-keskus` are fine;
//! - **offensive** (A15): words of a curated list, matched on base forms and compound parts;
//!   blocking in `safety` entries and for slurs;
//! - **health** (A17): diagnoses, medicines and ICD-10 codes outside `work_capacity` entries;
//! - **hetu** (A16, A18, issue 15 item 15): valid personal identity codes in free text; they
//!   block: the code belongs in the client's identity-code field only;
//! - **benefit** (A18): benefit details, reported only for [`Purpose::OutgoingEmail`], where
//!   identity codes, health data and benefit details block;
//! - **clarity** (A13): very long sentences, control characters;
//! - **format** (issue 15 item 11): invisible format characters; bidirectional controls block.
//!
//! Main types and functions:
//! - [`Checker`]`::new(`[`Data`]`, `[`MorphologyMode`]`) -> Result<Checker, `[`CheckerError`]`>`;
//!   [`Checker::check`]`(&self, text, &`[`Context`]`) -> Result<`[`Report`]`, `[`CheckError`]`>`.
//! - [`Report`] `{ morphology: `[`Morphology`]` (Voikko | Fallback), findings: Vec<`[`Finding`]`> }`.
//! - [`Data`]: the data files (`data/*.tsv`, `data/known-abbreviations.txt`), embedded or loaded
//!   from a directory at run time ([`Data::from_dir`]), parsed strictly ([`DataError`]).
//!
//! Finnish morphology comes from libvoikko, loaded at run time through a small FFI module
//! (`voikko.rs`, the crate's only `unsafe`); without it a documented, weaker fallback runs and
//! the report says so. A `Checker` is `Send + Sync`: the libvoikko handle (not thread-safe) is
//! behind a `Mutex`, together with a bounded cache of analyses per distinct word.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![warn(missing_docs)]

mod check;
mod data;
mod hetu;
mod hunspell;
mod morph;
mod voikko;

use std::ops::Range;

pub use data::{Category, Data, DataError};
pub use hunspell::{Hunspell, HunspellError, SwedishAnalysis};
pub use kirjuri_domain::{EntryKind, Language};
pub use morph::{
    Library, Morphology, MorphologyConfig, MorphologyMode, MorphologyStatus, SwedishMorphology,
};
pub use voikko::{Analysis, Voikko, VoikkoError};

/// Longest text checked, in characters (longer: [`CheckError::TooLong`]).
pub const MAX_CHARS: usize = 100_000;

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An abbreviation that is not generally known (A14).
    Abbreviation,
    /// An offensive or belittling word (A15).
    Offensive,
    /// Health data outside a work-capacity entry (A17).
    Health,
    /// A personal identity code in free text (A16, A18).
    Hetu,
    /// Benefit details in an outgoing e-mail (A18).
    Benefit,
    /// Plain language: long sentences, control characters (A13).
    Clarity,
    /// An invisible format character: a zero-width space or joiner, a bidirectional override
    /// or isolate, … (issue 15 item 11). A bidirectional control blocks: it reorders how the
    /// text is shown, so a reader would not see what is stored.
    Format,
}

impl Kind {
    /// The stable code (`abbreviation`, `offensive`, …), as in the corpus files.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Abbreviation => "abbreviation",
            Kind::Offensive => "offensive",
            Kind::Health => "health",
            Kind::Hetu => "hetu",
            Kind::Benefit => "benefit",
            Kind::Clarity => "clarity",
            Kind::Format => "format",
        }
    }
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The text should be corrected; it may be saved.
    Warn,
    /// The text must not be saved or sent as it is.
    Block,
}

/// What the text is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// A journal entry in the system.
    #[default]
    Entry,
    /// An ordinary (unencrypted) e-mail: identity codes, health data and benefit details block
    /// (A18; offer the secure channel instead).
    OutgoingEmail,
}

/// The circumstances of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// The entry type (decides e.g. where health data belong, A17).
    pub entry_type: EntryKind,
    /// The language of the text; Finnish gets morphology, Swedish word-level checks.
    pub language: Language,
    /// Entry or outgoing e-mail.
    pub purpose: Purpose,
}

impl Context {
    /// An entry of the given type and language.
    pub fn entry(entry_type: EntryKind, language: Language) -> Self {
        Context {
            entry_type,
            language,
            purpose: Purpose::Entry,
        }
    }

    /// An outgoing e-mail in the given language.
    pub fn email(language: Language) -> Self {
        Context {
            entry_type: EntryKind::Other,
            language,
            purpose: Purpose::OutgoingEmail,
        }
    }
}

/// A text in the three languages of the user interface.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Message {
    /// Finnish.
    pub fi: String,
    /// Swedish.
    pub sv: String,
    /// English.
    pub en: String,
}

impl Message {
    /// The text in `lang` (Finnish for Sámi).
    pub fn get(&self, lang: Language) -> &str {
        match lang {
            Language::Sv => &self.sv,
            Language::En => &self.en,
            Language::Fi | Language::Se => &self.fi,
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// What it is about.
    pub kind: Kind,
    /// Warn or block.
    pub severity: Severity,
    /// Byte range in the original text (always on `char` boundaries).
    pub bytes: Range<usize>,
    /// Character (Unicode scalar value) range in the original text.
    pub chars: Range<usize>,
    /// What matched: the base form or list entry, the abbreviation, the ICD-10 code; for an
    /// identity code only its masked form (`131052-****`).
    pub matched: String,
    /// What is wrong.
    pub message: Message,
    /// What to write instead, where there is a suggestion.
    pub suggestion: Option<Message>,
}

/// The result of a check.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    /// Which morphology analysed Finnish words (the fallback is weaker: `README.md`).
    pub morphology: Morphology,
    /// Which morphology analysed Swedish words.
    pub swedish_morphology: SwedishMorphology,
    /// Findings in text order.
    pub findings: Vec<Finding>,
}

impl Report {
    /// Whether any finding blocks saving or sending.
    pub fn blocks(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Block)
    }
}

/// Why a checker could not be built.
#[derive(Debug, thiserror::Error)]
pub enum CheckerError {
    /// libvoikko was required ([`MorphologyMode::Voikko`]) and could not be used.
    #[error(transparent)]
    Voikko(#[from] VoikkoError),
    /// Hunspell was required ([`Library::Required`] for Swedish) and could not be used.
    #[error(transparent)]
    Hunspell(#[from] HunspellError),
}

/// Why a text could not be checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    /// The text is empty or only white space.
    #[error("the text is empty")]
    Empty,
    /// The text is longer than [`MAX_CHARS`].
    #[error("the text is too long to check: over {limit} characters")]
    TooLong {
        /// The limit, [`MAX_CHARS`].
        limit: usize,
    },
}

/// The checker: data and morphology. Build once and share (`Send + Sync`).
#[derive(Debug)]
pub struct Checker {
    data: Data,
    analyzer: morph::Analyzer,
}

impl Checker {
    /// A checker over `data` with the chosen morphology ([`MorphologyMode`]: both languages
    /// automatic, libvoikko required, or both fallbacks).
    pub fn new(data: Data, mode: MorphologyMode) -> Result<Self, CheckerError> {
        Self::with_config(data, mode.into())
    }

    /// A checker over `data` with each language's morphology chosen separately.
    pub fn with_config(data: Data, config: MorphologyConfig) -> Result<Self, CheckerError> {
        let analyzer = morph::Analyzer::new(config).map_err(|e| match e {
            morph::MorphError::Voikko(e) => CheckerError::Voikko(e),
            morph::MorphError::Hunspell(e) => CheckerError::Hunspell(e),
        })?;
        Ok(Checker { data, analyzer })
    }

    /// Which morphology this checker uses for Finnish.
    pub fn morphology(&self) -> Morphology {
        self.analyzer.kind()
    }

    /// Which morphology this checker uses for each language, and why a fallback is in use.
    /// A server logs it once at start (its `Display`), and shows
    /// [`MorphologyStatus::notice`] on its pages when that is `Some`.
    pub fn morphology_status(&self) -> &MorphologyStatus {
        self.analyzer.status()
    }

    /// Checks one text.
    pub fn check(&self, text: &str, context: &Context) -> Result<Report, CheckError> {
        // Four bytes per char at most: a cheap refusal before counting.
        if text.len() > 4 * MAX_CHARS || text.chars().count() > MAX_CHARS {
            return Err(CheckError::TooLong { limit: MAX_CHARS });
        }
        if text.trim().is_empty() {
            return Err(CheckError::Empty);
        }
        Ok(Report {
            morphology: self.analyzer.kind(),
            swedish_morphology: self.analyzer.status().swedish,
            findings: check::run(&self.data, &self.analyzer, text, context),
        })
    }
}

//! The entry-quality checker in every use case that writes text (A13–A18, B12). One place
//! decides what a finding means where:
//!
//! - an **entry** is checked in the client's language before it is written: a blocking finding
//!   refuses it ([`AppError::Blocked`], nothing written), warnings are stored with it;
//! - **text that reaches a client's document** (an official's reasoning and legal basis in a
//!   statement on a routed case or on reconsideration) is refused on any offensive or
//!   belittling word (A15), health data (A17: a statement goes to the benefit payer, and is not
//!   a work-capacity assessment), an identity code (A16) or anything else that blocks;
//! - `check_text` answers a text being written, for the live check of the pages and
//!   `POST /api/check`.

use kirjuri_domain::{EntryKind, Language};
use kirjuri_quality::{CheckError, Context, Kind, Report, Severity};
use kirjuri_store::EntryFinding;

use crate::policy::Capability;
use crate::{Actor, App, AppError, AppResult};

/// The findings of a report that are stored with an entry (warnings; a block is never stored
/// because the entry is not written).
pub fn stored_findings(report: &Report) -> Vec<EntryFinding> {
    report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Warn)
        .map(|f| EntryFinding {
            kind: f.kind.code().to_owned(),
            severity: "warn".to_owned(),
            start_char: f.chars.start as i64,
            end_char: f.chars.end as i64,
            matched: f.matched.clone(),
        })
        .collect()
}

/// Whether a finding keeps a text out of a client's document (the pages mark these among a
/// refused text's findings).
pub fn blocks_document(f: &kirjuri_quality::Finding) -> bool {
    f.severity == Severity::Block
        || matches!(
            f.kind,
            Kind::Offensive | Kind::Health | Kind::Hetu | Kind::Format
        )
}

impl App {
    /// Checks `text` (the input `field`) with the checker; an empty or oversized text is an
    /// invalid input.
    pub(crate) fn check(&self, field: &str, text: &str, ctx: &Context) -> AppResult<Report> {
        // A duration for the metrics, not a time of the record: the Clock is not for this.
        let started = std::time::Instant::now();
        let checked = self.checker.check(text, ctx);
        self.checker_times.observe(started.elapsed());
        checked.map_err(|e| match e {
            CheckError::Empty => AppError::invalid(field, "must not be empty"),
            other => AppError::invalid(field, other),
        })
    }

    /// Checks an entry's text for an entry of `kind` in the client's language; refuses it
    /// when a finding blocks.
    pub(crate) fn check_entry_text(
        &self,
        text: &str,
        kind: EntryKind,
        language: Language,
    ) -> AppResult<Report> {
        let report = self.check("text", text, &Context::entry(kind, language))?;
        if report.blocks() {
            return Err(AppError::Blocked {
                field: "text",
                report,
            });
        }
        Ok(report)
    }

    /// Checks a short text that goes into the client's record beside an entry or an
    /// appointment (a correction's reason, a service's name, an appointment's address, phone
    /// number or link) by the rules of an entry of `kind`: a blocking finding (an identity
    /// code, bidirectional controls, a slur, …) refuses it naming `field`. Its warnings are
    /// not kept: they have no place in the record (issue 15 item 4).
    pub(crate) fn check_record_text(
        &self,
        field: &'static str,
        text: &str,
        kind: EntryKind,
        language: Language,
    ) -> AppResult<()> {
        let report = self.check(field, text, &Context::entry(kind, language))?;
        if report.blocks() {
            return Err(AppError::Blocked { field, report });
        }
        Ok(())
    }

    /// Checks a text an official puts into a client's document (`field` names the input),
    /// in the document's language; refuses it on any finding that must not reach the client
    /// or the benefit payer.
    pub(crate) fn check_document_text(
        &self,
        field: &'static str,
        text: &str,
        language: Language,
    ) -> AppResult<()> {
        let report = self.check(field, text, &Context::entry(EntryKind::Other, language))?;
        if report.findings.iter().any(blocks_document) {
            return Err(AppError::Blocked { field, report });
        }
        Ok(())
    }

    /// Checks a text being written (any signed-in user): the live check of an entry form.
    pub fn check_text(&self, actor: &Actor, text: &str, ctx: &Context) -> AppResult<Report> {
        self.permit(actor, Capability::SignedIn)?;
        self.check("text", text, ctx)
    }

    /// Which morphology the checker runs with for Finnish (libvoikko or the fallback) and
    /// Swedish (Hunspell or the fallback); its `notice()` is what the pages show while a
    /// fallback is in use.
    pub fn morphology_status(&self) -> &kirjuri_quality::MorphologyStatus {
        self.checker.morphology_status()
    }
}

//! Diagnostics of the static checks, rendered with `codespan-reporting` (no colour).

use crate::ast::Span;
use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config};
use serde::Serialize;

/// Error or warning. Errors stop loading; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Stops loading.
    Error,
    /// Reported; the rule set still loads.
    Warning,
}

/// One finding of the static checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code, e.g. `E010` (see README.md, "Static checks").
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// Where (byte range in the source).
    pub span: Span,
    /// Label shown under the source line.
    pub label: String,
    /// How to fix it.
    pub hint: Option<String>,
    /// 1-based line of `span.start`.
    pub line: usize,
    /// 1-based column (in characters) of `span.start`.
    pub column: usize,
}

/// All findings for one source file. [`Diagnostics::render`] gives the plain-text report.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnostics {
    /// File name shown in the report.
    pub filename: String,
    #[serde(skip)]
    source: String,
    /// Findings in source order.
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub(crate) fn new(filename: &str, source: &str) -> Self {
        Diagnostics {
            filename: filename.into(),
            source: source.into(),
            items: Vec::new(),
        }
    }

    fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut off = offset.min(self.source.len());
        while !self.source.is_char_boundary(off) {
            off -= 1;
        }
        let before = &self.source[..off];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, col)
    }

    fn clamp(&self, span: Span) -> Span {
        let len = self.source.len();
        let mut s = span.start.min(len);
        let mut e = span.end.clamp(s, len);
        while !self.source.is_char_boundary(s) {
            s -= 1;
        }
        while !self.source.is_char_boundary(e) {
            e += 1;
        }
        s..e
    }

    pub(crate) fn push(
        &mut self,
        severity: Severity,
        code: &'static str,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
        hint: Option<String>,
    ) {
        let span = self.clamp(span);
        let (line, column) = self.line_col(span.start);
        self.items.push(Diagnostic {
            severity,
            code,
            message: message.into(),
            span,
            label: label.into(),
            hint,
            line,
            column,
        });
    }

    pub(crate) fn error(
        &mut self,
        code: &'static str,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(
            Severity::Error,
            code,
            span,
            message,
            label,
            Some(hint.into()),
        );
    }

    pub(crate) fn warning(
        &mut self,
        code: &'static str,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(
            Severity::Warning,
            code,
            span,
            message,
            label,
            Some(hint.into()),
        );
    }

    pub(crate) fn sort(&mut self) {
        self.items.sort_by_key(|d| (d.span.start, d.code));
    }

    /// Any errors?
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.severity == Severity::Error)
    }

    /// Warnings only.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Warning)
    }

    /// Is the list empty?
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Render all findings as plain text (no colour), with source excerpts, line:column,
    /// the message and a hint.
    pub fn render(&self) -> String {
        let file = SimpleFile::new(self.filename.as_str(), self.source.as_str());
        let config = Config::default();
        let mut out: Vec<u8> = Vec::new();
        for d in &self.items {
            let cs = match d.severity {
                Severity::Error => CsDiagnostic::error(),
                Severity::Warning => CsDiagnostic::warning(),
            }
            .with_code(d.code)
            .with_message(&d.message)
            .with_labels(vec![
                Label::primary((), d.span.clone()).with_message(&d.label)
            ])
            .with_notes(d.hint.iter().map(|h| format!("hint: {h}")).collect());
            if term::emit(&mut out, &config, &file, &cs).is_err() {
                // Fall back to a one-line form; rendering must never fail the caller.
                out.extend_from_slice(
                    format!("{}:{}:{}: {}\n", self.filename, d.line, d.column, d.message)
                        .as_bytes(),
                );
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

impl std::fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render())
    }
}

impl std::error::Error for Diagnostics {}

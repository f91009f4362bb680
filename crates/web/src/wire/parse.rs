//! Turning the strings of a request into domain values, with errors that name the field.
//! Parsing only: what a value must be is decided by the domain types' constructors and by the
//! application layer, never here.

use chrono::{DateTime, NaiveDate, Utc};
use kirjuri_domain as d;

/// A request field that could not be parsed: the field's name as the client sent it (a JSON
/// path such as `mode.address`) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// The result of parsing part of a request.
pub type Parsed<T> = Result<T, FieldError>;

/// `Ok` of `r`, or a [`FieldError`] naming `name`.
pub fn field<T, E: std::fmt::Display>(name: &str, r: Result<T, E>) -> Parsed<T> {
    r.map_err(|e| FieldError {
        field: name.to_owned(),
        message: e.to_string(),
    })
}

/// A calendar date written exactly `YYYY-MM-DD`: four-digit year, no sign, no padding
/// (chrono's `%Y` alone takes `+002026-01-01` and `+262142-12-31`, issue 15).
pub fn date(name: &str, s: &str) -> Parsed<NaiveDate> {
    let shape = s.len() == 10
        && s.bytes().enumerate().all(|(i, c)| match i {
            4 | 7 => c == b'-',
            _ => c.is_ascii_digit(),
        });
    shape
        .then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| FieldError {
            field: name.to_owned(),
            message: format!("{s:?} is not a date that exists (YYYY-MM-DD)"),
        })
}

/// An instant in RFC 3339 with an offset.
pub fn instant(name: &str, s: &str) -> Parsed<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| FieldError {
            field: name.to_owned(),
            message: format!("{s:?} is not a valid RFC 3339 time with an offset"),
        })
}

pub(crate) fn opt_short(name: &str, s: Option<&str>) -> Parsed<Option<d::ShortText>> {
    s.map(|s| field(name, d::ShortText::parse(s))).transpose()
}

/// A [`FieldError`] naming `field`.
pub fn invalid(field: impl Into<String>, message: impl std::fmt::Display) -> FieldError {
    FieldError {
        field: field.into(),
        message: message.to_string(),
    }
}

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

/// The client's answers on the form (`answers`): the rules contract's `Reported`. Its dates are
/// held to [`date`]'s exact `YYYY-MM-DD` first (the contract type reads chrono's wider forms,
/// `+002026-02-27` among them, which the rules' own tests rely on), and an error names its path
/// under `answers` (issue 15).
pub fn answers(v: Option<&serde_json::Value>) -> Parsed<Option<kirjuri_rules::Reported>> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    for (path, pointer) in [
        (
            "answers.previous_employment_end.date",
            "/previous_employment_end/date",
        ),
        (
            "answers.business_started_while_unemployed_on",
            "/business_started_while_unemployed_on",
        ),
    ] {
        if let Some(serde_json::Value::String(s)) = v.pointer(pointer) {
            date(path, s)?;
        }
    }
    serde_path_to_error::deserialize(v).map(Some).map_err(|e| {
        let path = e.path().to_string();
        let msg = e.into_inner().to_string();
        // serde reports a missing field at the parent's path; name the field itself.
        let field = match msg
            .strip_prefix("missing field `")
            .and_then(|r| r.split('`').next())
        {
            Some(name) if path == "." => format!("answers.{name}"),
            Some(name) => format!("answers.{path}.{name}"),
            None if path == "." => "answers".to_owned(),
            None => format!("answers.{path}"),
        };
        invalid(field, msg)
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

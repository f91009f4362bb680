//! Row ↔ domain conversions. Every stored value is parsed back through the domain
//! constructors, so a row that somebody edited outside the store into something invalid is
//! reported as [`StoreError::Corrupt`] instead of being shown.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use kirjuri_domain::*;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::StoreError;

pub(crate) const USER_COLS: &str = "id, username, display_name, role, org_id, client_id";
pub(crate) const USER_COLS_U: &str =
    "u.id, u.username, u.display_name, u.role, u.org_id, u.client_id";
pub(crate) const CLIENT_COLS: &str =
    "id, hetu, first_name, last_name, language, org_id, created_at";
pub(crate) const JOB_SEARCH_SELECT: &str =
    "SELECT j.id, j.client_id, j.start_date, j.recorded_at, j.recorded_by,
            e.end_date, e.reason, e.recorded_at AS end_recorded_at, e.recorded_by AS end_recorded_by
     FROM job_searches j LEFT JOIN job_search_ends e ON e.job_search_id = j.id";
pub(crate) const ENTRY_SELECT: &str =
    "SELECT e.id, e.client_id, e.kind, e.text, e.details, e.event_at, e.recorded_at,
            e.author_id, u.display_name AS author_name, e.corrects_id, e.correction_reason
     FROM entries e JOIN users u ON u.id = e.author_id";
pub(crate) const APPOINTMENT_SELECT: &str =
    "SELECT id, client_id, official_id, local_date, local_time, time_zone, starts_at,
            duration_minutes, mode, phone_number, video_link, address, recorded_at, recorded_by
     FROM appointments";
pub(crate) const EXPERT_SELECT: &str =
    "SELECT r.official_id, u.display_name, r.from_date, r.recorded_at, r.recorded_by
     FROM responsible_experts r JOIN users u ON u.id = r.official_id";

/// Instants are stored as fixed-width RFC 3339 UTC text so that they sort as text on both
/// backends.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

pub(crate) fn parse_ts(s: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("instant {s:?}: {e}")))
}

pub(crate) fn parse_date(s: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::from_str(s).map_err(|e| StoreError::Corrupt(format!("date {s:?}: {e}")))
}

/// A stored value that does not parse back: what it was, and why.
pub(crate) fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

/// A row whose values are read as text by column name: a row of the database ([`AnyRow`]) or
/// a row of a packed result ([`PackedRow`], see [`fetch_packed`]).
pub(crate) trait TextRow {
    fn text_value(&self, col: &str) -> Result<String, StoreError>;
    fn text_value_opt(&self, col: &str) -> Result<Option<String>, StoreError>;
}

impl TextRow for AnyRow {
    fn text_value(&self, col: &str) -> Result<String, StoreError> {
        Ok(self.try_get::<String, _>(col)?)
    }
    fn text_value_opt(&self, col: &str) -> Result<Option<String>, StoreError> {
        Ok(self.try_get::<Option<String>, _>(col)?)
    }
}

/// One row of a packed result: the values of the columns named, in their order.
pub(crate) struct PackedRow<'a> {
    cols: &'a [&'a str],
    values: Vec<Option<String>>,
}

impl TextRow for PackedRow<'_> {
    fn text_value(&self, col: &str) -> Result<String, StoreError> {
        self.text_value_opt(col)?
            .ok_or_else(|| corrupt(col, "NULL where a value is required"))
    }
    fn text_value_opt(&self, col: &str) -> Result<Option<String>, StoreError> {
        let i = self
            .cols
            .iter()
            .position(|c| *c == col)
            .ok_or_else(|| corrupt(col, "not a column of the packed result"))?;
        Ok(self.values.get(i).cloned().flatten())
    }
}

/// Runs `select` and returns its rows packed into one value by the database: a JSON array of
/// arrays of the text columns `cols` (each the name of a column of `select`'s result, every
/// one TEXT or NULL), decoded here in one go. For queries that return tens of thousands of
/// rows (the reports' whole-table reads, issue 14): sqlx's `Any` driver costs some 10 µs per
/// row on SQLite (one message between its worker thread and the caller each), against well
/// under 1 µs per row packed. `binds` are bound as `$1`, `$2`, … in order.
pub(crate) async fn fetch_packed<'c>(
    pool: &sqlx::AnyPool,
    backend: crate::Backend,
    select: &str,
    cols: &'c [&'c str],
    binds: &[Option<String>],
) -> Result<Vec<PackedRow<'c>>, StoreError> {
    let list = cols
        .iter()
        .map(|c| format!("t.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = match backend {
        crate::Backend::Sqlite => {
            format!("SELECT json_group_array(json_array({list})) FROM ({select}) t")
        }
        crate::Backend::Postgres => {
            format!("SELECT CAST(json_agg(json_build_array({list})) AS TEXT) FROM ({select}) t")
        }
    };
    let mut query = sqlx::query(&sql);
    for b in binds {
        query = query.bind(b.clone());
    }
    let packed: Option<String> = query.fetch_one(pool).await?.try_get(0)?;
    // PostgreSQL's json_agg of no rows is NULL; SQLite's json_group_array is `[]`.
    let Some(packed) = packed else {
        return Ok(Vec::new());
    };
    let rows: Vec<Vec<Option<String>>> =
        serde_json::from_str(&packed).map_err(|e| corrupt("a packed result", e))?;
    rows.into_iter()
        .map(|values| {
            if values.len() == cols.len() {
                Ok(PackedRow { cols, values })
            } else {
                Err(corrupt("a packed result", "a row of the wrong width"))
            }
        })
        .collect()
}

fn get_str<R: TextRow + ?Sized>(row: &R, col: &str) -> Result<String, StoreError> {
    row.text_value(col)
}

fn get_opt<R: TextRow + ?Sized>(row: &R, col: &str) -> Result<Option<String>, StoreError> {
    row.text_value_opt(col)
}

fn parse<T: FromStr>(row: &(impl TextRow + ?Sized), col: &str) -> Result<T, StoreError>
where
    T::Err: std::fmt::Display,
{
    get_str(row, col)?.parse::<T>().map_err(|e| corrupt(col, e))
}

fn parse_opt<T: FromStr>(row: &(impl TextRow + ?Sized), col: &str) -> Result<Option<T>, StoreError>
where
    T::Err: std::fmt::Display,
{
    get_opt(row, col)?
        .map(|s| s.parse::<T>().map_err(|e| corrupt(col, e)))
        .transpose()
}

pub(crate) fn parse_id<T: FromStr>(
    row: &(impl TextRow + ?Sized),
    col: &str,
) -> Result<T, StoreError>
where
    T::Err: std::fmt::Display,
{
    parse(row, col)
}

fn text<T, E: std::fmt::Display>(
    row: &AnyRow,
    col: &str,
    f: impl Fn(&str) -> Result<T, E>,
) -> Result<T, StoreError> {
    f(&get_str(row, col)?).map_err(|e| corrupt(col, e))
}

fn text_opt<T, E: std::fmt::Display>(
    row: &AnyRow,
    col: &str,
    f: impl Fn(&str) -> Result<T, E>,
) -> Result<Option<T>, StoreError> {
    get_opt(row, col)?
        .map(|s| f(&s).map_err(|e| corrupt(col, e)))
        .transpose()
}

pub(crate) fn org_from_row(row: &AnyRow) -> Result<Organisation, StoreError> {
    Ok(Organisation {
        id: parse(row, "id")?,
        kind: parse(row, "kind")?,
        name_fi: text(row, "name_fi", PersonName::parse)?,
        name_sv: text(row, "name_sv", PersonName::parse)?,
    })
}

pub(crate) fn user_from_row(row: &AnyRow) -> Result<User, StoreError> {
    Ok(User {
        id: parse(row, "id")?,
        username: text(row, "username", Username::parse)?,
        display_name: text(row, "display_name", PersonName::parse)?,
        role: parse(row, "role")?,
        org_id: parse_opt(row, "org_id")?,
        client_id: parse_opt(row, "client_id")?,
    })
}

pub(crate) fn client_from_row(row: &AnyRow) -> Result<Client, StoreError> {
    Ok(Client {
        id: parse(row, "id")?,
        hetu: text(row, "hetu", Hetu::parse)?,
        first_name: text(row, "first_name", PersonName::parse)?,
        last_name: text(row, "last_name", PersonName::parse)?,
        language: parse(row, "language")?,
        org_id: parse(row, "org_id")?,
        created_at: parse_ts(&get_str(row, "created_at")?)?,
    })
}

pub(crate) fn job_search_from_row<R: TextRow + ?Sized>(row: &R) -> Result<JobSearch, StoreError> {
    let end = match get_opt(row, "end_date")? {
        None => None,
        Some(date) => Some(JobSearchEnd {
            date: parse_date(&date)?,
            reason: parse(row, "reason")?,
            recorded_at: parse_ts(&get_str(row, "end_recorded_at")?)?,
            recorded_by: parse(row, "end_recorded_by")?,
        }),
    };
    Ok(JobSearch {
        id: parse(row, "id")?,
        client_id: parse(row, "client_id")?,
        start_date: parse_date(&get_str(row, "start_date")?)?,
        end,
        recorded_at: parse_ts(&get_str(row, "recorded_at")?)?,
        recorded_by: parse(row, "recorded_by")?,
    })
}

pub(crate) fn entry_from_row(row: &AnyRow) -> Result<Entry, StoreError> {
    let corrects = match parse_opt::<EntryId>(row, "corrects_id")? {
        None => None,
        Some(entry_id) => Some(Correction {
            entry_id,
            reason: text(row, "correction_reason", ShortText::parse)?,
        }),
    };
    Ok(Entry {
        id: parse(row, "id")?,
        client_id: parse(row, "client_id")?,
        kind: parse(row, "kind")?,
        text: text(row, "text", EntryText::parse)?,
        details: text(row, "details", |s| serde_json::from_str::<EntryDetails>(s))?,
        event_at: parse_ts(&get_str(row, "event_at")?)?,
        recorded_at: parse_ts(&get_str(row, "recorded_at")?)?,
        author_id: parse(row, "author_id")?,
        author_name: text(row, "author_name", PersonName::parse)?,
        corrects,
    })
}

pub(crate) fn appointment_from_row(row: &AnyRow) -> Result<Appointment, StoreError> {
    let mode = match get_str(row, "mode")?.as_str() {
        "phone" => AppointmentMode::Phone {
            phone_number: text_opt(row, "phone_number", ShortText::parse)?,
        },
        "video" => AppointmentMode::Video {
            link: text_opt(row, "video_link", ShortText::parse)?,
        },
        "visit" => AppointmentMode::Visit {
            address: text(row, "address", Address::parse)?,
        },
        other => return Err(corrupt("mode", other)),
    };
    let minutes: i64 = row.try_get("duration_minutes")?;
    Ok(Appointment {
        id: parse(row, "id")?,
        client_id: parse(row, "client_id")?,
        official_id: parse_opt(row, "official_id")?,
        date: parse_date(&get_str(row, "local_date")?)?,
        time: NaiveTime::parse_from_str(&get_str(row, "local_time")?, "%H:%M")
            .map_err(|e| corrupt("local_time", e))?,
        time_zone: get_str(row, "time_zone")?,
        starts_at: parse_ts(&get_str(row, "starts_at")?)?,
        duration_minutes: u32::try_from(minutes).map_err(|e| corrupt("duration_minutes", e))?,
        mode,
        recorded_at: parse_ts(&get_str(row, "recorded_at")?)?,
        recorded_by: parse(row, "recorded_by")?,
    })
}

pub(crate) fn contact_method_from_row(row: &AnyRow) -> Result<ContactMethod, StoreError> {
    Ok(ContactMethod {
        method: parse(row, "method")?,
        agreed_on: parse_date(&get_str(row, "agreed_on")?)?,
        note: text_opt(row, "note", ShortText::parse)?,
        email: text_opt(row, "email", kirjuri_domain::EmailAddress::parse)?,
        recorded_at: parse_ts(&get_str(row, "recorded_at")?)?,
        recorded_by: parse(row, "recorded_by")?,
    })
}

pub(crate) fn expert_from_row(row: &AnyRow) -> Result<ResponsibleExpert, StoreError> {
    Ok(ResponsibleExpert {
        official_id: parse(row, "official_id")?,
        official_name: text(row, "display_name", PersonName::parse)?,
        from: parse_date(&get_str(row, "from_date")?)?,
        recorded_at: parse_ts(&get_str(row, "recorded_at")?)?,
        recorded_by: parse(row, "recorded_by")?,
    })
}

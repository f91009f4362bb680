//! Finnish calendar time: the Europe/Helsinki zone, public holidays, working-day arithmetic and
//! effective-dated parameters (a value per validity period, e.g. a statutory deadline).

use chrono::{DateTime, Datelike, Months, NaiveDate, Offset, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

/// The one time zone appointments and deadlines are expressed in.
pub const HELSINKI: Tz = chrono_tz::Europe::Helsinki;

/// The date in Finland at the instant `at`. Where Finnish time would run past the last date
/// the calendar holds (chrono's `with_timezone(..).date_naive()` panics there), the UTC date.
pub fn helsinki_date(at: DateTime<Utc>) -> NaiveDate {
    let utc = at.naive_utc();
    let offset = HELSINKI.offset_from_utc_datetime(&utc).fix();
    utc.checked_add_offset(offset)
        .map_or(utc.date(), |local| local.date())
}

/// Easter Sunday of `year` (anonymous Gregorian algorithm; valid for every Gregorian year).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).unwrap_or(NaiveDate::MIN)
}

/// A day on which offices are closed although it is not a weekend day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holiday {
    NewYearsDay,
    Epiphany,
    GoodFriday,
    EasterSunday,
    EasterMonday,
    MayDay,
    AscensionDay,
    Whitsunday,
    MidsummerEve,
    MidsummerDay,
    AllSaintsDay,
    IndependenceDay,
    ChristmasEve,
    ChristmasDay,
    BoxingDay,
}

impl Holiday {
    /// Finnish name, for calendars shown to officials.
    pub fn name_fi(self) -> &'static str {
        match self {
            Holiday::NewYearsDay => "uudenvuodenpäivä",
            Holiday::Epiphany => "loppiainen",
            Holiday::GoodFriday => "pitkäperjantai",
            Holiday::EasterSunday => "pääsiäispäivä",
            Holiday::EasterMonday => "toinen pääsiäispäivä",
            Holiday::MayDay => "vappu",
            Holiday::AscensionDay => "helatorstai",
            Holiday::Whitsunday => "helluntaipäivä",
            Holiday::MidsummerEve => "juhannusaatto",
            Holiday::MidsummerDay => "juhannuspäivä",
            Holiday::AllSaintsDay => "pyhäinpäivä",
            Holiday::IndependenceDay => "itsenäisyyspäivä",
            Holiday::ChristmasEve => "jouluaatto",
            Holiday::ChristmasDay => "joulupäivä",
            Holiday::BoxingDay => "tapaninpäivä",
        }
    }
}

/// The holiday on `date`, if any: statutory public holidays plus Midsummer Eve and Christmas
/// Eve, which are non-working days in the public sector.
pub fn holiday(date: NaiveDate) -> Option<Holiday> {
    let (m, d) = (date.month(), date.day());
    let fixed = match (m, d) {
        (1, 1) => Some(Holiday::NewYearsDay),
        (1, 6) => Some(Holiday::Epiphany),
        (5, 1) => Some(Holiday::MayDay),
        (12, 6) => Some(Holiday::IndependenceDay),
        (12, 24) => Some(Holiday::ChristmasEve),
        (12, 25) => Some(Holiday::ChristmasDay),
        (12, 26) => Some(Holiday::BoxingDay),
        _ => None,
    };
    if fixed.is_some() {
        return fixed;
    }
    let wd = date.weekday();
    // Midsummer Day is the Saturday between 20 and 26 June, All Saints' Day the Saturday
    // between 31 October and 6 November; Midsummer Eve is the Friday before.
    if m == 6 && (19..=25).contains(&d) && wd == Weekday::Fri {
        return Some(Holiday::MidsummerEve);
    }
    if m == 6 && (20..=26).contains(&d) && wd == Weekday::Sat {
        return Some(Holiday::MidsummerDay);
    }
    if wd == Weekday::Sat && ((m == 10 && d == 31) || (m == 11 && d <= 6)) {
        return Some(Holiday::AllSaintsDay);
    }
    let easter = easter_sunday(date.year());
    match (date - easter).num_days() {
        -2 => Some(Holiday::GoodFriday),
        0 => Some(Holiday::EasterSunday),
        1 => Some(Holiday::EasterMonday),
        39 => Some(Holiday::AscensionDay),
        49 => Some(Holiday::Whitsunday),
        _ => None,
    }
}

/// Monday to Friday and not a holiday.
pub fn is_working_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && holiday(date).is_none()
}

/// The `n`th working day after `start` (`start` itself is not counted). `n = 0` gives `start`.
/// `None` when it would fall after the last date the calendar can represent (issue 15: a
/// far-future date must not crash a read, so no date arithmetic here can panic).
pub fn add_working_days(start: NaiveDate, n: u32) -> Option<NaiveDate> {
    let mut date = start;
    let mut left = n;
    while left > 0 {
        date = date.succ_opt()?;
        if is_working_day(date) {
            left -= 1;
        }
    }
    Some(date)
}

/// Working days in `(from, to]`; zero when `to <= from`.
pub fn working_days_between(from: NaiveDate, to: NaiveDate) -> u32 {
    let mut n: u32 = 0;
    let mut date = from;
    while date < to {
        // `date < to`, so the next day exists.
        let Some(next) = date.succ_opt() else { break };
        date = next;
        if is_working_day(date) {
            n = n.saturating_add(1);
        }
    }
    n
}

/// The earliest date a person can mean in the record: nobody served today was born, applied or
/// met an official before 1900 (issue 15).
pub fn earliest_plausible_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// How far ahead of today a date a person enters may lie: appointments, follow-ups and
/// planned starts are booked at most this far ahead (issue 15).
pub const MONTHS_AHEAD: u32 = 24;

/// A date outside the range a person can mean.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{date} is not a plausible date: give a date from {earliest} to {latest}")]
pub struct DateOutOfRange {
    pub date: NaiveDate,
    pub earliest: NaiveDate,
    pub latest: NaiveDate,
}

/// The dates a person may enter on `today`: from [`earliest_plausible_date`] to
/// [`MONTHS_AHEAD`] months after today. Year 0, year 9999 and `+262142-12-31` are typing
/// errors or probes, and a stored one would reach every later computation with the record.
pub fn plausible_date(date: NaiveDate, today: NaiveDate) -> Result<NaiveDate, DateOutOfRange> {
    let earliest = earliest_plausible_date();
    let latest = today
        .checked_add_months(Months::new(MONTHS_AHEAD))
        .unwrap_or(NaiveDate::MAX);
    if date < earliest || date > latest {
        return Err(DateOutOfRange {
            date,
            earliest,
            latest,
        });
    }
    Ok(date)
}

/// Why an effective-dated parameter could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EffectiveDatedError {
    #[error("an effective-dated parameter needs at least one period")]
    Empty,
    #[error("periods must start on strictly increasing dates ({0} does not follow {1})")]
    NotIncreasing(NaiveDate, NaiveDate),
}

/// A value per validity period: each period runs from its start date until the next one
/// starts. A rule or deadline asks which value applies on a given date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectiveDated<T> {
    periods: Vec<(NaiveDate, T)>,
}

impl<T> EffectiveDated<T> {
    pub fn new(periods: Vec<(NaiveDate, T)>) -> Result<Self, EffectiveDatedError> {
        if periods.is_empty() {
            return Err(EffectiveDatedError::Empty);
        }
        for w in periods.windows(2) {
            if w[1].0 <= w[0].0 {
                return Err(EffectiveDatedError::NotIncreasing(w[1].0, w[0].0));
            }
        }
        Ok(Self { periods })
    }

    /// One value in force from `from` on (one period is always valid).
    pub fn from_date(from: NaiveDate, value: T) -> Self {
        Self {
            periods: vec![(from, value)],
        }
    }

    /// The value in force on `date`, or `None` before the first period starts.
    pub fn on(&self, date: NaiveDate) -> Option<&T> {
        self.periods
            .iter()
            .rev()
            .find(|(from, _)| *from <= date)
            .map(|(_, v)| v)
    }

    pub fn periods(&self) -> &[(NaiveDate, T)] {
        &self.periods
    }
}

/// Working days within which the initial interview must be held (JTYPL 31 §): 5, and 10 for
/// job searches starting on or after 2026-01-01.
pub fn initial_interview_working_days() -> EffectiveDated<u32> {
    let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN);
    EffectiveDated {
        periods: vec![(d(2000, 1, 1), 5), (d(2026, 1, 1), 10)],
    }
}

/// Last day for the initial interview of a job search that started on `start`; `None` when
/// that day cannot be represented (a start at the end of the calendar).
pub fn initial_interview_deadline(start: NaiveDate) -> Option<NaiveDate> {
    let days = initial_interview_working_days()
        .on(start)
        .copied()
        .unwrap_or(5);
    add_working_days(start, days)
}

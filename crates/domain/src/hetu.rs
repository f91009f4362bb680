//! The Finnish personal identity code (*henkilötunnus*).

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Check characters indexed by `DDMMYYNNN mod 31` (population register rules).
const CHECK_CHARS: &[u8; 31] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";

/// Why a string is not a valid henkilötunnus. Each variant says which part is wrong so a form
/// can tell the official exactly what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HetuError {
    #[error("an identity code has 11 characters (DDMMYY, century sign, NNN, check), got {0}")]
    Length(usize),
    #[error("the first six characters must be digits (DDMMYY)")]
    DateDigits,
    #[error("unknown century sign '{0}' (allowed: + - Y X W V U A B C D E F)")]
    CenturySign(char),
    #[error("the individual number (characters 8–10) must be three digits")]
    IndividualDigits,
    #[error("individual number {0:03} is not in use (002–899 ordinary, 900–999 test codes)")]
    IndividualRange(u16),
    #[error("the date {0} does not exist")]
    ImpossibleDate(String),
    #[error("wrong check character '{got}', expected '{expected}'")]
    CheckChar { got: char, expected: char },
}

/// A validated henkilötunnus. Built only through [`Hetu::parse`]. `Debug` and
/// [`Hetu::masked`] never show the individual part; the full code is only available through
/// [`Hetu::as_str`] so that every place that reveals it is explicit.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hetu(String);

impl Hetu {
    /// Validates `s` by every rule in the brief: length, century sign (incl. the 2023 signs),
    /// individual number range, a date that exists, and the check character.
    pub fn parse(s: &str) -> Result<Self, HetuError> {
        let chars: Vec<char> = s.chars().collect();
        if chars.len() != 11 {
            return Err(HetuError::Length(chars.len()));
        }
        let digits = |range: std::ops::Range<usize>| -> Option<u32> {
            chars[range]
                .iter()
                .try_fold(0u32, |acc, c| Some(acc * 10 + c.to_digit(10)?))
        };
        let ddmmyy = digits(0..6).ok_or(HetuError::DateDigits)?;
        let century = match chars[6] {
            '+' => 1800,
            '-' | 'Y' | 'X' | 'W' | 'V' | 'U' => 1900,
            'A' | 'B' | 'C' | 'D' | 'E' | 'F' => 2000,
            other => return Err(HetuError::CenturySign(other)),
        };
        let nnn = digits(7..10).ok_or(HetuError::IndividualDigits)?;
        if nnn < 2 {
            return Err(HetuError::IndividualRange(nnn as u16));
        }
        let (dd, mm, yy) = (ddmmyy / 10000, (ddmmyy / 100) % 100, ddmmyy % 100);
        let year = century + yy as i32;
        if NaiveDate::from_ymd_opt(year, mm, dd).is_none() {
            return Err(HetuError::ImpossibleDate(format!("{dd:02}.{mm:02}.{year}")));
        }
        let expected = CHECK_CHARS[((ddmmyy as u64 * 1000 + nnn as u64) % 31) as usize] as char;
        if chars[10] != expected {
            return Err(HetuError::CheckChar {
                got: chars[10],
                expected,
            });
        }
        Ok(Self(s.to_owned()))
    }

    /// Birth date encoded in the code (always valid: checked at parse time).
    pub fn birth_date(&self) -> NaiveDate {
        let b = self.0.as_bytes();
        let n = |i: usize| u32::from(b[i] - b'0') * 10 + u32::from(b[i + 1] - b'0');
        let century = match b[6] {
            b'+' => 1800,
            b'A'..=b'F' => 2000,
            _ => 1900,
        };
        NaiveDate::from_ymd_opt(century + n(4) as i32, n(2), n(0)).unwrap_or(NaiveDate::MIN)
    }

    /// `true` for the 900–999 test range; demo data uses only these.
    pub fn is_test_code(&self) -> bool {
        self.0.as_bytes()[7] == b'9'
    }

    /// The display form where the full code is not needed: `131052-****`.
    pub fn masked(&self) -> String {
        format!("{}****", &self.0[..7])
    }

    /// The full code. Call sites are the places that reveal it; keep them few.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Builds a valid code from its parts (used by the demo generator and tests).
    pub fn from_parts(date: NaiveDate, individual: u16) -> Result<Self, HetuError> {
        use chrono::Datelike;
        let sign = match date.year() {
            1800..=1899 => '+',
            1900..=1999 => '-',
            2000..=2099 => 'A',
            _ => return Err(HetuError::ImpossibleDate(date.to_string())),
        };
        let ddmmyy = date.day() * 10000 + date.month() * 100 + (date.year() % 100) as u32;
        let check =
            CHECK_CHARS[((ddmmyy as u64 * 1000 + u64::from(individual)) % 31) as usize] as char;
        Self::parse(&format!("{ddmmyy:06}{sign}{individual:03}{check}"))
    }
}

impl fmt::Debug for Hetu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hetu({})", self.masked())
    }
}

impl FromStr for Hetu {
    type Err = HetuError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for Hetu {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Hetu {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Hetu::parse(&s).map_err(serde::de::Error::custom)
    }
}

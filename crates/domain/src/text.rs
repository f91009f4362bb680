//! Validated text values: names, entry texts, addresses. Each refuses empty input, control
//! characters (other than line breaks and tabs where a text may have them) and oversize input,
//! so nothing unreadable reaches the record.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must not be empty")]
    Empty,
    #[error("is too long: {len} characters, at most {max}")]
    TooLong { len: usize, max: usize },
    #[error("contains a control character (U+{0:04X})")]
    ControlChar(u32),
}

fn check(s: &str, max: usize, multiline: bool) -> Result<String, TextError> {
    let trimmed = s.trim();
    if trimmed.is_empty() {
        return Err(TextError::Empty);
    }
    let len = trimmed.chars().count();
    if len > max {
        return Err(TextError::TooLong { len, max });
    }
    if let Some(c) = trimmed
        .chars()
        .find(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\t' | '\r')))
    {
        return Err(TextError::ControlChar(c as u32));
    }
    Ok(trimmed.to_owned())
}

macro_rules! text_type {
    ($(#[$m:meta])* $name:ident, $max:expr, $multiline:expr) => {
        $(#[$m])*
        #[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub const MAX_CHARS: usize = $max;
            pub fn parse(s: &str) -> Result<Self, TextError> {
                check(s, $max, $multiline).map(Self)
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl TryFrom<String> for $name {
            type Error = TextError;
            fn try_from(s: String) -> Result<Self, TextError> {
                Self::parse(&s)
            }
        }
        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }
    };
}

text_type!(
    /// A person's first or last name, or a user's display name.
    PersonName, 200, false
);
text_type!(
    /// The free text of a journal entry (multi-line).
    EntryText, 20_000, true
);
text_type!(
    /// A short single-line text: a correction reason, a service name, a note.
    ShortText, 500, false
);
text_type!(
    /// A street address for an appointment held as a visit.
    Address, 300, false
);
text_type!(
    /// A log-in name.
    Username, 100, false
);
text_type!(
    /// An official's reasoning in a statement (multi-line): shown to the client in the
    /// statement document.
    Reasoning, 5000, true
);
text_type!(
    /// The legal basis an official cites in a statement, e.g. `TTL 2:14`.
    LegalBasis, 200, false
);
text_type!(
    /// A client's reasons for asking that a statement be reconsidered, in their own words
    /// (multi-line).
    ClientReasons, 5000, true
);

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
    /// An invisible format character (zero-width space, a bidirectional override, …): in a
    /// name or an identifier it makes two different values look alike (issue 15 item 11).
    #[error("contains an invisible format character (U+{0:04X})")]
    FormatChar(u32),
}

/// Whether `c` is an invisible format or separator character: Unicode's general category
/// `Cf` (zero-width spaces and joiners, bidirectional embeddings, overrides and isolates, the
/// byte-order mark, soft hyphen, tags, …) and the line and paragraph separators (`Zl`, `Zp`).
/// Such a character changes how a text is shown or read without being seen itself, so names
/// and identifiers refuse it and the entry-quality checker reports it in free text.
pub fn is_format_char(c: char) -> bool {
    matches!(
        u32::from(c),
        0x00AD
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x2028..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
    )
}

/// Whether `c` is a bidirectional embedding, override or isolate (U+202A–U+202E,
/// U+2066–U+2069) or mark (U+200E, U+200F, U+061C): it can reorder how the text around it is
/// displayed, so what a reader sees is not what is stored.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        u32::from(c),
        0x061C | 0x200E | 0x200F | 0x202A..=0x202E | 0x2066..=0x2069
    )
}

/// `multiline` texts are free text: they keep line breaks and tabs, and format characters are
/// the entry-quality checker's findings there; a single-line text is a name or an identifier
/// and refuses them.
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
    if !multiline {
        if let Some(c) = trimmed.chars().find(|&c| is_format_char(c)) {
            return Err(TextError::FormatChar(c as u32));
        }
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
text_type!(
    /// The text of a secure message between a client and their organisation (A18,
    /// multi-line).
    MessageText, 5000, true
);

//! The e-mail address a client agreed for notices (A9, A18). Personal data: its `Debug` and
//! `Display` mask it, so a log line or an error that prints one does not disclose it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why an e-mail address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("must not be empty")]
    Empty,
    #[error("is too long: at most {0} characters")]
    TooLong(usize),
    #[error("is not an e-mail address (local-part@domain)")]
    Malformed,
}

/// A plain e-mail address `local@domain.tld`: ASCII, no spaces, quotes, comments or angle
/// brackets (no display name: the notice needs none, and the SMTP envelope takes it as is).
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    pub const MAX_CHARS: usize = 254;

    pub fn parse(s: &str) -> Result<Self, EmailError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        if s.len() > Self::MAX_CHARS {
            return Err(EmailError::TooLong(Self::MAX_CHARS));
        }
        let (local, domain) = s.rsplit_once('@').ok_or(EmailError::Malformed)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !local_ok || !domain_ok {
            return Err(EmailError::Malformed);
        }
        Ok(Self(s.to_owned()))
    }

    /// The address itself, for the SMTP envelope and the client's own view.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address masked for display where the whole is not needed: `m…@example.fi`.
    pub fn masked(&self) -> String {
        match self.0.split_once('@') {
            Some((local, domain)) => {
                let first: String = local.chars().take(1).collect();
                format!("{first}…@{domain}")
            }
            None => "…".to_owned(),
        }
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = EmailError;
    fn try_from(s: String) -> Result<Self, EmailError> {
        Self::parse(&s)
    }
}

impl From<EmailAddress> for String {
    fn from(v: EmailAddress) -> String {
        v.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EmailAddress({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_addresses_parse_and_others_are_refused() {
        assert!(EmailAddress::parse("maija.meikalainen@example.fi").is_ok());
        assert!(EmailAddress::parse("a+b@mail.example.com").is_ok());
        for bad in [
            "",
            "no-at",
            "@example.fi",
            "a@b",
            "a b@example.fi",
            "Maija <m@example.fi>",
            "a@-x.fi",
            "a..b@example.fi",
            "a@example.fi\r\nBcc: x@y.fi",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn debug_and_display_mask_the_address() {
        let a = EmailAddress::parse("maija@example.fi").unwrap();
        assert_eq!(a.to_string(), "m…@example.fi");
        assert!(!format!("{a:?}").contains("maija"));
    }
}

use std::fmt;

use crate::error::{LedgerError, Result};
use crate::hash::Hash;
use crate::note::{open_note, sign_note, OpenedNote, Signer, Verifier};
use crate::text::{b64_decode, parse_decimal};

/// A C2SP `tlog-checkpoint` body: origin line, decimal tree size, base64 root hash,
/// then optional extension lines, each line ending in a newline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// Unique identity of the log, e.g. `kirjuri.example/ledger/v1`.
    pub origin: String,
    /// Number of leaves the root covers.
    pub size: u64,
    /// The tree head at `size`.
    pub root: Hash,
    /// Extension lines, without their newlines. Each must be non-empty.
    pub extensions: Vec<String>,
}

impl Checkpoint {
    /// A checkpoint without extension lines.
    pub fn new(origin: impl Into<String>, size: u64, root: Hash) -> Self {
        Self {
            origin: origin.into(),
            size,
            root,
            extensions: Vec::new(),
        }
    }

    /// Parses a checkpoint body strictly: exactly one spelling is accepted for each
    /// value, so two different texts never describe the same checkpoint.
    pub fn parse(text: &str) -> Result<Self> {
        let body = text
            .strip_suffix('\n')
            .ok_or(LedgerError::Checkpoint("must end with a newline"))?;
        if body.chars().any(|c| c.is_control() && c != '\n') {
            return Err(LedgerError::Checkpoint("control character"));
        }
        let mut lines = body.split('\n');
        let origin = lines.next().unwrap_or_default();
        if origin.is_empty() {
            return Err(LedgerError::Checkpoint("empty origin"));
        }
        let size = lines
            .next()
            .ok_or(LedgerError::Checkpoint("missing tree size"))?;
        let size = parse_decimal(size).ok_or(LedgerError::Checkpoint("bad tree size"))?;
        let root = lines
            .next()
            .ok_or(LedgerError::Checkpoint("missing root hash"))?;
        let root = b64_decode(root).ok_or(LedgerError::Checkpoint("bad root base64"))?;
        let root =
            Hash::from_slice(&root).map_err(|_| LedgerError::Checkpoint("root not 32 bytes"))?;
        let extensions: Vec<String> = lines.map(str::to_owned).collect();
        if extensions.iter().any(String::is_empty) {
            return Err(LedgerError::Checkpoint("empty extension line"));
        }
        Ok(Self {
            origin: origin.to_owned(),
            size,
            root,
            extensions,
        })
    }

    /// The canonical body text; [`Checkpoint::parse`] inverts it.
    pub fn to_text(&self) -> String {
        self.to_string()
    }

    /// Checks the fields [`Checkpoint::parse`] would reject, so a signer never signs a
    /// checkpoint that verifiers cannot read back.
    pub fn validate(&self) -> Result<()> {
        Self::parse(&self.to_text()).and_then(|parsed| {
            if parsed == *self {
                Ok(())
            } else {
                Err(LedgerError::Checkpoint("fields do not round-trip"))
            }
        })
    }

    /// The checkpoint as a signed note.
    pub fn sign(&self, signers: &[Signer]) -> Result<String> {
        self.validate()?;
        sign_note(&self.to_text(), signers)
    }

    /// Opens a signed checkpoint note and parses its body.
    pub fn open(note: &str, verifiers: &[Verifier]) -> Result<(Self, OpenedNote)> {
        let opened = open_note(note, verifiers)?;
        Ok((Self::parse(&opened.text)?, opened))
    }
}

impl fmt::Display for Checkpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            self.root.to_base64()
        )?;
        for ext in &self.extensions {
            writeln!(f, "{ext}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::empty_root;

    const ROOT_B64: &str = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

    #[test]
    fn round_trip_with_extensions() {
        let mut cp = Checkpoint::new("kirjuri.example/ledger", 0, empty_root());
        assert_eq!(
            cp.to_text(),
            format!("kirjuri.example/ledger\n0\n{ROOT_B64}\n")
        );
        cp.extensions.push("timestamp 1700000000".into());
        cp.size = 42;
        let text = cp.to_text();
        assert_eq!(Checkpoint::parse(&text), Ok(cp));
    }

    #[test]
    fn strict_parsing() {
        let good = format!("o\n7\n{ROOT_B64}\n");
        assert!(Checkpoint::parse(&good).is_ok());
        let bad = [
            String::new(),
            format!("o\n7\n{ROOT_B64}"),
            "o\n7\n".to_string(),
            "o\n".to_string(),
            format!("\n7\n{ROOT_B64}\n"),
            format!("o\n07\n{ROOT_B64}\n"),
            format!("o\n+7\n{ROOT_B64}\n"),
            format!("o\n7 \n{ROOT_B64}\n"),
            format!("o\n-1\n{ROOT_B64}\n"),
            format!("o\nseven\n{ROOT_B64}\n"),
            format!("o\n18446744073709551616\n{ROOT_B64}\n"),
            "o\n7\nZG9uJ3QgY2FyZSAx\n".to_string(),
            "o\n7\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU\n".to_string(),
            "o\n7\n!!!\n".to_string(),
            format!("o\n7\n{ROOT_B64}\n\n"),
            format!("o\n7\n{ROOT_B64}\next\n\n"),
            format!("o\r\n7\n{ROOT_B64}\n"),
        ];
        for text in bad {
            assert!(Checkpoint::parse(&text).is_err(), "accepted {text:?}");
        }
        assert!(Checkpoint::new("", 1, empty_root()).validate().is_err());
    }
}

//! The keys a store writes the ledger with: the pseudonym key and the checkpoint signer, and
//! their key file.

use std::fmt;

use kirjuri_ledger::{pseudonym, Signer, Verifier};

use crate::StoreError;

/// The keys a store needs to write the ledger: the pseudonym key (HMAC key for subject ids)
/// and the checkpoint signer. Both are secrets; `Debug` shows only the signer's name.
#[derive(Clone)]
pub struct LedgerKeys {
    /// HMAC-SHA256 key for [`pseudonym`]s of clients.
    pub pseudonym_key: [u8; 32],
    /// Signs checkpoints.
    pub signer: Signer,
}

impl fmt::Debug for LedgerKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LedgerKeys")
            .field("signer", &self.signer)
            .finish_non_exhaustive()
    }
}

const KEY_FILE_HEADER: &str = "# Kirjuri ledger keys. SECRET: the signer signs checkpoints and \
                               the pseudonym key links leaves to clients.";

impl LedgerKeys {
    /// Keys from a signer and a pseudonym key.
    pub fn new(signer: Signer, pseudonym_key: [u8; 32]) -> Self {
        Self {
            pseudonym_key,
            signer,
        }
    }

    /// The checkpoint origin line: the log's identity, derived from the signer's name.
    pub fn origin(&self) -> String {
        origin_for(self.signer.name())
    }

    /// The public key auditors verify with.
    pub fn verifier(&self) -> Verifier {
        self.signer.verifier()
    }

    /// The key file text: a comment, then `signer PRIVATE+KEY+...` and `pseudonym-key HEX`.
    pub fn to_file_text(&self) -> String {
        format!(
            "{KEY_FILE_HEADER}\nsigner {}\npseudonym-key {}\n",
            self.signer.to_key_string(),
            hex::encode(self.pseudonym_key)
        )
    }

    /// Parses [`LedgerKeys::to_file_text`]; blank lines and `#` comments are ignored.
    pub fn parse_file_text(text: &str) -> Result<Self, StoreError> {
        let bad = |what: &str| StoreError::LedgerKeys(what.to_owned());
        let (mut signer, mut key) = (None, None);
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match line.split_once(' ') {
                Some(("signer", value)) if signer.is_none() => {
                    signer = Some(
                        Signer::parse(value.trim())
                            .map_err(|e| bad(&format!("signer key: {e}")))?,
                    );
                }
                Some(("pseudonym-key", value)) if key.is_none() => {
                    let bytes =
                        hex::decode(value.trim()).map_err(|_| bad("pseudonym-key is not hex"))?;
                    key = Some(
                        <[u8; 32]>::try_from(bytes)
                            .map_err(|_| bad("pseudonym-key must be 32 bytes (64 hex digits)"))?,
                    );
                }
                _ => return Err(bad(&format!("unexpected line {line:?}"))),
            }
        }
        Ok(Self {
            signer: signer.ok_or_else(|| bad("missing the signer line"))?,
            pseudonym_key: key.ok_or_else(|| bad("missing the pseudonym-key line"))?,
        })
    }

    /// The pseudonymous subject of a client (or any subject id).
    pub fn subject(&self, subject_id: &str) -> [u8; 32] {
        pseudonym(&self.pseudonym_key, subject_id.as_bytes())
    }
}

/// The checkpoint origin of a log signed by the key `name`.
pub fn origin_for(name: &str) -> String {
    format!("{name}/kirjuri-ledger/v1")
}

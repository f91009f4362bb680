//! C2SP `signed-note` with Ed25519 keys, compatible with Go's `golang.org/x/mod/sumdb/note`.

use std::collections::HashSet;
use std::fmt;

use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::error::{LedgerError, Result};
use crate::text::{b64_decode, b64_encode};

/// Signature type byte for Ed25519 in the signed-note key and key-id encodings.
const ALG_ED25519: u8 = 0x01;
/// Every signature line starts with an EM DASH (U+2014) and a space.
const SIG_PREFIX: &str = "\u{2014} ";
const PRIVATE_KEY_PREFIX: &str = "PRIVATE+KEY+";
/// Bounds the work an attacker-supplied note can cause, as Go's implementation does.
const MAX_SIGNATURES: usize = 100;

/// The 4-byte key id: the first bytes of `SHA-256(name || "\n" || 0x01 || public key)`.
pub fn key_id(name: &str, public_key: &[u8; 32]) -> [u8; 4] {
    let digest = Sha256::new()
        .chain_update(name.as_bytes())
        .chain_update([b'\n', ALG_ED25519])
        .chain_update(public_key)
        .finalize();
    [digest[0], digest[1], digest[2], digest[3]]
}

fn check_name(name: &str) -> Result<()> {
    if name.is_empty() || name.contains(char::is_whitespace) || name.contains('+') {
        return Err(LedgerError::KeyName(name.to_owned()));
    }
    Ok(())
}

fn parse_key_id(hex8: &str) -> Result<[u8; 4]> {
    if hex8.len() != 8 {
        return Err(LedgerError::Key("key id must be 8 hex digits"));
    }
    let mut id = [0u8; 4];
    hex::decode_to_slice(hex8, &mut id).map_err(|_| LedgerError::Key("key id is not hex"))?;
    Ok(id)
}

/// Decodes `base64(0x01 || 32 bytes)`.
fn parse_key_material(b64: &str) -> Result<[u8; 32]> {
    let raw = b64_decode(b64).ok_or(LedgerError::Key("bad base64"))?;
    match raw.split_first() {
        Some((&ALG_ED25519, rest)) => {
            <[u8; 32]>::try_from(rest).map_err(|_| LedgerError::Key("Ed25519 key not 32 bytes"))
        }
        Some(_) => Err(LedgerError::Key("unsupported signature algorithm")),
        None => Err(LedgerError::Key("empty key")),
    }
}

fn encode_key_material(key: &[u8; 32]) -> String {
    let mut raw = [0u8; 33];
    raw[0] = ALG_ED25519;
    raw[1..].copy_from_slice(key);
    b64_encode(&raw)
}

/// Splits `name+hex8+base64` and checks the name and that the key id matches.
fn parse_named_key(s: &str) -> Result<(String, [u8; 4], [u8; 32])> {
    let mut parts = s.splitn(3, '+');
    let (Some(name), Some(hex8), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(LedgerError::Key("expected name+keyid+key"));
    };
    check_name(name)?;
    Ok((
        name.to_owned(),
        parse_key_id(hex8)?,
        parse_key_material(b64)?,
    ))
}

/// A note signer: a key name and an Ed25519 signing key.
///
/// `Debug` shows only the name and key id; the seed never leaves except through
/// [`Signer::to_key_string`].
#[derive(Clone)]
pub struct Signer {
    name: String,
    key_id: [u8; 4],
    key: SigningKey,
}

impl Signer {
    /// A signer from a name and a 32-byte Ed25519 seed (the caller owns key generation).
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<Self> {
        check_name(name)?;
        let key = SigningKey::from_bytes(seed);
        Ok(Self {
            name: name.to_owned(),
            key_id: key_id(name, key.verifying_key().as_bytes()),
            key,
        })
    }

    /// Parses Go's private key form `PRIVATE+KEY+<name>+<hex8 keyid>+<base64(0x01 || seed)>`.
    pub fn parse(skey: &str) -> Result<Self> {
        let rest = skey
            .strip_prefix(PRIVATE_KEY_PREFIX)
            .ok_or(LedgerError::Key("missing PRIVATE+KEY+ prefix"))?;
        let (name, id, seed) = parse_named_key(rest)?;
        let signer = Self::from_seed(&name, &seed)?;
        if signer.key_id != id {
            return Err(LedgerError::Key("key id does not match the key"));
        }
        Ok(signer)
    }

    /// The private key string accepted by [`Signer::parse`] and Go's `note.NewSigner`.
    pub fn to_key_string(&self) -> String {
        format!(
            "{PRIVATE_KEY_PREFIX}{}+{}+{}",
            self.name,
            hex::encode(self.key_id),
            encode_key_material(&self.key.to_bytes())
        )
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The 4-byte key id.
    pub fn key_id(&self) -> [u8; 4] {
        self.key_id
    }

    /// The matching verifier.
    pub fn verifier(&self) -> Verifier {
        Verifier {
            name: self.name.clone(),
            key_id: self.key_id,
            key: self.key.verifying_key(),
        }
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("name", &self.name)
            .field("key_id", &hex::encode(self.key_id))
            .finish_non_exhaustive()
    }
}

/// A note verifier: a key name and an Ed25519 public key.
#[derive(Clone, PartialEq, Eq)]
pub struct Verifier {
    name: String,
    key_id: [u8; 4],
    key: VerifyingKey,
}

impl Verifier {
    /// A verifier from a name and a 32-byte Ed25519 public key.
    pub fn new(name: &str, public_key: &[u8; 32]) -> Result<Self> {
        check_name(name)?;
        let key = VerifyingKey::from_bytes(public_key)
            .map_err(|_| LedgerError::Key("not an Ed25519 public key"))?;
        Ok(Self {
            name: name.to_owned(),
            key_id: key_id(name, public_key),
            key,
        })
    }

    /// Parses the verifier key form `<name>+<hex8 keyid>+<base64(0x01 || public key)>`.
    pub fn parse(vkey: &str) -> Result<Self> {
        let (name, id, public) = parse_named_key(vkey)?;
        let verifier = Self::new(&name, &public)?;
        if verifier.key_id != id {
            return Err(LedgerError::Key("key id does not match the key"));
        }
        Ok(verifier)
    }

    /// The verifier key string accepted by [`Verifier::parse`] and Go's `note.NewVerifier`.
    pub fn to_key_string(&self) -> String {
        format!(
            "{}+{}+{}",
            self.name,
            hex::encode(self.key_id),
            encode_key_material(self.key.as_bytes())
        )
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The 4-byte key id.
    pub fn key_id(&self) -> [u8; 4] {
        self.key_id
    }

    fn verifies(&self, msg: &[u8], sig: &[u8]) -> bool {
        let Ok(sig) = Signature::from_slice(sig) else {
            return false;
        };
        // Strict verification also refuses small-order keys and non-canonical points.
        self.key.verify_strict(msg, &sig).is_ok()
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_key_string())
    }
}

/// One signature line of a note, not yet verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    /// Key name on the line.
    pub name: String,
    /// The key id prefix of the signature blob.
    pub key_id: [u8; 4],
    /// The signature bytes after the key id (64 for Ed25519; other lengths are kept
    /// for signatures by keys the reader does not know).
    pub signature: Vec<u8>,
}

/// A note split into its text and signature lines, without verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedNote {
    /// The signed text, ending in a newline.
    pub text: String,
    /// The signature lines in order.
    pub signatures: Vec<NoteSignature>,
}

impl ParsedNote {
    /// Splits a note at its last blank line and parses the signature lines strictly.
    ///
    /// Unlike Go, which skips repeats, a second signature with the same name and key id
    /// is refused: a well-formed signer never writes one, and ignoring it would let a
    /// tampered copy pass as long as the first copy was intact.
    pub fn parse(note: &str) -> Result<Self> {
        if note.chars().any(|c| c < ' ' && c != '\n') {
            return Err(LedgerError::Note("control character"));
        }
        let split = note
            .rfind("\n\n")
            .ok_or(LedgerError::Note("missing blank line before signatures"))?;
        let (text, sigs) = (&note[..=split], &note[split + 2..]);
        let sigs = sigs
            .strip_suffix('\n')
            .ok_or(LedgerError::Note("signatures must end with a newline"))?;
        let mut signatures = Vec::new();
        let mut seen = HashSet::new();
        for line in sigs.split('\n') {
            if signatures.len() == MAX_SIGNATURES {
                return Err(LedgerError::Note("too many signatures"));
            }
            let line = line.strip_prefix(SIG_PREFIX).ok_or(LedgerError::Note(
                "signature line must start with an em dash",
            ))?;
            let (name, b64) = line.split_once(' ').ok_or(LedgerError::Note(
                "signature line needs a name and a signature",
            ))?;
            check_name(name).map_err(|_| LedgerError::Note("bad key name"))?;
            let blob = b64_decode(b64).ok_or(LedgerError::Note("bad signature base64"))?;
            if blob.len() < 5 {
                return Err(LedgerError::Note("signature too short"));
            }
            let key_id = [blob[0], blob[1], blob[2], blob[3]];
            if !seen.insert((name, key_id)) {
                return Err(LedgerError::Note("duplicate signature"));
            }
            signatures.push(NoteSignature {
                name: name.to_owned(),
                key_id,
                signature: blob[4..].to_vec(),
            });
        }
        Ok(Self {
            text: text.to_owned(),
            signatures,
        })
    }
}

impl ParsedNote {
    /// The note's text: [`ParsedNote::parse`] inverts it, so a note that parses is written
    /// back byte for byte (the parser fuzzer checks it).
    pub fn to_text(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for ParsedNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.text)?;
        for sig in &self.signatures {
            let mut blob = Vec::with_capacity(4 + sig.signature.len());
            blob.extend_from_slice(&sig.key_id);
            blob.extend_from_slice(&sig.signature);
            writeln!(f, "{SIG_PREFIX}{} {}", sig.name, b64_encode(&blob))?;
        }
        Ok(())
    }
}

/// A note whose signatures were checked against a set of known keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedNote {
    /// The signed text, ending in a newline.
    pub text: String,
    /// Names of the known keys whose signatures verified, in note order.
    pub verified_by: Vec<String>,
    /// Signatures by keys not in the verifier set; they were ignored.
    pub unknown_signatures: usize,
}

/// Signs `text` (non-empty, ending in a newline) with every signer, in order.
///
/// Several signers let a log rotate keys: verifiers that know either key accept the note.
/// Ed25519 is deterministic, so the same inputs always give the same note.
pub fn sign_note(text: &str, signers: &[Signer]) -> Result<String> {
    if !text.ends_with('\n') {
        return Err(LedgerError::Note("text must end with a newline"));
    }
    if text.chars().any(|c| c < ' ' && c != '\n') {
        return Err(LedgerError::Note("control character"));
    }
    if signers.is_empty() {
        return Err(LedgerError::Note("at least one signer is needed"));
    }
    let mut seen = HashSet::new();
    let mut note = String::with_capacity(text.len() + 1 + signers.len() * 110);
    note.push_str(text);
    note.push('\n');
    for signer in signers {
        if !seen.insert((signer.name.as_str(), signer.key_id)) {
            return Err(LedgerError::Note("duplicate signer"));
        }
        let sig = signer.key.sign(text.as_bytes());
        let mut blob = [0u8; 68];
        blob[..4].copy_from_slice(&signer.key_id);
        blob[4..].copy_from_slice(&sig.to_bytes());
        note.push_str(SIG_PREFIX);
        note.push_str(&signer.name);
        note.push(' ');
        note.push_str(&b64_encode(&blob));
        note.push('\n');
    }
    Ok(note)
}

/// Opens a signed note against the known verifier keys.
///
/// Succeeds if at least one known key signed it; signatures by unknown keys are ignored
/// (they may belong to witnesses or to keys rotated in later), but any signature by a
/// known key that does not verify fails the whole note.
pub fn open_note(note: &str, verifiers: &[Verifier]) -> Result<OpenedNote> {
    let parsed = ParsedNote::parse(note)?;
    let mut verified_by = Vec::new();
    let mut unknown_signatures = 0;
    for sig in &parsed.signatures {
        let known = verifiers
            .iter()
            .find(|v| v.name == sig.name && v.key_id == sig.key_id);
        match known {
            None => unknown_signatures += 1,
            Some(v) if v.verifies(parsed.text.as_bytes(), &sig.signature) => {
                verified_by.push(sig.name.clone());
            }
            Some(_) => {
                return Err(LedgerError::BadSignature {
                    name: sig.name.clone(),
                })
            }
        }
    }
    if verified_by.is_empty() {
        return Err(LedgerError::NoKnownSignature);
    }
    Ok(OpenedNote {
        text: parsed.text,
        verified_by,
        unknown_signatures,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer(name: &str, seed_byte: u8) -> Signer {
        Signer::from_seed(name, &[seed_byte; 32]).unwrap()
    }

    #[test]
    fn key_strings_round_trip() {
        let s = signer("kirjuri.example", 7);
        let skey = s.to_key_string();
        assert!(skey.starts_with("PRIVATE+KEY+kirjuri.example+"));
        let back = Signer::parse(&skey).unwrap();
        assert_eq!(back.key_id(), s.key_id());
        let vkey = s.verifier().to_key_string();
        assert_eq!(Verifier::parse(&vkey).unwrap(), s.verifier());
        assert!(!format!("{s:?}").contains(&skey[20..]));
    }

    /// The example key pair and note from Go's `golang.org/x/mod/sumdb/note` docs.
    #[test]
    fn go_example_note_verifies() {
        let vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
        let skey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
        let text = "If you think cryptography is the answer to your problem,\n\
                    then you don't know what your problem is.\n";
        let signed = "If you think cryptography is the answer to your problem,\n\
                      then you don't know what your problem is.\n\
                      \n\
                      \u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
        let v = Verifier::parse(vkey).unwrap();
        let s = Signer::parse(skey).unwrap();
        assert_eq!(s.verifier(), v);
        assert_eq!(sign_note(text, &[s]).unwrap(), signed);
        let opened = open_note(signed, &[v]).unwrap();
        assert_eq!(opened.text, text);
        assert_eq!(opened.verified_by, vec!["PeterNeumann".to_string()]);
    }

    /// Issue 17: a note that parses is written back byte for byte, with every signature
    /// (known, unknown, of another length) in its place.
    #[test]
    fn a_parsed_note_is_written_back_unchanged() {
        let note = sign_note("a\n\nb\n", &[signer("log", 1), signer("witness", 2)]).unwrap();
        let odd = format!("{note}\u{2014} other AAAAAAA=\n");
        for text in [note, odd] {
            let parsed = ParsedNote::parse(&text).unwrap();
            assert_eq!(parsed.to_text(), text);
        }
    }

    #[test]
    fn rotation_and_unknown_keys() {
        let (old, new, other) = (signer("log", 1), signer("log", 2), signer("witness", 3));
        let note = sign_note("hello\n", &[old.clone(), new.clone(), other]).unwrap();
        for known in [
            vec![old.verifier()],
            vec![new.verifier()],
            vec![old.verifier(), new.verifier()],
        ] {
            let opened = open_note(&note, &known).unwrap();
            assert_eq!(opened.unknown_signatures, 3 - known.len());
        }
        assert_eq!(
            open_note(&note, &[signer("stranger", 9).verifier()]),
            Err(LedgerError::NoKnownSignature)
        );
        assert_eq!(open_note(&note, &[]), Err(LedgerError::NoKnownSignature));
    }

    #[test]
    fn a_bad_signature_by_a_known_key_fails_even_beside_a_good_one() {
        let (old, new) = (signer("log", 1), signer("log", 2));
        let good = sign_note("hello\n", std::slice::from_ref(&old)).unwrap();
        // Graft a signature of different text made by the second key.
        let other = sign_note("bye\n", std::slice::from_ref(&new)).unwrap();
        let forged_line = other.split("\n\n").nth(1).unwrap();
        let note = format!("{good}{forged_line}");
        assert!(open_note(&note, &[old.verifier()]).is_ok());
        assert_eq!(
            open_note(&note, &[old.verifier(), new.verifier()]),
            Err(LedgerError::BadSignature { name: "log".into() })
        );
    }

    #[test]
    fn strict_parsing() {
        let s = signer("log", 1);
        let note = sign_note("a\n", std::slice::from_ref(&s)).unwrap();
        let v = [s.verifier()];
        assert!(open_note(&note, &v).is_ok());
        let sig_b64 = note.rsplit(' ').next().unwrap().trim_end().to_string();
        let bad = [
            note.trim_end().to_string(),
            note.replace('\u{2014}', "-"),
            note.replace("\n\n", "\n"),
            format!("{note}\n"),
            note.replace(" log ", "  log "),
            note.replace(" log ", " lo+g "),
            format!("{note}{note}").replacen("a\n\n", "", 1),
            note.replace(&sig_b64, &sig_b64[..sig_b64.len() - 4]),
            note.replace("a\n", "a\r\n"),
            "a\n\n\u{2014} log AAAA\n".to_string(),
        ];
        for text in bad {
            assert!(open_note(&text, &v).is_err(), "accepted {text:?}");
        }
        assert!(sign_note("no newline", std::slice::from_ref(&s)).is_err());
        assert!(sign_note("a\n", &[]).is_err());
        assert!(sign_note("a\n", &[s.clone(), s.clone()]).is_err());
        for bad_name in ["", "a b", "a+b", "a\tb", "a\u{3000}b"] {
            assert!(
                Signer::from_seed(bad_name, &[1; 32]).is_err(),
                "{bad_name:?}"
            );
        }
        let vkey = s.verifier().to_key_string();
        assert!(Verifier::parse(&vkey.replacen('+', "+0", 1)).is_err());
        assert!(Verifier::parse(&vkey.replace("log+", "loh+")).is_err());
        assert!(Verifier::parse("log+00000000").is_err());
    }
}

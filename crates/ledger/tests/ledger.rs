//! Cross-checks against the transparency-dev RFC 6962 vectors, plus end-to-end tests of
//! signed checkpoints and offline proof bundles.

// Test helpers outside #[test] functions are not covered by clippy.toml's
// allow-*-in-tests, and a failing helper should abort the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use kirjuri_ledger::{
    commit, pseudonym, verify_consistency, verify_inclusion, Checkpoint, EventType, Hash,
    LeafRecord, LedgerError, MerkleTree, Opening, ProofBundle, Signer,
};
use serde::Deserialize;

/// There are 196 vector files; a walk that finds far fewer is broken, not green.
const MIN_VECTOR_FILES: usize = 190;

/// The one vector the typed API cannot follow: it expects two equal 12-byte "roots" to
/// be accepted for sizes 1 → 1, but [`Hash`] refuses anything that is not 32 bytes,
/// and a root of any other length can never come from SHA-256.
const KNOWN_DEVIATIONS: &[&str] =
    &["consistency/additional/sizes-are-equal-one-and-proof-is-empty.json"];

fn vectors_dir() -> PathBuf {
    let in_workspace = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/vectors/rfc6962"
    ));
    if in_workspace.is_dir() {
        return in_workspace.to_path_buf();
    }
    let from_env = std::env::var("KIRJURI_SHARED")
        .map(|shared| Path::new(&shared).join("vectors/rfc6962"))
        .ok()
        .filter(|p| p.is_dir());
    match from_env {
        Some(dir) => dir,
        None => panic!(
            "RFC 6962 vectors not found at {} nor under $KIRJURI_SHARED/vectors/rfc6962",
            in_workspace.display()
        ),
    }
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InclusionVector {
    #[serde(rename = "leafIdx")]
    leaf_idx: u64,
    #[serde(rename = "treeSize")]
    tree_size: u64,
    root: String,
    #[serde(rename = "leafHash")]
    leaf_hash: String,
    proof: Option<Vec<String>>,
    #[allow(dead_code)]
    desc: String,
    #[serde(rename = "wantErr")]
    want_err: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsistencyVector {
    size1: u64,
    size2: u64,
    root1: String,
    root2: String,
    proof: Option<Vec<String>>,
    #[allow(dead_code)]
    desc: String,
    #[serde(rename = "wantErr")]
    want_err: bool,
}

/// Vector bytes are base64 of arbitrary length; anything not 32 bytes is a rejection.
fn hash(b64: &str) -> Result<Hash, LedgerError> {
    let bytes = STANDARD.decode(b64).expect("vector base64");
    Hash::from_slice(&bytes)
}

fn hashes(list: &Option<Vec<String>>) -> Result<Vec<Hash>, LedgerError> {
    list.iter().flatten().map(|h| hash(h)).collect()
}

fn run_inclusion(v: &InclusionVector) -> Result<(), LedgerError> {
    verify_inclusion(
        v.leaf_idx,
        v.tree_size,
        &hash(&v.leaf_hash)?,
        &hashes(&v.proof)?,
        &hash(&v.root)?,
    )
}

fn run_consistency(v: &ConsistencyVector) -> Result<(), LedgerError> {
    verify_consistency(
        v.size1,
        v.size2,
        &hashes(&v.proof)?,
        &hash(&v.root1)?,
        &hash(&v.root2)?,
    )
}

#[test]
fn transparency_dev_vectors() {
    let root = vectors_dir();
    let mut files = Vec::new();
    json_files(&root.join("inclusion"), &mut files);
    json_files(&root.join("consistency"), &mut files);
    files.sort();

    let (mut passes, mut fails) = (0, 0);
    let mut mismatches = Vec::new();
    for file in &files {
        let rel = file
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(file).unwrap();
        let (want_err, got) = if rel.starts_with("inclusion/") {
            let v: InclusionVector = serde_json::from_str(&text).expect(&rel);
            (v.want_err, run_inclusion(&v))
        } else {
            let v: ConsistencyVector = serde_json::from_str(&text).expect(&rel);
            (v.want_err, run_consistency(&v))
        };
        if want_err {
            fails += 1;
        } else {
            passes += 1;
        }
        if got.is_err() != want_err {
            mismatches.push(rel);
        }
    }
    println!(
        "checked {} RFC 6962 vector files ({passes} expect success, {fails} expect failure); \
         deviations: {mismatches:?}",
        files.len()
    );
    assert!(
        files.len() >= MIN_VECTOR_FILES,
        "only {} vector files",
        files.len()
    );
    assert_eq!(mismatches, KNOWN_DEVIATIONS);
}

#[test]
fn typed_api_refuses_the_deviating_vector_for_the_documented_reason() {
    let v: ConsistencyVector = serde_json::from_str(
        &std::fs::read_to_string(vectors_dir().join(KNOWN_DEVIATIONS[0])).unwrap(),
    )
    .unwrap();
    assert!(!v.want_err);
    assert_eq!(run_consistency(&v), Err(LedgerError::HashLength(12)));
}

// ---- signed checkpoints and proof bundles ----

const ORIGIN: &str = "kirjuri.example/ledger";

struct Fixture {
    signer: Signer,
    rows: Vec<(LeafRecord, [u8; 32], Vec<u8>)>,
    tree: MerkleTree,
}

fn fixture(n: u64) -> Fixture {
    let signer = Signer::from_seed("kirjuri.example", &[42; 32]).unwrap();
    let rows: Vec<_> = (0..n)
        .map(|i| {
            let salt = *commit(&[1; 32], &i.to_be_bytes()).as_bytes();
            let record = format!("{{\"entry\":{i},\"text\":\"kirjaus\"}}").into_bytes();
            let leaf = LeafRecord {
                event_type: EventType::ALL[i as usize % EventType::ALL.len()],
                subject: pseudonym(b"subject-key", format!("client-{}", i % 3).as_bytes()),
                commitment: commit(&salt, &record),
            };
            (leaf, salt, record)
        })
        .collect();
    let tree = MerkleTree::from_leaf_hashes(rows.iter().map(|r| r.0.leaf_hash()));
    Fixture { signer, rows, tree }
}

impl Fixture {
    fn bundle(&self, index: u64, size: u64, opened: bool) -> ProofBundle {
        let cp = Checkpoint::new(ORIGIN, size, self.tree.root_at(size).unwrap());
        let (leaf, salt, record) = self.rows[index as usize].clone();
        ProofBundle {
            leaf_index: index,
            leaf,
            proof: self.tree.inclusion_proof(index, size).unwrap(),
            checkpoint: cp.sign(std::slice::from_ref(&self.signer)).unwrap(),
            opening: opened.then_some(Opening { salt, record }),
        }
    }
}

#[test]
fn bundles_round_trip_and_verify() {
    let f = fixture(23);
    let verifiers = [f.signer.verifier()];
    for (index, size, opened) in [(0, 1, true), (6, 11, true), (22, 23, false), (7, 8, true)] {
        let bundle = f.bundle(index, size, opened);
        let text = bundle.to_text();
        assert!(text.starts_with("kirjuri-proof-bundle v1\n"));
        let parsed = ProofBundle::parse(&text).unwrap();
        assert_eq!(parsed, bundle);
        let ok = parsed.verify(&verifiers).unwrap();
        assert_eq!(ok.leaf_index, index);
        assert_eq!(ok.checkpoint.origin, ORIGIN);
        assert_eq!(ok.checkpoint.size, size);
        assert_eq!(ok.signed_by, vec!["kirjuri.example".to_string()]);
        assert_eq!(ok.record.is_some(), opened);
    }
    let stranger = Signer::from_seed("kirjuri.example", &[7; 32]).unwrap();
    assert_eq!(
        f.bundle(6, 11, true).verify(&[stranger.verifier()]),
        Err(LedgerError::NoKnownSignature)
    );
}

#[test]
fn every_single_byte_change_to_a_bundle_is_rejected() {
    let f = fixture(11);
    let verifiers = [f.signer.verifier()];
    for opened in [true, false] {
        let text = f.bundle(6, 11, opened).to_text();
        assert!(ProofBundle::parse(&text)
            .unwrap()
            .verify(&verifiers)
            .is_ok());
        let bytes = text.as_bytes();
        let mut tried = 0;
        for i in 0..bytes.len() {
            let mut variants: Vec<Vec<u8>> = [0x01u8, 0x02, 0x20, 0x40]
                .iter()
                .map(|x| {
                    let mut b = bytes.to_vec();
                    b[i] ^= x;
                    b
                })
                .collect();
            for replacement in [b'A', b'0', b'\n', b'+', b'='] {
                let mut b = bytes.to_vec();
                b[i] = replacement;
                variants.push(b);
            }
            let mut deleted = bytes.to_vec();
            deleted.remove(i);
            variants.push(deleted);
            for variant in variants.into_iter().filter(|v| v != bytes) {
                tried += 1;
                let accepted = std::str::from_utf8(&variant)
                    .ok()
                    .and_then(|t| ProofBundle::parse(t).ok())
                    .is_some_and(|b| b.verify(&verifiers).is_ok());
                assert!(
                    !accepted,
                    "accepted a change at byte {i}: {:?}",
                    String::from_utf8_lossy(&variant)
                );
            }
        }
        assert!(tried > 5 * bytes.len());
    }
}

#[test]
fn bundle_parse_is_strict() {
    let f = fixture(5);
    let text = f.bundle(2, 5, true).to_text();
    let without_record: String = text
        .lines()
        .filter(|l| !l.starts_with("record: "))
        .map(|l| format!("{l}\n"))
        .collect();
    let swapped = {
        let lines: Vec<&str> = text.lines().collect();
        let mut l = lines.clone();
        l.swap(1, 2);
        l.join("\n") + "\n"
    };
    for bad in [
        text.trim_end().to_string(),
        format!("{text}\n"),
        format!("{text}extra: 1\n"),
        text.replace("leaf-index: 2", "leaf-index: 02"),
        text.replace("leaf-index: 2", "leaf-index:2"),
        without_record,
        swapped,
        text.replacen("kirjuri-proof-bundle v1", "kirjuri-proof-bundle v2", 1),
    ] {
        assert!(ProofBundle::parse(&bad).is_err(), "accepted {bad:?}");
    }
}

#[test]
fn consistency_between_signed_checkpoints() {
    let f = fixture(100);
    let verifiers = [f.signer.verifier()];
    let signed = |size| {
        Checkpoint::new(ORIGIN, size, f.tree.root_at(size).unwrap())
            .sign(std::slice::from_ref(&f.signer))
            .unwrap()
    };
    let (old, _) = Checkpoint::open(&signed(37), &verifiers).unwrap();
    let (new, _) = Checkpoint::open(&signed(100), &verifiers).unwrap();
    let proof = f.tree.consistency_proof(old.size, new.size).unwrap();
    verify_consistency(old.size, new.size, &proof, &old.root, &new.root).unwrap();
}

#[path = "ledger/properties.rs"]
mod properties;

//! Replays the parser fuzzers' inputs under `cargo test` (issue 17): the seeds, and every input
//! a fuzzer once failed on, kept under `fuzz/regressions/<target>/`. CI thereby re-checks them
//! all cheaply on every run; `scripts/fuzz` searches for new ones.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kirjuri_fuzz::{run, seeds, Target};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// The files of a directory by name (an absent directory has none).
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect()
}

/// Every seed holds its target's invariants.
#[test]
fn seeds_hold_the_invariants() {
    for target in Target::ALL {
        for (name, bytes) in seeds(target) {
            eprintln!("{} seed {name}", target.name());
            run(target, &bytes);
        }
    }
}

/// The valid seeds reach the deep paths (a rule set that checks, a bundle that verifies, …),
/// so the fuzzers start from inputs that get past the first refusal.
#[test]
fn seeds_are_valid_inputs() {
    use kirjuri_ledger::{Checkpoint, ProofBundle};
    let seed = |target, name: &str| -> String {
        let (_, bytes) = seeds(target).into_iter().find(|(n, _)| *n == name).unwrap();
        String::from_utf8(bytes).unwrap()
    };
    let verifier = kirjuri_ledger::Signer::from_seed("kirjuri-fuzz", &[7; 32])
        .unwrap()
        .verifier();
    for (target, name) in [
        (Target::Rules, "statement-start.rules"),
        (Target::Rules, "canonical-end.rules"),
    ] {
        assert!(kirjuri_rules::check(&seed(target, name), name).is_ok());
    }
    assert!(kirjuri_rules::Request::from_json(&seed(Target::Request, "end.json")).is_ok());
    for name in ["1900s", "2000s", "1800s", "sign-y", "sign-b"] {
        assert!(kirjuri_domain::Hetu::parse(&seed(Target::Hetu, name)).is_ok());
    }
    for name in ["opened", "erased", "first"] {
        let bundle = ProofBundle::parse(&seed(Target::Bundle, name)).unwrap();
        assert!(bundle.verify(std::slice::from_ref(&verifier)).is_ok());
    }
    let signed = seed(Target::Checkpoint, "signed");
    assert!(Checkpoint::open(&signed, &[verifier]).is_ok());
    assert!(Checkpoint::parse(&seed(Target::Checkpoint, "body")).is_ok());
}

/// Every input a fuzzer failed on, kept under `fuzz/regressions/<target>/`, now holds its
/// target's invariants. A directory that names no target is an error (a typo would otherwise
/// silently replay nothing).
#[test]
fn regressions_hold_the_invariants() {
    let root = fuzz_dir().join("regressions");
    let mut replayed = 0;
    for entry in std::fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let target = Target::from_name(&name)
            .unwrap_or_else(|| panic!("fuzz/regressions/{name} names no fuzz target"));
        for (file, bytes) in files(&dir) {
            eprintln!("{name} regression {file}");
            run(target, &bytes);
            replayed += 1;
        }
    }
    eprintln!("{replayed} regression inputs replayed");
}

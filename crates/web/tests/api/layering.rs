//! Issue 11: the web crate is a thin adapter over the application layer. No handler decides
//! who may do what, and none writes the access log: both happen in `kirjuri_app` once, for
//! every transport. These checks read the crate's own sources, so a handler that starts doing
//! either fails the suite.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The crate's source lines outside comments, with their file and line number.
fn code_lines() -> Vec<(String, usize, String)> {
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(files.len() > 10, "the web crate's sources were not found");
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if !code.trim().is_empty() {
                out.push((f.display().to_string(), i + 1, code.to_owned()));
            }
        }
    }
    out
}

/// Role checks are the policy's (`kirjuri_app::policy`): no web source names a role or
/// compares one.
#[test]
fn no_handler_checks_a_role() {
    let found: Vec<_> = code_lines()
        .into_iter()
        .filter(|(_, _, l)| {
            l.contains("Role::")
                || l.contains(".role ==")
                || l.contains(".role !=")
                || (l.contains("match") && l.contains(".role"))
                || l.contains("policy::")
        })
        .collect();
    assert!(found.is_empty(), "role checks in web: {found:#?}");
}

/// The access log is written by the store under the application layer's guard: no web source
/// reaches the store or writes a log row.
#[test]
fn no_handler_writes_the_access_log_or_reaches_the_store() {
    let found: Vec<_> = code_lines()
        .into_iter()
        .filter(|(_, _, l)| {
            l.contains("kirjuri_store")
                || l.contains(".store.")
                || l.contains("AccessAction::Denied")
                || l.contains(".log(&")
        })
        .collect();
    assert!(
        found.is_empty(),
        "store or access-log use in web: {found:#?}"
    );
    // And structurally: the store is not among the crate's dependencies (only its tests use
    // the store's test harness).
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    let deps = manifest
        .split("[dependencies]")
        .nth(1)
        .and_then(|s| s.split("\n[").next())
        .unwrap();
    assert!(
        !deps.contains("kirjuri-store"),
        "web depends on the store:\n{deps}"
    );
}

//! `kirjuri rules ...` run as the rules author runs it, on the shipped rule files.

use std::path::{Path, PathBuf};
use std::process::Output;

use super::{kirjuri, tempdir};

fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules/rules")
}
fn start() -> PathBuf {
    rules_dir().join("statement-start.rules")
}
fn end() -> PathBuf {
    rules_dir().join("statement-end.rules")
}
fn dev_cases() -> PathBuf {
    let p =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/cases/statements-dev.jsonl");
    assert!(
        p.is_file(),
        "{} is required beside the repository",
        p.display()
    );
    p
}
fn run(args: &[&std::ffi::OsStr]) -> (Option<i32>, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = kirjuri().arg("rules").args(args).output().unwrap();
    (
        status.code(),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}
fn os(p: &Path) -> &std::ffi::OsStr {
    p.as_os_str()
}

#[test]
fn check_names_the_rule_set_and_its_hash() {
    let (code, out, _) = run(&["check".as_ref(), os(&start())]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.starts_with("ok: statement-start version "), "{out}");
    let hash = out.trim().rsplit(' ').next().unwrap();
    assert_eq!(hash.len(), 64, "{out}");
    // The hash in the decision is the same one.
    let (_, json, _) = run(&[
        "eval".as_ref(),
        os(&start()),
        os(&first_case(&tempdir("rules-hash"))),
    ]);
    let d: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(d["rule_set"]["hash"], hash);
}

/// B16: a rule set that reads a protected input does not load; the diagnostic says where.
#[test]
fn check_refuses_a_rule_reading_a_protected_input() {
    let dir = tempdir("rules-protected");
    let src = std::fs::read_to_string(start()).unwrap().replace(
        "when not blank(reported.free_text)",
        "when not blank(reported.free_text) or person.sex == female",
    );
    assert!(src.contains("person.sex == female"));
    let file = dir.join("bad.rules");
    std::fs::write(&file, &src).unwrap();
    let (code, out, err) = run(&["check".as_ref(), os(&file)]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(err.contains("protected"), "{err}");
    let line = src
        .lines()
        .position(|l| l.contains("person.sex == female"))
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!("bad.rules:{line}:")),
        "no line {line} in:\n{err}"
    );
    assert!(err.contains("does not load"), "{err}");
}

fn first_case(dir: &Path) -> PathBuf {
    let line = std::fs::read_to_string(dev_cases())
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_owned();
    let p = dir.join("request.json");
    std::fs::write(&p, line).unwrap();
    p
}

#[test]
fn test_reports_every_case_and_diffs_a_failure() {
    let cases = std::fs::read_to_string(dev_cases()).unwrap();
    let n = cases.lines().filter(|l| !l.trim().is_empty()).count();
    let (code, out, err) = run(&["test".as_ref(), os(&start()), os(&end()), os(&dev_cases())]);
    let passed = out.lines().filter(|l| l.starts_with("pass ")).count();
    let failed = out.lines().filter(|l| l.starts_with("FAIL ")).count();
    assert_eq!(passed + failed, n, "{out}{err}");
    assert!(out.contains(&format!("rules test: {passed} passed, {failed} failed")));
    assert_eq!(code, Some(if failed == 0 { 0 } else { 1 }));

    // A case whose expectation is wrong fails with expected and got side by side.
    let dir = tempdir("rules-test");
    let first = cases.lines().next().unwrap();
    let wrong = first.replace(
        r#""expect": {"outcome": "auto_positive", "route": null, "to": null}"#,
        r#""expect": {"outcome": "routed", "route": ["AGE"], "to": "employment_authority"}"#,
    );
    assert_ne!(first, wrong, "the first dev case changed shape");
    let file = dir.join("cases.jsonl");
    std::fs::write(&file, format!("{first}\n{wrong}\n")).unwrap();
    let (code, out, _) = run(&["test".as_ref(), os(&start()), os(&file)]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("- expected: routed [AGE] to employment_authority"),
        "{out}"
    );
    assert!(out.contains("+ got:      auto_positive"), "{out}");
    assert!(out.contains("rules test: 1 passed, 1 failed"), "{out}");
}

#[test]
fn explain_speaks_finnish_and_swedish_with_legal_bases() {
    let dir = tempdir("rules-explain");
    let req = first_case(&dir);
    let (code, fi, _) = run(&["explain".as_ref(), os(&start()), os(&req)]);
    assert_eq!(code, Some(0));
    // issue 14: the law in full, never `TTL` (A14)
    assert!(
        fi.contains("työttömyysturvalaki (1290/2002) 2 luku 1 §"),
        "{fi}"
    );
    assert!(!fi.contains("TTL"), "{fi}");
    assert!(fi.contains("automaattisesti"), "{fi}");
    let (_, sv, _) = run(&[
        "explain".as_ref(),
        os(&start()),
        os(&req),
        "--lang".as_ref(),
        "sv".as_ref(),
    ]);
    assert!(
        sv.contains("lagen om utkomstskydd för arbetslösa (1290/2002) 2 kap. 1 §") && sv != fi,
        "{sv}"
    );
}

/// B11: the impact of a rule change over historic requests, grouped by reason.
#[test]
fn replay_reports_what_a_new_version_changes() {
    let dir = tempdir("rules-replay");
    let old_src = std::fs::read_to_string(start()).unwrap();
    let new_src = old_src
        .replace(
            "param youth_age_limit: int { from 2000-01-01: 25; }",
            "param youth_age_limit: int { from 2000-01-01: 20; }",
        )
        .replace("version \"2026.2\"", "version \"2026.3\"");
    assert_ne!(old_src, new_src);
    let new = dir.join("new.rules");
    std::fs::write(&new, new_src).unwrap();
    let (code, out, err) = run(&["replay".as_ref(), os(&start()), os(&new), os(&dev_cases())]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("2026.2") && out.contains("2026.3"), "{out}");
    assert!(out.contains("YOUTH_EDUCATION"), "{out}");
    let (_, json, _) = run(&[
        "replay".as_ref(),
        os(&start()),
        os(&new),
        os(&dev_cases()),
        "--json".as_ref(),
    ]);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(report["changed"].as_u64().unwrap() >= 1, "{json}");
    // Replaying a version against itself changes nothing.
    let (_, same, _) = run(&[
        "replay".as_ref(),
        os(&start()),
        os(&start()),
        os(&dev_cases()),
        "--json".as_ref(),
    ]);
    let same: serde_json::Value = serde_json::from_str(&same).unwrap();
    assert_eq!(same["changed"], 0);
}

#[test]
fn bad_requests_and_files_are_named_and_nothing_is_printed_as_a_decision() {
    let dir = tempdir("rules-bad");
    let good = std::fs::read_to_string(first_case(&dir)).unwrap();
    for (what, body, field) in [
        (
            "missing field",
            good.replace(r#""decision_date": "2026-03-02", "#, ""),
            "decision_date",
        ),
        (
            "unknown enum",
            good.replace(
                r#""right_to_work": "citizen""#,
                r#""right_to_work": "martian""#,
            ),
            "person.right_to_work",
        ),
        (
            "wrong type",
            good.replace(
                r#""resides_in_finland": true"#,
                r#""resides_in_finland": "yes""#,
            ),
            "person.resides_in_finland",
        ),
        ("not json", "{".to_owned(), "request.json"),
    ] {
        assert_ne!(body, good, "{what}: the fixture did not change");
        let req = dir.join("request.json");
        std::fs::write(&req, &body).unwrap();
        let (code, out, err) = run(&["eval".as_ref(), os(&start()), os(&req)]);
        assert_eq!(code, Some(2), "{what}: {out}{err}");
        assert!(out.is_empty(), "{what}: printed {out}");
        assert!(err.contains(field), "{what}: {err}");
    }
    let (code, _, err) = run(&["check".as_ref(), os(&dir.join("missing.rules"))]);
    assert_eq!(code, Some(2));
    assert!(err.contains("missing.rules"), "{err}");
}

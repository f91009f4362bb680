//! Integration tests of kirjuri-rules: dev cases, B16 counterfactuals, boundaries, static
//! checks (diagnostics), bad input, fuzzing, hashing, explain and replay.

use kirjuri_rules::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};
use std::path::PathBuf;

#[path = "rules/dates.rs"]
mod dates;
#[path = "rules/explain_words.rs"]
mod explain_words;

// ------------------------------------------------------------------------------------------
// helpers

fn shared_cases_file() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut candidates = Vec::new();
    if let Ok(dir) = std::env::var("KIRJURI_SHARED") {
        candidates.push(PathBuf::from(dir).join("cases/statements-dev.jsonl"));
    }
    candidates.push(manifest.join("../../../shared/cases/statements-dev.jsonl"));
    candidates.push(manifest.join("../../shared/cases/statements-dev.jsonl"));
    candidates
        .into_iter()
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!("shared/cases/statements-dev.jsonl not found (set KIRJURI_SHARED)")
        })
}

fn dev_cases() -> Vec<Case> {
    let text = std::fs::read_to_string(shared_cases_file()).unwrap();
    let cases = Case::parse_jsonl(&text).unwrap();
    assert!(cases.len() >= 18, "expected at least 18 dev cases");
    cases
}

fn rules() -> RuleSets {
    RuleSets::shipped().unwrap_or_else(|d| panic!("{}", d.render()))
}

fn sorted(mut v: Vec<ReasonCode>) -> Vec<ReasonCode> {
    v.sort();
    v
}

fn base() -> Value {
    json!({"kind": "job_search_start", "decision_date": "2026-03-02", "job_search_start": "2026-03-02",
      "job_search_end": null, "end_reason": null,
      "person": {"birth_date": "1990-05-01", "sex": "female", "language": "fi", "resides_in_finland": true,
                 "right_to_work": "citizen", "vocational_qualification": true, "partial_disability_pension": false},
      "reported": {"employment": "none", "seeks_full_time_work": true,
                   "previous_employment_end": {"date": "2026-02-27", "reason": "fixed_term_ended"},
                   "studies": "none", "business": "none", "business_started_while_unemployed_on": null,
                   "in_service": null, "free_text": null},
      "registers": {"employment_continues": false, "active_degree_studies": false, "active_business": false}})
}

fn set(v: &mut Value, path: &str, x: Value) {
    let mut cur = v;
    let parts: Vec<&str> = path.split('.').collect();
    for p in &parts[..parts.len() - 1] {
        cur = cur.get_mut(*p).unwrap();
    }
    cur[parts[parts.len() - 1]] = x;
}

fn request(changes: &[(&str, Value)]) -> Request {
    let mut v = base();
    for (p, x) in changes {
        set(&mut v, p, x.clone());
    }
    Request::from_json(&v.to_string()).unwrap()
}

// ------------------------------------------------------------------------------------------
// dev cases and B16

#[test]
fn shipped_rule_sets_load_without_warnings() {
    let r = rules();
    assert!(
        r.start.warnings().is_empty(),
        "{}",
        r.start.warnings().render()
    );
    assert!(r.end.warnings().is_empty(), "{}", r.end.warnings().render());
    assert_eq!(r.start.kind(), Kind::JobSearchStart);
    assert_eq!(r.end.kind(), Kind::JobSearchEnd);
    assert_eq!(r.start.version(), "2026.2");
    assert_eq!(r.end.version(), "2026.2");
    assert_eq!(r.start.hash().len(), 64);
}

#[test]
fn every_dev_case_passes() {
    let r = rules();
    let cases = dev_cases();
    let mut checked = 0;
    for c in &cases {
        let id = c.request.id.clone().unwrap();
        let e = c.expect.clone().unwrap();
        let d = r.evaluate(&c.request, false);
        let (outcome, route, to) = (e.outcome, e.route.clone().unwrap_or_default(), e.to);
        assert_eq!(d.outcome, outcome, "{id}");
        assert_eq!(sorted(d.reason_codes()), sorted(route), "{id}");
        assert_eq!(d.target, to, "{id}");
        if d.outcome == Outcome::AutoPositive {
            assert_eq!(d.effective_date, Some(c.request.job_search_start), "{id}");
        }
        if d.outcome == Outcome::AutoEnd {
            assert_eq!(d.effective_date, c.request.job_search_end, "{id}");
        }
        checked += 1;
    }
    assert_eq!(checked, cases.len());
}

#[test]
fn counterfactual_sex_and_language_never_change_a_decision_b16() {
    let r = rules();
    for c in dev_cases() {
        let d0 = r.evaluate(&c.request, false);
        for sex in Sex::ALL {
            for lang in Language::ALL {
                let mut q = c.request.clone();
                q.person.sex = *sex;
                q.person.language = *lang;
                let d = r.evaluate(&q, false);
                assert_eq!(d.outcome, d0.outcome, "{:?} {sex:?} {lang:?}", c.request.id);
                assert_eq!(d.reason_codes(), d0.reason_codes());
                assert_eq!(d.target, d0.target);
                assert_eq!(d.effective_date, d0.effective_date);
            }
        }
    }
}

// ------------------------------------------------------------------------------------------
// boundaries, table-driven

type Row = (
    &'static str,
    Vec<(&'static str, Value)>,
    Outcome,
    Vec<ReasonCode>,
    Option<Target>,
);

fn check_rows(rows: Vec<Row>) {
    let r = rules();
    for (name, changes, outcome, codes, to) in rows {
        let q = request(&changes);
        let d = r.evaluate(&q, true);
        assert_eq!(d.outcome, outcome, "{name}\n{}", explain(&d, Lang::En));
        assert_eq!(
            sorted(d.reason_codes()),
            sorted(codes),
            "{name}\n{}",
            explain(&d, Lang::En)
        );
        assert_eq!(d.target, to, "{name}");
    }
}

use Outcome::{AutoEnd, AutoPositive, Routed};
use ReasonCode as C;
const EA: Option<Target> = Some(Target::EmploymentAuthority);
const KEHA: Option<Target> = Some(Target::Keha);

#[test]
fn start_boundaries() {
    let vq = ("person.vocational_qualification", json!(true));
    check_rows(vec![
        ("clean", vec![], AutoPositive, vec![], None),
        (
            "age exactly 17",
            vec![("person.birth_date", json!("2009-03-02")), vq.clone()],
            AutoPositive,
            vec![],
            None,
        ),
        (
            "one day under 17",
            vec![("person.birth_date", json!("2009-03-03")), vq.clone()],
            Routed,
            vec![C::Age],
            EA,
        ),
        (
            "29 Feb birthday is 28 Feb in a common year",
            vec![
                ("person.birth_date", json!("2008-02-29")),
                ("decision_date", json!("2025-02-28")),
                // registered on the decision date: these rows test age, not the start date
                ("job_search_start", json!("2025-02-28")),
                vq.clone(),
            ],
            AutoPositive,
            vec![],
            None,
        ),
        (
            "29 Feb: the day before",
            vec![
                ("person.birth_date", json!("2008-02-29")),
                ("decision_date", json!("2025-02-27")),
                ("job_search_start", json!("2025-02-27")),
                vq.clone(),
            ],
            Routed,
            vec![C::Age],
            EA,
        ),
        (
            "turning 65 this month: last day still ok",
            vec![
                ("person.birth_date", json!("1961-03-15")),
                ("decision_date", json!("2026-03-31")),
                ("job_search_start", json!("2026-03-31")),
            ],
            AutoPositive,
            vec![],
            None,
        ),
        (
            "turning 65: first day of next month",
            vec![
                ("person.birth_date", json!("1961-03-15")),
                ("decision_date", json!("2026-04-01")),
                ("job_search_start", json!("2026-04-01")),
            ],
            Routed,
            vec![C::Age],
            EA,
        ),
        (
            "aged 64",
            vec![("person.birth_date", json!("1961-06-01"))],
            AutoPositive,
            vec![],
            None,
        ),
        (
            "24 without qualification",
            vec![
                ("person.birth_date", json!("2001-03-03")),
                ("person.vocational_qualification", json!(false)),
            ],
            Routed,
            vec![C::YouthEducation],
            KEHA,
        ),
        (
            "25th birthday",
            vec![
                ("person.birth_date", json!("2001-03-02")),
                ("person.vocational_qualification", json!(false)),
            ],
            AutoPositive,
            vec![],
            None,
        ),
        (
            "under 25 with qualification",
            vec![("person.birth_date", json!("2004-01-01"))],
            AutoPositive,
            vec![],
            None,
        ),
        (
            "16 without qualification: both",
            vec![
                ("person.birth_date", json!("2010-01-01")),
                ("person.vocational_qualification", json!(false)),
            ],
            Routed,
            vec![C::Age, C::YouthEducation],
            KEHA,
        ),
        (
            "business exactly 4 months ago routes",
            vec![
                ("reported.business", json!("part_time")),
                (
                    "reported.business_started_while_unemployed_on",
                    json!("2025-11-02"),
                ),
            ],
            Routed,
            vec![C::Business],
            KEHA,
        ),
        (
            "business 4 months less a day: not assessed",
            vec![
                ("reported.business", json!("part_time")),
                (
                    "reported.business_started_while_unemployed_on",
                    json!("2025-11-03"),
                ),
            ],
            AutoPositive,
            vec![],
            None,
        ),
        (
            "business full_time no start date",
            vec![("reported.business", json!("full_time"))],
            Routed,
            vec![C::Business],
            KEHA,
        ),
        (
            "business only in trade register (B4)",
            vec![("registers.active_business", json!(true))],
            Routed,
            vec![C::Business],
            KEHA,
        ),
        (
            "whitespace-only free text counts as none",
            vec![("reported.free_text", json!(" \t\n "))],
            AutoPositive,
            vec![],
            None,
        ),
        (
            "empty free text counts as none",
            vec![("reported.free_text", json!(""))],
            AutoPositive,
            vec![],
            None,
        ),
        (
            "free text routes",
            vec![("reported.free_text", json!("x"))],
            Routed,
            vec![C::FreeText],
            EA,
        ),
        (
            "part_time studies alone do not route",
            vec![("reported.studies", json!("part_time"))],
            AutoPositive,
            vec![],
            None,
        ),
        (
            "other studies route",
            vec![("reported.studies", json!("other"))],
            Routed,
            vec![C::Studies],
            KEHA,
        ),
        (
            "study register (B4)",
            vec![("registers.active_degree_studies", json!(true))],
            Routed,
            vec![C::Studies],
            KEHA,
        ),
        (
            "resignation",
            vec![(
                "reported.previous_employment_end.reason",
                json!("own_resignation"),
            )],
            Routed,
            vec![C::Resignation],
            KEHA,
        ),
        (
            "no previous employment",
            vec![("reported.previous_employment_end", Value::Null)],
            AutoPositive,
            vec![],
            None,
        ),
        (
            "laid off fully is unemployed",
            vec![("reported.employment", json!("laid_off_full"))],
            AutoPositive,
            vec![],
            None,
        ),
        (
            "under 4 h a week is unemployed",
            vec![("reported.employment", json!("under_4h_week"))],
            AutoPositive,
            vec![],
            None,
        ),
        (
            "part-time work",
            vec![("reported.employment", json!("part_time"))],
            Routed,
            vec![C::Employed],
            EA,
        ),
        (
            "full-time work",
            vec![("reported.employment", json!("full_time"))],
            Routed,
            vec![C::Employed],
            EA,
        ),
        (
            "income register (B4)",
            vec![("registers.employment_continues", json!(true))],
            Routed,
            vec![C::Employed],
            EA,
        ),
        (
            "part-time seeker with partial disability pension",
            vec![
                ("reported.seeks_full_time_work", json!(false)),
                ("person.partial_disability_pension", json!(true)),
            ],
            AutoPositive,
            vec![],
            None,
        ),
        (
            "part-time seeker",
            vec![("reported.seeks_full_time_work", json!(false))],
            Routed,
            vec![C::NotFullTime],
            EA,
        ),
        (
            "lives abroad",
            vec![("person.resides_in_finland", json!(false))],
            Routed,
            vec![C::Residence],
            EA,
        ),
        (
            "eu_eea ok",
            vec![("person.right_to_work", json!("eu_eea"))],
            AutoPositive,
            vec![],
            None,
        ),
        (
            "permit_unrestricted ok",
            vec![("person.right_to_work", json!("permit_unrestricted"))],
            AutoPositive,
            vec![],
            None,
        ),
        (
            "permit_restricted",
            vec![("person.right_to_work", json!("permit_restricted"))],
            Routed,
            vec![C::RightToWork],
            EA,
        ),
        (
            "no right to work",
            vec![("person.right_to_work", json!("none"))],
            Routed,
            vec![C::RightToWork],
            EA,
        ),
        (
            "prison",
            vec![("reported.in_service", json!("prison"))],
            Routed,
            vec![C::InService],
            EA,
        ),
        (
            "institutional care",
            vec![("reported.in_service", json!("institutional_care"))],
            Routed,
            vec![C::InService],
            EA,
        ),
        (
            "all reasons listed, keha wins",
            vec![
                ("reported.free_text", json!("x")),
                ("person.resides_in_finland", json!(false)),
                ("reported.studies", json!("full_time_degree")),
            ],
            Routed,
            vec![C::FreeText, C::Residence, C::Studies],
            KEHA,
        ),
        (
            "end request to the start rules via RuleSets is fine",
            vec![
                ("kind", json!("job_search_end")),
                ("end_reason", json!("employed")),
                ("job_search_end", json!("2026-03-02")),
            ],
            AutoEnd,
            vec![],
            None,
        ),
    ]);
}

#[test]
fn end_boundaries() {
    let end = |reason: Value| {
        vec![
            ("kind", json!("job_search_end")),
            ("job_search_end", json!("2026-03-20")),
            ("decision_date", json!("2026-03-20")),
            ("end_reason", reason),
        ]
    };
    let with = |mut v: Vec<(&'static str, Value)>, p: &'static str, x: Value| {
        v.push((p, x));
        v
    };
    check_rows(vec![
        ("employed", end(json!("employed")), AutoEnd, vec![], None),
        (
            "own request",
            end(json!("own_request")),
            AutoEnd,
            vec![],
            None,
        ),
        (
            "not renewed",
            end(json!("not_renewed")),
            Routed,
            vec![C::EndNeedsHearing],
            EA,
        ),
        (
            "info not given",
            end(json!("info_not_given")),
            Routed,
            vec![C::EndNeedsHearing],
            EA,
        ),
        (
            "right to work ended",
            end(json!("right_to_work_ended")),
            Routed,
            vec![C::EndNeedsHearing],
            EA,
        ),
        (
            "full-time studies",
            end(json!("full_time_studies")),
            Routed,
            vec![C::EndStudies],
            KEHA,
        ),
        (
            "free text at end (B5)",
            with(
                end(json!("employed")),
                "reported.free_text",
                json!("uusi työ"),
            ),
            Routed,
            vec![C::FreeText],
            EA,
        ),
        (
            "no end reason: fallback",
            end(Value::Null),
            Routed,
            vec![C::Undecided],
            EA,
        ),
        (
            "no end date: fallback",
            with(end(json!("employed")), "job_search_end", Value::Null),
            Routed,
            vec![C::Undecided],
            EA,
        ),
        (
            "start conditions not re-assessed at end",
            with(
                end(json!("own_request")),
                "reported.studies",
                json!("full_time_degree"),
            ),
            AutoEnd,
            vec![],
            None,
        ),
    ]);
    let r = rules();
    let q = request(&end(json!("own_request")));
    assert_eq!(r.evaluate(&q, false).effective_date, q.job_search_end);
}

#[test]
fn positive_statement_is_effective_from_registration() {
    let r = rules();
    let q = request(&[("job_search_start", json!("2026-02-20"))]);
    let d = r.evaluate(&q, false);
    assert_eq!(d.outcome, AutoPositive);
    assert_eq!(
        d.effective_date.map(|d| d.to_string()).as_deref(),
        Some("2026-02-20")
    );
    assert_eq!(d.decided_by().map(|r| r.id.as_str()), Some("positive"));
}

#[test]
fn wrong_kind_or_date_before_valid_from_goes_to_fallback() {
    let r = rules();
    let q = request(&[]);
    let d = evaluate(&r.end, &q, true);
    assert_eq!(
        (d.outcome, d.reason_codes(), d.target),
        (Routed, vec![C::Undecided], EA)
    );
    let q = request(&[("decision_date", json!("1999-12-31"))]);
    let d = evaluate(&r.start, &q, false);
    assert_eq!((d.outcome, d.reason_codes()), (Routed, vec![C::Undecided]));
}

#[test]
fn date_overflow_is_unknown_and_goes_to_an_official() {
    let r = rules();
    // a start date near chrono's maximum: add_months overflows; the condition cannot be
    // evaluated, so the case must not be decided automatically.
    let q = request(&[
        ("reported.business", json!("part_time")),
        (
            "reported.business_started_while_unemployed_on",
            json!("+262142-12-01"),
        ),
    ]);
    let d = r.evaluate(&q, true);
    assert_eq!(d.outcome, Routed);
    assert!(d.has_reason(C::Undecided), "{:?}", d.reason_codes());
}

// ------------------------------------------------------------------------------------------
// effective-dated parameters, hash, replay

const PARAM_FILE: &str = r#"ruleset "param-demo" version "1"
kind job_search_start
valid from 2000-01-01
input decision_date: date
input job_search_start: date
param initial_interview_working_days: int { from 2000-01-01 to 2025-12-31: 5; from 2026-01-01: 10; }
rule slow {
  title fi "Testi" title sv "Test" basis "JTYPL 31 §"
  when initial_interview_working_days > 5
  then route UNDECIDED to employment_authority
}
rule ok {
  title fi "Testi" title sv "Test" basis "JTYPL 31 §"
  when true
  then outcome auto_positive effective job_search_start
}
fallback rule undecided { title fi "x" title sv "x" basis "HL 53 e §" then route UNDECIDED to employment_authority }
"#;

#[test]
fn parameter_value_in_force_on_the_decision_date() {
    let rs = check(PARAM_FILE, "param.rules").unwrap_or_else(|d| panic!("{}", d.render()));
    let day = |s: &str| s.parse().unwrap();
    assert_eq!(
        rs.param_at("initial_interview_working_days", day("2025-12-31"))
            .as_deref(),
        Some("5")
    );
    assert_eq!(
        rs.param_at("initial_interview_working_days", day("2026-01-01"))
            .as_deref(),
        Some("10")
    );
    assert_eq!(
        rs.param_at("initial_interview_working_days", day("1999-12-31")),
        None
    );
    let d1 = evaluate(
        &rs,
        &request(&[("decision_date", json!("2025-12-31"))]),
        false,
    );
    let d2 = evaluate(
        &rs,
        &request(&[("decision_date", json!("2026-01-01"))]),
        false,
    );
    assert_eq!(d1.outcome, AutoPositive);
    assert_eq!(d2.outcome, Routed);
}

#[test]
fn hash_is_over_canonical_text() {
    let a = check(START_RULES, "a").unwrap();
    let b = check(START_RULES, "b").unwrap();
    assert_eq!(a.hash(), b.hash(), "same text, same hash");
    // comments, blank lines, indentation, CRLF and redundant parentheses do not change it
    let noisy = START_RULES.replace('\n', "\r\n\r\n").replace(
        "when not person.resides_in_finland",
        "when   (not person.resides_in_finland)   # comment",
    );
    let c = check(&noisy, "c").unwrap_or_else(|d| panic!("{}", d.render()));
    assert_eq!(a.hash(), c.hash());
    assert_eq!(a.canonical_text(), c.canonical_text());
    // a semantic change does
    let changed = START_RULES.replace(
        "param min_age: int { from 2000-01-01: 17; }",
        "param min_age: int { from 2000-01-01: 18; }",
    );
    assert_ne!(changed, START_RULES);
    assert_ne!(check(&changed, "d").unwrap().hash(), a.hash());
    // a title change does too (titles appear in decisions)
    let retitled = START_RULES.replace("title en \"Studies\"", "title en \"Study\"");
    assert_ne!(check(&retitled, "e").unwrap().hash(), a.hash());
    // the decision names the rule set
    let d = evaluate(&a, &request(&[]), false);
    assert_eq!(d.rule_set_hash(), a.hash());
    assert_eq!(d.rule_set_version(), "2026.2");
}

/// Issue 17 (found by the rules fuzzer): checking a rule set's canonical text gives the same
/// canonical text and hash, also when a title holds a backslash, a tab or a NUL. The printer
/// escaped them like Rust's `{:?}` while the language has no escapes, so each round made the
/// title longer. The shipped rule sets' strings hold nothing that was escaped, so their
/// canonical text, and hash, are what they were.
#[test]
fn canonical_text_checks_to_itself() {
    for odd in ["back\\slash", "tab\there", "nul\0x", "\\u{41}"] {
        let src = START_RULES.replace("title en \"Studies\"", &format!("title en \"S {odd}\""));
        let rs = check(&src, "odd").unwrap_or_else(|d| panic!("{}", d.render()));
        assert!(rs
            .canonical_text()
            .contains(&format!("title en \"S {odd}\"")));
        let again = check(rs.canonical_text(), "canonical").unwrap();
        assert_eq!(again.canonical_text(), rs.canonical_text(), "{odd:?}");
        assert_eq!(again.hash(), rs.hash());
    }
    for (src, name) in [(START_RULES, "start"), (END_RULES, "end")] {
        let rs = check(src, name).unwrap();
        let strings = rs.rules().iter().flat_map(|r| {
            [
                Some(&r.title_fi),
                Some(&r.title_sv),
                r.title_en.as_ref(),
                Some(&r.basis),
            ]
            .into_iter()
            .flatten()
        });
        for t in strings.chain([&rs.name().to_owned(), &rs.version().to_owned()]) {
            assert_eq!(format!("{t:?}"), format!("\"{t}\""), "{name}: {t}");
        }
    }
}

#[test]
fn replay_reports_changes_grouped_by_reason() {
    let old = check(START_RULES, "old").unwrap();
    let new_src = START_RULES
        .replace(
            "param min_age: int { from 2000-01-01: 17; }",
            "param min_age: int { from 2000-01-01 to 2025-12-31: 17; from 2026-01-01: 18; }",
        )
        .replace("version \"2026.2\"", "version \"2026.3\"");
    let new = check(&new_src, "new").unwrap_or_else(|d| panic!("{}", d.render()));
    let mut reqs: Vec<Request> = dev_cases()
        .into_iter()
        .map(|c| c.request)
        .filter(|r| r.kind == Kind::JobSearchStart)
        .collect();
    let mut young = request(&[("person.birth_date", json!("2008-06-01"))]);
    young.id = Some("young-17".into());
    reqs.push(young);
    let rep = replay(&old, &new, &reqs);
    assert_eq!(rep.total, reqs.len());
    assert_eq!(rep.changed, 1);
    assert_eq!(rep.outcome_changed, 1);
    assert_eq!(
        rep.by_group.get("+AGE"),
        Some(&vec!["young-17".to_string()])
    );
    assert_eq!(
        rep.by_group.get("auto_positive -> routed"),
        Some(&vec!["young-17".to_string()])
    );
    insta::assert_snapshot!(
        "replay",
        rep.render()
            .replace(old.hash().get(..12).unwrap(), "[old]")
            .replace(new.hash().get(..12).unwrap(), "[new]")
    );
}

// ------------------------------------------------------------------------------------------
// decisions, trace, explain (snapshots)

fn redacted(d: &Decision) -> Value {
    let mut v = serde_json::to_value(d).unwrap();
    v["rule_set"]["hash"] = json!("[hash]");
    v
}

#[test]
fn decision_json_and_explain_snapshots() {
    let r = rules();
    let cases = dev_cases();
    let find = |id: &str| {
        cases
            .iter()
            .find(|c| c.request.id.as_deref() == Some(id))
            .unwrap()
            .request
            .clone()
    };
    let d = r.evaluate(&find("dev-018"), true);
    insta::assert_json_snapshot!("decision_dev018_traced", redacted(&d));
    let d15 = r.evaluate(&find("dev-015"), false);
    insta::assert_json_snapshot!("decision_dev015", redacted(&d15));
    let h = d.rule_set_hash().to_string();
    for (lang, name) in [
        (Lang::Fi, "explain_dev018_fi"),
        (Lang::Sv, "explain_dev018_sv"),
        (Lang::En, "explain_dev018_en"),
    ] {
        insta::assert_snapshot!(name, explain(&d, lang).replace(&h, "[hash]"));
    }
    let h15 = d15.rule_set_hash().to_string();
    insta::assert_snapshot!(
        "explain_dev015_fi",
        explain(&d15, Lang::Fi).replace(&h15, "[hash]")
    );
}

#[test]
fn trace_lists_every_rule_with_basis_and_inputs() {
    let r = rules();
    let d = r.evaluate(&request(&[("reported.studies", json!("other"))]), true);
    let trace = d.trace.as_ref().unwrap();
    assert_eq!(trace.len(), r.start.rules().len());
    let studies = trace.iter().find(|s| s.rule == "studies").unwrap();
    assert_eq!(studies.status, RuleStatus::Fired);
    assert_eq!(studies.basis, "TTL 2:10–11");
    assert!(studies
        .reads
        .iter()
        .any(|x| x.name == "reported.studies" && x.value == "other"));
    assert!(trace.iter().all(|s| !s
        .reads
        .iter()
        .any(|x| x.name.contains("sex") || x.name.contains("language"))));
    assert!(r.evaluate(&request(&[]), false).trace.is_none());
}

// ------------------------------------------------------------------------------------------
// static checks: one test per check; message + line:column asserted, rendering snapshotted

const HEADER: &str = "ruleset \"t\" version \"1\"\nkind job_search_start\nvalid from 2000-01-01\n";
const FALLBACK: &str = "fallback rule undecided { title fi \"x\" title sv \"x\" basis \"HL 53 e §\" then route UNDECIDED to employment_authority }\n";

fn src(body: &str) -> String {
    format!("{HEADER}{body}{FALLBACK}")
}

fn line_col(source: &str, needle: &str) -> (usize, usize) {
    let off = source
        .find(needle)
        .unwrap_or_else(|| panic!("needle {needle:?} not in source"));
    let before = &source[..off];
    (
        before.matches('\n').count() + 1,
        before.rsplit('\n').next().unwrap().chars().count() + 1,
    )
}

/// Check `source`, expect a diagnostic `code` at the first occurrence of `at`, whose message
/// contains `msg`; snapshot the rendered diagnostics.
fn expect_diag(name: &str, source: &str, code: &str, at: &str, msg: &str) -> Diagnostics {
    let diags = match check(source, "test.rules") {
        Err(d) => d,
        Ok(rs) => rs.warnings().clone(),
    };
    let (line, column) = line_col(source, at);
    let d = diags
        .items
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("{name}: no {code} in\n{}", diags.render()));
    assert!(
        d.message.contains(msg),
        "{name}: message {:?} lacks {msg:?}",
        d.message
    );
    assert_eq!(
        (d.line, d.column),
        (line, column),
        "{name}: position\n{}",
        diags.render()
    );
    assert!(
        d.hint.as_deref().is_some_and(|h| !h.is_empty()),
        "{name}: hint"
    );
    let rendered = diags.render();
    assert!(
        rendered.contains(&format!("test.rules:{line}:{column}")),
        "{name}:\n{rendered}"
    );
    insta::assert_snapshot!(name, rendered);
    diags
}

const RULE_OK: &str = "title fi \"T\" title sv \"T\" basis \"TTL 2:1\"";

#[test]
fn diag_syntax_error() {
    let s = src(&format!(
        "rule a {{ {RULE_OK} when true then rout FREE_TEXT to keha }}\n"
    ));
    expect_diag("diag_syntax", &s, "E001", "rout ", "syntax error");
}

#[test]
fn diag_syntax_error_unterminated_string() {
    let s = src("rule a { title fi \"oops\n}\n");
    expect_diag("diag_syntax_string", &s, "E001", "\n}\n", "closing");
}

#[test]
fn diag_unknown_input() {
    let s = src(&format!("input decision_date: date\nrule a {{ {RULE_OK} when reported.salary > 3 then route FREE_TEXT to employment_authority }}\n"));
    expect_diag(
        "diag_unknown_input",
        &s,
        "E002",
        "reported.salary",
        "unknown input",
    );
    let s = src(&format!("rule a {{ {RULE_OK} when person.resides_in_finland then route RESIDENCE to employment_authority }}\n"));
    expect_diag(
        "diag_undeclared_input",
        &s,
        "E002",
        "person.resides_in_finland",
        "not declared",
    );
    let s = src("input person.shoe_size: int\n");
    expect_diag(
        "diag_unknown_input_decl",
        &s,
        "E002",
        "person.shoe_size",
        "not a field of the request contract",
    );
}

#[test]
fn diag_type_mismatch() {
    let s = src(&format!("input person.birth_date: date\nrule a {{ {RULE_OK} when person.birth_date > 17 then route AGE to employment_authority }}\n"));
    expect_diag(
        "diag_type_mismatch",
        &s,
        "E003",
        "person.birth_date > 17",
        "cannot compare date with int",
    );
}

#[test]
fn diag_optional_unguarded() {
    let s = src(&format!("input decision_date: date\ninput reported.business_started_while_unemployed_on: optional date\nrule a {{ {RULE_OK} when reported.business_started_while_unemployed_on < decision_date then route BUSINESS to keha }}\n"));
    expect_diag(
        "diag_optional",
        &s,
        "E003",
        "reported.business_started_while_unemployed_on <",
        "may be none",
    );
}

#[test]
fn diag_unknown_enum_value() {
    let s = src(&format!("input reported.studies: enum(none, full_time_degree, part_time, other)\nrule a {{ {RULE_OK} when reported.studies in [full_time, other] then route STUDIES to keha }}\n"));
    expect_diag(
        "diag_unknown_enum",
        &s,
        "E004",
        "full_time,",
        "unknown value `full_time`",
    );
    let s = src(&format!("input reported.studies: enum(none, full_time_degree, part_time, other)\nrule a {{ {RULE_OK} when reported.studies == phd then route STUDIES to keha }}\n"));
    expect_diag(
        "diag_unknown_enum_eq",
        &s,
        "E004",
        "phd",
        "unknown value `phd`",
    );
}

#[test]
fn diag_missing_title_and_basis() {
    let s = src("input person.resides_in_finland: bool\nrule a { title fi \"T\" basis \"TTL 3:1\" when not person.resides_in_finland then route RESIDENCE to employment_authority }\n");
    expect_diag(
        "diag_missing_title_sv",
        &s,
        "E005",
        "rule a",
        "no `title sv`",
    );
    let s = src("input person.resides_in_finland: bool\nrule a { title fi \"T\" title sv \"T\" when not person.resides_in_finland then route RESIDENCE to employment_authority }\n");
    expect_diag("diag_missing_basis", &s, "E006", "rule a", "no legal basis");
}

#[test]
fn diag_duplicate_rule_id() {
    let s = src(&format!("input person.resides_in_finland: bool\nrule a {{ {RULE_OK} when not person.resides_in_finland then route RESIDENCE to employment_authority }}\nrule a {{ {RULE_OK} when person.resides_in_finland then route RESIDENCE to employment_authority }}\n"));
    let (l, _) = line_col(&s, "rule a");
    let diags = check(&s, "test.rules").unwrap_err();
    let d = diags.items.iter().find(|d| d.code == "E007").unwrap();
    assert_eq!(d.line, l + 1);
    assert_eq!(d.column, 6);
    assert!(d.message.contains("duplicate rule id `a`"));
    insta::assert_snapshot!("diag_duplicate_rule", diags.render());
}

#[test]
fn diag_unknown_reason_code_and_target() {
    let s = src(&format!("input person.resides_in_finland: bool\nrule a {{ {RULE_OK} when not person.resides_in_finland then route ABROAD to employment_authority }}\n"));
    expect_diag(
        "diag_unknown_code",
        &s,
        "E008",
        "ABROAD",
        "unknown reason code",
    );
    let s = src(&format!("input person.resides_in_finland: bool\nrule a {{ {RULE_OK} when not person.resides_in_finland then route RESIDENCE to kela }}\n"));
    expect_diag(
        "diag_unknown_target",
        &s,
        "E009",
        "kela",
        "unknown routing target",
    );
}

#[test]
fn diag_protected_input_b16() {
    let s = src(&format!("input person.sex: enum(female, male) protected\nrule a {{ {RULE_OK} when person.sex == female then route FREE_TEXT to employment_authority }}\n"));
    expect_diag(
        "diag_protected_sex",
        &s,
        "E010",
        "person.sex ==",
        "protected input `person.sex`",
    );
    // language is protected even when the file forgets the marker
    let s = src(&format!("input person.language: enum(fi, sv, se, en)\nrule a {{ {RULE_OK} when person.language in [se] then route FREE_TEXT to employment_authority }}\n"));
    expect_diag(
        "diag_protected_language",
        &s,
        "E010",
        "person.language in",
        "protected input `person.language`",
    );
    // any input the file marks protected
    let s = src(&format!("input person.partial_disability_pension: bool protected\nrule a {{ {RULE_OK} when person.partial_disability_pension then route FREE_TEXT to employment_authority }}\n"));
    expect_diag(
        "diag_protected_marked",
        &s,
        "E010",
        "person.partial_disability_pension then",
        "protected input",
    );
    // and undeclared protected fields
    let s = src(&format!("rule a {{ {RULE_OK} when person.sex == male then route FREE_TEXT to employment_authority }}\n"));
    expect_diag(
        "diag_protected_undeclared",
        &s,
        "E010",
        "person.sex ==",
        "protected",
    );
}

#[test]
fn diag_parameter_periods() {
    let s = src("param p: int { from 2000-01-01 to 2010-12-31: 1; from 2011-02-01: 2; }\n");
    expect_diag(
        "diag_param_gap",
        &s,
        "E011",
        "from 2011-02-01",
        "no value in force from 2011-01-01 to 2011-01-31",
    );
    let s = src("param p: int { from 2000-01-01 to 2010-12-31: 1; from 2010-06-01: 2; }\n");
    expect_diag(
        "diag_param_overlap",
        &s,
        "E012",
        "from 2010-06-01",
        "overlap",
    );
    let s = src("param p: int { from 2005-01-01: 1; }\n");
    expect_diag(
        "diag_param_late_start",
        &s,
        "E011",
        "from 2005-01-01",
        "no value in force from 2000-01-01",
    );
    let s = src("param p: int { from 2000-01-01 to 2030-12-31: 1; }\n");
    expect_diag(
        "diag_param_ends",
        &s,
        "E011",
        "from 2000-01-01 to",
        "after 2030-12-31",
    );
    let s = src("param p: int { from 2000-01-01: 2000-01-01; }\n");
    expect_diag(
        "diag_param_type",
        &s,
        "E003",
        "2000-01-01; }",
        "parameter `p` is int",
    );
}

#[test]
fn diag_unreachable_rule_is_a_warning() {
    let s = src(&format!("input decision_date: date\ninput person.birth_date: date\nrule a {{ {RULE_OK} when age_on(person.birth_date, decision_date) < 17 and age_on(person.birth_date, decision_date) > 65 then route AGE to employment_authority }}\n"));
    let d = expect_diag(
        "diag_unreachable",
        &s,
        "W001",
        "age_on(person.birth_date, decision_date) < 17",
        "can never fire",
    );
    assert!(!d.has_errors(), "a warning does not stop loading");
}

#[test]
fn diag_contradictory_outcome_rules() {
    let s = src(&format!("input decision_date: date\ninput job_search_start: date\nrule a {{ {RULE_OK} when true then outcome auto_positive effective job_search_start }}\nrule b {{ {RULE_OK} when true then outcome auto_positive effective decision_date }}\n"));
    expect_diag(
        "diag_contradictory",
        &s,
        "E014",
        "b {",
        "contradictory rules `a` and `b`",
    );
}

#[test]
fn diag_unused_input_is_a_warning() {
    let s = src("input person.resides_in_finland: bool\n");
    let d = expect_diag(
        "diag_unused_input",
        &s,
        "W002",
        "person.resides_in_finland",
        "no rule reads it",
    );
    assert!(!d.has_errors());
}

#[test]
fn diag_missing_fallback_and_wrong_outcome_and_contract_mismatch() {
    let s = format!("{HEADER}input job_search_start: date\nrule a {{ {RULE_OK} when true then outcome auto_positive effective job_search_start }}\n");
    expect_diag(
        "diag_missing_fallback",
        &s,
        "E013",
        "\"t\"",
        "no fallback rule",
    );
    let s = src(&format!("input job_search_start: date\nrule a {{ {RULE_OK} when true then outcome auto_end effective job_search_start }}\n"));
    expect_diag(
        "diag_wrong_outcome",
        &s,
        "E015",
        "auto_end",
        "not available for kind",
    );
    let s = src("input person.birth_date: int\n");
    expect_diag(
        "diag_contract_mismatch",
        &s,
        "E016",
        "int\n",
        "request contract has date",
    );
}

#[test]
fn diagnostics_render_without_colour() {
    let s = src("rule a { }\n");
    let d = check(&s, "x.rules").unwrap_err();
    let r = d.render();
    assert!(!r.contains('\u{1b}'), "no ANSI escapes");
    assert!(r.contains("x.rules:4:"));
}

// ------------------------------------------------------------------------------------------
// bad request input: specific errors naming the field, never a panic

#[test]
fn bad_requests_name_the_field() {
    let cases: Vec<(&str, String, &str, &str)> = vec![
        (
            "malformed",
            "{\"kind\": ".to_string(),
            ".",
            "malformed JSON",
        ),
        ("not an object", "42".to_string(), ".", "invalid type"),
        (
            "missing field",
            {
                let mut v = base();
                v["person"].as_object_mut().unwrap().remove("birth_date");
                v.to_string()
            },
            "person",
            "missing field `birth_date`",
        ),
        (
            "missing nullable field",
            {
                let mut v = base();
                v["reported"].as_object_mut().unwrap().remove("free_text");
                v.to_string()
            },
            "reported",
            "missing field `free_text`",
        ),
        (
            "wrong type",
            {
                let mut v = base();
                v["person"]["resides_in_finland"] = json!("yes");
                v.to_string()
            },
            "person.resides_in_finland",
            "invalid type",
        ),
        (
            "unknown enum value",
            {
                let mut v = base();
                v["person"]["right_to_work"] = json!("visa");
                v.to_string()
            },
            "person.right_to_work",
            "unknown variant `visa`",
        ),
        (
            "null not allowed",
            {
                let mut v = base();
                v["reported"]["studies"] = Value::Null;
                v.to_string()
            },
            "reported.studies",
            "invalid type: null",
        ),
        (
            "unknown field",
            {
                let mut v = base();
                v["registers"]["tax"] = json!(1);
                v.to_string()
            },
            "registers.tax",
            "unknown field `tax`",
        ),
        (
            "bad date",
            {
                let mut v = base();
                v["decision_date"] = json!("2026-02-30");
                v.to_string()
            },
            "decision_date",
            "input is out of range",
        ),
        (
            "nested",
            {
                let mut v = base();
                v["reported"]["previous_employment_end"]["reason"] = json!("quit");
                v.to_string()
            },
            "reported.previous_employment_end.reason",
            "unknown variant `quit`",
        ),
        (
            "expect not allowed in a bare request",
            {
                let mut v = base();
                v["expect"] = json!({});
                v.to_string()
            },
            "expect",
            "unknown field `expect`",
        ),
    ];
    for (name, json, path, msg) in cases {
        let e = Request::from_json(&json).unwrap_err();
        assert_eq!(e.path, path, "{name}: {e}");
        assert!(e.message.contains(msg), "{name}: {e}");
    }
    let mut v = base();
    v["expect"] = json!({"outcome": "routed", "route": ["NOPE"], "to": "keha"});
    let e = Case::from_json(&v.to_string()).unwrap_err();
    assert_eq!(e.path, "expect.route[0]", "{e}");
    let (line, e) = Case::parse_jsonl("\n{}\n").unwrap_err();
    assert_eq!(line, 2);
    assert!(e.message.contains("missing field"), "{e}");
}

// ------------------------------------------------------------------------------------------
// fuzzing (proptest): counts are printed; run with --nocapture to see them

const FUZZ_CASES: u32 = 5000;

fn fuzz<S: Strategy>(name: &str, strategy: S, f: impl Fn(S::Value)) -> usize
where
    S::Value: std::fmt::Debug,
{
    let mut runner = TestRunner::new(Config {
        cases: FUZZ_CASES,
        failure_persistence: None,
        ..Config::default()
    });
    let n = std::cell::Cell::new(0usize);
    runner
        .run(&strategy, |v| {
            n.set(n.get() + 1);
            f(v);
            Ok(())
        })
        .unwrap();
    let n = n.get();
    eprintln!("fuzz {name}: {n} executions");
    assert!(n >= FUZZ_CASES as usize);
    n
}

#[test]
fn fuzz_check_random_bytes_never_panics() {
    fuzz(
        "check(random bytes)",
        proptest::collection::vec(any::<u8>(), 0..600),
        |bytes| {
            let s = String::from_utf8_lossy(&bytes);
            if let Err(d) = check(&s, "fuzz.rules") {
                let _ = d.render();
            }
        },
    );
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize, usize),
    Insert(usize, String),
    Replace(usize, u8),
    Swap(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let tokens = prop::sample::select(vec![
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        "\"",
        "#",
        " and ",
        " or ",
        " not ",
        "==",
        "<",
        "-",
        "1",
        "2026-13-40",
        "person.sex",
        "person.language",
        "rule",
        "fallback",
        "when",
        "then",
        "route",
        "é",
        "\u{0}",
        "\n",
        "9999999999999999999999",
        "age_on(",
        ",",
        ";",
        ":",
        "protected",
        "optional",
        "enum(",
        "is none",
    ]);
    prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(a, n)| Mutation::Delete(a, n)),
        (any::<usize>(), tokens).prop_map(|(a, t)| Mutation::Insert(a, t.to_string())),
        (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Mutation::Replace(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
    ]
}

fn apply(src: &str, muts: &[Mutation]) -> String {
    let mut b = src.as_bytes().to_vec();
    for m in muts {
        let len = b.len().max(1);
        match m {
            Mutation::Delete(a, n) => {
                let a = a % len;
                let e = (a + n).min(b.len());
                if a < e {
                    b.drain(a..e);
                }
            }
            Mutation::Insert(a, t) => {
                let a = a % (b.len() + 1);
                b.splice(a..a, t.bytes());
            }
            Mutation::Replace(a, x) => {
                if !b.is_empty() {
                    let i = a % b.len();
                    b[i] = *x;
                }
            }
            Mutation::Swap(a, c) => {
                if !b.is_empty() {
                    let (i, j) = (a % b.len(), c % b.len());
                    b.swap(i, j);
                }
            }
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

#[test]
fn fuzz_check_mutated_rule_files_never_panics() {
    let loaded = std::cell::Cell::new(0usize);
    let strategy = (any::<bool>(), proptest::collection::vec(mutation(), 1..6));
    let n = fuzz("check(mutated shipped rules)", strategy, |(end, muts)| {
        let s = apply(if end { END_RULES } else { START_RULES }, &muts);
        match check(&s, "fuzz.rules") {
            Ok(rs) => {
                loaded.set(loaded.get() + 1);
                // a rule set that loads must evaluate every dev case without panicking
                let q = request(&[]);
                let _ = explain(&evaluate(&rs, &q, true), Lang::Fi);
            }
            Err(d) => {
                let _ = d.render();
            }
        }
    });
    println!(
        "fuzz: {} of {n} mutated rule files still loaded",
        loaded.get()
    );
}

#[test]
fn fuzz_request_parser_never_panics() {
    let base_text = base().to_string();
    let strategy = (
        any::<bool>(),
        proptest::collection::vec(any::<u8>(), 0..300),
        proptest::collection::vec(mutation(), 1..5),
    );
    fuzz(
        "Request::from_json(random / mutated)",
        strategy,
        |(random, bytes, muts)| {
            let s = if random {
                String::from_utf8_lossy(&bytes).into_owned()
            } else {
                apply(&base_text, &muts)
            };
            if let Ok(r) = Request::from_json(&s) {
                let _ = rules().evaluate(&r, false);
            }
            let _ = Case::from_json(&s);
        },
    );
}

#[test]
fn fuzz_evaluation_is_total_and_b16_invariant() {
    let r = rules();
    let dates =
        (1900i32..2100, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"));
    let strategy = (
        dates.clone(),
        dates.clone(),
        dates,
        0usize..6,
        0usize..5,
        0usize..4,
        0usize..3,
        any::<[bool; 8]>(),
    );
    fuzz(
        "evaluate(random valid requests)",
        strategy,
        |(birth, decision, started, rtw, emp, st, bus, b)| {
            let q = request(&[
                ("person.birth_date", json!(birth)),
                ("decision_date", json!(decision)),
                (
                    "reported.business_started_while_unemployed_on",
                    if b[7] { json!(started) } else { Value::Null },
                ),
                ("person.right_to_work", json!(RightToWork::NAMES[rtw])),
                ("reported.employment", json!(Employment::NAMES[emp])),
                ("reported.studies", json!(Studies::NAMES[st])),
                ("reported.business", json!(Business::NAMES[bus])),
                ("person.resides_in_finland", json!(b[0])),
                ("person.vocational_qualification", json!(b[1])),
                ("reported.seeks_full_time_work", json!(b[2])),
                ("registers.active_business", json!(b[3])),
                ("registers.employment_continues", json!(b[4])),
                ("person.sex", json!(if b[5] { "male" } else { "female" })),
                ("person.language", json!(if b[6] { "se" } else { "fi" })),
            ]);
            let d = r.evaluate(&q, false);
            let mut q2 = q.clone();
            q2.person.sex = Sex::Female;
            q2.person.language = Language::Fi;
            let d2 = r.evaluate(&q2, false);
            assert_eq!(
                (d.outcome, d.reason_codes(), d.target),
                (d2.outcome, d2.reason_codes(), d2.target)
            );
            assert_eq!(d.outcome == Outcome::Routed, !d.reason_codes().is_empty());
            assert_eq!(d.outcome == Outcome::Routed, d.target.is_some());
        },
    );
}

#[test]
fn hostile_nesting_is_refused_not_a_stack_overflow() {
    let deep_parens = src(&format!(
        "rule a {{ {RULE_OK} when {}true{} then route FREE_TEXT to employment_authority }}\n",
        "(".repeat(100_000),
        ")".repeat(100_000)
    ));
    let d = check(&deep_parens, "t").unwrap_err();
    assert_eq!(d.items[0].code, "E001");
    assert!(d.items[0].message.contains("nested"));
    let nots = src(&format!(
        "rule a {{ {RULE_OK} when {}true then route FREE_TEXT to employment_authority }}\n",
        "not ".repeat(100_000)
    ));
    assert_eq!(check(&nots, "t").unwrap_err().items[0].code, "E001");
    let long_chain = src(&format!(
        "rule a {{ {RULE_OK} when true{} then route FREE_TEXT to employment_authority }}\n",
        " and true".repeat(50_000)
    ));
    let d = check(&long_chain, "t").unwrap_err();
    assert_eq!(d.items[0].code, "E020");
}

#[test]
fn overlapping_outcome_rules_with_same_effect_warn() {
    let s = src(&format!("input job_search_start: date\nrule a {{ {RULE_OK} when true then outcome auto_positive effective job_search_start }}\nrule b {{ {RULE_OK} when true then outcome auto_positive effective job_search_start }}\n"));
    let d = expect_diag(
        "diag_overlapping_outcomes",
        &s,
        "W003",
        "b {",
        "can both fire",
    );
    assert!(!d.has_errors());
}

#[test]
fn rule_sets_must_have_the_right_kind() {
    let e = RuleSets::from_sources(END_RULES, START_RULES).unwrap_err();
    assert_eq!(e.items[0].code, "E015");
}

#[test]
fn diag_missing_when_unknown_function_and_rule_limit() {
    let s = src(&format!(
        "rule a {{ {RULE_OK} then route FREE_TEXT to employment_authority }}\n"
    ));
    expect_diag(
        "diag_missing_when",
        &s,
        "E017",
        "rule a",
        "no `when` condition",
    );
    let s = src(&format!("input decision_date: date\nrule a {{ {RULE_OK} when weekday(decision_date) == 1 then route FREE_TEXT to employment_authority }}\n"));
    expect_diag(
        "diag_unknown_function",
        &s,
        "E019",
        "weekday",
        "unknown function `weekday`",
    );
    let s = src(&format!("input decision_date: date\nrule a {{ {RULE_OK} when end_of_month(decision_date, 1) > decision_date then route FREE_TEXT to employment_authority }}\n"));
    expect_diag(
        "diag_arity",
        &s,
        "E019",
        "end_of_month(",
        "takes 1 argument(s), found 2",
    );
    let many: String = (0..130)
        .map(|i| format!("rule r{i} {{ {RULE_OK} when true then route FREE_TEXT to employment_authority }}\n"))
        .collect();
    let d = check(&src(&many), "t").unwrap_err();
    assert!(d.items.iter().any(|d| d.code == "E018"), "{}", d.render());
}

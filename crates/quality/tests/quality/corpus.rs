//! The repository's labelled corpus (issue 18): `corpus/entries-dev.jsonl`, which the lists
//! and rules are tuned against, and `corpus/entries-test.jsonl`, held out and never tuned
//! against. Each is measured with morphology (libvoikko for Finnish, Hunspell for Swedish) and
//! with the fallback, Finnish and Swedish separately, per kind; the tests FAIL below target:
//! overall precision >= 0.95 and recall >= 0.9 with morphology, >= 0.85 and >= 0.8 with the
//! fallback. Only the dev set's individual misses are printed: the held-out set shows figures.
//!
//! Run `cargo test -p kirjuri-quality corpus -- --nocapture --test-threads 1` for the table.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;

use kirjuri_quality::{
    Checker, Context, Data, EntryKind, Kind, Language, Library, MorphologyConfig,
};

use super::{Score, SCORED};

struct Entry {
    id: String,
    entry_type: EntryKind,
    language: Language,
    text: String,
    expect: Vec<(Kind, Range<usize>)>,
}

fn corpus_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(name)
}

/// Parses a corpus file; the n-th listing of the same token is its n-th occurrence.
fn load(name: &str) -> Vec<Entry> {
    let text =
        std::fs::read_to_string(corpus_path(name)).unwrap_or_else(|e| panic!("corpus/{name}: {e}"));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let id = v["id"].as_str().unwrap().to_owned();
            let text = v["text"].as_str().unwrap().to_owned();
            let mut used: BTreeMap<String, usize> = BTreeMap::new();
            let expect = v["expect"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    let kind = SCORED
                        .into_iter()
                        .find(|k| k.code() == e["kind"].as_str().unwrap())
                        .unwrap();
                    let token = e["token"].as_str().unwrap();
                    let nth = used.entry(token.to_owned()).or_insert(0);
                    let at = text
                        .match_indices(token)
                        .nth(*nth)
                        .unwrap_or_else(|| panic!("{id}: token {token:?} not in the text"))
                        .0;
                    *nth += 1;
                    (kind, at..at + token.len())
                })
                .collect();
            Entry {
                id,
                entry_type: v["entry_type"].as_str().unwrap().parse().unwrap(),
                language: v["language"].as_str().unwrap().parse().unwrap(),
                text,
                expect,
            }
        })
        .collect()
}

type Scores = BTreeMap<(&'static str, Kind), Score>;

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// Scores by the corpus README's rule; `misses` collects the dev set's errors.
fn measure(checker: &Checker, entries: &[Entry], misses: Option<&mut Vec<String>>) -> Scores {
    let mut scores = Scores::new();
    let mut log = Vec::new();
    for e in entries {
        for k in SCORED {
            scores.entry((e.language.code(), k)).or_default();
        }
        let report = checker
            .check(&e.text, &Context::entry(e.entry_type, e.language))
            .unwrap();
        let reported: Vec<_> = report
            .findings
            .iter()
            .filter(|f| SCORED.contains(&f.kind))
            .collect();
        for f in &reported {
            let s = scores.get_mut(&(e.language.code(), f.kind)).unwrap();
            s.reported += 1;
            if e.expect
                .iter()
                .any(|(k, r)| *k == f.kind && overlaps(r, &f.bytes))
            {
                s.correct_reports += 1;
            } else {
                log.push(format!(
                    "{}: false {} {:?}",
                    e.id,
                    f.kind.code(),
                    &e.text[f.bytes.clone()]
                ));
            }
        }
        for (k, r) in &e.expect {
            let s = scores.get_mut(&(e.language.code(), *k)).unwrap();
            s.expected += 1;
            if reported
                .iter()
                .any(|f| f.kind == *k && overlaps(r, &f.bytes))
            {
                s.found += 1;
            } else {
                log.push(format!(
                    "{}: missed {} {:?}",
                    e.id,
                    k.code(),
                    &e.text[r.clone()]
                ));
            }
        }
    }
    if let Some(m) = misses {
        m.extend(log);
    }
    scores
}

fn total<'a>(it: impl Iterator<Item = &'a Score>) -> Score {
    let mut t = Score::default();
    for s in it {
        t.reported += s.reported;
        t.correct_reports += s.correct_reports;
        t.expected += s.expected;
        t.found += s.found;
    }
    t
}

fn line(label: &str, s: &Score) -> String {
    format!(
        "{label:<16} precision {:.3} ({:>3}/{:<3})  recall {:.3} ({:>3}/{:<3})",
        s.precision(),
        s.correct_reports,
        s.reported,
        s.recall(),
        s.found,
        s.expected
    )
}

/// Measures one file with one checker, prints the table, and checks the targets per language
/// and overall. Returns the failures (empty when the targets are met).
#[allow(clippy::print_stdout)]
fn measure_and_judge(
    checker: &Checker,
    file: &str,
    label: &str,
    min_precision: f64,
    min_recall: f64,
) -> Vec<String> {
    let entries = load(file);
    let held_out = file.contains("test");
    let mut misses = Vec::new();
    let scores = measure(checker, &entries, (!held_out).then_some(&mut misses));
    println!("== {file}, {label} ({})", checker.morphology_status());
    let mut failures = Vec::new();
    for lang in [Language::Fi, Language::Sv] {
        for k in SCORED {
            println!(
                "{}",
                line(
                    &format!("{} {}", lang.code(), k.code()),
                    &scores[&(lang.code(), k)]
                )
            );
        }
        let t = total(
            scores
                .iter()
                .filter(|((l, _), _)| *l == lang.code())
                .map(|(_, s)| s),
        );
        let name = format!("{} overall", lang.code());
        println!("{}", line(&name, &t));
        if t.precision() < min_precision || t.recall() < min_recall {
            failures.push(format!(
                "{file} {label} {name}: precision {:.3} (target {min_precision}), recall {:.3} (target {min_recall})",
                t.precision(),
                t.recall()
            ));
        }
    }
    let t = total(scores.values());
    println!("{}", line("all overall", &t));
    if t.precision() < min_precision || t.recall() < min_recall {
        failures.push(format!(
            "{file} {label} overall: precision {:.3}, recall {:.3}",
            t.precision(),
            t.recall()
        ));
    }
    for m in &misses {
        println!("  {m}");
    }
    failures
}

fn with_morphology() -> Checker {
    Checker::with_config(
        Data::embedded().unwrap(),
        MorphologyConfig {
            finnish: Library::Required,
            swedish: Library::Required,
        },
    )
    .unwrap_or_else(|e| panic!("libvoikko and Hunspell are required for this test: {e}"))
}

fn with_fallback() -> Checker {
    Checker::with_config(
        Data::embedded().unwrap(),
        MorphologyConfig {
            finnish: Library::Off,
            swedish: Library::Off,
        },
    )
    .unwrap()
}

/// Issue 18, A14–A17: on the held-out set, with libvoikko and Hunspell, overall precision is
/// at least 0.95 and recall at least 0.9, for Finnish and for Swedish.
#[test]
fn corpus_held_out_with_morphology_meets_targets() {
    let f = measure_and_judge(
        &with_morphology(),
        "entries-test.jsonl",
        "morphology",
        0.95,
        0.9,
    );
    assert!(f.is_empty(), "below target: {f:#?}");
}

/// Issue 18: on the held-out set, without libvoikko and Hunspell, overall precision is at
/// least 0.85 and recall at least 0.8, for Finnish and for Swedish.
#[test]
fn corpus_held_out_with_the_fallback_meets_targets() {
    let f = measure_and_judge(
        &with_fallback(),
        "entries-test.jsonl",
        "fallback",
        0.85,
        0.8,
    );
    assert!(f.is_empty(), "below target: {f:#?}");
}

/// Issue 18: the development set meets the same targets with morphology.
#[test]
fn corpus_dev_with_morphology_meets_targets() {
    let f = measure_and_judge(
        &with_morphology(),
        "entries-dev.jsonl",
        "morphology",
        0.95,
        0.9,
    );
    assert!(f.is_empty(), "below target: {f:#?}");
}

/// Issue 18: the development set meets the fallback targets.
#[test]
fn corpus_dev_with_the_fallback_meets_targets() {
    let f = measure_and_judge(&with_fallback(), "entries-dev.jsonl", "fallback", 0.85, 0.8);
    assert!(f.is_empty(), "below target: {f:#?}");
}

/// Issue 18: the corpus is what the issue asks for — at least 300 entries, Finnish >= 200,
/// Swedish >= 80, a quarter held out, every entry type and finding kind, hard negatives,
/// identity codes only from the 900–999 test range.
#[test]
fn corpus_has_the_size_coverage_and_split_the_issue_asks_for() {
    let dev = load("entries-dev.jsonl");
    let test = load("entries-test.jsonl");
    let all: Vec<&Entry> = dev.iter().chain(&test).collect();
    let count = |l: Language| all.iter().filter(|e| e.language == l).count();
    assert!(all.len() >= 300, "{} entries", all.len());
    assert!(
        count(Language::Fi) >= 200,
        "{} Finnish",
        count(Language::Fi)
    );
    assert!(count(Language::Sv) >= 80, "{} Swedish", count(Language::Sv));
    assert!(
        test.len() * 4 >= all.len(),
        "held out {} of {}",
        test.len(),
        all.len()
    );
    let mut ids = std::collections::HashSet::new();
    for e in &all {
        assert!(ids.insert(e.id.clone()), "duplicate id {}", e.id);
    }
    for set in [&dev, &test] {
        for k in SCORED {
            for l in [Language::Fi, Language::Sv] {
                assert!(
                    set.iter()
                        .any(|e| e.language == l && e.expect.iter().any(|(x, _)| *x == k)),
                    "no {} {} finding in a set",
                    l.code(),
                    k.code()
                );
            }
        }
        // Hard negatives: entries with nothing to find, in both languages.
        for l in [Language::Fi, Language::Sv] {
            assert!(set.iter().any(|e| e.language == l && e.expect.is_empty()));
        }
    }
    for kind in [
        "contact",
        "initial_interview",
        "employment_plan",
        "advice",
        "service_start",
        "service_end",
        "work_capacity",
        "safety",
        "other",
    ] {
        let kind: EntryKind = kind.parse().unwrap();
        assert!(all.iter().any(|e| e.entry_type == kind), "{kind:?}");
    }
    // Every identity-code-shaped string is from the test range (NNN 900–999).
    for e in &all {
        let b = e.text.as_bytes();
        for i in 0..b.len().saturating_sub(10) {
            let w = &b[i..i + 11];
            if w[..6].iter().all(u8::is_ascii_digit)
                && b"+-YXWVUABCDEF".contains(&w[6])
                && w[7..10].iter().all(u8::is_ascii_digit)
            {
                assert_eq!(w[7], b'9', "{}: identity code outside 900-999", e.id);
            }
        }
    }
}

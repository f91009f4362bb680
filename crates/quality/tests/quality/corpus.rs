//! The repository's labelled corpus (issue 18): `corpus/entries-dev.jsonl`, which the lists
//! and rules are tuned against, and `corpus/entries-test.jsonl`, held out and never tuned
//! against. Each is measured with morphology (libvoikko for Finnish, Hunspell for Swedish) and
//! with the fallback, Finnish and Swedish separately, per kind; the tests FAIL below target:
//! overall precision >= 0.95 and recall >= 0.9 with morphology, >= 0.85 and >= 0.8 with the
//! fallback. Only the dev set's individual misses are printed: the held-out set shows figures.
//!
//! Run `cargo test -p kirjuri-quality --test quality corpus_ -- --nocapture --test-threads 1`
//! for the tables.

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

/// Targets (precision, recall) with a language's library, and with its fallback.
const WITH_LIBRARY: (f64, f64) = (0.95, 0.9);
const WITH_FALLBACK: (f64, f64) = (0.85, 0.8);

fn targets(lib: Library) -> (f64, f64) {
    if lib == Library::Required {
        WITH_LIBRARY
    } else {
        WITH_FALLBACK
    }
}

fn name(lib: Library, library: &str) -> String {
    if lib == Library::Required {
        library.to_owned()
    } else {
        "fallback".to_owned()
    }
}

/// Measures one file with one configuration, prints the table, and checks each language's
/// overall figures against its targets (and all languages together against the weaker).
/// Returns the failures (empty when the targets are met).
#[allow(clippy::print_stdout)]
fn measure_and_judge(file: &str, finnish: Library, swedish: Library) -> Vec<String> {
    let checker = Checker::with_config(
        Data::embedded().unwrap(),
        MorphologyConfig { finnish, swedish },
    )
    .unwrap_or_else(|e| panic!("libvoikko and Hunspell are required for this test: {e}"));
    let entries = load(file);
    let held_out = file.contains("test");
    let mut misses = Vec::new();
    let scores = measure(&checker, &entries, (!held_out).then_some(&mut misses));
    let label = format!(
        "fi {}, sv {}",
        name(finnish, "libvoikko"),
        name(swedish, "Hunspell")
    );
    println!("== {file}, {label} ({})", checker.morphology_status());
    let mut failures = Vec::new();
    for (lang, lib) in [(Language::Fi, finnish), (Language::Sv, swedish)] {
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
        let (p, r) = targets(lib);
        let what = format!("{} overall", lang.code());
        println!("{}", line(&what, &t));
        if t.precision() < p || t.recall() < r {
            failures.push(format!(
                "{file} [{label}] {what}: precision {:.3} (target {p}), recall {:.3} (target {r})",
                t.precision(),
                t.recall()
            ));
        }
    }
    let t = total(scores.values());
    let (p, r) = (
        targets(finnish).0.min(targets(swedish).0),
        targets(finnish).1.min(targets(swedish).1),
    );
    println!("{}", line("all overall", &t));
    if t.precision() < p || t.recall() < r {
        failures.push(format!(
            "{file} [{label}] overall: precision {:.3} (target {p}), recall {:.3} (target {r})",
            t.precision(),
            t.recall()
        ));
    }
    for m in &misses {
        println!("  {m}");
    }
    failures
}

/// Every combination: both libraries, neither, and each alone.
const CONFIGS: [(Library, Library); 4] = [
    (Library::Required, Library::Required),
    (Library::Off, Library::Off),
    (Library::Required, Library::Off),
    (Library::Off, Library::Required),
];

/// Issue 18, A14–A17: on the held-out set, Finnish and Swedish separately, overall precision
/// is at least 0.95 and recall at least 0.9 with the language's library (libvoikko, Hunspell),
/// and at least 0.85 and 0.8 with its fallback; with each library on and off.
#[test]
fn corpus_held_out_meets_targets_with_and_without_each_library() {
    let f: Vec<String> = CONFIGS
        .iter()
        .flat_map(|&(fi, sv)| measure_and_judge("entries-test.jsonl", fi, sv))
        .collect();
    assert!(f.is_empty(), "below target: {f:#?}");
}

/// Issue 18: the development set meets the same targets (its misses are printed).
#[test]
fn corpus_dev_meets_targets_with_and_without_each_library() {
    let f: Vec<String> = CONFIGS
        .iter()
        .flat_map(|&(fi, sv)| measure_and_judge("entries-dev.jsonl", fi, sv))
        .collect();
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

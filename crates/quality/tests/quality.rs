//! Tests of `kirjuri-quality`: the dev corpus measured with libvoikko and with the fallback,
//! each check, bad input, data files, and property tests.
//!
//! The libvoikko tests FAIL (never skip) when libvoikko is not installed
//! (`scripts/setup.sh` installs `libvoikko1` and `voikko-fi`). Only generic example words here.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::LazyLock;

use kirjuri_quality::{
    CheckError, Checker, Context, Data, DataError, EntryKind, Finding, Kind, Language, Morphology,
    MorphologyMode, Purpose, Report, Severity, MAX_CHARS,
};
use proptest::prelude::*;

#[path = "quality/corpus.rs"]
mod corpus;
#[path = "quality/inflection.rs"]
mod inflection;
#[path = "quality/swedish.rs"]
mod swedish;

fn voikko() -> Checker {
    Checker::new(Data::embedded().unwrap(), MorphologyMode::Voikko)
        .unwrap_or_else(|e| panic!("libvoikko is required for this test: {e}"))
}

fn fallback() -> Checker {
    Checker::new(Data::embedded().unwrap(), MorphologyMode::Fallback).unwrap()
}

/// Both morphologies: every behaviour below must hold with either.
fn both() -> [Checker; 2] {
    [voikko(), fallback()]
}

fn fi(kind: EntryKind) -> Context {
    Context::entry(kind, Language::Fi)
}

fn check(c: &Checker, text: &str, ctx: Context) -> Report {
    c.check(text, &ctx).unwrap()
}

fn of_kind(r: &Report, kind: Kind) -> Vec<&Finding> {
    r.findings.iter().filter(|f| f.kind == kind).collect()
}

/// The flagged spans of one kind, as text.
fn spans<'a>(text: &'a str, r: &Report, kind: Kind) -> Vec<&'a str> {
    of_kind(r, kind)
        .iter()
        .map(|f| &text[f.bytes.clone()])
        .collect()
}

// ------------------------------------------------------------------ the dev corpus

fn corpus_file() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut candidates = vec![manifest.join("../../../shared/corpus/entries-dev.jsonl")];
    if let Ok(dir) = std::env::var("KIRJURI_SHARED") {
        candidates.push(PathBuf::from(dir).join("corpus/entries-dev.jsonl"));
    }
    candidates
        .into_iter()
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("shared/corpus/entries-dev.jsonl not found (set KIRJURI_SHARED)"))
}

#[derive(Debug, Default)]
struct Score {
    reported: usize,
    correct_reports: usize,
    expected: usize,
    found: usize,
}

impl Score {
    fn precision(&self) -> f64 {
        if self.reported == 0 {
            1.0
        } else {
            self.correct_reports as f64 / self.reported as f64
        }
    }
    fn recall(&self) -> f64 {
        if self.expected == 0 {
            1.0
        } else {
            self.found as f64 / self.expected as f64
        }
    }
}

const SCORED: [Kind; 4] = [
    Kind::Abbreviation,
    Kind::Offensive,
    Kind::Health,
    Kind::Hetu,
];

/// The corpus README's rule: a reported finding matches an expected one when the kinds are
/// equal and the spans overlap. Prints the figures (the point of the measurement).
#[allow(clippy::print_stdout)]
fn measure(checker: &Checker) -> BTreeMap<Kind, Score> {
    let text = std::fs::read_to_string(corpus_file()).unwrap();
    let mut scores: BTreeMap<Kind, Score> = SCORED.iter().map(|k| (*k, Score::default())).collect();
    let mut misses = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = v["id"].as_str().unwrap();
        let entry_text = v["text"].as_str().unwrap();
        let entry_type: EntryKind = v["entry_type"].as_str().unwrap().parse().unwrap();
        let language: Language = v["language"].as_str().unwrap().parse().unwrap();
        let expected: Vec<(Kind, std::ops::Range<usize>)> = v["expect"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let kind = SCORED
                    .into_iter()
                    .find(|k| k.code() == e["kind"].as_str().unwrap())
                    .unwrap();
                let token = e["token"].as_str().unwrap();
                let at = entry_text
                    .find(token)
                    .unwrap_or_else(|| panic!("{id}: token {token:?} not in the text"));
                (kind, at..at + token.len())
            })
            .collect();
        let report = checker
            .check(entry_text, &Context::entry(entry_type, language))
            .unwrap();
        let reported: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| SCORED.contains(&f.kind))
            .collect();
        let overlaps = |a: &std::ops::Range<usize>, b: &std::ops::Range<usize>| {
            a.start < b.end && b.start < a.end
        };
        for f in &reported {
            let s = scores.get_mut(&f.kind).unwrap();
            s.reported += 1;
            if expected
                .iter()
                .any(|(k, r)| *k == f.kind && overlaps(r, &f.bytes))
            {
                s.correct_reports += 1;
            } else {
                misses.push(format!(
                    "{id}: false {} {:?}",
                    f.kind.code(),
                    &entry_text[f.bytes.clone()]
                ));
            }
        }
        for (k, r) in &expected {
            let s = scores.get_mut(k).unwrap();
            s.expected += 1;
            if reported
                .iter()
                .any(|f| f.kind == *k && overlaps(r, &f.bytes))
            {
                s.found += 1;
            } else {
                misses.push(format!(
                    "{id}: missed {} {:?}",
                    k.code(),
                    &entry_text[r.clone()]
                ));
            }
        }
    }
    println!("morphology: {:?}", checker.morphology());
    for (k, s) in &scores {
        println!(
            "{:<13} precision {:.3} ({}/{})  recall {:.3} ({}/{})",
            k.code(),
            s.precision(),
            s.correct_reports,
            s.reported,
            s.recall(),
            s.found,
            s.expected
        );
    }
    for m in &misses {
        println!("  {m}");
    }
    scores
}

fn assert_scores(scores: &BTreeMap<Kind, Score>) {
    for kind in [Kind::Abbreviation, Kind::Offensive, Kind::Hetu] {
        let s = &scores[&kind];
        assert!(
            s.precision() >= 0.9 && s.recall() >= 0.9,
            "{}: precision {:.3}, recall {:.3} (both must be >= 0.9)",
            kind.code(),
            s.precision(),
            s.recall()
        );
    }
}

#[test]
fn dev_corpus_with_voikko_meets_precision_and_recall() {
    let c = voikko();
    assert_eq!(c.morphology(), Morphology::Voikko);
    assert_scores(&measure(&c));
}

#[test]
fn dev_corpus_with_the_fallback_meets_precision_and_recall() {
    let c = fallback();
    assert_eq!(c.morphology(), Morphology::Fallback);
    assert_scores(&measure(&c));
}

// ------------------------------------------------------------------ abbreviations (A14)

#[test]
fn glossary_abbreviations_are_flagged_inflected_with_the_full_form() {
    for c in both() {
        let text = "Lausunto lähetetty TTV:lle ja OMO-opintojen asia TYP:iin.";
        let r = check(&c, text, fi(EntryKind::Contact));
        assert_eq!(
            spans(text, &r, Kind::Abbreviation),
            ["TTV:lle", "OMO-opintojen", "TYP:iin"],
            "{:?}",
            c.morphology()
        );
        let ttv = of_kind(&r, Kind::Abbreviation)[0];
        assert_eq!(ttv.matched, "TTV");
        let s = ttv.suggestion.as_ref().unwrap();
        assert!(s.fi.contains("työttömyysturvan vastuualue"), "{s:?}");
        assert!(s.sv.contains("utkomstskyddet"), "{s:?}");
        assert_eq!(ttv.severity, Severity::Warn);
    }
}

#[test]
fn an_abbreviation_explained_at_first_use_is_not_flagged_there_nor_later() {
    for c in both() {
        for text in [
            "Ohjattu työttömyysturvan vastuualueelle (TTV). Myöhemmin TTV:lle lähetetty lausunto.",
            "Asia on TTV (työttömyysturvan vastuualue) käsittelyssä; TTV:n ratkaisu tulee pian.",
        ] {
            let r = check(&c, text, fi(EntryKind::Contact));
            assert!(of_kind(&r, Kind::Abbreviation).is_empty(), "{text}: {r:?}");
        }
        // A use before the explanation is still flagged.
        let text = "TTV:lle lähetetty. Työttömyysturvan vastuualue (TTV) vastaa.";
        let r = check(&c, text, fi(EntryKind::Contact));
        assert_eq!(spans(text, &r, Kind::Abbreviation), ["TTV:lle"]);
    }
}

#[test]
fn keha_keskus_is_the_official_name_and_keha_alone_is_flagged() {
    for c in both() {
        let text = "KEHA-keskuksen lausunto saapui. KEHA pyysi lisätietoja. KEHA-keskus vastasi.";
        let r = check(&c, text, fi(EntryKind::Contact));
        assert_eq!(
            spans(text, &r, Kind::Abbreviation),
            ["KEHA"],
            "{:?}",
            c.morphology()
        );
    }
}

#[test]
fn known_abbreviations_pass_and_unknown_all_caps_tokens_are_flagged() {
    for c in both() {
        let text = "EU-kansalainen lähetti CV:n ja Kela-asiasta tiedon. Asia XQZ:lle.";
        let r = check(&c, text, fi(EntryKind::Contact));
        assert_eq!(spans(text, &r, Kind::Abbreviation), ["XQZ:lle"]);
        assert!(of_kind(&r, Kind::Abbreviation)[0].suggestion.is_some());
    }
}

#[test]
fn te_toimisto_is_flagged_as_a_whole_with_its_full_form() {
    for c in both() {
        let text = "TE-toimiston aiempi päätös liitetty.";
        let r = check(&c, text, fi(EntryKind::Contact));
        let f = of_kind(&r, Kind::Abbreviation);
        assert_eq!(spans(text, &r, Kind::Abbreviation), ["TE-toimiston"]);
        assert_eq!(f[0].matched, "TE-toimisto");
        assert!(f[0]
            .suggestion
            .as_ref()
            .unwrap()
            .fi
            .contains("työ- ja elinkeinotoimisto"));
    }
}

// ------------------------------------------------------------------ offensive words (A15)

#[test]
fn offensive_words_match_inflected_and_compound_forms() {
    for c in both() {
        let text = "Puhuttiin laiskoille tarkoitetusta ohjelmasta, hän on sossupummi ja hullulta vaikuttava.";
        let r = check(&c, text, fi(EntryKind::Contact));
        let found: Vec<&str> = of_kind(&r, Kind::Offensive)
            .iter()
            .map(|f| f.matched.as_str())
            .collect();
        assert!(found.contains(&"laiska"), "{:?}: {found:?}", c.morphology());
        assert!(found.contains(&"hullu"), "{:?}: {found:?}", c.morphology());
        assert!(
            found.contains(&"pummi") || found.contains(&"sossupummi"),
            "{:?}: {found:?}",
            c.morphology()
        );
        assert!(of_kind(&r, Kind::Offensive)
            .iter()
            .all(|f| f.severity == Severity::Warn));
    }
}

#[test]
fn offensive_words_block_in_safety_entries_and_facts_are_not_flagged() {
    for c in both() {
        let r = check(&c, "Asiakas on laiska.", fi(EntryKind::Safety));
        assert_eq!(of_kind(&r, Kind::Offensive)[0].severity, Severity::Block);
        assert!(r.blocks());
        let r = check(
            &c,
            "Asiakas korotti ääntään ja löi kädellä pöytään tapaamisen lopussa.",
            fi(EntryKind::Safety),
        );
        assert!(of_kind(&r, Kind::Offensive).is_empty(), "{r:?}");
    }
}

#[test]
fn words_that_merely_end_like_a_list_word_are_not_flagged() {
    for c in both() {
        let text = "Asiakas on koulutukseltaan pianisti ja humanisti, työskennellyt kolumnistina.";
        let r = check(&c, text, fi(EntryKind::Contact));
        assert!(
            of_kind(&r, Kind::Offensive).is_empty(),
            "{:?}: {r:?}",
            c.morphology()
        );
    }
}

#[test]
fn voikko_gives_base_forms_and_compound_parts() {
    let c = voikko();
    let r = check(
        &c,
        "Puhuttiin rahapummeista, ei laiskoille.",
        fi(EntryKind::Contact),
    );
    let found: Vec<&str> = of_kind(&r, Kind::Offensive)
        .iter()
        .map(|f| f.matched.as_str())
        .collect();
    assert_eq!(found, ["pummi", "laiska"]);
    assert_eq!(r.morphology, Morphology::Voikko);
}

// ------------------------------------------------------------------ health (A17)

#[test]
fn health_terms_and_icd_codes_are_flagged_outside_work_capacity() {
    for c in both() {
        let text =
            "Asiakas kertoi masennuksesta ja sertraliinista, diagnoosi F32.1 sekä koodi F41.";
        let r = check(&c, text, fi(EntryKind::Contact));
        let s = spans(text, &r, Kind::Health);
        for want in ["masennuksesta", "sertraliinista", "F32.1", "F41"] {
            assert!(
                s.contains(&want),
                "{:?}: {want} not in {s:?}",
                c.morphology()
            );
        }
        let r = check(&c, text, fi(EntryKind::WorkCapacity));
        assert!(of_kind(&r, Kind::Health).is_empty(), "{r:?}");
        // A bare code without any health context is not a diagnosis code.
        let r = check(
            &c,
            "Tapaaminen huoneessa B12 kello 10.",
            fi(EntryKind::Contact),
        );
        assert!(of_kind(&r, Kind::Health).is_empty(), "{r:?}");
    }
}

// ------------------------------------------------------------------ identity codes (A16, A18)

#[test]
fn valid_identity_codes_are_flagged_and_masked_invalid_ones_are_not() {
    let c = fallback();
    for code in ["131052-308T", "010594Y9032", "020516C903K", "010501E9032"] {
        let text = format!("Tunnus {code} tarkistettu.");
        let r = check(&c, &text, fi(EntryKind::Contact));
        let h = of_kind(&r, Kind::Hetu);
        assert_eq!(h.len(), 1, "{code}");
        assert_eq!(&text[h[0].bytes.clone()], code);
        assert!(h[0].matched.ends_with("****") && !h[0].matched.contains(&code[7..]));
        assert!(
            !format!("{:?}", h[0]).contains(code),
            "the finding repeats the code"
        );
        assert!(of_kind(&r, Kind::Abbreviation).is_empty());
    }
    for text in [
        "Numero 131052-308A ei ole tunnus.",  // wrong check character
        "Numero 310252-308T ei ole tunnus.",  // 31 February
        "Numero 131052Q308T ei ole tunnus.",  // no such century sign
        "Numero x131052-308T ei ole tunnus.", // glued to a letter
    ] {
        let r = check(&c, text, fi(EntryKind::Contact));
        assert!(of_kind(&r, Kind::Hetu).is_empty(), "{text}");
    }
}

#[test]
fn every_century_sign_is_accepted() {
    // Check characters computed from DDMMYYNNN mod 31, which does not depend on the sign.
    let c = fallback();
    for sign in [
        '+', '-', 'Y', 'X', 'W', 'V', 'U', 'A', 'B', 'C', 'D', 'E', 'F',
    ] {
        let text = format!("Tunnus 010594{sign}9032.");
        let r = check(&c, &text, fi(EntryKind::Contact));
        assert_eq!(of_kind(&r, Kind::Hetu).len(), 1, "sign {sign}");
    }
    // 29 February 1900 does not exist (1900 is not a leap year); 29 February 2000 does.
    let check = b"0123456789ABCDEFHJKLMNPRSTUVWXY"[(290_200_903u32 % 31) as usize] as char;
    let valid = |sign: char| {
        let text = format!("Tunnus 290200{sign}903{check}.");
        !of_kind(
            &c.check(&text, &fi(EntryKind::Contact)).unwrap(),
            Kind::Hetu,
        )
        .is_empty()
    };
    assert!(!valid('-'));
    assert!(valid('A'));
}

#[test]
fn outgoing_email_blocks_identity_codes_health_and_benefit_details() {
    for c in both() {
        let text = "Hei, tunnuksesi 131052-308T, masennus ja ansiopäiväraha on käsitelty.";
        let r = check(&c, text, Context::email(Language::Fi));
        for kind in [Kind::Hetu, Kind::Health, Kind::Benefit] {
            let f = of_kind(&r, kind);
            assert!(!f.is_empty(), "{kind:?} {r:?}");
            assert!(f.iter().all(|f| f.severity == Severity::Block));
        }
        assert!(r.blocks());
        // The same text as an entry: benefit details are not findings there.
        let r = check(&c, text, fi(EntryKind::Contact));
        assert!(of_kind(&r, Kind::Benefit).is_empty());
        assert_eq!(of_kind(&r, Kind::Hetu)[0].severity, Severity::Block);
        assert_eq!(Context::email(Language::Fi).purpose, Purpose::OutgoingEmail);
    }
}

/// Issue 15 item 15: a full identity code in any free text blocks it (entries of every type,
/// in both languages): the code belongs in the client's identity-code field, and a finding
/// shows only its masked form.
#[test]
fn an_identity_code_in_free_text_blocks_it_in_every_entry_type() {
    let c = fallback();
    for kind in EntryKind::ALL {
        for lang in [Language::Fi, Language::Sv] {
            let r = check(
                &c,
                "Asiakkaan tunnus 010594Y9032 tarkistettu.",
                Context::entry(*kind, lang),
            );
            let h = of_kind(&r, Kind::Hetu);
            assert_eq!(h.len(), 1, "{kind:?} {lang:?}");
            assert_eq!(h[0].severity, Severity::Block, "{kind:?} {lang:?}");
            assert!(r.blocks());
            assert!(!serde_json::to_string(&r).unwrap().contains("Y9032"));
        }
    }
}

// ------------------------------------------------------------------ format characters

/// Issue 15 item 11: invisible format characters in free text are findings of their own kind,
/// one per run; a bidirectional override or isolate blocks (what is shown is not what is
/// stored), a zero-width space warns.
#[test]
fn invisible_format_characters_are_findings_and_bidi_controls_block() {
    let c = fallback();
    let text = "Asiakas soitti.\u{200B}\u{200B} Sovittiin tapaaminen.";
    let r = check(&c, text, fi(EntryKind::Contact));
    let f = of_kind(&r, Kind::Format);
    assert_eq!(f.len(), 1, "{r:?}");
    assert_eq!(f[0].severity, Severity::Warn);
    assert_eq!(&text[f[0].bytes.clone()], "\u{200B}\u{200B}");
    assert_eq!(f[0].matched, "U+200B U+200B");
    assert!(!r.blocks());

    for bidi in ['\u{202E}', '\u{2066}', '\u{200F}'] {
        let text = format!("Asiakas soitti {bidi}ja peruutti ajan.");
        let r = check(&c, &text, fi(EntryKind::Contact));
        let f = of_kind(&r, Kind::Format);
        assert_eq!(f.len(), 1, "{r:?}");
        assert_eq!(f[0].severity, Severity::Block);
        assert_eq!(f[0].chars.len(), 1);
        assert!(r.blocks());
    }
    let r = check(&c, "Asiakas soitti.", fi(EntryKind::Contact));
    assert!(of_kind(&r, Kind::Format).is_empty());
    assert_eq!(Kind::Format.code(), "format");
}

// ------------------------------------------------------------------ clarity (A13), Swedish

#[test]
fn very_long_sentences_are_clarity_warnings() {
    let c = fallback();
    let long = format!("{}.", vec!["sana"; 40].join(" "));
    let r = check(
        &c,
        &format!("Lyhyt virke. {long} Toinen."),
        fi(EntryKind::Contact),
    );
    let f = of_kind(&r, Kind::Clarity);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Warn);
    assert!(f[0].message.en.contains("40 words"));
    let r = check(&c, "Lyhyt virke. Toinen virke.", fi(EntryKind::Contact));
    assert!(of_kind(&r, Kind::Clarity).is_empty());
}

#[test]
fn swedish_entries_get_abbreviation_and_word_list_checks() {
    let c = voikko();
    let text = "Kunden är lat och har kontakt med TTV. Diagnos: depression. FPA informerad.";
    let r = check(&c, text, Context::entry(EntryKind::Contact, Language::Sv));
    assert_eq!(spans(text, &r, Kind::Abbreviation), ["TTV"]);
    let ttv = of_kind(&r, Kind::Abbreviation)[0];
    assert!(ttv
        .suggestion
        .as_ref()
        .unwrap()
        .en
        .contains("utkomstskyddet"));
    assert_eq!(spans(text, &r, Kind::Offensive), ["lat"]);
    assert!(spans(text, &r, Kind::Health).contains(&"depression"));
}

// ------------------------------------------------------------------ bad input

#[test]
fn empty_and_too_long_texts_are_clear_errors() {
    let c = fallback();
    let ctx = fi(EntryKind::Contact);
    assert_eq!(c.check("", &ctx), Err(CheckError::Empty));
    assert_eq!(c.check(" \n\t ", &ctx), Err(CheckError::Empty));
    let long = "a".repeat(MAX_CHARS + 1);
    assert_eq!(
        c.check(&long, &ctx),
        Err(CheckError::TooLong { limit: MAX_CHARS })
    );
    let megabytes = "ä".repeat(3_000_000);
    assert_eq!(
        c.check(&megabytes, &ctx),
        Err(CheckError::TooLong { limit: MAX_CHARS })
    );
    // At the limit it is checked.
    let at_limit = "sana ".repeat(MAX_CHARS / 5);
    assert!(c.check(&at_limit, &ctx).is_ok());
}

#[test]
fn control_characters_are_findings_with_exact_spans() {
    for c in both() {
        let text = "Ääni\u{7}\u{7} katkesi\u{0}. Rivi\nseuraava\ttab.";
        let r = check(&c, text, fi(EntryKind::Contact));
        let f = of_kind(&r, Kind::Clarity);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(&text[f[0].bytes.clone()], "\u{7}\u{7}");
        assert_eq!(f[0].chars, 4..6);
        assert_eq!(f[0].matched, "U+0007");
    }
}

#[test]
fn char_ranges_count_characters_not_bytes() {
    let c = fallback();
    let text = "Äänekoskella äiti sanoi: hän on laiska.";
    let r = check(&c, text, fi(EntryKind::Contact));
    let f = of_kind(&r, Kind::Offensive)[0];
    let chars: Vec<char> = text.chars().collect();
    let by_chars: String = chars[f.chars.clone()].iter().collect();
    assert_eq!(by_chars, "laiska");
    assert_eq!(&text[f.bytes.clone()], "laiska");
}

// ------------------------------------------------------------------ data files

#[test]
fn embedded_data_loads_and_a_directory_overrides_it() {
    let data = Data::embedded().unwrap();
    assert!(data.glossary_len() >= 10);
    let dir = std::env::temp_dir().join(format!("kirjuri-quality-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("abbreviations.tsv"),
        "# test glossary\nXYZ\tesimerkkilyhenne\texempelförkortning\n",
    )
    .unwrap();
    let c = Checker::new(Data::from_dir(&dir).unwrap(), MorphologyMode::Fallback).unwrap();
    let r = check(&c, "Asia XYZ:lle.", fi(EntryKind::Contact));
    let f = of_kind(&r, Kind::Abbreviation);
    assert_eq!(f[0].matched, "XYZ");
    assert!(f[0]
        .suggestion
        .as_ref()
        .unwrap()
        .fi
        .contains("esimerkkilyhenne"));
    // The other files came from the embedded defaults.
    let r = check(&c, "Asiakas on laiska.", fi(EntryKind::Contact));
    assert_eq!(of_kind(&r, Kind::Offensive).len(), 1);

    std::fs::write(
        dir.join("offensive.tsv"),
        "fi\tlaiska\tbelittling\nfi\tsana\trude\n",
    )
    .unwrap();
    match Data::from_dir(&dir) {
        Err(DataError::Malformed { file, line, reason }) => {
            assert!(file.ends_with("offensive.tsv"), "{file}");
            assert_eq!(line, 2);
            assert!(reason.contains("rude"), "{reason}");
        }
        other => panic!("expected a malformed-line error, got {other:?}"),
    }
    std::fs::write(dir.join("offensive.tsv"), "fi laiska belittling\n").unwrap();
    let e = Data::from_dir(&dir).unwrap_err().to_string();
    assert!(e.contains("offensive.tsv:1:"), "{e}");
    std::fs::write(dir.join("offensive.tsv"), "fi\tlaiska\tbelittling\n").unwrap();
    std::fs::write(
        dir.join("health-compounds.tsv"),
        "fi\tsite\tselkä\nfi\tlimb\tvaiva\n",
    )
    .unwrap();
    let e = Data::from_dir(&dir).unwrap_err().to_string();
    assert!(
        e.contains("health-compounds.tsv:2:") && e.contains("limb"),
        "{e}"
    );
    std::fs::write(
        dir.join("health-compounds.tsv"),
        "fi\tsite\tselkä\nfi\tpart\tvaiva\n",
    )
    .unwrap();
    let c = Checker::new(Data::from_dir(&dir).unwrap(), MorphologyMode::Fallback).unwrap();
    let text = "Asiakkaalla on selkävaivoja ja niskavaivoja.";
    let r = check(&c, text, fi(EntryKind::Contact));
    assert_eq!(
        spans(text, &r, Kind::Health),
        ["selkävaivoja"],
        "only the listed site"
    );
    std::fs::write(dir.join("abbreviations.tsv"), "Xyz\tx\ty\n").unwrap();
    let e = Data::from_dir(&dir).unwrap_err().to_string();
    assert!(
        e.contains("abbreviations.tsv:1:") && e.contains("upper case"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

// ------------------------------------------------------------------ properties

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,300}",
        "[A-ZÄÖa-zäö0-9 :().,\\-\u{0}-\u{1f}\u{7f}-\u{9f}]{0,300}",
        proptest::collection::vec(
            prop_oneof![
                Just("TTV:lle ".to_owned()),
                Just("laiska ".to_owned()),
                Just("131052-308T".to_owned()),
                Just("F32.1 ".to_owned()),
                Just("(OMO) ".to_owned()),
                Just("\u{0}".to_owned()),
                Just("äö ".to_owned()),
                Just("OMOn ".to_owned()),
                Just("ÄÖÅs ".to_owned()),
                Just("”".to_owned()),
                Just("„".to_owned()),
                Just("selkävaivoja ".to_owned()),
                Just("knäskadorna ".to_owned()),
                Just("II ".to_owned()),
                "[a-zåäö]{1,12} ",
            ],
            0..400
        )
        .prop_map(|v| v.concat()),
    ]
}

fn assert_sound(text: &str, r: Result<Report, CheckError>) {
    match r {
        Ok(r) => {
            let chars: Vec<char> = text.chars().collect();
            for f in &r.findings {
                assert!(
                    f.bytes.start < f.bytes.end && f.bytes.end <= text.len(),
                    "{f:?}"
                );
                assert!(text.is_char_boundary(f.bytes.start) && text.is_char_boundary(f.bytes.end));
                let by_chars: String = chars[f.chars.clone()].iter().collect();
                assert_eq!(by_chars, text[f.bytes.clone()], "{f:?}");
            }
        }
        Err(CheckError::Empty) => assert!(text.trim().is_empty()),
        Err(CheckError::TooLong { .. }) => assert!(text.chars().count() > MAX_CHARS),
    }
}

static FALLBACK: LazyLock<Checker> = LazyLock::new(fallback);
static VOIKKO: LazyLock<Checker> = LazyLock::new(voikko);

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_text_checks_without_panic_with_spans_on_char_boundaries(text in any_text()) {
        let c = &*FALLBACK;
        assert_sound(&text, c.check(&text, &fi(EntryKind::Contact)));
        assert_sound(&text, c.check(&text, &Context::email(Language::Sv)));
    }

    #[test]
    fn any_text_checks_without_panic_with_voikko(text in any_text()) {
        let c = &*VOIKKO;
        assert_sound(&text, c.check(&text, &fi(EntryKind::Safety)));
        // `VOIKKO` takes Hunspell too (`MorphologyMode::Voikko`): Swedish with morphology.
        assert_sound(&text, c.check(&text, &Context::entry(EntryKind::Safety, Language::Sv)));
    }
}

#[test]
fn unclosed_parentheses_after_abbreviations_stay_linear() {
    // Each candidate looks for its explanation's `)` only a short way ahead; a search to the
    // end of the text would make this input quadratic (no timing is asserted here).
    let c = fallback();
    let text = "QX (".repeat(MAX_CHARS / 4);
    let r = check(&c, &text, fi(EntryKind::Contact));
    assert_eq!(of_kind(&r, Kind::Abbreviation).len(), MAX_CHARS / 4);
}

#[test]
fn a_long_text_with_many_findings_checks_soundly() {
    let c = voikko();
    let text = "TTV:lle laiska 131052-308T F32.1 masennus \u{1}ä ".repeat(2_000);
    assert!(text.chars().count() <= MAX_CHARS);
    assert_sound(&text, c.check(&text, &fi(EntryKind::Contact)));
}

/// Issue 18: `Auto` takes libvoikko and Hunspell where installed; `KIRJURI_VOIKKO=off` and
/// `KIRJURI_HUNSPELL=off` force each language's fallback, and the status says why.
#[test]
fn auto_mode_uses_voikko_and_kirjuri_voikko_off_forces_the_fallback() {
    // The only test that uses `MorphologyMode::Auto`, so the environment change races nothing.
    std::env::remove_var("KIRJURI_VOIKKO");
    std::env::remove_var("KIRJURI_HUNSPELL");
    let c = Checker::new(Data::embedded().unwrap(), MorphologyMode::Auto).unwrap();
    assert_eq!(c.morphology(), Morphology::Voikko, "libvoikko is installed");
    assert_eq!(
        c.morphology_status().swedish,
        kirjuri_quality::SwedishMorphology::Hunspell,
        "Hunspell is installed"
    );
    std::env::set_var("KIRJURI_VOIKKO", "off");
    std::env::set_var("KIRJURI_HUNSPELL", "off");
    let c = Checker::new(Data::embedded().unwrap(), MorphologyMode::Auto).unwrap();
    std::env::remove_var("KIRJURI_VOIKKO");
    std::env::remove_var("KIRJURI_HUNSPELL");
    assert_eq!(c.morphology(), Morphology::Fallback);
    assert_eq!(
        c.morphology_status().to_string(),
        "Finnish: fallback (KIRJURI_VOIKKO=off); Swedish: fallback (KIRJURI_HUNSPELL=off)"
    );
    let r = check(&c, "Asiakas on laiska.", fi(EntryKind::Contact));
    assert_eq!(r.morphology, Morphology::Fallback, "the report says so");
    let r = check(
        &c,
        "Kunden är lat.",
        Context::entry(EntryKind::Contact, Language::Sv),
    );
    assert_eq!(
        r.swedish_morphology,
        kirjuri_quality::SwedishMorphology::Fallback
    );
}

#[test]
fn a_bare_icd_code_counts_with_a_diagnosis_word_and_not_in_work_capacity() {
    for c in both() {
        let text = "Dg J45 todettu aiemmin.";
        let r = check(&c, text, fi(EntryKind::Advice));
        assert_eq!(spans(text, &r, Kind::Health), ["J45"]);
        let r = check(&c, text, fi(EntryKind::WorkCapacity));
        assert!(of_kind(&r, Kind::Health).is_empty());
        // In an e-mail health data block even when the entry would be a work-capacity one.
        let r = check(&c, text, Context::email(Language::Fi));
        assert_eq!(of_kind(&r, Kind::Health)[0].severity, Severity::Block);
    }
}

/// A reference is copied as it stands: the abbreviation in a register number or a web address
/// is not prose to explain; the same letters alone in a sentence still are.
#[test]
fn register_numbers_and_web_addresses_are_not_abbreviations() {
    let checker = Checker::new(Data::embedded().unwrap(), MorphologyMode::Fallback).unwrap();
    let ctx = Context::entry(EntryKind::Other, Language::Fi);
    let text = "Päätös KEHA/73792/2024 on julkaistu osoitteessa \
                https://kirjuri.example.fi/adoption-decisions/KEHA-73792-2024.";
    let report = checker.check(text, &ctx).unwrap();
    assert!(
        report.findings.iter().all(|f| f.kind != Kind::Abbreviation),
        "{:?}",
        report.findings
    );
    let report = checker.check("Asia siirrettiin KEHA:lle.", &ctx).unwrap();
    assert!(report.findings.iter().any(|f| f.kind == Kind::Abbreviation));
}

/// A heading written in capitals is words, not abbreviations; a short all-caps token in it, or
/// a long one in running text, still is checked.
#[test]
fn a_heading_in_capitals_is_not_a_row_of_abbreviations() {
    let checker = Checker::new(Data::embedded().unwrap(), MorphologyMode::Fallback).unwrap();
    let sv = Context::entry(EntryKind::Other, Language::Sv);
    let report = checker
        .check(
            "ARBETSKRAFTSPOLITISKT UTLÅTANDE\n\nUtfärdare: Testilä stad.",
            &sv,
        )
        .unwrap();
    assert!(
        report.findings.iter().all(|f| f.kind != Kind::Abbreviation),
        "{:?}",
        report.findings
    );
    let report = checker
        .check("Kunden hänvisades till ARBETSKRAFTSPOLITISKT stöd.", &sv)
        .unwrap();
    assert!(report.findings.iter().any(|f| f.kind == Kind::Abbreviation));
}

//! Swedish morphology through Hunspell (issue 18, A13–A17), its fallback, and the status a
//! server shows. The Hunspell tests FAIL (never skip) when Hunspell or its Swedish dictionary is
//! missing (`scripts/setup.sh` installs `libhunspell-1.7-0` and `hunspell-sv`).

use kirjuri_quality::{
    Checker, Context, Data, EntryKind, Hunspell, Kind, Language, Library, Morphology,
    MorphologyConfig, MorphologyMode, SwedishMorphology,
};

use super::{of_kind, spans};

fn sv(kind: EntryKind) -> Context {
    Context::entry(kind, Language::Sv)
}

fn checker(finnish: Library, swedish: Library) -> Checker {
    Checker::with_config(
        Data::embedded().unwrap(),
        MorphologyConfig { finnish, swedish },
    )
    .unwrap_or_else(|e| panic!("Hunspell is required for this test: {e}"))
}

fn hunspell() -> Checker {
    checker(Library::Off, Library::Required)
}

fn fallback() -> Checker {
    checker(Library::Off, Library::Off)
}

/// Issue 18: Hunspell's stems undo Swedish inflection the word list cannot (`idioterna` →
/// `idiot`, `galna` → `galen`, `sjukdomar` → `sjukdom`).
#[test]
fn hunspell_gives_stems_of_irregular_swedish_forms() {
    let mut h = Hunspell::open_swedish()
        .unwrap_or_else(|e| panic!("Hunspell is required for this test: {e}"));
    assert!(h.dictionary().to_string_lossy().contains("sv_"));
    for (word, stem) in [
        ("idioterna", "idiot"),
        ("galna", "galen"),
        ("sjukdomar", "sjukdom"),
        ("depressionen", "depression"),
    ] {
        let a = h.analyze(word);
        assert!(a.known, "{word}");
        assert!(a.stems.iter().any(|s| s == stem), "{word}: {:?}", a.stems);
    }
    let a = h.analyze("xqzvtt");
    assert!(!a.known && a.stems.is_empty(), "{a:?}");
    // A NUL byte is no word, and no crash.
    assert!(!h.analyze("a\0b").known);
}

/// Issue 17: a word on which Hunspell 1.7.1's stemmer and analyser crash the process
/// (SIGSEGV in its compound rules) is analysed as unknown, with no stems, and the checker
/// checks a Swedish entry holding it — found by the `checker_voikko` fuzzer. Without the guard
/// this test dies with the process.
#[test]
fn a_word_that_crashes_hunspells_analyser_is_unknown_and_checked() {
    let mut h = Hunspell::open_swedish()
        .unwrap_or_else(|e| panic!("Hunspell is required for this test: {e}"));
    for word in ["xbeskattningsrätt", "xxxxxxbeskattningsrätt"] {
        let a = h.analyze(word);
        assert!(!a.known && a.stems.is_empty(), "{word}: {a:?}");
    }
    // The whole check of an entry holding it answers (the process lives to see it).
    let c = hunspell();
    assert!(c
        .check(
            "Kunden nämnde xbeskattningsrätt i samtalet.",
            &sv(EntryKind::Contact),
        )
        .is_ok());
}

/// Issue 18, A15, A17: inflected Swedish insults and health words are found with Hunspell.
#[test]
fn inflected_swedish_insults_and_health_words_are_found_with_hunspell() {
    let c = hunspell();
    assert_eq!(c.morphology_status().swedish, SwedishMorphology::Hunspell);
    let text =
        "Idioterna kom sent. Galna kunder och dumma frågor. Kunden har sjukdomar och ryggproblem.";
    let r = c.check(text, &sv(EntryKind::Contact)).unwrap();
    assert_eq!(r.swedish_morphology, SwedishMorphology::Hunspell);
    assert_eq!(
        spans(text, &r, Kind::Offensive),
        ["Idioterna", "Galna", "dumma"]
    );
    assert_eq!(spans(text, &r, Kind::Health), ["sjukdomar", "ryggproblem"]);
    // Words that merely begin like a list word are not flagged.
    let text = "Kunden har läst latin och kör dumper; hon söker jobb som sjukskötare.";
    let r = c.check(text, &sv(EntryKind::Contact)).unwrap();
    assert!(of_kind(&r, Kind::Offensive).is_empty(), "{r:?}");
    assert!(of_kind(&r, Kind::Health).is_empty(), "{r:?}");
}

/// Issue 18: the Swedish fallback (no Hunspell) still finds the regular and the commonest
/// irregular forms, and reports that it is the fallback.
#[test]
fn the_swedish_fallback_finds_regular_forms_and_says_so() {
    let c = fallback();
    let text =
        "Kunden är lat, knarkarna stör och galna kunder ställer dumma frågor om ryggproblem.";
    let r = c.check(text, &sv(EntryKind::Contact)).unwrap();
    assert_eq!(r.swedish_morphology, SwedishMorphology::Fallback);
    assert_eq!(
        spans(text, &r, Kind::Offensive),
        ["lat", "knarkarna", "galna", "dumma"]
    );
    assert_eq!(spans(text, &r, Kind::Health), ["ryggproblem"]);
}

/// Issue 18, A17: a site with a part is health data (`ryggproblem`, `koncentrationssvårigheter`,
/// a compound Hunspell does not reduce itself); the
/// part alone or with an unrelated first part is not (`ekonomiska problem`, `vattenskada`).
#[test]
fn swedish_health_compounds_need_a_site() {
    for c in [hunspell(), fallback()] {
        let text = "Kunden har koncentrationssvårigheter och knäskador. Ekonomiska problem och en vattenskada i bostaden.";
        let r = c.check(text, &sv(EntryKind::Contact)).unwrap();
        assert_eq!(
            spans(text, &r, Kind::Health),
            ["koncentrationssvårigheter", "knäskador"],
            "{}",
            c.morphology_status()
        );
        let r = c.check(text, &sv(EntryKind::WorkCapacity)).unwrap();
        assert!(of_kind(&r, Kind::Health).is_empty());
    }
}

/// Issue 18, A14: a Swedish entry gets the Swedish full form of an abbreviation first, also
/// with an ending glued on (`TTVs`).
#[test]
fn swedish_abbreviations_get_the_swedish_full_form() {
    let c = hunspell();
    let text = "Kunden väntar på TTVs beslut och har kontakt med TE-byrån.";
    let r = c.check(text, &sv(EntryKind::Contact)).unwrap();
    assert_eq!(spans(text, &r, Kind::Abbreviation), ["TTVs", "TE-byrån"]);
    let s = of_kind(&r, Kind::Abbreviation)[0]
        .suggestion
        .clone()
        .unwrap();
    assert!(
        s.fi.starts_with("Kirjoita auki: ansvarsområdet för utkomstskyddet"),
        "{s:?}"
    );
    assert!(s.sv.starts_with("Skriv ut: ansvarsområdet"), "{s:?}");
}

/// Issue 18: the checker says which morphology each language uses, and when a fallback is in
/// use it gives a notice for the page in the three interface languages.
#[test]
fn morphology_status_names_each_language_and_gives_a_notice_for_a_fallback() {
    let both = checker(Library::Required, Library::Required);
    let s = both.morphology_status();
    assert_eq!(s.finnish, Morphology::Voikko);
    assert_eq!(s.swedish, SwedishMorphology::Hunspell);
    assert!(!s.fallback_in_use());
    assert_eq!(s.notice(), None);
    assert!(
        s.to_string()
            .starts_with("Finnish: libvoikko; Swedish: Hunspell ("),
        "{s}"
    );

    let sv_only = checker(Library::Required, Library::Off);
    let s = sv_only.morphology_status();
    assert!(s.fallback_in_use());
    assert_eq!(
        s.to_string(),
        "Finnish: libvoikko; Swedish: fallback (switched off)"
    );
    let n = s.notice().unwrap();
    assert!(n.fi.contains("ruotsin") && n.sv.contains("svenska") && n.en.contains("hunspell-sv"));

    let none = Checker::new(Data::embedded().unwrap(), MorphologyMode::Fallback).unwrap();
    let n = none.morphology_status().notice().unwrap();
    assert!(
        n.en.contains("libvoikko1") && n.en.contains("hunspell-sv"),
        "{n:?}"
    );
    // `MorphologyMode::Voikko` requires libvoikko and takes Hunspell where it loads.
    let c = Checker::new(Data::embedded().unwrap(), MorphologyMode::Voikko).unwrap();
    assert_eq!(c.morphology_status().swedish, SwedishMorphology::Hunspell);
}

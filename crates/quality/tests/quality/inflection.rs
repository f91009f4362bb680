//! Finnish forms the issue-18 corpus showed missing (A14, A15, A17): abbreviations with an
//! ending glued on without a separator, lay descriptions of health conditions, a person's own
//! quoted words, and the fallback's consonant gradation. Each holds with libvoikko and with the
//! fallback.

use kirjuri_quality::{Checker, Context, Data, EntryKind, Kind, Language, MorphologyMode};

use super::{both, check, fi, of_kind, spans};

/// Issue 18, A14: `OMOn`, `TYPssä`, `KEHAan`, `ELYstä` are abbreviations with their case
/// endings; names with capitals inside (`LinkedIn`, `SQLite`, `OmaKela`), Roman numerals and
/// account numbers are not.
#[test]
fn abbreviations_with_a_glued_ending_are_flagged_and_names_are_not() {
    for c in both() {
        let text = "Asiakas aloittaa OMOn, kävi TYPssä ja KEHAan soitettiin; ELYstä ei vastattu.";
        let r = check(&c, text, fi(EntryKind::Contact));
        assert_eq!(
            spans(text, &r, Kind::Abbreviation),
            ["OMOn", "TYPssä", "KEHAan", "ELYstä"],
            "{:?}",
            c.morphology()
        );
        assert_eq!(of_kind(&r, Kind::Abbreviation)[0].matched, "OMO");
        let text =
            "Profiili LinkedInissä, SQLite-taidot, hakemus OmaKelassa. Osa II ja tili FI21 1234.";
        let r = check(&c, text, fi(EntryKind::Contact));
        assert!(of_kind(&r, Kind::Abbreviation).is_empty(), "{r:?}");
    }
}

/// Issue 18, A17: lay descriptions — a body part or field of health with a word such as
/// `ongelma` or `vaiva` — are health data; the same word with an unrelated first part is not
/// (`rahaongelmista`), nor is an organisation named after a condition.
#[test]
fn lay_descriptions_of_health_are_found_and_ordinary_problems_are_not() {
    for c in both() {
        let text = "Asiakas kertoi selkävaivoista, uniongelmista ja polvikivusta. Myös rahaongelmista ja kieliongelmista puhuttiin.";
        let r = check(&c, text, fi(EntryKind::Contact));
        assert_eq!(
            spans(text, &r, Kind::Health),
            ["selkävaivoista", "uniongelmista", "polvikivusta"],
            "{:?}",
            c.morphology()
        );
        let text = "Asiakas on töissä Syöpäsäätiöllä ja hakee sairaanhoitajan töitä.";
        let r = check(&c, text, fi(EntryKind::Contact));
        assert!(of_kind(&r, Kind::Health).is_empty(), "{r:?}");
        // A health acronym is health data, not an unknown abbreviation.
        let text = "Asiakkaalla on ADHD.";
        let r = check(&c, text, fi(EntryKind::Contact));
        assert_eq!(spans(text, &r, Kind::Health), ["ADHD"]);
        assert!(of_kind(&r, Kind::Abbreviation).is_empty());
    }
}

/// Issue 18, A15: a person's own words in quotation marks are theirs, not the writer's label;
/// health data stay health data in quotes.
#[test]
fn quoted_own_words_are_not_offensive_but_health_data_in_them_count() {
    for c in both() {
        let text = "Asiakas kertoi: ”olen ihan luuseri ja masennus vie voimat.” Hän on laiska.";
        let r = check(&c, text, fi(EntryKind::Contact));
        assert_eq!(spans(text, &r, Kind::Offensive), ["laiska"]);
        assert_eq!(spans(text, &r, Kind::Health), ["masennus"]);
    }
}

/// Issue 18: the fallback undoes consonant gradation and derivational stems of listed words
/// (`syövän` ~ `syöpä`, `saamattomalta` ~ `saamaton`, `loisen` ~ `loinen`).
#[test]
fn the_fallback_undoes_consonant_gradation_of_listed_words() {
    let c = Checker::new(Data::embedded().unwrap(), MorphologyMode::Fallback).unwrap();
    let text = "Asiakas vaikutti saamattomalta, kutsui itseään loiseksi ja kertoi syövän hoidosta.";
    let r = c
        .check(text, &Context::entry(EntryKind::Contact, Language::Fi))
        .unwrap();
    assert_eq!(
        spans(text, &r, Kind::Offensive),
        ["saamattomalta", "loiseksi"]
    );
    assert_eq!(spans(text, &r, Kind::Health), ["syövän"]);
}

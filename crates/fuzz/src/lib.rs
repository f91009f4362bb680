//! # kirjuri-fuzz — what Kirjuri's parser fuzzers check (issue 17)
//!
//! Main items:
//! - [`Target`]: every fuzz target by name (`rules`, `request`, `hetu`, `checker`,
//!   `checker_voikko`, `bundle`, `note`, `checkpoint`, `oidc_callback`).
//! - [`run`]`(target, bytes)`: one execution — parse the bytes with that parser and check its
//!   invariants, panicking when one fails. Not only "no panic": spans lie inside the text on
//!   char boundaries, a bundle, note or checkpoint that parses is written back byte for byte,
//!   an identity code that parses prints back the same, a rule file that checks gives the same
//!   canonical text when its canonical text is checked again, a request that parses reads back
//!   the same from its own JSON, and so on (each target's function says what it checks).
//! - [`seeds`]`(target)`: deterministic seed inputs (the shipped rule files, a signed bundle, …);
//!   [`write_seeds_from_env`] puts them into the working corpus when a fuzz binary starts.
//!
//! The libFuzzer harness (`fuzz/`, outside the workspace, driven by `scripts/fuzz`) calls [`run`]
//! on every input; `tests/fuzz.rs` replays the seeds and every input kept under
//! `fuzz/regressions/`, so `cargo test` keeps what the fuzzers once found fixed.

use std::sync::LazyLock;

use chrono::NaiveDate;
use http::header::COOKIE;
use http::{HeaderMap, HeaderValue};
use kirjuri_domain::{EntryKind, Hetu, Language};
use kirjuri_ledger::{
    leaf_hash, open_note, sign_note, Checkpoint, EventType, LeafRecord, MerkleTree, Opening,
    ParsedNote, ProofBundle, Signer, Verifier,
};
use kirjuri_quality::{CheckError, Checker, Context, Data, MorphologyMode, Purpose, MAX_CHARS};
use kirjuri_rules::{Diagnostics, Lang, Request, RuleSets};

/// The OIDC callback's parser: the web crate's own source file, compiled here so the fuzz
/// build does not need the web crate's dependency tree (the file uses no crate paths).
#[path = "../../web/src/oidc/callback.rs"]
#[allow(dead_code)]
mod oidc_callback;
use oidc_callback::{provider_error_code, read_callback};

/// A fuzz target: one parser and its invariants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// The rule language: `kirjuri_rules::check` of a rule file, then its canonical text.
    Rules,
    /// Statement requests: `kirjuri_rules::Request::from_json`, then the shipped rules.
    Request,
    /// Identity codes: `kirjuri_domain::Hetu::parse`.
    Hetu,
    /// The entry checker with the fallback morphology.
    Checker,
    /// The entry checker with libvoikko (fails when libvoikko is not installed).
    CheckerVoikko,
    /// Offline proof bundles: `ProofBundle::parse` and `verify`.
    Bundle,
    /// Signed notes: `ParsedNote::parse` and `open_note`.
    Note,
    /// Checkpoints: `Checkpoint::parse`, `sign` and `open`.
    Checkpoint,
    /// The OpenID Connect callback's query string and cookie: `kirjuri_web::oidc::read_callback`.
    OidcCallback,
}

impl Target {
    /// Every target, in the order `scripts/fuzz all` runs them.
    pub const ALL: [Target; 9] = [
        Target::Rules,
        Target::Request,
        Target::Hetu,
        Target::Checker,
        Target::CheckerVoikko,
        Target::Bundle,
        Target::Note,
        Target::Checkpoint,
        Target::OidcCallback,
    ];

    /// The target's name: its fuzz binary and its directories under `fuzz/`.
    pub fn name(self) -> &'static str {
        match self {
            Target::Rules => "rules",
            Target::Request => "request",
            Target::Hetu => "hetu",
            Target::Checker => "checker",
            Target::CheckerVoikko => "checker_voikko",
            Target::Bundle => "bundle",
            Target::Note => "note",
            Target::Checkpoint => "checkpoint",
            Target::OidcCallback => "oidc_callback",
        }
    }

    /// The target of a name.
    pub fn from_name(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// Writes the seeds of `target` into the directory named by `KIRJURI_FUZZ_SEEDS`, if set: the
/// fuzz binaries call it at start-up, before libFuzzer reads its corpus, so the seeds follow
/// the code (a changed rule file is the next run's seed) and none are committed.
pub fn write_seeds_from_env(target: Target) {
    let Some(dir) = std::env::var_os("KIRJURI_FUZZ_SEEDS") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("KIRJURI_FUZZ_SEEDS {}: {e}", dir.display()));
    for (name, bytes) in seeds(target) {
        let path = dir.join(format!("seed-{name}"));
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

/// One execution of `target` on `data`: panics when an invariant does not hold.
pub fn run(target: Target, data: &[u8]) {
    match target {
        Target::Rules => rules(data),
        Target::Request => request(data),
        Target::Hetu => hetu(data),
        Target::Checker => checker(&FALLBACK, data),
        Target::CheckerVoikko => checker(&VOIKKO, data),
        Target::Bundle => bundle(data),
        Target::Note => note(data),
        Target::Checkpoint => checkpoint(data),
        Target::OidcCallback => oidc_callback(data),
    }
}

// ------------------------------------------------------------------------------ shared

/// The parsers take text: invalid UTF-8 is replaced, so every input still reaches them.
fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// The key the seeds are signed with (a fixed seed: nothing here is secret).
static SIGNER: LazyLock<Signer> = LazyLock::new(|| {
    Signer::from_seed("kirjuri-fuzz", &[7; 32]).unwrap_or_else(|e| panic!("fuzz key: {e}"))
});
static VERIFIER: LazyLock<Verifier> = LazyLock::new(|| SIGNER.verifier());
/// Another key, whose signatures a verifier of [`SIGNER`] does not know.
static WITNESS: LazyLock<Signer> = LazyLock::new(|| {
    Signer::from_seed("witness.example", &[9; 32]).unwrap_or_else(|e| panic!("fuzz key: {e}"))
});

static SHIPPED: LazyLock<RuleSets> = LazyLock::new(|| {
    RuleSets::shipped().unwrap_or_else(|d| panic!("shipped rules: {}", d.render()))
});

// ------------------------------------------------------------------------------ rules

/// Every diagnostic lies inside the source, on char boundaries, at the line and column it
/// names; rendering does not panic.
fn check_diagnostics(source: &str, diags: &Diagnostics) {
    for d in &diags.items {
        let span = d.span.clone();
        assert!(
            span.start <= span.end && span.end <= source.len(),
            "{} span {span:?} outside a source of {} bytes",
            d.code,
            source.len()
        );
        assert!(
            source.is_char_boundary(span.start) && source.is_char_boundary(span.end),
            "{} span {span:?} not on char boundaries",
            d.code
        );
        let before = &source[..span.start];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        assert_eq!((d.line, d.column), (line, column), "{} position", d.code);
    }
    let _ = diags.render();
}

/// A rule file: diagnostics are sound; a file that checks has a canonical text that checks
/// again to the same canonical text and hash (idempotent), and decides a request of its kind
/// under its own hash, with an explanation in every language.
fn rules(data: &[u8]) {
    let source = text(data);
    match kirjuri_rules::check(&source, "fuzz.rules") {
        Err(diags) => {
            assert!(diags.has_errors(), "refused without an error");
            check_diagnostics(&source, &diags);
        }
        Ok(rs) => {
            check_diagnostics(&source, rs.warnings());
            let canonical = rs.canonical_text();
            let again = kirjuri_rules::check(canonical, "canonical.rules").unwrap_or_else(|d| {
                panic!(
                    "the canonical text of a rule set that checks does not check:\n{}",
                    d.render()
                )
            });
            assert_eq!(again.canonical_text(), canonical, "canonical text changed");
            assert_eq!(again.hash(), rs.hash());
            assert_eq!(
                (again.name(), again.version(), again.kind()),
                (rs.name(), rs.version(), rs.kind())
            );
            let request = sample_request(rs.kind());
            let decision = kirjuri_rules::evaluate(&rs, &request, true);
            assert_eq!(decision.rule_set_hash(), rs.hash());
            for lang in [Lang::Fi, Lang::Sv, Lang::En] {
                let _ = kirjuri_rules::explain(&decision, lang);
            }
        }
    }
}

/// A valid request of the contract (`shared/cases/README.md`), start or end.
pub const START_REQUEST: &str = r#"{"kind": "job_search_start", "decision_date": "2026-03-02", "job_search_start": "2026-03-02", "job_search_end": null, "end_reason": null, "person": {"birth_date": "1990-05-01", "sex": "female", "language": "fi", "resides_in_finland": true, "right_to_work": "citizen", "vocational_qualification": true, "partial_disability_pension": false}, "reported": {"employment": "none", "seeks_full_time_work": true, "previous_employment_end": {"date": "2026-02-27", "reason": "fixed_term_ended"}, "studies": "none", "business": "none", "business_started_while_unemployed_on": null, "in_service": null, "free_text": null}, "registers": {"employment_continues": false, "active_degree_studies": false, "active_business": false}, "id": "fuzz-start"}"#;
/// See [`START_REQUEST`].
pub const END_REQUEST: &str = r#"{"kind": "job_search_end", "decision_date": "2026-03-20", "job_search_start": "2026-03-02", "job_search_end": "2026-03-20", "end_reason": "employed", "person": {"birth_date": "1990-05-01", "sex": "male", "language": "sv", "resides_in_finland": true, "right_to_work": "citizen", "vocational_qualification": true, "partial_disability_pension": false}, "reported": {"employment": "none", "seeks_full_time_work": true, "previous_employment_end": {"date": "2026-02-27", "reason": "fixed_term_ended"}, "studies": "none", "business": "none", "business_started_while_unemployed_on": null, "in_service": null, "free_text": "Aloitin uudessa työssä."}, "registers": {"employment_continues": false, "active_degree_studies": false, "active_business": false}}"#;

fn sample_request(kind: kirjuri_rules::Kind) -> Request {
    let json = match kind {
        kirjuri_rules::Kind::JobSearchStart => START_REQUEST,
        kirjuri_rules::Kind::JobSearchEnd => END_REQUEST,
    };
    Request::from_json(json).unwrap_or_else(|e| panic!("sample request: {e}"))
}

// ------------------------------------------------------------------------------ request

/// A statement request: one that parses reads back the same from its own JSON, and the
/// shipped rules decide it under their hash, explained in every language; a refusal names a
/// field path.
fn request(data: &[u8]) {
    let json = text(data);
    match Request::from_json(&json) {
        Ok(request) => {
            let written = serde_json::to_string(&request)
                .unwrap_or_else(|e| panic!("a parsed request does not serialise: {e}"));
            let back = Request::from_json(&written)
                .unwrap_or_else(|e| panic!("a request does not read back its own JSON: {e}"));
            assert_eq!(back, request, "request changed through its JSON");
            let decision = SHIPPED.evaluate(&request, true);
            assert_eq!(
                decision.rule_set_hash(),
                SHIPPED.for_kind(request.kind).hash()
            );
            for lang in [Lang::Fi, Lang::Sv, Lang::En] {
                let _ = kirjuri_rules::explain(&decision, lang);
            }
        }
        Err(e) => assert!(!e.path.is_empty(), "an error without a path: {e}"),
    }
    if let Ok(case) = kirjuri_rules::Case::from_json(&json) {
        let _ = SHIPPED.evaluate(&case.request, false);
    }
}

// ------------------------------------------------------------------------------ hetu

/// An identity code: one that parses prints back exactly the same; parsing is a function of
/// the text (again, and through serde); its parts rebuild it; it is masked wherever it is
/// not asked for in full.
fn hetu(data: &[u8]) {
    let s = text(data);
    let parsed = Hetu::parse(&s);
    let via_serde = serde_json::from_value::<Hetu>(serde_json::Value::String(s.to_string()));
    assert_eq!(
        parsed.is_ok(),
        via_serde.is_ok(),
        "serde and parse disagree"
    );
    let Ok(h) = parsed else { return };
    assert_eq!(h.as_str(), s, "a parsed code prints back differently");
    assert_eq!(Hetu::parse(h.as_str()).as_ref(), Ok(&h));
    assert_eq!(via_serde.ok().as_ref(), Some(&h));
    assert_eq!(
        serde_json::to_value(&h).ok(),
        Some(serde_json::Value::String(s.to_string()))
    );
    let masked = h.masked();
    assert_eq!(masked, format!("{}****", &s[..7]));
    assert_eq!(format!("{h:?}"), format!("Hetu({masked})"));
    let individual: u16 = s[7..10]
        .parse()
        .unwrap_or_else(|e| panic!("individual number of a parsed code: {e}"));
    assert_eq!(h.is_test_code(), individual >= 900);
    // The primary century sign of the year; the other signs of the same century (Y, X, …)
    // give the same date and check character.
    let rebuilt = Hetu::from_parts(h.birth_date(), individual)
        .unwrap_or_else(|e| panic!("a parsed code's parts do not rebuild it: {e}"));
    assert_eq!(rebuilt.birth_date(), h.birth_date());
    let (r, o) = (rebuilt.as_str(), h.as_str());
    assert_eq!(
        (&r[..6], &r[7..]),
        (&o[..6], &o[7..]),
        "rebuilt differently"
    );
}

// ------------------------------------------------------------------------------ checker

static FALLBACK: LazyLock<Checker> = LazyLock::new(|| {
    let data = Data::embedded().unwrap_or_else(|e| panic!("embedded word lists: {e}"));
    Checker::new(data, MorphologyMode::Fallback).unwrap_or_else(|e| panic!("checker: {e}"))
});
static VOIKKO: LazyLock<Checker> = LazyLock::new(|| {
    let data = Data::embedded().unwrap_or_else(|e| panic!("embedded word lists: {e}"));
    Checker::new(data, MorphologyMode::Voikko).unwrap_or_else(|e| {
        panic!("the checker_voikko target needs libvoikko (scripts/setup.sh installs it): {e}")
    })
});

/// The first byte picks the context (entry type, language, entry or e-mail); the rest is the
/// text. Every finding lies inside the text on char boundaries, its char span is the same
/// text as its byte span, findings come in text order, an identity code is only ever shown
/// masked, a refusal says why truly, and checking again gives the same report (the analysis
/// cache changes nothing).
fn checker(checker: &Checker, data: &[u8]) {
    let (selector, rest) = data.split_first().unwrap_or((&0, &[]));
    let kinds = EntryKind::ALL;
    let langs = Language::ALL;
    let kind = kinds[usize::from(*selector) % kinds.len()];
    let lang = langs[usize::from(*selector / 16) % langs.len()];
    let context = if selector & 0x80 == 0 {
        Context::entry(kind, lang)
    } else {
        Context::email(lang)
    };
    let text = text(rest);
    let result = checker.check(&text, &context);
    match &result {
        Err(CheckError::Empty) => assert!(text.trim().is_empty(), "refused as empty"),
        Err(CheckError::TooLong { .. }) => {
            assert!(text.chars().count() > MAX_CHARS, "refused as too long");
        }
        Ok(report) => {
            assert!(!text.trim().is_empty());
            let char_starts: Vec<usize> = text
                .char_indices()
                .map(|(i, _)| i)
                .chain([text.len()])
                .collect();
            let mut previous = 0;
            for f in &report.findings {
                let b = f.bytes.clone();
                assert!(
                    b.start < b.end && b.end <= text.len(),
                    "{f:?} outside the text"
                );
                assert!(
                    text.is_char_boundary(b.start) && text.is_char_boundary(b.end),
                    "{f:?} not on char boundaries"
                );
                assert_eq!(
                    (char_starts.get(f.chars.start), char_starts.get(f.chars.end)),
                    (Some(&b.start), Some(&b.end)),
                    "{f:?}: char span and byte span differ"
                );
                assert!(b.start >= previous, "findings out of text order");
                previous = b.start;
                if f.kind == kirjuri_quality::Kind::Hetu {
                    assert!(f.matched.ends_with("****"), "identity code shown: {f:?}");
                }
                if context.purpose == Purpose::Entry && f.kind == kirjuri_quality::Kind::Benefit {
                    panic!("a benefit finding in an entry: {f:?}");
                }
            }
        }
    }
    assert_eq!(
        checker.check(&text, &context),
        result,
        "a second check differs"
    );
}

// ------------------------------------------------------------------------------ ledger

/// A proof bundle: one that parses is written back byte for byte; one that verifies against
/// the seeds' key names that key and the bundle's own leaf, index and opening.
fn bundle(data: &[u8]) {
    let s = text(data);
    let Ok(bundle) = ProofBundle::parse(&s) else {
        return;
    };
    assert_eq!(
        bundle.to_text(),
        s,
        "a parsed bundle is written back differently"
    );
    if let Ok(v) = bundle.verify(std::slice::from_ref(&VERIFIER)) {
        assert_eq!(v.leaf_index, bundle.leaf_index);
        assert_eq!(v.leaf, bundle.leaf);
        assert!(v.leaf_index < v.checkpoint.size);
        assert_eq!(v.signed_by, vec![SIGNER.name().to_owned()]);
        assert_eq!(v.record, bundle.opening.as_ref().map(|o| o.record.clone()));
        assert_eq!(
            ProofBundle::parse(&bundle.to_text()).ok().as_ref(),
            Some(&bundle)
        );
    }
}

/// A signed note: one that parses is written back byte for byte; one that opens against the
/// seeds' key parses, counts every signature as verified or unknown, and names only that key;
/// the text of any note that parses can be signed and opened again.
fn note(data: &[u8]) {
    let s = text(data);
    let parsed = ParsedNote::parse(&s);
    if let Ok(n) = &parsed {
        assert_eq!(n.to_text(), s, "a parsed note is written back differently");
        let signed = sign_note(&n.text, std::slice::from_ref(&SIGNER))
            .unwrap_or_else(|e| panic!("the text of a parsed note cannot be signed: {e}"));
        let opened = open_note(&signed, std::slice::from_ref(&VERIFIER))
            .unwrap_or_else(|e| panic!("a note just signed does not open: {e}"));
        assert_eq!(opened.text, n.text);
    }
    if let Ok(opened) = open_note(&s, std::slice::from_ref(&VERIFIER)) {
        let n = parsed
            .as_ref()
            .unwrap_or_else(|e| panic!("a note opened but does not parse: {e}"));
        assert_eq!(opened.text, n.text);
        assert!(!opened.verified_by.is_empty());
        assert!(opened.verified_by.iter().all(|name| name == SIGNER.name()));
        assert_eq!(
            opened.verified_by.len() + opened.unknown_signatures,
            n.signatures.len()
        );
    }
}

/// A checkpoint body: one that parses is written back byte for byte, validates, and signs
/// into a note that opens to the same checkpoint; a signed checkpoint that opens has the
/// note's text as its body.
fn checkpoint(data: &[u8]) {
    let s = text(data);
    if let Ok(c) = Checkpoint::parse(&s) {
        assert_eq!(
            c.to_text(),
            s,
            "a parsed checkpoint is written back differently"
        );
        c.validate()
            .unwrap_or_else(|e| panic!("a parsed checkpoint does not validate: {e}"));
        let signed = c
            .sign(std::slice::from_ref(&SIGNER))
            .unwrap_or_else(|e| panic!("a parsed checkpoint cannot be signed: {e}"));
        let (back, _) = Checkpoint::open(&signed, std::slice::from_ref(&VERIFIER))
            .unwrap_or_else(|e| panic!("a signed checkpoint does not open: {e}"));
        assert_eq!(back, c);
    }
    if let Ok((c, opened)) = Checkpoint::open(&s, std::slice::from_ref(&VERIFIER)) {
        assert_eq!(c.to_text(), opened.text);
    }
}

// ------------------------------------------------------------------------------ oidc

/// The OpenID Connect callback: the input is the query string, a newline, and the `Cookie`
/// header. Parameters that parse are written back and read again to the same; a refusal says
/// why (the handler answers it as a 400); the browser cookie's value is part of the header and
/// holds no `;`; the provider's error code shown back is short and plain.
fn oidc_callback(data: &[u8]) {
    let (query, cookie) = match data.iter().position(|b| *b == b'\n') {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    };
    let query = text(query);
    let mut headers = HeaderMap::new();
    if let Some(v) = cookie.and_then(|c| HeaderValue::from_bytes(c).ok()) {
        headers.insert(COOKIE, v);
    }
    match read_callback(Some(&query), &headers) {
        Err(e) => assert!(!e.0.is_empty(), "a refusal without a reason"),
        Ok(input) => {
            let written = serde_urlencoded::to_string(&input.params)
                .unwrap_or_else(|e| panic!("parameters do not serialise: {e}"));
            let back = read_callback(Some(&written), &HeaderMap::new())
                .unwrap_or_else(|_| panic!("parameters do not read back from {written:?}"));
            assert_eq!(back.params, input.params);
            if let Some(browser) = &input.browser {
                let header = headers
                    .get(COOKIE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_else(|| panic!("a browser cookie without a header"));
                assert!(!browser.contains(';') && header.contains(browser.as_str()));
            }
            if let Some(error) = &input.params.error {
                let shown = provider_error_code(error);
                assert!(shown.chars().count() <= 64);
                assert!(shown.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
            }
        }
    }
}

// ------------------------------------------------------------------------------ seeds

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_else(|| panic!("seed date {y}-{m}-{d}"))
}

fn test_hetu(born: NaiveDate, individual: u16) -> String {
    Hetu::from_parts(born, individual)
        .unwrap_or_else(|e| panic!("seed identity code: {e}"))
        .as_str()
        .to_owned()
}

/// A small log signed with [`SIGNER`]: its tree, its leaves with their openings, and a signed
/// checkpoint at its full size.
fn seed_log() -> (MerkleTree, Vec<(LeafRecord, Opening)>, String) {
    let mut tree = MerkleTree::new();
    let mut leaves = Vec::new();
    for i in 0..5u8 {
        let record = format!("{{\"row\":{{\"id\":\"{i}\"}},\"table\":\"entries\"}}").into_bytes();
        let salt = [i; 32];
        let leaf = LeafRecord {
            event_type: EventType::ALL[usize::from(i) % EventType::ALL.len()],
            subject: [i.wrapping_mul(31); 32],
            commitment: kirjuri_ledger::commit(&salt, &record),
        };
        tree.push(leaf_hash(&leaf.encode()));
        leaves.push((leaf, Opening { salt, record }));
    }
    let checkpoint = Checkpoint {
        extensions: vec!["timestamp 1767225600".into()],
        ..Checkpoint::new("kirjuri.example/ledger/v1", tree.size(), tree.root())
    };
    let signed = checkpoint
        .sign(&[SIGNER.clone(), WITNESS.clone()])
        .unwrap_or_else(|e| panic!("seed checkpoint: {e}"));
    (tree, leaves, signed)
}

fn seed_bundle(index: u64, with_opening: bool) -> String {
    let (tree, leaves, checkpoint) = seed_log();
    let (leaf, opening) = leaves[index as usize].clone();
    ProofBundle {
        leaf_index: index,
        leaf,
        proof: tree
            .inclusion_proof(index, tree.size())
            .unwrap_or_else(|e| panic!("seed proof: {e}")),
        checkpoint,
        opening: with_opening.then_some(opening),
    }
    .to_text()
}

/// The seed inputs of a target, by file name: valid inputs that reach deep into the parser
/// (the fuzzer mutates them), and a few near misses.
pub fn seeds(target: Target) -> Vec<(&'static str, Vec<u8>)> {
    let b = |s: &str| s.as_bytes().to_vec();
    match target {
        Target::Rules => vec![
            ("statement-start.rules", b(kirjuri_rules::START_RULES)),
            ("statement-end.rules", b(kirjuri_rules::END_RULES)),
            ("canonical-end.rules", b(SHIPPED.end.canonical_text())),
        ],
        Target::Request => vec![
            ("start.json", b(START_REQUEST)),
            ("end.json", b(END_REQUEST)),
        ],
        Target::Hetu => vec![
            ("1900s", b(&test_hetu(date(1990, 5, 1), 901))),
            ("2000s", b(&test_hetu(date(2005, 2, 28), 999))),
            ("1800s", b(&test_hetu(date(1899, 12, 31), 950))),
            ("sign-y", b(&test_hetu(date(1972, 2, 29), 933).replace('-', "Y"))),
            ("sign-b", b(&test_hetu(date(2024, 2, 29), 977).replace('A', "B"))),
        ],
        Target::Checker | Target::CheckerVoikko => {
            let code = test_hetu(date(1985, 7, 14), 912);
            vec![
                (
                    "abbreviations",
                    [&[0u8][..], "Asiakas ohjattu TTV:lle ja OMO-opintoihin (omaehtoinen opiskelu, OMO). KEHA-keskus, KEHA/73792/2024.".as_bytes()].concat(),
                ),
                (
                    "offensive-safety",
                    [&[7u8][..], "Asiakas oli laiska ja hankala, uhkaili virkailijaa.".as_bytes()].concat(),
                ),
                (
                    "health",
                    [&[1u8][..], "Asiakkaalla on masennus (F32.1) ja hän käyttää sertraliinia.".as_bytes()].concat(),
                ),
                (
                    "hetu-email",
                    [&[0x90u8][..], format!("Asiakkaan henkilötunnus on {code}, ansiopäiväraha haettu.").as_bytes()].concat(),
                ),
                (
                    "swedish-control",
                    [&[0x11u8][..], "Kunden ringde om arbetssökandet.\u{0}\u{7} Mycket långa meningar utan slut".as_bytes()].concat(),
                ),
            ]
        }
        Target::Bundle => vec![
            ("opened", b(&seed_bundle(2, true))),
            ("erased", b(&seed_bundle(4, false))),
            ("first", b(&seed_bundle(0, true))),
        ],
        Target::Note => {
            let (_, _, signed) = seed_log();
            vec![
                ("checkpoint-note", b(&signed)),
                (
                    "text-note",
                    b(&sign_note("a note\n\nwith a blank line\n", std::slice::from_ref(&SIGNER))
                        .unwrap_or_else(|e| panic!("seed note: {e}"))),
                ),
            ]
        }
        Target::Checkpoint => {
            let (tree, _, signed) = seed_log();
            vec![
                (
                    "body",
                    b(&Checkpoint::new("kirjuri.example/ledger/v1", tree.size(), tree.root())
                        .to_text()),
                ),
                ("signed", b(&signed)),
            ]
        }
        Target::OidcCallback => vec![
            (
                "login",
                b("code=SplxlOBeZQQYbYS6WxSbIA&state=af0ifjsldkj&iss=https%3A%2F%2Flogin.example.fi\nkirjuri_oidc=Zm9vYmFy; kirjuri_session=x"),
            ),
            (
                "denied",
                b("error=access_denied&error_description=no+thanks&state=af0ifjsldkj\nkirjuri_oidc=abc"),
            ),
            ("twice", b("state=a&state=b")),
        ],
    }
}

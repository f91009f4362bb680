//! Morphology: base forms and compound parts of a word, from libvoikko or from the fallback.
//!
//! With libvoikko a word's bases are its `BASEFORM`s and the base forms of its compound parts
//! (`WORDBASES`), matched exactly against the word lists. A word libvoikko does not know (a
//! neologism, a medicine name, slang) and every word in fallback mode get *stems* instead: the
//! lower-cased word with common Finnish endings stripped; each stem and each of its compound
//! heads (right-hand pieces of at least six letters) is matched against the word lists
//! allowing the last one or two letters of a base form to differ (stem vowel changes:
//! `laisko-` ~ `laiska`).
//!
//! Analyses are cached per distinct word (a bounded map, cleared when full), so a checker
//! analyses each distinct word once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use crate::voikko::{Voikko, VoikkoError};

/// Which morphology produced a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Morphology {
    /// libvoikko: base forms and compound parts of Finnish words.
    Voikko,
    /// No libvoikko: lower-casing, a small suffix-stripping stemmer and compound splitting
    /// against the word lists (see `README.md`, "Fallback").
    Fallback,
}

/// How to choose the morphology when building a checker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MorphologyMode {
    /// libvoikko if it loads, else the fallback; `KIRJURI_VOIKKO=off` forces the fallback.
    Auto,
    /// libvoikko or an error.
    Voikko,
    /// The fallback, even where libvoikko is installed.
    Fallback,
}

/// What the checker knows of one word.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct WordInfo {
    /// `Some(true)` when libvoikko analysed the word, `Some(false)` when it had no analysis,
    /// `None` without libvoikko.
    pub known: Option<bool>,
    /// Base forms and compound-part bases from libvoikko (exact matches).
    pub bases: Vec<String>,
    /// Fallback stems (matched allowing a changed stem ending).
    pub stems: Vec<String>,
    /// The word-list entries it matches (offensive, health, benefit), filled by the checker on
    /// first use; a checker has one data set, so the cached match stays valid.
    pub matches: OnceLock<[Option<usize>; 3]>,
}

/// Upper bound of the per-checker analysis cache (distinct words).
const CACHE_LIMIT: usize = 65_536;

pub(crate) enum Analyzer {
    Voikko(Mutex<VoikkoCache>),
    Fallback(Mutex<HashMap<String, Arc<WordInfo>>>),
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Analyzer::Voikko(_) => "Analyzer::Voikko",
            Analyzer::Fallback(_) => "Analyzer::Fallback",
        })
    }
}

pub(crate) struct VoikkoCache {
    voikko: Voikko,
    cache: HashMap<String, Arc<WordInfo>>,
}

impl Analyzer {
    pub fn new(mode: MorphologyMode) -> Result<Self, VoikkoError> {
        let off = std::env::var("KIRJURI_VOIKKO").is_ok_and(|v| v.eq_ignore_ascii_case("off"));
        match mode {
            MorphologyMode::Fallback => Ok(Analyzer::fallback()),
            MorphologyMode::Auto if off => Ok(Analyzer::fallback()),
            MorphologyMode::Auto => Ok(Voikko::open()
                .map(|v| Analyzer::Voikko(Mutex::new(VoikkoCache::new(v))))
                .unwrap_or_else(|_| Analyzer::fallback())),
            MorphologyMode::Voikko => Ok(Analyzer::Voikko(Mutex::new(VoikkoCache::new(
                Voikko::open()?,
            )))),
        }
    }

    fn fallback() -> Self {
        Analyzer::Fallback(Mutex::new(HashMap::new()))
    }

    pub fn kind(&self) -> Morphology {
        match self {
            Analyzer::Voikko(_) => Morphology::Voikko,
            Analyzer::Fallback(_) => Morphology::Fallback,
        }
    }

    /// What is known of a Finnish word.
    pub fn word(&self, word: &str) -> Arc<WordInfo> {
        match self {
            // A panic while holding a lock cannot leave a cache inconsistent (entries are
            // inserted whole), so a poisoned lock is used as it is.
            Analyzer::Fallback(m) => {
                let mut cache = m.lock().unwrap_or_else(PoisonError::into_inner);
                if let Some(info) = cache.get(word) {
                    return Arc::clone(info);
                }
                let info = Arc::new(WordInfo {
                    stems: fallback_stems(word),
                    ..WordInfo::default()
                });
                insert_bounded(&mut cache, word, &info);
                info
            }
            Analyzer::Voikko(m) => m
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .analyze(word),
        }
    }
}

impl VoikkoCache {
    fn new(voikko: Voikko) -> Self {
        VoikkoCache {
            voikko,
            cache: HashMap::new(),
        }
    }

    fn analyze(&mut self, word: &str) -> Arc<WordInfo> {
        if let Some(info) = self.cache.get(word) {
            return Arc::clone(info);
        }
        let analyses = self.voikko.analyze(word);
        let info = if analyses.is_empty() {
            WordInfo {
                known: Some(false),
                stems: fallback_stems(word),
                ..WordInfo::default()
            }
        } else {
            let mut bases = Vec::new();
            for a in analyses {
                push_unique(&mut bases, a.baseform.to_lowercase());
                for p in a.parts {
                    push_unique(&mut bases, p);
                }
            }
            WordInfo {
                known: Some(true),
                bases,
                ..WordInfo::default()
            }
        };
        let info = Arc::new(info);
        insert_bounded(&mut self.cache, word, &info);
        info
    }
}

/// Inserts into a cache of at most [`CACHE_LIMIT`] words (cleared when full: simple, and a
/// working set of an office's vocabulary refills it quickly).
fn insert_bounded(cache: &mut HashMap<String, Arc<WordInfo>>, word: &str, info: &Arc<WordInfo>) {
    if cache.len() >= CACHE_LIMIT {
        cache.clear();
    }
    cache.insert(word.to_owned(), Arc::clone(info));
}

fn push_unique(v: &mut Vec<String>, s: String) {
    if !s.is_empty() && !v.contains(&s) {
        v.push(s);
    }
}

/// Case endings, possessive suffixes, clitics and derivational endings, longest first.
const FI_SUFFIXES: &[&str] = &[
    "maisen", "maista", "mainen", "maiset", "maisia", "maisten", "illekin", "ssakin", "staan",
    "ineen", "iksi", "ille", "illa", "illä", "ilta", "iltä", "issa", "issä", "ista", "istä",
    "iden", "itten", "ihin", "ineen", "ansa", "änsä", "kaan", "kään", "seen", "mais", "ssa", "ssä",
    "sta", "stä", "lla", "llä", "lta", "ltä", "lle", "ksi", "tta", "ttä", "iin", "ien", "ton",
    "kin", "han", "hän", "hen", "ni", "si", "na", "nä", "ja", "jä", "ia", "iä", "in", "ko", "kö",
    "n", "a", "ä", "t", "i",
];

/// Swedish endings (definite forms and plurals), longest first.
const SV_SUFFIXES: &[&str] = &[
    "arnas", "ernas", "orna", "arna", "erna", "ens", "ets", "nas", "en", "et", "er", "ar", "or",
    "na", "s", "a", "e",
];

/// Fallback stems of a Finnish word: the lower-cased word and the word with one or two endings
/// stripped, `-kse-` stems turned back into `-s` (masennuksen → masennus), of each hyphen- or
/// colon-separated part. Compound heads (right-hand pieces of the stems) are tried at lookup.
pub(crate) fn fallback_stems(word: &str) -> Vec<String> {
    let lower = word.to_lowercase();
    let mut out = Vec::new();
    for part in lower.split(['-', ':']).filter(|p| !p.is_empty()) {
        stems_of(part, FI_SUFFIXES, &mut out);
    }
    out
}

/// Stems of a Swedish word (no morphology: lower-casing and stripping a few endings).
pub(crate) fn swedish_stems(word: &str) -> Vec<String> {
    let lower = word.to_lowercase();
    let mut out = Vec::new();
    for part in lower.split(['-', ':']).filter(|p| !p.is_empty()) {
        stems_of(part, SV_SUFFIXES, &mut out);
    }
    out
}

fn stems_of(word: &str, suffixes: &[&str], out: &mut Vec<String>) {
    push_unique(out, word.to_owned());
    let mut first = Vec::new();
    strip_once(word, suffixes, &mut first);
    for s in first {
        let mut second = Vec::new();
        strip_once(&s, suffixes, &mut second);
        push_unique(out, s);
        for t in second {
            push_unique(out, t);
        }
    }
}

fn strip_once(word: &str, suffixes: &[&str], out: &mut Vec<String>) {
    for suffix in suffixes {
        if let Some(stem) = word.strip_suffix(suffix) {
            if stem.chars().count() >= 3 {
                push_unique(out, stem.to_owned());
                if let Some(s) = stem.strip_suffix("kse") {
                    push_unique(out, format!("{s}s"));
                }
            }
        }
    }
}

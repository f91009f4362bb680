//! Morphology: base forms and compound parts of a word — Finnish from libvoikko, Swedish from
//! Hunspell, each with a fallback when its library is absent or switched off.
//!
//! With libvoikko a Finnish word's bases are its `BASEFORM`s and the base forms of its compound
//! parts (`WORDBASES`), matched exactly against the word lists. With Hunspell a Swedish word's
//! bases are its stems and the stems of its compound parts, matched exactly and, as stems, with
//! a changed ending and compound heads allowed (`knarkarna` → `knarka` ~ `knarkare`). A word the
//! library does not know (a neologism, a medicine name, slang) and every word in fallback mode
//! get *stems* instead: the lower-cased word with common endings stripped; each stem and each
//! of its compound heads is matched against the word lists allowing the last one or two letters
//! of a base form to differ (stem vowel changes and consonant gradation, see `data.rs`).
//!
//! Analyses are cached per distinct word and language (a bounded map, cleared when full), so a
//! checker analyses each distinct word once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use crate::hunspell::{Hunspell, HunspellError};
use crate::voikko::{Voikko, VoikkoError};
use crate::Message;

/// Which morphology analysed Finnish words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Morphology {
    /// libvoikko: base forms and compound parts of Finnish words.
    Voikko,
    /// No libvoikko: lower-casing, a small suffix-stripping stemmer and compound splitting
    /// against the word lists (see `README.md`, "Fallback").
    Fallback,
}

/// Which morphology analysed Swedish words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SwedishMorphology {
    /// Hunspell with Debian's Swedish dictionary: stems and compound parts.
    Hunspell,
    /// No Hunspell: lower-casing and stripping a few endings.
    Fallback,
}

/// How to choose the morphology when building a checker with [`crate::Checker::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MorphologyMode {
    /// Each language's library if it loads, else its fallback; `KIRJURI_VOIKKO=off` and
    /// `KIRJURI_HUNSPELL=off` force the fallbacks.
    Auto,
    /// libvoikko for Finnish or an error; Swedish as in `Auto`.
    Voikko,
    /// The fallbacks, even where the libraries are installed.
    Fallback,
}

/// Whether one language's morphology library is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Library {
    /// The library if it loads, else the fallback; the language's environment switch
    /// (`KIRJURI_VOIKKO=off`, `KIRJURI_HUNSPELL=off`) forces the fallback.
    Auto,
    /// The library, or [`crate::Checker::with_config`] fails.
    Required,
    /// The fallback.
    Off,
}

/// The morphology of each language, for [`crate::Checker::with_config`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MorphologyConfig {
    /// libvoikko for Finnish.
    pub finnish: Library,
    /// Hunspell for Swedish.
    pub swedish: Library,
}

impl From<MorphologyMode> for MorphologyConfig {
    fn from(mode: MorphologyMode) -> Self {
        let (finnish, swedish) = match mode {
            MorphologyMode::Auto => (Library::Auto, Library::Auto),
            MorphologyMode::Voikko => (Library::Required, Library::Auto),
            MorphologyMode::Fallback => (Library::Off, Library::Off),
        };
        MorphologyConfig { finnish, swedish }
    }
}

/// Which morphology a checker uses for each language, and why a fallback is in use: what a
/// server says once at start, and on the page, when the checker is weaker than it could be.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MorphologyStatus {
    /// Finnish: libvoikko or the fallback.
    pub finnish: Morphology,
    /// Swedish: Hunspell or the fallback.
    pub swedish: SwedishMorphology,
    /// Why Finnish uses the fallback (the load error, or the switch), if it does.
    pub finnish_reason: Option<String>,
    /// Why Swedish uses the fallback, if it does.
    pub swedish_reason: Option<String>,
    /// The Swedish dictionary in use, with Hunspell.
    pub swedish_dictionary: Option<String>,
}

impl MorphologyStatus {
    /// Whether either language uses its (weaker) fallback.
    pub fn fallback_in_use(&self) -> bool {
        self.finnish == Morphology::Fallback || self.swedish == SwedishMorphology::Fallback
    }

    /// A notice for the users, in the three interface languages, when a fallback is in use
    /// (`None` when both libraries are in use).
    pub fn notice(&self) -> Option<Message> {
        let (fi, sv, en) = match (self.finnish, self.swedish) {
            (Morphology::Voikko, SwedishMorphology::Hunspell) => return None,
            (Morphology::Fallback, SwedishMorphology::Hunspell) => (
                "suomen tekstin",
                "finska texter",
                "Finnish text (libvoikko is missing: Debian packages libvoikko1, voikko-fi)",
            ),
            (Morphology::Voikko, SwedishMorphology::Fallback) => (
                "ruotsin tekstin",
                "svenska texter",
                "Swedish text (Hunspell is missing: Debian packages libhunspell-1.7-0, hunspell-sv)",
            ),
            (Morphology::Fallback, SwedishMorphology::Fallback) => (
                "suomen ja ruotsin tekstin",
                "finska och svenska texter",
                "Finnish and Swedish text (libvoikko and Hunspell are missing: Debian packages libvoikko1, voikko-fi, libhunspell-1.7-0, hunspell-sv)",
            ),
        };
        Some(Message {
            fi: format!(
                "Kirjausten tarkistus toimii suppeampana: {fi} taivutusmuotoja ei tunnisteta täysin, joten osa loukkaavista sanoista ja terveystiedoista voi jäädä huomaamatta."
            ),
            sv: format!(
                "Granskningen av anteckningar är begränsad: böjningsformer i {sv} känns inte igen fullt ut, så en del kränkande ord och hälsouppgifter kan förbli oupptäckta."
            ),
            en: format!(
                "The entry checker runs with its fallback morphology for {en}: some inflected offensive words and health data may go unnoticed."
            ),
        })
    }
}

impl std::fmt::Display for MorphologyStatus {
    /// `Finnish: libvoikko; Swedish: Hunspell (/usr/share/hunspell/sv_FI)`, or with
    /// `fallback (reason)` in place of a library.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.finnish, &self.finnish_reason) {
            (Morphology::Voikko, _) => f.write_str("Finnish: libvoikko")?,
            (Morphology::Fallback, Some(r)) => write!(f, "Finnish: fallback ({r})")?,
            (Morphology::Fallback, None) => f.write_str("Finnish: fallback")?,
        }
        match (
            &self.swedish,
            &self.swedish_reason,
            &self.swedish_dictionary,
        ) {
            (SwedishMorphology::Hunspell, _, Some(d)) => write!(f, "; Swedish: Hunspell ({d})"),
            (SwedishMorphology::Hunspell, _, None) => f.write_str("; Swedish: Hunspell"),
            (SwedishMorphology::Fallback, Some(r), _) => write!(f, "; Swedish: fallback ({r})"),
            (SwedishMorphology::Fallback, None, _) => f.write_str("; Swedish: fallback"),
        }
    }
}

/// What the checker knows of one word.
#[derive(Debug, Default)]
pub(crate) struct WordInfo {
    /// `Some(true)` when the library analysed the word, `Some(false)` when it had no analysis,
    /// `None` without the library.
    pub known: Option<bool>,
    /// Base forms and compound-part bases from the library (exact matches).
    pub bases: Vec<String>,
    /// Stems (matched allowing a changed stem ending, and by compound heads).
    pub stems: Vec<String>,
    /// The word-list entries it matches (offensive, health, benefit), filled by the checker on
    /// first use; a checker has one data set, so the cached match stays valid.
    pub matches: OnceLock<[Option<usize>; 3]>,
}

/// Upper bound of each per-checker analysis cache (distinct words).
const CACHE_LIMIT: usize = 65_536;

type Cache = HashMap<String, Arc<WordInfo>>;

enum Finnish {
    Voikko(Mutex<(Voikko, Cache)>),
    Fallback(Mutex<Cache>),
}

enum Swedish {
    Hunspell(Mutex<(Hunspell, Cache)>),
    Fallback(Mutex<Cache>),
}

pub(crate) struct Analyzer {
    finnish: Finnish,
    swedish: Swedish,
    status: MorphologyStatus,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Analyzer({})", self.status)
    }
}

/// Why a checker could not get the morphology it was asked for.
#[derive(Debug, thiserror::Error)]
pub(crate) enum MorphError {
    #[error(transparent)]
    Voikko(#[from] VoikkoError),
    #[error(transparent)]
    Hunspell(#[from] HunspellError),
}

fn switched_off(var: &str) -> bool {
    std::env::var(var).is_ok_and(|v| v.eq_ignore_ascii_case("off"))
}

impl Analyzer {
    pub fn new(config: MorphologyConfig) -> Result<Self, MorphError> {
        let (finnish, finnish_reason) = match config.finnish {
            Library::Off => (None, Some("switched off".to_owned())),
            Library::Auto if switched_off("KIRJURI_VOIKKO") => {
                (None, Some("KIRJURI_VOIKKO=off".to_owned()))
            }
            Library::Auto => match Voikko::open() {
                Ok(v) => (Some(v), None),
                Err(e) => (None, Some(e.to_string())),
            },
            Library::Required => (Some(Voikko::open()?), None),
        };
        let (swedish, swedish_reason) = match config.swedish {
            Library::Off => (None, Some("switched off".to_owned())),
            Library::Auto if switched_off("KIRJURI_HUNSPELL") => {
                (None, Some("KIRJURI_HUNSPELL=off".to_owned()))
            }
            Library::Auto => match Hunspell::open_swedish() {
                Ok(h) => (Some(h), None),
                Err(e) => (None, Some(e.to_string())),
            },
            Library::Required => (Some(Hunspell::open_swedish()?), None),
        };
        let status = MorphologyStatus {
            finnish: if finnish.is_some() {
                Morphology::Voikko
            } else {
                Morphology::Fallback
            },
            swedish: if swedish.is_some() {
                SwedishMorphology::Hunspell
            } else {
                SwedishMorphology::Fallback
            },
            finnish_reason,
            swedish_reason,
            swedish_dictionary: swedish
                .as_ref()
                .map(|h| h.dictionary().display().to_string()),
        };
        Ok(Analyzer {
            finnish: match finnish {
                Some(v) => Finnish::Voikko(Mutex::new((v, Cache::new()))),
                None => Finnish::Fallback(Mutex::new(Cache::new())),
            },
            swedish: match swedish {
                Some(h) => Swedish::Hunspell(Mutex::new((h, Cache::new()))),
                None => Swedish::Fallback(Mutex::new(Cache::new())),
            },
            status,
        })
    }

    pub fn kind(&self) -> Morphology {
        self.status.finnish
    }

    pub fn status(&self) -> &MorphologyStatus {
        &self.status
    }

    // A panic while holding a lock cannot leave a cache inconsistent (entries are inserted
    // whole), so a poisoned lock is used as it is.

    /// What is known of a Finnish word.
    pub fn word(&self, word: &str) -> Arc<WordInfo> {
        match &self.finnish {
            Finnish::Fallback(m) => {
                let mut cache = m.lock().unwrap_or_else(PoisonError::into_inner);
                cached(&mut cache, word, |w| WordInfo {
                    stems: fallback_stems(w),
                    ..WordInfo::default()
                })
            }
            Finnish::Voikko(m) => {
                let mut guard = m.lock().unwrap_or_else(PoisonError::into_inner);
                let (voikko, cache) = &mut *guard;
                cached(cache, word, |w| voikko_info(voikko, w))
            }
        }
    }

    /// What is known of a Swedish word.
    pub fn swedish_word(&self, word: &str) -> Arc<WordInfo> {
        match &self.swedish {
            Swedish::Fallback(m) => {
                let mut cache = m.lock().unwrap_or_else(PoisonError::into_inner);
                cached(&mut cache, word, |w| WordInfo {
                    stems: swedish_stems(w),
                    ..WordInfo::default()
                })
            }
            Swedish::Hunspell(m) => {
                let mut guard = m.lock().unwrap_or_else(PoisonError::into_inner);
                let (hunspell, cache) = &mut *guard;
                cached(cache, word, |w| hunspell_info(hunspell, w))
            }
        }
    }
}

fn cached(cache: &mut Cache, word: &str, make: impl FnOnce(&str) -> WordInfo) -> Arc<WordInfo> {
    if let Some(info) = cache.get(word) {
        return Arc::clone(info);
    }
    let info = Arc::new(make(word));
    // Cleared when full: simple, and a working set of an office's vocabulary refills it quickly.
    if cache.len() >= CACHE_LIMIT {
        cache.clear();
    }
    cache.insert(word.to_owned(), Arc::clone(&info));
    info
}

fn voikko_info(voikko: &mut Voikko, word: &str) -> WordInfo {
    let analyses = voikko.analyze(word);
    if analyses.is_empty() {
        return WordInfo {
            known: Some(false),
            stems: fallback_stems(word),
            ..WordInfo::default()
        };
    }
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
}

fn hunspell_info(hunspell: &mut Hunspell, word: &str) -> WordInfo {
    let a = hunspell.analyze(word);
    if !a.known || a.stems.is_empty() {
        return WordInfo {
            known: Some(a.known),
            stems: swedish_stems(word),
            ..WordInfo::default()
        };
    }
    // Hunspell's stems are real base forms (exact matches) and, since its dictionary lists many
    // compounds whole (`ryggproblem`), also stems for compound heads and changed endings.
    let mut stems = a.stems.clone();
    // A compound Hunspell builds by its compounding rules comes back unreduced (its stem of
    // `koncentrationssvårigheter` is the word itself): its last part gets the fallback's
    // endings stripped, for compound matching.
    let lower = word.to_lowercase();
    if a.stems.contains(&lower) {
        for s in swedish_stems(word) {
            push_unique(&mut stems, s);
        }
    }
    WordInfo {
        known: Some(true),
        bases: a.stems,
        stems,
        ..WordInfo::default()
    }
}

fn push_unique(v: &mut Vec<String>, s: String) {
    if !s.is_empty() && !v.contains(&s) {
        v.push(s);
    }
}

/// Case endings, possessive suffixes, clitics and derivational endings, longest first.
const FI_SUFFIXES: &[&str] = &[
    "maisen", "maista", "mainen", "maiset", "maisia", "maisten", "mäisen", "mäistä", "mäinen",
    "mäiset", "mäisiä", "mäisten", "illekin", "ssakin", "staan", "ineen", "iksi", "ille", "illa",
    "illä", "ilta", "iltä", "issa", "issä", "ista", "istä", "iden", "itten", "ihin", "ansa",
    "änsä", "ensa", "ensä", "kaan", "kään", "seen", "mais", "ssa", "ssä", "sta", "stä", "lla",
    "llä", "lta", "ltä", "lle", "ksi", "tta", "ttä", "iin", "ien", "ita", "itä", "ton", "sti",
    "kin", "han", "hän", "hen", "ni", "si", "na", "nä", "ja", "jä", "ia", "iä", "in", "ko", "kö",
    "n", "a", "ä", "t", "i",
];

/// Swedish endings (definite forms, plurals, genitive, adjective endings), longest first.
const SV_SUFFIXES: &[&str] = &[
    "arnas", "ernas", "ornas", "orna", "arna", "erna", "ens", "ets", "nas", "en", "et", "er", "ar",
    "or", "na", "an", "s", "n", "a", "e", "t",
];

/// Fallback stems of a Finnish word: the lower-cased word and the word with one or two endings
/// stripped, `-kse-`/`-ks` stems turned back into `-s` (masennuksen → masennus, kohtauksista →
/// kohtaus), of each hyphen- or colon-separated part. Compound heads (right-hand pieces of the
/// stems) are tried at lookup.
pub(crate) fn fallback_stems(word: &str) -> Vec<String> {
    let lower = word.to_lowercase();
    let mut out = Vec::new();
    for part in lower.split(['-', ':']).filter(|p| !p.is_empty()) {
        stems_of(part, FI_SUFFIXES, &mut out);
    }
    out
}

/// Stems of a Swedish word (no morphology: lower-casing and stripping a few endings), with a
/// doubled final consonant made single (`dumma` → `dum`) and a dropped `e` put back (`galna` →
/// `galen`, `enkla` → `enkel`).
pub(crate) fn swedish_stems(word: &str) -> Vec<String> {
    let lower = word.to_lowercase();
    let mut out = Vec::new();
    for part in lower.split(['-', ':']).filter(|p| !p.is_empty()) {
        stems_of(part, SV_SUFFIXES, &mut out);
    }
    let mut extra = Vec::new();
    for s in &out {
        let c: Vec<char> = s.chars().collect();
        let n = c.len();
        if n < 3 {
            continue;
        }
        let vowel = |ch: char| "aeiouyåäö".contains(ch);
        if c[n - 1] == c[n - 2] && !vowel(c[n - 1]) {
            extra.push(c[..n - 1].iter().collect::<String>());
        }
        if matches!(c[n - 1], 'n' | 'l' | 'r') && !vowel(c[n - 2]) && vowel(c[n - 3]) {
            extra.push(format!(
                "{}e{}",
                c[..n - 1].iter().collect::<String>(),
                c[n - 1]
            ));
        }
    }
    for e in extra {
        push_unique(&mut out, e);
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
                if let Some(s) = stem.strip_suffix("kse").or_else(|| stem.strip_suffix("ks")) {
                    push_unique(out, format!("{s}s"));
                }
            }
        }
    }
}

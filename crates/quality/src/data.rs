//! The checker's data files: the abbreviation glossary, generally known abbreviations and
//! official names, and the word lists (offensive, health, benefit). Formats: `README.md`.
//!
//! Parsed strictly: a malformed line is a [`DataError::Malformed`] naming file and line.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use kirjuri_domain::Language;

/// The data files, by name, with the repository's versions embedded as the defaults.
pub const FILES: [(&str, &str); 6] = [
    (ABBREVIATIONS, include_str!("../data/abbreviations.tsv")),
    (KNOWN, include_str!("../data/known-abbreviations.txt")),
    (OFFENSIVE, include_str!("../data/offensive.tsv")),
    (HEALTH, include_str!("../data/health.tsv")),
    (
        HEALTH_COMPOUNDS,
        include_str!("../data/health-compounds.tsv"),
    ),
    (BENEFITS, include_str!("../data/benefits.tsv")),
];
const ABBREVIATIONS: &str = "abbreviations.tsv";
const KNOWN: &str = "known-abbreviations.txt";
const OFFENSIVE: &str = "offensive.tsv";
const HEALTH: &str = "health.tsv";
const HEALTH_COMPOUNDS: &str = "health-compounds.tsv";
const BENEFITS: &str = "benefits.tsv";

/// Why the data files could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A line does not follow the file's format.
    #[error("{file}:{line}: {reason}")]
    Malformed {
        /// The file (name or path).
        file: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
}

/// An abbreviation, or an abbreviation with a fixed word after a hyphen (`TE-toimisto`,
/// `KEHA-keskus`): the upper-case head and the lower-case base form of the word, if any.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AbbrKey {
    /// Upper-case head, e.g. `KEHA`.
    pub head: String,
    /// Base form after the hyphen, e.g. `keskus`; empty for a plain abbreviation.
    pub word: String,
}

/// A glossary entry: the full forms to suggest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlossaryEntry {
    /// As written in the file, e.g. `TE-toimisto`.
    pub key: String,
    /// Full form in Finnish.
    pub fi: String,
    /// Full form in Swedish.
    pub sv: String,
}

/// Category of a word-list entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Offensive: a slur (always blocks).
    Slur,
    /// Offensive: an insult.
    Insult,
    /// Offensive: a belittling word.
    Belittling,
    /// Health: a diagnosis or illness.
    Diagnosis,
    /// Health: a medicine.
    Medication,
    /// Health: another health or work-capacity term.
    Health,
    /// Benefit details (confidential; blocks in outgoing e-mail).
    Benefit,
}

impl Category {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "slur" => Category::Slur,
            "insult" => Category::Insult,
            "belittling" => Category::Belittling,
            "diagnosis" => Category::Diagnosis,
            "medication" => Category::Medication,
            "health" => Category::Health,
            "benefit" => Category::Benefit,
            _ => return None,
        })
    }
}

/// A word-list entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordEntry {
    /// Lower-case base form.
    pub base: String,
    /// Category.
    pub category: Category,
    /// Suggested neutral wording, if the file gives one.
    pub suggestion: Option<String>,
}

/// A word list indexed by language: exact base forms, and stem keys (the base form with its
/// last one or two letters removed, at least four letters) for fallback stems.
#[derive(Debug, Clone, Default)]
pub struct WordList {
    entries: Vec<WordEntry>,
    exact: HashMap<Language, FnvMap>,
    stem: HashMap<Language, FnvMap>,
    /// The last two bytes of every key: a stem whose end is not here matches no key, nor does
    /// any of its compound heads (they share its end), so most stems cost one lookup.
    ends: HashMap<Language, HashSet<[u8; 2]>>,
}

fn end_of(s: &str) -> Option<[u8; 2]> {
    let b = s.as_bytes();
    (b.len() >= 2).then(|| [b[b.len() - 2], b[b.len() - 1]])
}

/// A map from a word-list key to an entry, hashed with FNV-1a: the fallback looks up many
/// short stems per word, and SipHash dominated that cost. The keys come from the data files,
/// and lookups never insert, so collision flooding by a text is not a concern.
type FnvMap = HashMap<String, usize, std::hash::BuildHasherDefault<Fnv>>;

/// FNV-1a, 64 bits.
#[derive(Debug)]
pub(crate) struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

impl WordList {
    /// Number of entries (all languages).
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The entry at an index from [`WordList::exact`] or [`WordList::stem`].
    pub(crate) fn entry(&self, i: usize) -> Option<&WordEntry> {
        self.entries.get(i)
    }

    /// Whether some key (or compound head of `s`) could match: a key ends like `s`.
    pub(crate) fn may_end(&self, lang: Language, s: &str) -> bool {
        end_of(s).is_some_and(|e| self.ends.get(&lang).is_some_and(|set| set.contains(&e)))
    }

    /// Looks up libvoikko base forms (exact).
    pub(crate) fn exact(&self, lang: Language, base: &str) -> Option<usize> {
        self.exact.get(&lang)?.get(base).copied()
    }

    /// Looks up a fallback stem (the entry's base form or the base form less one or two
    /// final letters).
    pub(crate) fn stem(&self, lang: Language, stem: &str) -> Option<usize> {
        self.exact
            .get(&lang)
            .and_then(|m| m.get(stem))
            .or_else(|| self.stem.get(&lang)?.get(stem))
            .copied()
    }
}

/// All the checker's data.
#[derive(Debug, Clone, Default)]
pub struct Data {
    pub(crate) glossary: HashMap<AbbrKey, GlossaryEntry>,
    pub(crate) known: HashSet<AbbrKey>,
    pub(crate) offensive: WordList,
    pub(crate) health: WordList,
    pub(crate) health_compounds: Compounds,
    pub(crate) benefits: WordList,
}

impl Data {
    /// The repository's data files, embedded at build time.
    pub fn embedded() -> Result<Data, DataError> {
        Self::build(|name| {
            FILES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, text)| ((*text).to_owned(), name.to_owned()))
                .ok_or_else(|| DataError::Read {
                    path: name.into(),
                    source: std::io::ErrorKind::NotFound.into(),
                })
        })
    }

    /// The data files in `dir`; a file missing there is taken from the embedded defaults, so an
    /// administrator can override one list without copying the others.
    pub fn from_dir(dir: &Path) -> Result<Data, DataError> {
        Self::build(|name| {
            let path = dir.join(name);
            match std::fs::read_to_string(&path) {
                Ok(text) => Ok((text, path.display().to_string())),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => FILES
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, text)| ((*text).to_owned(), name.to_owned()))
                    .ok_or(DataError::Read { path, source: e }),
                Err(source) => Err(DataError::Read { path, source }),
            }
        })
    }

    fn build(
        mut read: impl FnMut(&str) -> Result<(String, String), DataError>,
    ) -> Result<Data, DataError> {
        let (text, file) = read(ABBREVIATIONS)?;
        let glossary = parse_glossary(&text, &file)?;
        let (text, file) = read(KNOWN)?;
        let known = parse_known(&text, &file)?;
        let offensive = {
            let (text, file) = read(OFFENSIVE)?;
            parse_words(
                &text,
                &file,
                &[Category::Slur, Category::Insult, Category::Belittling],
            )?
        };
        let health = {
            let (text, file) = read(HEALTH)?;
            parse_words(
                &text,
                &file,
                &[Category::Diagnosis, Category::Medication, Category::Health],
            )?
        };
        let health_compounds = {
            let (text, file) = read(HEALTH_COMPOUNDS)?;
            parse_compounds(&text, &file)?
        };
        let benefits = {
            let (text, file) = read(BENEFITS)?;
            parse_words(&text, &file, &[Category::Benefit])?
        };
        Ok(Data {
            glossary,
            known,
            offensive,
            health,
            health_compounds,
            benefits,
        })
    }

    /// Number of glossary entries.
    pub fn glossary_len(&self) -> usize {
        self.glossary.len()
    }
}

/// Content lines: (1-based number, text) without comments (`#` first) and blank lines.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)))
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
}

fn malformed(file: &str, line: usize, reason: impl Into<String>) -> DataError {
    DataError::Malformed {
        file: file.to_owned(),
        line,
        reason: reason.into(),
    }
}

/// `OMO`, `TE-toimisto`, `KEHA-keskus`: an abbreviation of >= 2 letters (upper case in the
/// glossary), optionally `-` and a lower-case word.
fn parse_key(key: &str, upper_only: bool) -> Result<AbbrKey, String> {
    let (head, word) = key.split_once('-').unwrap_or((key, ""));
    let letters = head.chars().filter(|c| c.is_alphabetic()).count();
    if letters < 2 || !head.chars().all(|c| c.is_alphanumeric()) {
        return Err(format!(
            "abbreviation {head:?} must be at least two letters or digits, no spaces"
        ));
    }
    if upper_only && head.chars().any(|c| c.is_lowercase()) {
        return Err(format!("abbreviation {head:?} must be in upper case"));
    }
    if !word.chars().all(|c| c.is_alphabetic() && c.is_lowercase()) {
        return Err(format!(
            "the word after the hyphen in {key:?} must be one lower-case base form"
        ));
    }
    Ok(AbbrKey {
        head: head.to_uppercase(),
        word: word.to_owned(),
    })
}

fn parse_glossary(text: &str, file: &str) -> Result<HashMap<AbbrKey, GlossaryEntry>, DataError> {
    let mut out = HashMap::new();
    for (n, line) in lines(text) {
        let fields: Vec<&str> = line.split('\t').collect();
        let [key, fi, sv] = fields[..] else {
            return Err(malformed(
                file,
                n,
                format!(
                    "expected 3 tab-separated fields (abbreviation, Finnish, Swedish), found {}",
                    fields.len()
                ),
            ));
        };
        let parsed = parse_key(key.trim(), true).map_err(|r| malformed(file, n, r))?;
        if fi.trim().is_empty() || sv.trim().is_empty() {
            return Err(malformed(file, n, "empty full form"));
        }
        let entry = GlossaryEntry {
            key: key.trim().to_owned(),
            fi: fi.trim().to_owned(),
            sv: sv.trim().to_owned(),
        };
        if out.insert(parsed, entry).is_some() {
            return Err(malformed(
                file,
                n,
                format!("duplicate abbreviation {key:?}"),
            ));
        }
    }
    Ok(out)
}

fn parse_known(text: &str, file: &str) -> Result<HashSet<AbbrKey>, DataError> {
    let mut out = HashSet::new();
    for (n, line) in lines(text) {
        let key = line.trim();
        if key.contains(char::is_whitespace) {
            return Err(malformed(file, n, "one abbreviation or name per line"));
        }
        let parsed = parse_key(key, false).map_err(|r| malformed(file, n, r))?;
        if !out.insert(parsed) {
            return Err(malformed(file, n, format!("duplicate entry {key:?}")));
        }
    }
    Ok(out)
}

fn parse_words(text: &str, file: &str, allowed: &[Category]) -> Result<WordList, DataError> {
    let mut list = WordList::default();
    let names: Vec<&str> = allowed
        .iter()
        .map(|c| match c {
            Category::Slur => "slur",
            Category::Insult => "insult",
            Category::Belittling => "belittling",
            Category::Diagnosis => "diagnosis",
            Category::Medication => "medication",
            Category::Health => "health",
            Category::Benefit => "benefit",
        })
        .collect();
    for (n, line) in lines(text) {
        let fields: Vec<&str> = line.split('\t').collect();
        if !(3..=4).contains(&fields.len()) {
            return Err(malformed(
                file,
                n,
                format!(
                    "expected 3 or 4 tab-separated fields (language, base form, category[, suggestion]), found {}",
                    fields.len()
                ),
            ));
        }
        let lang = match fields[0].trim() {
            "fi" => Language::Fi,
            "sv" => Language::Sv,
            other => {
                return Err(malformed(
                    file,
                    n,
                    format!("unknown language {other:?} (fi or sv)"),
                ))
            }
        };
        let base = fields[1].trim();
        if base.chars().count() < 3 || !base.chars().all(|c| c.is_alphabetic() && c.is_lowercase())
        {
            return Err(malformed(
                file,
                n,
                format!("base form {base:?} must be one lower-case word of at least 3 letters"),
            ));
        }
        let category = Category::parse(fields[2].trim())
            .filter(|c| allowed.contains(c))
            .ok_or_else(|| {
                malformed(
                    file,
                    n,
                    format!(
                        "unknown category {:?} (one of: {})",
                        fields[2].trim(),
                        names.join(", ")
                    ),
                )
            })?;
        let suggestion = fields
            .get(3)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty());
        let index = list.entries.len();
        if list
            .exact
            .entry(lang)
            .or_default()
            .insert(base.to_owned(), index)
            .is_some()
        {
            return Err(malformed(file, n, format!("duplicate base form {base:?}")));
        }
        let ends = list.ends.entry(lang).or_default();
        ends.extend(end_of(base));
        list.entries.push(WordEntry {
            base: base.to_owned(),
            category,
            suggestion,
        });
        // Stem keys: the base (and, for Finnish, its inflection stems) less its last one or
        // two letters (at least four letters left).
        for key in stem_keys(lang, base) {
            list.ends.entry(lang).or_default().extend(end_of(&key));
            list.stem
                .entry(lang)
                .or_default()
                .entry(key)
                .or_insert(index);
        }
    }
    Ok(list)
}

/// The keys a fallback stem of `base` may take: the base less its last one or two letters
/// (at least four left), and for Finnish also the inflection stems of [`finnish_variants`],
/// whole and less one or two letters.
pub(crate) fn stem_keys(lang: Language, base: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut add = |k: &str| {
        if !k.is_empty() && !keys.iter().any(|x: &String| x == k) {
            keys.push(k.to_owned());
        }
    };
    let cuts = |w: &str, whole: bool, add: &mut dyn FnMut(&str)| {
        let chars: Vec<(usize, char)> = w.char_indices().collect();
        if whole && chars.len() >= 4 {
            add(w);
        }
        for cut in 1..=2 {
            if chars.len() >= 4 + cut {
                add(&w[..chars[chars.len() - cut].0]);
            }
        }
    };
    cuts(base, false, &mut add);
    if lang == Language::Fi {
        for v in finnish_variants(base) {
            cuts(&v, true, &mut add);
        }
    }
    keys
}

/// Inflection stems of a Finnish base form that suffix stripping cannot reach: the weak grade
/// of its last consonant (`kipu` → `kivu`, `syöpä` → `syövä`, `selkä` → `selä`, `juoppo` →
/// `juopo`, `tauti` → `taudi`, `lintu` → `linnu`), the strong grade of an `-e` word (`lääke` →
/// `lääkkee`), and the stems of common derivational endings (`sairaus` → `sairaude`,
/// `saamaton` → `saamattoma`, `loinen` → `loise`, `masentunut` → `masentunee`).
pub(crate) fn finnish_variants(base: &str) -> Vec<String> {
    let mut out = Vec::new();
    let c: Vec<char> = base.chars().collect();
    let n = c.len();
    let vowel = |ch: char| "aeiouyäö".contains(ch);
    let s = |v: &[char]| v.iter().collect::<String>();
    if n < 4 {
        return out;
    }
    // Derivational endings.
    for (end, stems) in [
        ("nen", &["se"][..]),
        ("ton", &["ttoma"][..]),
        ("tön", &["ttömä"][..]),
        ("us", &["ude", "uksi"][..]),
        ("ys", &["yde", "yksi"][..]),
        ("nut", &["nee"][..]),
        ("nyt", &["nee"][..]),
        ("is", &["ikse", "iksi"][..]),
    ] {
        if let Some(stem) = base.strip_suffix(end) {
            for t in stems {
                out.push(format!("{stem}{t}"));
            }
            return out;
        }
    }
    // An `-e` word: strong grade before the long vowel (lääke → lääkkee, tarvike → tarvikkee).
    if c[n - 1] == 'e' && !vowel(c[n - 2]) && vowel(c[n - 3]) {
        let strong = match c[n - 2] {
            'k' => "kk",
            'p' => "pp",
            't' => "tt",
            _ => "",
        };
        if !strong.is_empty() {
            out.push(format!("{}{strong}ee", s(&c[..n - 2])));
        }
        out.push(format!("{base}e"));
        return out;
    }
    // A word ending in a vowel: the weak grade of the consonants before it.
    if vowel(c[n - 1]) && !vowel(c[n - 2]) {
        let last = c[n - 1];
        let (a, b) = (c[n - 3], c[n - 2]);
        let weak: Option<(usize, &str)> = match (a, b) {
            ('k', 'k') => Some((2, "k")),
            ('p', 'p') => Some((2, "p")),
            ('t', 't') => Some((2, "t")),
            ('n', 'k') => Some((2, "ng")),
            ('m', 'p') => Some((2, "mm")),
            ('l', 't') => Some((2, "ll")),
            ('n', 't') => Some((2, "nn")),
            ('r', 't') => Some((2, "rr")),
            ('l', 'k') => Some((2, "l")),
            ('r', 'k') => Some((2, "r")),
            ('h', 'k') => Some((2, "h")),
            (v, 'p') if vowel(v) => Some((1, "v")),
            (v, 't') if vowel(v) => Some((1, "d")),
            _ => None,
        };
        if let Some((len, repl)) = weak {
            out.push(format!("{}{repl}{last}", s(&c[..n - 1 - len])));
        }
    }
    out
}

/// Health compounds: a *site* (a body part or a field of health: `selkä`, `uni`, `päihde`,
/// `rygg`, `sömn`) with a *part* (a word that alone says little: `ongelma`, `vaiva`, `problem`,
/// `skada`) is health data (`selkävaiva`, `uniongelmista`, `ryggproblem`); either alone is not
/// (`rahaongelma`, `pääongelma`).
#[derive(Debug, Clone, Default)]
pub struct Compounds {
    parts: Vec<String>,
    /// Whether each part is a *head*: health data after any first part, no site needed.
    heads: Vec<bool>,
    /// Organisation words (`säätiö`, `förbund`) and their stems: a word containing one is a
    /// name, not health data.
    names: Vec<String>,
    /// Part keys (base forms, Finnish inflection stems, less one or two letters) → part.
    part_keys: HashMap<Language, FnvMap>,
    /// Site base forms and their Finnish inflection stems.
    sites: HashMap<Language, Vec<String>>,
    /// The last two bytes of every part key (a cheap first test, as in [`WordList`]).
    ends: HashMap<Language, HashSet<[u8; 2]>>,
}

impl Compounds {
    /// A part whose base form or stem key is `s`.
    pub(crate) fn part(&self, lang: Language, s: &str) -> Option<usize> {
        self.part_keys.get(&lang)?.get(s).copied()
    }

    /// Whether some part key could end `s` (or `s` less a final letter of up to two bytes).
    pub(crate) fn may_end(&self, lang: Language, s: &str) -> bool {
        end_of(s).is_some_and(|e| self.ends.get(&lang).is_some_and(|set| set.contains(&e)))
    }

    /// Whether the part at `i` needs no site.
    pub(crate) fn is_head(&self, i: usize) -> bool {
        self.heads.get(i).copied().unwrap_or(false)
    }

    /// Whether a lower-case word contains an organisation word (it is a name).
    pub(crate) fn is_name(&self, word: &str) -> bool {
        self.names.iter().any(|n| word.contains(n.as_str()))
    }

    /// Whether `s` is a site's base form.
    pub(crate) fn is_site(&self, lang: Language, s: &str) -> bool {
        self.sites
            .get(&lang)
            .is_some_and(|v| v.iter().any(|x| x == s))
    }

    /// Whether `s` ends with a site (or one of its stems).
    pub(crate) fn ends_with_site(&self, lang: Language, s: &str) -> bool {
        self.sites
            .get(&lang)
            .is_some_and(|v| v.iter().any(|x| s.ends_with(x.as_str())))
    }
}

fn parse_compounds(text: &str, file: &str) -> Result<Compounds, DataError> {
    let mut c = Compounds::default();
    let mut seen = HashSet::new();
    for (n, line) in lines(text) {
        let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
        let [lang, role, word] = fields[..] else {
            return Err(malformed(
                file,
                n,
                format!(
                    "expected 3 tab-separated fields (language, role, word), found {}",
                    fields.len()
                ),
            ));
        };
        let lang = match lang {
            "fi" => Language::Fi,
            "sv" => Language::Sv,
            other => {
                return Err(malformed(
                    file,
                    n,
                    format!("unknown language {other:?} (fi or sv)"),
                ))
            }
        };
        if word.chars().count() < 2 || !word.chars().all(|c| c.is_alphabetic() && c.is_lowercase())
        {
            return Err(malformed(
                file,
                n,
                format!("word {word:?} must be one lower-case word of at least 2 letters"),
            ));
        }
        if !seen.insert((lang, role.to_owned(), word.to_owned())) {
            return Err(malformed(file, n, format!("duplicate {role} {word:?}")));
        }
        match role {
            "site" => {
                let sites = c.sites.entry(lang).or_default();
                sites.push(word.to_owned());
                if lang == Language::Fi {
                    sites.extend(finnish_variants(word));
                }
            }
            "name" => {
                c.names.push(word.to_owned());
                if lang == Language::Fi {
                    c.names.extend(finnish_variants(word));
                }
            }
            "part" | "head" => {
                let index = c.parts.len();
                c.parts.push(word.to_owned());
                c.heads.push(role == "head");
                let keys = c.part_keys.entry(lang).or_default();
                let ends = c.ends.entry(lang).or_default();
                keys.entry(word.to_owned()).or_insert(index);
                ends.extend(end_of(word));
                for k in stem_keys(lang, word) {
                    ends.extend(end_of(&k));
                    keys.entry(k).or_insert(index);
                }
            }
            other => {
                return Err(malformed(
                    file,
                    n,
                    format!("unknown role {other:?} (site, part, head or name)"),
                ))
            }
        }
    }
    Ok(c)
}

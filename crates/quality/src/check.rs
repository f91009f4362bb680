//! The checks themselves: tokens, abbreviations, word lists, ICD-10 codes, identity codes,
//! clarity.

use std::collections::HashMap;
use std::ops::Range;

use kirjuri_domain::{EntryKind, Language};

use crate::data::{AbbrKey, Category, Compounds, Data, GlossaryEntry, WordEntry, WordList};
use crate::morph::{Analyzer, WordInfo};
use crate::{hetu, Context, Finding, Kind, Message, Purpose, Severity};

/// A sentence longer than this many words is a clarity warning (A13).
pub(crate) const LONG_SENTENCE_WORDS: usize = 30;

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    start: usize,
    end: usize,
    text: &'a str,
}

/// Maximal runs of letters and digits; `-`, `:`, `.`, `'` and `’` join when between two of them
/// (`TTV:lle`, `OMO-opintojen`, `F32.1`).
fn tokens(text: &str) -> Vec<Token<'_>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].1.is_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i + 1;
        while j < chars.len() {
            let c = chars[j].1;
            if c.is_alphanumeric() {
                j += 1;
            } else if matches!(c, '-' | ':' | '.' | '\'' | '’')
                && j + 1 < chars.len()
                && chars[j + 1].1.is_alphanumeric()
            {
                j += 2;
            } else {
                break;
            }
        }
        let (s, e) = (chars[start].0, chars.get(j).map_or(text.len(), |c| c.0));
        out.push(Token {
            start: s,
            end: e,
            text: &text[s..e],
        });
        i = j;
    }
    out
}

fn finding(
    kind: Kind,
    severity: Severity,
    bytes: Range<usize>,
    matched: String,
    message: Message,
    suggestion: Option<Message>,
) -> Finding {
    Finding {
        kind,
        severity,
        chars: 0..0,
        bytes,
        matched,
        message,
        suggestion,
    }
}

fn msg(fi: String, sv: String, en: String) -> Message {
    Message { fi, sv, en }
}

pub(crate) fn run(data: &Data, analyzer: &Analyzer, text: &str, ctx: &Context) -> Vec<Finding> {
    let email = ctx.purpose == Purpose::OutgoingEmail;
    let mut out = Vec::new();

    // Identity codes first: their tokens are not checked as words or abbreviations.
    let codes = hetu::find(text);
    for r in &codes {
        let masked = hetu::mask(&text[r.clone()]);
        out.push(finding(
            Kind::Hetu,
            // Issue 15 item 15: the code belongs in the client's identity-code field; in free
            // text it would be copied wherever the text goes (documents, payers, exports).
            Severity::Block,
            r.clone(),
            masked.clone(),
            if email {
                msg(
                    "Henkilötunnusta ei lähetetä tavallisella sähköpostilla.".into(),
                    "Personbeteckningen skickas inte med vanlig e-post.".into(),
                    "An identity code is never sent by ordinary e-mail.".into(),
                )
            } else {
                msg(
                    "Henkilötunnus vapaassa tekstissä: se on jo asiakkaan tiedoissa.".into(),
                    "Personbeteckning i fritext: den finns redan i kundens uppgifter.".into(),
                    "Identity code in free text: it is already in the client's data.".into(),
                )
            },
            Some(msg(
                format!("Poista tunnus (tarvittaessa muodossa {masked}); käytä suojattua viestiä."),
                format!(
                    "Ta bort beteckningen (vid behov som {masked}); använd skyddat meddelande."
                ),
                format!("Remove the code (if needed as {masked}); use a secure message."),
            )),
        ));
    }

    let toks: Vec<Token<'_>> = tokens(text)
        .into_iter()
        .filter(|t| !codes.iter().any(|r| r.start < t.end && t.start < r.end))
        .collect();

    abbreviations(data, analyzer, text, ctx, &toks, &mut out);
    words(data, analyzer, text, ctx, &toks, &mut out);
    clarity(text, &mut out);
    format_chars(text, &mut out);

    out.sort_by_key(|f| (f.bytes.start, f.bytes.end, f.kind));
    set_char_ranges(text, &mut out);
    out
}

// ---------------------------------------------------------------- abbreviations (A14)

/// Finnish endings an abbreviation takes without a separator when written in a hurry
/// (`OMOn`, `TYPssä`, `KEHAan`, `ELYstä`): case endings, optionally followed by a clitic.
const FI_GLUED: &[&str] = &[
    "n", "a", "ä", "ta", "tä", "na", "nä", "ssa", "ssä", "sta", "stä", "lla", "llä", "lta", "ltä",
    "lle", "ksi", "tta", "ttä", "t", "han", "hen", "hin", "hon", "hun", "hyn", "hän", "hön", "an",
    "en", "in", "on", "un", "yn", "än", "ön", "seen", "iin", "ien", "ia", "iä", "ja", "jä", "ita",
    "itä", "issa", "issä", "ista", "istä", "illa", "illä", "ilta", "iltä", "ille", "iksi", "ina",
    "inä", "ineen", "ihin",
];
const FI_CLITICS: &[&str] = &[
    "", "kin", "kaan", "kään", "ko", "kö", "han", "hän", "pa", "pä",
];
/// Swedish endings of an abbreviation written without a colon (`TTVs`, `FPAn`).
const SV_GLUED: &[&str] = &[
    "s", "n", "en", "ens", "et", "ets", "ar", "er", "arna", "erna",
];

/// Whether `rest` (lower-case letters glued to an all-caps head) is an inflection ending.
fn is_glued_ending(rest: &str, lang: Language) -> bool {
    match lang {
        Language::Sv => SV_GLUED.contains(&rest),
        Language::En => rest == "s",
        Language::Fi | Language::Se => FI_GLUED.iter().any(|e| {
            rest.strip_prefix(e)
                .is_some_and(|clitic| FI_CLITICS.contains(&clitic))
        }),
    }
}

/// A Roman numeral of I, V and X (`II`, `IV`, `XII`): a part number, not an abbreviation.
fn is_roman(head: &str) -> bool {
    !head.is_empty()
        && head.len() <= 5
        && head.chars().all(|c| matches!(c, 'I' | 'V' | 'X'))
        && !head.contains("IIII")
        && !head.contains("VV")
}

/// The upper-case head of a token and what follows it (`TTV:lle` → `TTV`, `lle`; `OMOn` →
/// `OMO`, `n`), if the head is an abbreviation candidate: letters and digits only, at least
/// two letters, all of them upper case. An ending glued on without a separator must be one of
/// the language's inflection endings, so names such as `LinkedIn` or `SQLite` are not taken.
fn abbreviation_head(token: &str, lang: Language) -> Option<(&str, &str)> {
    // Most tokens are ordinary words: out at once unless two capitals (or digits) lead.
    let mut lead = token.chars();
    if !lead
        .by_ref()
        .take(2)
        .all(|c| c.is_uppercase() || c.is_ascii_digit())
    {
        return None;
    }
    let cut = token.find(['-', ':']).unwrap_or(token.len());
    let (mut head, mut rest) = (&token[..cut], token.get(cut + 1..).unwrap_or(""));
    if let Some(lower) = head.find(char::is_lowercase) {
        let glued = &head[lower..];
        if !glued.chars().all(char::is_lowercase) || !is_glued_ending(glued, lang) {
            return None;
        }
        // The separator-less ending; anything after a hyphen stays out of the head.
        rest = glued;
        head = &head[..lower];
    }
    let letters = head.chars().filter(|c| c.is_alphabetic()).count();
    let digits = head.chars().filter(char::is_ascii_digit).count();
    let all_upper = head
        .chars()
        .all(|c| c.is_ascii_digit() || (c.is_alphabetic() && c.is_uppercase()));
    // As many digits as letters is a code (`FI21` of an account number, a mistyped identity
    // code), not an abbreviation.
    (letters >= 2 && digits < letters && all_upper && !head.contains('.') && !is_roman(head))
        .then_some((head, rest))
}

/// Longest explanation in parentheses looked for, in bytes.
const EXPLANATION_MAX: usize = 300;

/// Whether the abbreviation at `t` is explained right there: `(ABBR)` after its full form, or
/// `ABBR (full form)` with a lower-case start.
fn explained_here(text: &str, t: &Token<'_>, head: &str) -> bool {
    let before = text[..t.start].trim_end_matches([' ', '\u{a0}']);
    let after = &text[t.end..];
    if t.text == head && before.ends_with('(') && after.starts_with(')') {
        // At least one word before the parenthesis: the full form.
        return before[..before.len() - 1]
            .chars()
            .rev()
            .find(|c| !c.is_whitespace())
            .is_some_and(char::is_alphabetic);
    }
    let after = after.trim_start_matches([' ', '\u{a0}']);
    if let Some(inner) = after.strip_prefix('(') {
        // An explanation is short: look for its `)` within EXPLANATION_MAX bytes, so a text
        // full of unclosed parentheses stays linear.
        let window = inner
            .char_indices()
            .map(|(i, _)| i)
            .find(|&i| i >= EXPLANATION_MAX)
            .unwrap_or(inner.len());
        if let Some(close) = inner[..window].find(')') {
            let inside = &inner[..close];
            return inside.chars().next().is_some_and(char::is_lowercase)
                && inside.chars().filter(|c| c.is_alphabetic()).count() > head.len();
        }
    }
    false
}

/// Whether `rest` (the part after the hyphen) is an inflected form of the base form `word`.
fn rest_is(analyzer: &Analyzer, lang: Language, rest: &str, word: &str) -> bool {
    if rest.is_empty() || word.is_empty() {
        return false;
    }
    let lower = rest.to_lowercase();
    if lower == word {
        return true;
    }
    // Both morphologies: the stem less its last two letters (keskus ~ keskuksen).
    let chars: Vec<char> = word.chars().collect();
    let stem: String = chars[..chars.len().saturating_sub(2).max(3).min(chars.len())]
        .iter()
        .collect();
    if lower.starts_with(&stem) {
        return true;
    }
    match lang {
        Language::Fi => analyzer.word(rest).bases.iter().any(|b| b == word),
        Language::Sv => analyzer.swedish_word(rest).bases.iter().any(|b| b == word),
        _ => false,
    }
}

/// Byte spans of web addresses (`http://…`, `https://…`, up to the next whitespace).
fn link_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut spans = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..]
        .find("https://")
        .or_else(|| text[from..].find("http://"))
    {
        let start = from + found;
        let end = text[start..]
            .find(char::is_whitespace)
            .map_or(text.len(), |e| start + e);
        spans.push(start..end);
        from = end;
    }
    spans
}

/// Whether every letter of the line holding `t` is a capital (a heading).
fn in_capitals_line(text: &str, t: &Token<'_>) -> bool {
    let start = text[..t.start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[t.end..].find('\n').map_or(text.len(), |i| t.end + i);
    text[start..end]
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(char::is_uppercase)
}

/// A token followed by `/digits`: the first part of a register number.
fn is_register_number(text: &str, t: &Token<'_>) -> bool {
    let mut after = text[t.end..].chars();
    after.next() == Some('/') && after.next().is_some_and(|c| c.is_ascii_digit())
}

fn abbreviations(
    data: &Data,
    analyzer: &Analyzer,
    text: &str,
    ctx: &Context,
    toks: &[Token<'_>],
    out: &mut Vec<Finding>,
) {
    // First explanation of each abbreviation (byte position).
    let mut explained: HashMap<String, usize> = HashMap::new();
    let mut candidates = Vec::new();
    let links = link_spans(text);
    for t in toks {
        // A web address or a register number (`KEHA/73792/2024`, `LSSAVI/18028/2025`) is a
        // reference to be copied as it stands, not prose to explain.
        if links.iter().any(|l| l.start <= t.start && t.end <= l.end) || is_register_number(text, t)
        {
            continue;
        }
        let Some((head, rest)) = abbreviation_head(t.text, ctx.language) else {
            continue;
        };
        if explained_here(text, t, head) {
            explained.entry(head.to_owned()).or_insert(t.start);
        }
        candidates.push((t, head, rest));
    }
    for (t, head, rest) in candidates {
        if explained.get(head).is_some_and(|&at| at <= t.start) {
            continue;
        }
        let upper = head.to_uppercase();
        // A fixed compound (`TE-toimisto`, `KEHA-keskus`) first, then the plain abbreviation.
        let is_compound =
            |k: &&AbbrKey| k.head == upper && rest_is(analyzer, ctx.language, rest, &k.word);
        if data.known.iter().any(|k| is_compound(&k)) {
            continue;
        }
        let glossary_compound = data.glossary.keys().find(is_compound);
        let plain = AbbrKey {
            head: upper.clone(),
            word: String::new(),
        };
        let entry: Option<&GlossaryEntry> = glossary_compound
            .and_then(|k| data.glossary.get(k))
            .or_else(|| data.glossary.get(&plain));
        if let Some(e) = entry {
            out.push(glossary_finding(t, e, ctx.language));
            continue;
        }
        if data.known.contains(&plain) {
            continue;
        }
        // A health term written in capitals (`ADHD`, `HIV`) is reported as health data and is
        // generally known as what it is.
        if is_health_acronym(data, ctx.language, head) {
            continue;
        }
        // Unknown to the lists: with libvoikko, a word it analyses is not flagged (it knows
        // many all-caps words and common abbreviations); its "no analysis" is the signal.
        if ctx.language == Language::Fi && analyzer.word(head).known == Some(true) {
            continue;
        }
        // A long word in a line written all in capitals is a heading, not an abbreviation
        // (`ARBETSKRAFTSPOLITISKT UTLÅTANDE`, where no morphology says it is a word).
        if head.chars().filter(|c| c.is_alphabetic()).count() > 6 && in_capitals_line(text, t) {
            continue;
        }
        out.push(finding(
            Kind::Abbreviation,
            Severity::Warn,
            t.start..t.end,
            head.to_owned(),
            msg(
                format!("Lyhenne {head} ei ole yleisesti tunnettu."),
                format!("Förkortningen {head} är inte allmänt känd."),
                format!("The abbreviation {head} is not generally known."),
            ),
            Some(msg(
                "Kirjoita se auki tai selitä se sulkeissa ensimmäisellä käyttökerralla.".into(),
                "Skriv ut den eller förklara den inom parentes första gången den används.".into(),
                "Write it out, or explain it in parentheses at its first use.".into(),
            )),
        ));
    }
}

/// The suggestion names the full form in the entry's language first (a Swedish entry gets
/// the Swedish form whatever the interface language), with the other official language's form
/// after it.
fn glossary_finding(t: &Token<'_>, e: &GlossaryEntry, lang: Language) -> Finding {
    let key = &e.key;
    let (full, other) = if lang == Language::Sv {
        (&e.sv, &e.fi)
    } else {
        (&e.fi, &e.sv)
    };
    finding(
        Kind::Abbreviation,
        Severity::Warn,
        t.start..t.end,
        key.clone(),
        msg(
            format!("Lyhenne {key} ei ole yleisesti tunnettu."),
            format!("Förkortningen {key} är inte allmänt känd."),
            format!("The abbreviation {key} is not generally known."),
        ),
        Some(msg(
            format!("Kirjoita auki: {full} (toisella kielellä: {other})"),
            format!("Skriv ut: {full} (på det andra språket: {other})"),
            format!("Write it out: {full} (in the other language: {other})"),
        )),
    )
}

// ---------------------------------------------------------------- word lists (A15, A17, A18)

/// Shortest compound head (in letters) the fallback matches: blind splitting finds short list
/// words inside unrelated words (pia|nisti), so short heads are left to the libraries.
const MIN_HEAD: usize = 6;

/// The word-list entry `info` matches: library bases exactly; stems through the stem keys,
/// also with a final vowel dropped (laisko- ~ laisk-), and also every compound head of a stem
/// of at least [`MIN_HEAD`] letters (työluuseri → luuseri, socialbidragsparasit → parasit),
/// without allocating.
fn lookup(list: &WordList, lang: Language, info: &WordInfo) -> Option<usize> {
    for b in &info.bases {
        if let Some(e) = list.exact(lang, b) {
            return Some(e);
        }
    }
    for s in &info.stems {
        let n = s.chars().count();
        // The stem less a final vowel (laisko → laisk ~ laiska), if at least four letters stay.
        let dropped = s
            .char_indices()
            .next_back()
            .filter(|(_, c)| "aeiouyäöå".contains(*c) && n > 4)
            .map(|(i, _)| &s[..i]);
        let full = list.may_end(lang, s);
        let short = dropped.filter(|d| list.may_end(lang, d));
        if !full && short.is_none() {
            continue;
        }
        for (k, (at, _)) in s.char_indices().enumerate() {
            if k > 0 && n - k < MIN_HEAD {
                break;
            }
            if full {
                if let Some(e) = list.stem(lang, &s[at..]) {
                    return Some(e);
                }
            }
            if let Some(d) = short.filter(|_| n - k > 4) {
                if let Some(e) = d.get(at..).and_then(|h| list.stem(lang, h)) {
                    return Some(e);
                }
            }
        }
    }
    None
}

/// A health compound (`selkävaivoja`, `uniongelmista`, `ryggproblem`): a site and a part among
/// the library's bases, or a stem that ends with a part (also less a final vowel) after a piece
/// that ends with a site (a Swedish linking `s`, a Finnish genitive `n` allowed). Returns the
/// part.
fn compound_health(c: &Compounds, lang: Language, info: &WordInfo) -> Option<usize> {
    if let Some(p) = info.bases.iter().find_map(|b| c.part(lang, b)) {
        if info.bases.iter().any(|b| c.is_site(lang, b)) {
            return Some(p);
        }
    }
    // Base forms too: libvoikko may split a compound differently (`paniikkikohtaus` as
    // paniikki + kohdata + -us) while its base form still ends with the part.
    for s in info.bases.iter().chain(&info.stems) {
        let dropped = s
            .char_indices()
            .next_back()
            .filter(|(_, ch)| "aeiouyäöå".contains(*ch))
            .map(|(i, _)| &s[..i]);
        // A stem no part key ends like cannot end with a part: most stems stop here.
        for stem in std::iter::once(s.as_str())
            .chain(dropped)
            .filter(|x| c.may_end(lang, x))
        {
            for (at, _) in stem.char_indices().skip(2) {
                let Some(p) = c.part(lang, &stem[at..]) else {
                    continue;
                };
                let left = &stem[..at];
                // A head (`kipu`, `särky`, `värk`) is health data after any first part.
                if c.is_head(p) && left.chars().count() >= 3 {
                    return Some(p);
                }
                let linked = match lang {
                    Language::Sv => left.strip_suffix('s'),
                    _ => left.strip_suffix('n'),
                };
                if c.ends_with_site(lang, left) || linked.is_some_and(|l| c.ends_with_site(lang, l))
                {
                    return Some(p);
                }
            }
        }
    }
    None
}

/// A health term written in capitals (`ADHD`, `HIV`): its lower-case form is a health-list
/// base form.
fn is_health_acronym(data: &Data, lang: Language, head: &str) -> bool {
    let lang = if lang == Language::Sv {
        Language::Sv
    } else {
        Language::Fi
    };
    data.health.exact(lang, &head.to_lowercase()).is_some()
}

/// Byte spans inside quotation marks (`”…”`, `"…"`, `“…”`, `«…»`, `„…“`): a person's own words,
/// quoted, are not the writer's labels.
fn quoted_spans(text: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut open: Option<(usize, char)> = None;
    for (i, c) in text.char_indices() {
        match open {
            None => {
                let close = match c {
                    '”' | '"' => Some(c),
                    '“' => Some('”'),
                    '«' => Some('»'),
                    '„' => Some('“'),
                    _ => None,
                };
                if let Some(close) = close {
                    open = Some((i + c.len_utf8(), close));
                }
            }
            Some((start, close)) => {
                // `“` closes a `„` quote; a `”` or `“` closes a `“` quote (both styles occur).
                if c == close || (close == '”' && c == '“') {
                    spans.push(start..i);
                    open = None;
                } else if c == '\n' {
                    // An unclosed quote ends at the line break.
                    open = None;
                }
            }
        }
    }
    spans
}

/// `[A-TV-Z][0-9]{2}(\.[0-9]{1,2})?`
fn is_icd10(token: &str) -> bool {
    let b = token.as_bytes();
    let letter = b
        .first()
        .is_some_and(|&c| c.is_ascii_uppercase() && c != b'U');
    let digits = |r: Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    letter
        && digits(1..3)
        && match b.len() {
            3 => true,
            5 | 6 => b[3] == b'.' && digits(4..b.len()),
            _ => false,
        }
}

/// Words that make a bare code (`F32`) a diagnosis code.
fn is_diagnosis_context(lower: &str) -> bool {
    lower.starts_with("diagno")
        || lower == "dg"
        || lower.starts_with("icd")
        || lower == "tautiluokitus"
}

fn words(
    data: &Data,
    analyzer: &Analyzer,
    text: &str,
    ctx: &Context,
    toks: &[Token<'_>],
    out: &mut Vec<Finding>,
) {
    let email = ctx.purpose == Purpose::OutgoingEmail;
    let health_allowed = !email && ctx.entry_type == EntryKind::WorkCapacity;
    let lang = ctx.language;
    let quotes = quoted_spans(text);
    let mut health_context = false;
    let mut bare_codes = Vec::new();
    for t in toks {
        if is_icd10(t.text) {
            if t.text.contains('.') {
                push_icd(t, health_allowed, email, out);
            } else {
                bare_codes.push(*t);
            }
            continue;
        }
        if !t.text.chars().any(char::is_alphabetic) || t.text.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        if let Some((head, _)) = abbreviation_head(t.text, lang) {
            // Capitals: only a health term (`ADHD`) is a word-list match.
            if is_health_acronym(data, lang, head) {
                health_context = true;
                if !health_allowed {
                    out.push(health_finding(
                        t,
                        &head.to_lowercase(),
                        Category::Diagnosis,
                        email,
                    ));
                }
            }
            continue;
        }
        let lower = t.text.to_lowercase();
        if is_diagnosis_context(&lower) {
            health_context = true;
        }
        let info = match lang {
            Language::Fi => analyzer.word(t.text),
            Language::Sv => analyzer.swedish_word(t.text),
            // Sámi and English texts get no word-list checks (no lists in those languages).
            Language::Se | Language::En => continue,
        };
        // Matched once per distinct word: the result is cached with the word's analysis. A
        // health compound is stored as an index past the health list.
        let [offensive, health, benefit] = *info.matches.get_or_init(|| {
            [
                lookup(&data.offensive, lang, &info),
                lookup(&data.health, lang, &info).or_else(|| {
                    compound_health(&data.health_compounds, lang, &info)
                        .map(|p| data.health.len() + p)
                }),
                lookup(&data.benefits, lang, &info),
            ]
        });
        let quoted = quotes.iter().any(|q| q.start <= t.start && t.end <= q.end);
        if let Some(e) = offensive.and_then(|i| data.offensive.entry(i)) {
            if !quoted {
                out.push(offensive_finding(t, e, ctx, email));
            }
        }
        // An organisation named after a condition (`Syöpäsäätiö`, `Diabetesförbundet`) is not
        // a person's health data.
        let health = health.filter(|_| !data.health_compounds.is_name(&lower));
        if let Some(i) = health {
            health_context = true;
            if !health_allowed {
                match data.health.entry(i) {
                    Some(e) => out.push(health_finding(t, &e.base, e.category, email)),
                    // A compound: the word itself is what matched.
                    None => out.push(health_finding(t, &lower, Category::Health, email)),
                }
            }
        }
        if email {
            if let Some(e) = benefit.and_then(|i| data.benefits.entry(i)) {
                out.push(finding(
                    Kind::Benefit,
                    Severity::Block,
                    t.start..t.end,
                    e.base.clone(),
                    msg(
                        format!(
                            "Etuustieto ({}) on luottamuksellinen: ei tavalliseen sähköpostiin.",
                            e.base
                        ),
                        format!(
                            "Uppgifter om förmåner ({}) är sekretessbelagda: inte i vanlig e-post.",
                            e.base
                        ),
                        format!(
                            "Benefit details ({}) are confidential: not in ordinary e-mail.",
                            e.base
                        ),
                    ),
                    Some(secure_channel()),
                ));
            }
        }
    }
    if health_context {
        for t in &bare_codes {
            push_icd(t, health_allowed, email, out);
        }
    }
}

fn secure_channel() -> Message {
    msg(
        "Käytä suojattua viestiä.".into(),
        "Använd skyddat meddelande.".into(),
        "Use the secure message channel.".into(),
    )
}

fn push_icd(t: &Token<'_>, allowed: bool, email: bool, out: &mut Vec<Finding>) {
    if !allowed {
        out.push(health_finding(t, t.text, Category::Diagnosis, email));
    }
}

fn health_finding(t: &Token<'_>, base: &str, category: Category, email: bool) -> Finding {
    let (fi, sv, en) = match category {
        Category::Medication => ("Lääketieto", "Uppgift om läkemedel", "Medication"),
        Category::Diagnosis => (
            "Diagnoosi- tai sairaustieto",
            "Uppgift om diagnos eller sjukdom",
            "Diagnosis or illness",
        ),
        _ => ("Terveystieto", "Hälsouppgift", "Health data"),
    };
    if email {
        return finding(
            Kind::Health,
            Severity::Block,
            t.start..t.end,
            base.to_owned(),
            msg(
                format!("{fi} ({base}) ei kuulu tavalliseen sähköpostiin."),
                format!("{sv} ({base}) hör inte till vanlig e-post."),
                format!("{en} ({base}) does not belong in ordinary e-mail."),
            ),
            Some(secure_channel()),
        );
    }
    finding(
        Kind::Health,
        Severity::Warn,
        t.start..t.end,
        base.to_owned(),
        msg(
            format!("{fi} ({base}) kuuluu vain työkykykirjaukseen, ja vain jos se vaikuttaa työllistymiseen."),
            format!("{sv} ({base}) hör bara till en anteckning om arbetsförmåga, och bara om den påverkar sysselsättningen."),
            format!("{en} ({base}) belongs only in a work-capacity entry, and only where it affects employment."),
        ),
        Some(msg(
            "Poista tai kirjaa työkykykirjaukseen, jos tieto on palvelujen kannalta tarpeen.".into(),
            "Ta bort eller anteckna under arbetsförmåga, om uppgiften behövs för servicen.".into(),
            "Remove it, or record it in a work-capacity entry if the services need it.".into(),
        )),
    )
}

fn offensive_finding(t: &Token<'_>, e: &WordEntry, ctx: &Context, email: bool) -> Finding {
    let block = e.category == Category::Slur || ctx.entry_type == EntryKind::Safety || email;
    let base = &e.base;
    let (fi, sv, en) = match e.category {
        Category::Slur => ("Halventava nimitys", "Nedsättande benämning", "Slur"),
        Category::Insult => ("Loukkaava sana", "Kränkande ord", "Insult"),
        _ => ("Vähättelevä sana", "Nedvärderande ord", "Belittling word"),
    };
    let safety_fi = if ctx.entry_type == EntryKind::Safety {
        " Turvallisuustiedoissa kuvataan vain tapahtunut."
    } else {
        ""
    };
    let safety_sv = if ctx.entry_type == EntryKind::Safety {
        " I säkerhetsuppgifter beskrivs bara det som hände."
    } else {
        ""
    };
    let safety_en = if ctx.entry_type == EntryKind::Safety {
        " Safety information describes only what happened."
    } else {
        ""
    };
    finding(
        Kind::Offensive,
        if block {
            Severity::Block
        } else {
            Severity::Warn
        },
        t.start..t.end,
        base.clone(),
        msg(
            format!("{fi} ({base}).{safety_fi}"),
            format!("{sv} ({base}).{safety_sv}"),
            format!("{en} ({base}).{safety_en}"),
        ),
        Some(match &e.suggestion {
            Some(s) => msg(
                format!("Kirjoita asiallisesti: {s}"),
                format!("Skriv sakligt: {s}"),
                format!("Write factually: {s}"),
            ),
            None => msg(
                "Kuvaa asiallisesti, mitä tapahtui.".into(),
                "Beskriv sakligt vad som hände.".into(),
                "Describe factually what happened.".into(),
            ),
        }),
    )
}

// ---------------------------------------------------------------- format characters

/// One finding per run of invisible format characters (issue 15 item 11). `matched` names the
/// code points, never the text around them.
fn format_chars(text: &str, out: &mut Vec<Finding>) {
    let mut run: Option<Range<usize>> = None;
    let flush = |r: Range<usize>, out: &mut Vec<Finding>| {
        let seg = &text[r.clone()];
        let bidi = seg.chars().any(kirjuri_domain::is_bidi_control);
        let codes = seg
            .chars()
            .map(|c| format!("U+{:04X}", u32::from(c)))
            .collect::<Vec<_>>()
            .join(" ");
        out.push(finding(
            Kind::Format,
            if bidi { Severity::Block } else { Severity::Warn },
            r,
            codes.clone(),
            if bidi {
                msg(
                    format!("Tekstissä on näkymätön suunnanvaihtomerkki ({codes}): teksti näkyy eri järjestyksessä kuin se on kirjoitettu."),
                    format!("Texten innehåller ett osynligt riktningstecken ({codes}): texten visas i en annan ordning än den skrivits."),
                    format!("The text contains an invisible bidirectional control ({codes}): it is shown in another order than it was written."),
                )
            } else {
                msg(
                    format!("Tekstissä on näkymätön muotoilumerkki ({codes})."),
                    format!("Texten innehåller ett osynligt formateringstecken ({codes})."),
                    format!("The text contains an invisible format character ({codes})."),
                )
            },
            Some(msg(
                "Poista merkki.".into(),
                "Ta bort tecknet.".into(),
                "Remove the character.".into(),
            )),
        ));
    };
    for (i, c) in text.char_indices() {
        let format = kirjuri_domain::is_format_char(c);
        match (&mut run, format) {
            (Some(r), true) if r.end == i => r.end = i + c.len_utf8(),
            (_, true) => {
                if let Some(r) = run.take() {
                    flush(r, out);
                }
                run = Some(i..i + c.len_utf8());
            }
            (_, false) => {}
        }
    }
    if let Some(r) = run {
        flush(r, out);
    }
}

// ---------------------------------------------------------------- clarity (A13)

fn clarity(text: &str, out: &mut Vec<Finding>) {
    // Control characters (other than tab and line breaks), one finding per run.
    let mut run: Option<Range<usize>> = None;
    let flush = |r: Range<usize>, out: &mut Vec<Finding>| {
        let code = text[r.clone()].chars().next().map_or(0, u32::from);
        out.push(finding(
            Kind::Clarity,
            Severity::Warn,
            r,
            format!("U+{code:04X}"),
            msg(
                format!("Tekstissä on ohjausmerkki (U+{code:04X})."),
                format!("Texten innehåller ett styrtecken (U+{code:04X})."),
                format!("The text contains a control character (U+{code:04X})."),
            ),
            Some(msg(
                "Poista merkki.".into(),
                "Ta bort tecknet.".into(),
                "Remove the character.".into(),
            )),
        ));
    };
    for (i, c) in text.char_indices() {
        let control = c.is_control() && !matches!(c, '\n' | '\r' | '\t');
        match (&mut run, control) {
            (Some(r), true) if r.end == i => r.end = i + c.len_utf8(),
            (_, true) => {
                if let Some(r) = run.take() {
                    flush(r, out);
                }
                run = Some(i..i + c.len_utf8());
            }
            (_, false) => {}
        }
    }
    if let Some(r) = run {
        flush(r, out);
    }

    // Long sentences: split at . ! ? followed by white space (or the end) and at line breaks.
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next_space = chars.peek().is_none_or(|(_, n)| n.is_whitespace());
        let end = if c == '\n' {
            Some(i)
        } else if matches!(c, '.' | '!' | '?') && next_space {
            Some(i + 1)
        } else {
            None
        };
        if let Some(end) = end {
            long_sentence(text, start..end, out);
            start = i + c.len_utf8();
        }
    }
    long_sentence(text, start..text.len(), out);
}

fn long_sentence(text: &str, r: Range<usize>, out: &mut Vec<Finding>) {
    let Some(s) = text.get(r.clone()) else {
        return;
    };
    let n = s
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    if n <= LONG_SENTENCE_WORDS {
        return;
    }
    let lead = s.len() - s.trim_start().len();
    let trimmed = s.trim();
    out.push(finding(
        Kind::Clarity,
        Severity::Warn,
        r.start + lead..r.start + lead + trimmed.len(),
        format!("{n}"),
        msg(
            format!("Pitkä virke ({n} sanaa)."),
            format!("Lång mening ({n} ord)."),
            format!("Long sentence ({n} words)."),
        ),
        Some(msg(
            "Jaa se lyhyemmiksi virkkeiksi.".into(),
            "Dela den i kortare meningar.".into(),
            "Split it into shorter sentences.".into(),
        )),
    ));
}

/// Fills `chars` from `bytes` in one pass over the text.
fn set_char_ranges(text: &str, findings: &mut [Finding]) {
    let mut points: Vec<usize> = findings
        .iter()
        .flat_map(|f| [f.bytes.start, f.bytes.end])
        .collect();
    points.sort_unstable();
    points.dedup();
    let mut map = HashMap::with_capacity(points.len());
    let mut p = points.iter().peekable();
    let byte_offsets = text.char_indices().map(|(i, _)| i).chain([text.len()]);
    for (count, i) in byte_offsets.enumerate() {
        while let Some(&&b) = p.peek() {
            if b > i {
                break;
            }
            map.insert(b, count);
            p.next();
        }
    }
    for f in findings {
        let s = map.get(&f.bytes.start).copied().unwrap_or(0);
        let e = map.get(&f.bytes.end).copied().unwrap_or(s);
        f.chars = s..e;
    }
}

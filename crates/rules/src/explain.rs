//! Plain-text explanation of a decision in Finnish, Swedish or English, written for the
//! client and for a lawyer reading it afterwards (B12, A13, A14; issue 14):
//!
//! - laws are named in full with their number at every mention (`TTL 2:1` becomes
//!   "työttömyysturvalaki (1290/2002) 2 luku 1 §", "lagen om utkomstskydd för arbetslösa
//!   (1290/2002) 2 kap. 1 §"), never by an abbreviation ([`basis_in_words`]);
//! - reason codes, input names and their values are said in words in the reader's language,
//!   never as codes;
//! - the facts the rules derived are stated: the person's age on the decision date and the age
//!   limit (the rule set's parameter) that applied, how far the start or end of job search lies
//!   from the decision date and the window the rule set allows;
//! - when the reasons point to two organisations, which one handles the case and why.
//!
//! The rule titles come from the rule file; the legal bases are the file's short references
//! written out here, so a rule file keeps its hash (and its adoption decision) when the
//! wording of an explanation improves.

use crate::contract::Value;
use crate::engine::{Decision, Outcome, ReasonCode, Role, RuleMeta, RuleStatus, Target};
use crate::request::Kind;
use chrono::{Datelike, NaiveDate};
use std::fmt::Write as _;

/// Language of an explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Finnish.
    Fi,
    /// Swedish.
    Sv,
    /// English.
    En,
}

/// One text in the three languages.
fn pick(lang: Lang, fi: &'static str, sv: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Fi => fi,
        Lang::Sv => sv,
        Lang::En => en,
    }
}

/// A date as it is written in the language: `2.3.2026` in Finnish and Swedish (as in
/// Finland), `2 March 2026` in English.
fn date(d: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Fi | Lang::Sv => format!("{}.{}.{}", d.day(), d.month(), d.year()),
        Lang::En => d.format("%-d %B %Y").to_string(),
    }
}

fn days(n: i64, lang: Lang) -> String {
    let one = n.abs() == 1;
    match lang {
        Lang::Fi if one => format!("{n} päivä"),
        Lang::Fi => format!("{n} päivää"),
        Lang::Sv if one => format!("{n} dag"),
        Lang::Sv => format!("{n} dagar"),
        Lang::En if one => format!("{n} day"),
        Lang::En => format!("{n} days"),
    }
}

fn years(n: i64, lang: Lang) -> String {
    match lang {
        Lang::Fi => format!("{n} vuotta"),
        Lang::Sv => format!("{n} år"),
        Lang::En if n == 1 => format!("{n} year"),
        Lang::En => format!("{n} years"),
    }
}

fn months(n: i64, lang: Lang) -> String {
    let one = n == 1;
    match lang {
        Lang::Fi if one => format!("{n} kuukausi"),
        Lang::Fi => format!("{n} kuukautta"),
        Lang::Sv if one => format!("{n} månad"),
        Lang::Sv => format!("{n} månader"),
        Lang::En if one => format!("{n} month"),
        Lang::En => format!("{n} months"),
    }
}

/// The first letter in lower case, for a rule title used inside a sentence.
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The organisation that handles a routed case, named in full (A14: never "KEHA" alone).
fn target_name(t: Target, lang: Lang) -> &'static str {
    match t {
        Target::EmploymentAuthority => pick(
            lang,
            "työvoimaviranomainen",
            "arbetskraftsmyndigheten",
            "the employment authority",
        ),
        Target::Keha => pick(
            lang,
            "KEHA-keskus, työttömyysturvan vastuualue",
            "KEHA-centret, ansvarsområdet för utkomstskydd för arbetslösa",
            "the KEHA Centre, unemployment security unit",
        ),
    }
}

/// The closing line of an automatic statement's explanation (B8): it was decided
/// automatically, and under which adoption decision. A caller that states the adoption
/// decision itself (the statement's own notice) leaves this line out.
pub fn automated_notice(lang: Lang) -> &'static str {
    pick(
        lang,
        "Lausunto on annettu automaattisesti hallintolain (434/2003) 53 e §:n mukaisesti \
         KEHA-keskuksen käyttöönottopäätöksen KEHA/73792/2024 perusteella.",
        "Utlåtandet har getts automatiskt enligt 53 e § i förvaltningslagen (434/2003) med stöd \
         av KEHA-centrets beslut om ibruktagande KEHA/73792/2024.",
        "The statement was issued automatically under section 53 e of the Administrative \
         Procedure Act (434/2003), on the basis of the KEHA Centre's adoption decision \
         KEHA/73792/2024.",
    )
}

/// A rule file's legal basis (`TTL 2:10–11; HL 53 e §; KEHA/73792/2024`) with every law named
/// in full with its number, in the reader's language (A14): Finnish "työttömyysturvalaki
/// (1290/2002) 2 luku 10–11 §", Swedish "lagen om utkomstskydd för arbetslösa (1290/2002) 2
/// kap. 10–11 §". A reference it does not know is kept as written.
pub fn basis_in_words(basis: &str, lang: Lang) -> String {
    // Consecutive references to one law name it once: "työttömyysturvalaki (1290/2002) 1 luku
    // 5 § ja 2 luku 1 §".
    let mut out: Vec<(Option<&'static str>, Vec<String>)> = Vec::new();
    for part in basis.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        match reference(part, lang) {
            (Some(law), section) => match out.last_mut() {
                Some((Some(last), sections)) if *last == law => sections.extend(section),
                _ => out.push((Some(law), section.into_iter().collect())),
            },
            (None, text) => out.push((None, text.into_iter().collect())),
        }
    }
    let and = pick(lang, " ja ", " och ", " and ");
    out.into_iter()
        .map(|(law, sections)| {
            let sections = sections.join(and);
            match (law, lang) {
                (Some(law), _) if sections.is_empty() => law.to_owned(),
                (Some(law), Lang::En) => format!("{law}, {sections}"),
                (Some(law), _) => format!("{law} {sections}"),
                (None, _) => sections,
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// One reference: the law's full name (None for what is not a law the procedure cites) and
/// the chapter and section as the language writes them.
fn reference(part: &str, lang: Lang) -> (Option<&'static str>, Option<String>) {
    if part == "KEHA/73792/2024" {
        let decision = pick(
            lang,
            "KEHA-keskuksen käyttöönottopäätös",
            "KEHA-centrets beslut om ibruktagande",
            "the KEHA Centre's adoption decision",
        );
        return (None, Some(format!("{decision} {part}")));
    }
    let (law, rest) = part.split_once(' ').unwrap_or((part, ""));
    let name = match law {
        "TTL" => pick(
            lang,
            "työttömyysturvalaki (1290/2002)",
            "lagen om utkomstskydd för arbetslösa (1290/2002)",
            "Unemployment Security Act (1290/2002)",
        ),
        "JTYPL" => pick(
            lang,
            "laki työvoimapalvelujen järjestämisestä (380/2023)",
            "lagen om ordnande av arbetskraftsservice (380/2023)",
            "Act on the Organisation of Employment Services (380/2023)",
        ),
        "HL" => pick(
            lang,
            "hallintolaki (434/2003)",
            "förvaltningslagen (434/2003)",
            "Administrative Procedure Act (434/2003)",
        ),
        _ => return (None, Some(part.to_owned())),
    };
    let rest = rest.trim().trim_end_matches('§').trim();
    if rest.is_empty() {
        return (Some(name), None);
    }
    // `2a:1` is chapter 2 a, section 1; `27–29` sections 27 to 29.
    let (chapter, section) = match rest.split_once(':') {
        Some((c, s)) => (Some(split_letter(c)), s.trim()),
        None => (None, rest),
    };
    let several = section.contains('–') || section.contains('-');
    let text = match (lang, chapter) {
        (Lang::Fi, Some(c)) => format!("{c} luku {section} §"),
        (Lang::Sv, Some(c)) => format!("{c} kap. {section} §"),
        (Lang::Fi | Lang::Sv, None) => format!("{section} §"),
        (Lang::En, c) => {
            let s = if several { "sections" } else { "section" };
            match c {
                Some(c) => format!("chapter {}, {s} {section}", c.replace(' ', "")),
                None => format!("{s} {section}"),
            }
        }
    };
    (Some(name), Some(text))
}

/// `2a` → `2 a` (a chapter inserted between 2 and 3 is written with a space).
fn split_letter(c: &str) -> String {
    let c = c.trim();
    match c.find(|ch: char| ch.is_alphabetic()) {
        Some(i) if i > 0 => format!("{} {}", &c[..i], &c[i..]),
        _ => c.to_owned(),
    }
}

/// What a routing reason means, in a sentence or two in the reader's language.
fn reason_words(code: ReasonCode, lang: Lang) -> &'static str {
    use ReasonCode as C;
    match code {
        C::FreeText => pick(
            lang,
            "Asiakas on antanut vapaamuotoisen selvityksen. Sellainen ohjataan aina virkailijan \
             arvioitavaksi.",
            "Kunden har lämnat en fritt formulerad utredning. En sådan går alltid till en \
             tjänsteman för bedömning.",
            "The client gave a free-form explanation. Such an explanation always goes to an \
             official.",
        ),
        C::Resignation => pick(
            lang,
            "Asiakkaan mukaan edellinen työsuhde päättyi hänen omaan irtisanoutumiseensa tai \
             hänestä itsestään johtuneeseen erottamiseen. Sen arvioiminen, oliko tähän pätevä \
             syy, vaatii tapauskohtaista harkintaa.",
            "Enligt kunden upphörde den föregående anställningen genom egen uppsägning eller \
             genom avsked av orsaker som berodde på kunden själv. Bedömningen av om det fanns \
             giltig orsak kräver prövning i det enskilda fallet.",
            "According to the client, the previous employment ended by their own resignation or \
             by dismissal for their own conduct. Whether there was a valid reason needs \
             case-specific discretion.",
        ),
        C::Studies => pick(
            lang,
            "Asiakas on ilmoittanut opinnoista, tai opintorekisterien mukaan hänellä on \
             käynnissä tutkintoon johtavia opintoja. Opintojen päätoimisuuden arvioi \
             KEHA-keskus.",
            "Kunden har uppgett studier, eller så har kunden enligt studieregistren pågående \
             examensinriktade studier. Om studierna bedrivs på heltid bedöms av KEHA-centret.",
            "The client reported studies, or the study registers show ongoing degree studies. \
             The KEHA Centre assesses whether the studies are full-time.",
        ),
        C::Business => pick(
            lang,
            "Asiakas on ilmoittanut yritystoiminnasta, tai kaupparekisterissä on hänen \
             yrityksensä. Yritystoiminnan päätoimisuuden arvioi KEHA-keskus.",
            "Kunden har uppgett företagsverksamhet, eller så finns kundens företag i \
             handelsregistret. Om verksamheten bedrivs på heltid bedöms av KEHA-centret.",
            "The client reported a business, or the trade register shows one. The KEHA Centre \
             assesses whether the business is full-time.",
        ),
        C::YouthEducation => pick(
            lang,
            "Asiakas on alle ikärajan eikä hänellä ole ammatillista tutkintoa. Nuoren \
             koulutusvelvoitteen arvioi KEHA-keskus.",
            "Kunden är under åldersgränsen och har ingen yrkesinriktad examen. Ungas \
             utbildningsskyldighet bedöms av KEHA-centret.",
            "The client is under the age limit and has no vocational qualification. The KEHA \
             Centre assesses the youth education duty.",
        ),
        C::NotFullTime => pick(
            lang,
            "Asiakas ei hae kokoaikatyötä, eikä hän saa osatyökyvyttömyyseläkettä.",
            "Kunden söker inte heltidsarbete och får inte partiell invalidpension.",
            "The client does not seek full-time work and receives no partial disability \
             pension.",
        ),
        C::Employed => pick(
            lang,
            "Asiakas on ilmoittanut olevansa osa-aikatyössä tai kokoaikatyössä, tai \
             tulorekisterin mukaan palkanmaksu jatkuu.",
            "Kunden har uppgett deltids- eller heltidsarbete, eller så fortsätter \
             lönebetalningen enligt inkomstregistret.",
            "The client reported part-time or full-time work, or the income register shows pay \
             continuing.",
        ),
        C::Age => pick(
            lang,
            "Asiakas ei ratkaisupäivänä ole työttömyysetuuden ikärajojen sisällä.",
            "Kunden är på avgörandedagen inte inom åldersgränserna för arbetslöshetsförmån.",
            "On the decision date the client is outside the age limits of unemployment benefit.",
        ),
        C::Residence => pick(
            lang,
            "Asiakas ei asu Suomessa.",
            "Kunden bor inte i Finland.",
            "The client does not live in Finland.",
        ),
        C::RightToWork => pick(
            lang,
            "Asiakkaalla ei ole rajoittamatonta oikeutta tehdä työtä: lupa on rajoitettu tai \
             tilapäinen, tai oikeutta ei ole.",
            "Kunden har inte obegränsad rätt att arbeta: tillståndet är begränsat eller \
             tillfälligt, eller så saknas rätten.",
            "The client has no unrestricted right to work: the permit is restricted or \
             temporary, or there is no right to work.",
        ),
        C::InService => pick(
            lang,
            "Asiakas on ilmoittanut olevansa varusmiespalveluksessa, vankilassa tai \
             laitoshoidossa.",
            "Kunden har uppgett att hen fullgör beväringstjänst, är i fängelse eller får \
             anstaltsvård.",
            "The client reported being in conscript service, in prison or in institutional \
             care.",
        ),
        C::EndNeedsHearing => pick(
            lang,
            "Työnhaku päättyi viranomaisen toimesta: sitä ei uusittu, asiakkaaseen ei saatu \
             yhteyttä, hän ei antanut pyydettyjä tietoja tai hänen oikeutensa tehdä työtä \
             päättyi. Asiakasta on kuultava ennen lausuntoa.",
            "Arbetssökandet upphörde på myndighetens initiativ: det förnyades inte, kunden \
             kunde inte nås, kunden lämnade inte begärda uppgifter eller rätten att arbeta \
             upphörde. Kunden ska höras före utlåtandet.",
            "Job search was ended by the authority: it was not renewed, the client could not \
             be reached, did not give the information asked for, or the right to work ended. \
             The client must be heard before the statement.",
        ),
        C::EndStudies => pick(
            lang,
            "Työnhaku päättyi päätoimisen opiskelun vuoksi. Opiskelun arvioi KEHA-keskus.",
            "Arbetssökandet upphörde på grund av studier på heltid. Studierna bedöms av \
             KEHA-centret.",
            "Job search ended for full-time studies. The KEHA Centre assesses the studies.",
        ),
        C::StartDate => pick(
            lang,
            "Kun työnhaun alkamispäivä on ratkaisupäivän jälkeen tai kauempana menneisyydessä \
             kuin käsittelysäännöt sallivat, asian ratkaisee virkailija.",
            "När arbetssökandets startdag ligger efter avgörandedagen eller längre tillbaka än \
             behandlingsreglerna tillåter, avgörs ärendet av en tjänsteman.",
            "When the start of job search lies after the decision date or further back than \
             the processing rules allow, an official decides the case.",
        ),
        C::EndDate => pick(
            lang,
            "Kun työnhaun päättymispäivä on ratkaisupäivän jälkeen, ennen työnhaun alkamista \
             tai kauempana menneisyydessä kuin käsittelysäännöt sallivat, asian ratkaisee \
             virkailija.",
            "När arbetssökandets slutdag ligger efter avgörandedagen, före arbetssökandets \
             början eller längre tillbaka än behandlingsreglerna tillåter, avgörs ärendet av en \
             tjänsteman.",
            "When the end of job search lies after the decision date, before its start or \
             further back than the processing rules allow, an official decides the case.",
        ),
        C::Undecided => pick(
            lang,
            "Mikään käsittelysääntö ei ratkaissut asiaa, esimerkiksi koska jokin tieto puuttui \
             tai ehtoa ei voitu arvioida. Siksi virkailija ratkaisee sen.",
            "Ingen behandlingsregel avgjorde ärendet, till exempel för att en uppgift saknades \
             eller ett villkor inte kunde bedömas. Därför avgör en tjänsteman det.",
            "No processing rule decided the case, for example because some information was \
             missing or a condition could not be evaluated. An official therefore decides it.",
        ),
    }
}

/// An input or parameter of the rule language in words.
fn input_words(name: &str, lang: Lang) -> String {
    let w = match name {
        "decision_date" => pick(lang, "ratkaisupäivä", "avgörandedag", "decision date"),
        "job_search_start" => pick(
            lang,
            "työnhaun alkamispäivä",
            "arbetssökandets startdag",
            "start of job search",
        ),
        "job_search_end" => pick(
            lang,
            "työnhaun päättymispäivä",
            "arbetssökandets slutdag",
            "end of job search",
        ),
        "end_reason" => pick(
            lang,
            "työnhaun päättymisen syy",
            "orsak till att arbetssökandet upphörde",
            "why job search ended",
        ),
        "person.birth_date" => pick(lang, "syntymäaika", "födelsedatum", "date of birth"),
        "person.resides_in_finland" => {
            pick(lang, "asuu Suomessa", "bor i Finland", "lives in Finland")
        }
        "person.right_to_work" => pick(
            lang,
            "oikeus tehdä työtä",
            "rätt att arbeta",
            "right to work",
        ),
        "person.vocational_qualification" => pick(
            lang,
            "ammatillinen tutkinto",
            "yrkesinriktad examen",
            "vocational qualification",
        ),
        "person.partial_disability_pension" => pick(
            lang,
            "saa osatyökyvyttömyyseläkettä",
            "får partiell invalidpension",
            "receives a partial disability pension",
        ),
        "reported.employment" => pick(
            lang,
            "ilmoitettu työssäolo",
            "uppgivet arbete",
            "reported employment",
        ),
        "reported.seeks_full_time_work" => pick(
            lang,
            "hakee kokoaikatyötä",
            "söker heltidsarbete",
            "seeks full-time work",
        ),
        "reported.previous_employment_end.date" => pick(
            lang,
            "edellisen työsuhteen päättymispäivä",
            "dag då den föregående anställningen upphörde",
            "end of the previous employment",
        ),
        "reported.previous_employment_end.reason" => pick(
            lang,
            "edellisen työsuhteen päättymisen syy",
            "orsak till att den föregående anställningen upphörde",
            "why the previous employment ended",
        ),
        "reported.studies" => pick(
            lang,
            "ilmoitetut opinnot",
            "uppgivna studier",
            "reported studies",
        ),
        "reported.business" => pick(
            lang,
            "ilmoitettu yritystoiminta",
            "uppgiven företagsverksamhet",
            "reported business",
        ),
        "reported.business_started_while_unemployed_on" => pick(
            lang,
            "työttömänä aloitetun yritystoiminnan alkamispäivä",
            "startdag för företagsverksamhet som inletts under arbetslöshet",
            "start of a business begun while unemployed",
        ),
        "reported.in_service" => pick(
            lang,
            "varusmiespalvelus, vankila tai laitoshoito",
            "beväringstjänst, fängelse eller anstaltsvård",
            "conscript service, prison or institutional care",
        ),
        "reported.free_text" => pick(
            lang,
            "vapaamuotoinen selvitys",
            "fritt formulerad utredning",
            "free-form explanation",
        ),
        "registers.employment_continues" => pick(
            lang,
            "palkanmaksu jatkuu tulorekisterin mukaan",
            "lönebetalningen fortsätter enligt inkomstregistret",
            "pay continues in the income register",
        ),
        "registers.active_degree_studies" => pick(
            lang,
            "tutkinto-opinnot käynnissä opintorekisterien mukaan",
            "examensstudier pågår enligt studieregistren",
            "degree studies ongoing in the study registers",
        ),
        "registers.active_business" => pick(
            lang,
            "yritys kaupparekisterissä",
            "företag i handelsregistret",
            "business in the trade register",
        ),
        "param min_age" => pick(
            lang,
            "työttömyysetuuden alaikäraja",
            "nedre åldersgräns för arbetslöshetsförmån",
            "lower age limit of unemployment benefit",
        ),
        "param max_age" => pick(
            lang,
            "työttömyysetuuden yläikäraja (etuus päättyy täyttämiskuukauden lopussa)",
            "övre åldersgräns för arbetslöshetsförmån (förmånen upphör vid utgången av den \
             månad då kunden uppnår åldersgränsen)",
            "upper age limit of unemployment benefit (it ends at the end of the month of the \
             birthday)",
        ),
        "param youth_age_limit" => pick(
            lang,
            "nuoren koulutusvelvoitteen ikäraja",
            "åldersgräns för ungas utbildningsskyldighet",
            "age limit of the youth education duty",
        ),
        "param business_grace_months" => pick(
            lang,
            "aika, jona työttömänä aloitettua yritystoimintaa ei arvioida",
            "tid under vilken företagsverksamhet som inletts under arbetslöshet inte bedöms",
            "how long a business begun while unemployed is not assessed",
        ),
        "param max_retroactive_days" => pick(
            lang,
            "kuinka kauas taaksepäin päivämäärä saa automaattisessa ratkaisussa olla",
            "hur långt bakåt i tiden ett datum får ligga i ett automatiskt avgörande",
            "how far back a date may lie in an automatic decision",
        ),
        other => return other.to_owned(),
    };
    w.to_owned()
}

/// A value the rules read, in words: yes or no, a date as it is written, an enumerated value
/// as what it means, a parameter with its unit, and a free-form text only as "given" (its
/// words are the client's, and they are in the record).
fn value_words(name: &str, raw: &str, lang: Lang) -> String {
    let p = |fi, sv, en| pick(lang, fi, sv, en).to_owned();
    match (name, raw) {
        ("reported.free_text", "none") => return p("ei annettu", "inte lämnad", "not given"),
        ("reported.free_text", t) => {
            return if t.trim_matches('"').trim().is_empty() {
                p("tyhjä", "tom", "empty")
            } else {
                p("annettu", "lämnad", "given")
            }
        }
        (_, "true") => return p("kyllä", "ja", "yes"),
        (_, "false") => return p("ei", "nej", "no"),
        _ => {}
    }
    if let Ok(d) = raw.parse::<NaiveDate>() {
        return date(d, lang);
    }
    if let Ok(n) = raw.parse::<i64>() {
        return match name {
            "param min_age" | "param max_age" | "param youth_age_limit" => years(n, lang),
            "param business_grace_months" => months(n, lang),
            "param max_retroactive_days" => days(n, lang),
            _ => n.to_string(),
        };
    }
    let w = match (name, raw) {
        ("person.right_to_work", "citizen") => pick(
            lang,
            "Suomen kansalainen",
            "finsk medborgare",
            "Finnish citizen",
        ),
        ("person.right_to_work", "eu_eea") => pick(
            lang,
            "Euroopan unionin tai Euroopan talousalueen maan kansalainen",
            "medborgare i ett land i Europeiska unionen eller Europeiska ekonomiska \
             samarbetsområdet",
            "citizen of a country of the European Union or the European Economic Area",
        ),
        ("person.right_to_work", "permit_unrestricted") => pick(
            lang,
            "lupa, johon liittyy rajoittamaton oikeus tehdä työtä",
            "tillstånd med obegränsad rätt att arbeta",
            "permit with an unrestricted right to work",
        ),
        ("person.right_to_work", "permit_restricted") => pick(
            lang,
            "lupa, jossa oikeutta tehdä työtä on rajoitettu",
            "tillstånd med begränsad rätt att arbeta",
            "permit with a restricted right to work",
        ),
        ("person.right_to_work", "permit_temporary") => pick(
            lang,
            "tilapäinen lupa",
            "tillfälligt tillstånd",
            "temporary permit",
        ),
        ("person.right_to_work", "none") => {
            pick(lang, "ei oikeutta", "ingen rätt", "no right to work")
        }
        ("reported.employment", "none") => pick(lang, "ei työssä", "inte i arbete", "none"),
        ("reported.employment", "laid_off_full") => pick(
            lang,
            "kokoaikaisesti lomautettu",
            "permitterad på heltid",
            "fully laid off",
        ),
        ("reported.employment", "under_4h_week") => pick(
            lang,
            "työtä alle 4 tuntia viikossa",
            "arbete under 4 timmar i veckan",
            "work under 4 hours a week",
        ),
        ("reported.employment", "part_time") => {
            pick(lang, "osa-aikatyö", "deltidsarbete", "part-time work")
        }
        ("reported.employment", "full_time") => {
            pick(lang, "kokoaikatyö", "heltidsarbete", "full-time work")
        }
        ("reported.previous_employment_end.reason", "fixed_term_ended") => pick(
            lang,
            "määräaikainen työsuhde päättyi",
            "visstidsanställningen upphörde",
            "fixed-term employment ended",
        ),
        ("reported.previous_employment_end.reason", "employer_production_reasons") => pick(
            lang,
            "irtisanominen tuotannollisista ja taloudellisista syistä",
            "uppsägning av ekonomiska orsaker och produktionsorsaker",
            "dismissal for financial and production-related reasons",
        ),
        ("reported.previous_employment_end.reason", "laid_off") => {
            pick(lang, "lomautus", "permittering", "lay-off")
        }
        ("reported.previous_employment_end.reason", "own_resignation") => pick(
            lang,
            "oma irtisanoutuminen",
            "egen uppsägning",
            "own resignation",
        ),
        ("reported.previous_employment_end.reason", "dismissed_own_conduct") => pick(
            lang,
            "erottaminen asiakkaasta itsestään johtuneesta syystä",
            "avsked av orsaker som berodde på kunden själv",
            "dismissal for own conduct",
        ),
        ("reported.studies", "none") => pick(lang, "ei opintoja", "inga studier", "none"),
        ("reported.studies", "full_time_degree") => pick(
            lang,
            "päätoimiset tutkinto-opinnot",
            "examensstudier på heltid",
            "full-time degree studies",
        ),
        ("reported.studies", "part_time") => pick(
            lang,
            "osa-aikaiset opinnot",
            "deltidsstudier",
            "part-time studies",
        ),
        ("reported.studies", "other") => {
            pick(lang, "muut opinnot", "andra studier", "other studies")
        }
        ("reported.business", "none") => pick(
            lang,
            "ei yritystoimintaa",
            "ingen företagsverksamhet",
            "none",
        ),
        ("reported.business", "part_time") => pick(
            lang,
            "sivutoiminen yritystoiminta",
            "företagsverksamhet vid sidan av annat",
            "part-time business",
        ),
        ("reported.business", "full_time") => pick(
            lang,
            "päätoiminen yritystoiminta",
            "företagsverksamhet på heltid",
            "full-time business",
        ),
        ("reported.in_service", "conscript") => pick(
            lang,
            "varusmiespalvelus",
            "beväringstjänst",
            "conscript service",
        ),
        ("reported.in_service", "prison") => pick(lang, "vankila", "fängelse", "prison"),
        ("reported.in_service", "institutional_care") => {
            pick(lang, "laitoshoito", "anstaltsvård", "institutional care")
        }
        ("end_reason", "employed") => pick(
            lang,
            "asiakas työllistyi",
            "kunden fick arbete",
            "the client found work",
        ),
        ("end_reason", "own_request") => pick(
            lang,
            "asiakkaan oma pyyntö",
            "kundens egen begäran",
            "the client's own request",
        ),
        ("end_reason", "not_renewed") => pick(
            lang,
            "työnhakua ei uusittu",
            "arbetssökandet förnyades inte",
            "job search was not renewed",
        ),
        ("end_reason", "no_contact") => pick(
            lang,
            "asiakkaaseen ei saatu yhteyttä",
            "kunden kunde inte nås",
            "the client could not be reached",
        ),
        ("end_reason", "info_not_given") => pick(
            lang,
            "asiakas ei antanut pyydettyjä tietoja",
            "kunden lämnade inte begärda uppgifter",
            "the client did not give the information asked for",
        ),
        ("end_reason", "right_to_work_ended") => pick(
            lang,
            "oikeus tehdä työtä päättyi",
            "rätten att arbeta upphörde",
            "the right to work ended",
        ),
        ("end_reason", "full_time_studies") => pick(
            lang,
            "päätoiminen opiskelu",
            "studier på heltid",
            "full-time studies",
        ),
        // an optional input that was not given
        (_, "none") => pick(lang, "ei ilmoitettu", "inte uppgett", "not given"),
        _ => return raw.to_owned(),
    };
    w.to_owned()
}

fn title(r: &RuleMeta, lang: Lang) -> &str {
    match lang {
        Lang::Fi => &r.title_fi,
        Lang::Sv => &r.title_sv,
        Lang::En => r.title_en.as_deref().unwrap_or(&r.id),
    }
}

fn int_param(d: &Decision, name: &str) -> Option<i64> {
    match d.param(name)? {
        Value::Int(n) => Some(n),
        _ => None,
    }
}

/// The last day of the month in which someone born on `birth` turns `age`.
fn end_of_month_turning(birth: NaiveDate, age: i64) -> Option<NaiveDate> {
    let year = i32::try_from(i64::from(birth.year()).checked_add(age)?).ok()?;
    let first = NaiveDate::from_ymd_opt(year, birth.month(), 1)?;
    let next = first.checked_add_months(chrono::Months::new(1))?;
    next.pred_opt()
}

/// The facts the rules derived, in sentences (issue 14): age and the age limits that applied,
/// and where the start or end of job search lies against the decision date and the window.
fn derived_facts(d: &Decision, lang: Lang) -> Vec<String> {
    use ReasonCode as C;
    let mut out = Vec::new();
    let on = date(d.decision_date, lang);
    let positive = d.outcome == Outcome::AutoPositive;
    let age_rule = d.has_reason(C::Age);
    let youth_rule = d.has_reason(C::YouthEducation);
    if let (Some(age), Some(birth)) = (d.age_on_decision_date(), d.facts.birth_date) {
        if positive || age_rule || youth_rule {
            out.push(match lang {
                Lang::Fi => format!("Asiakkaan ikä ratkaisupäivänä {on}: {}.", years(age, lang)),
                Lang::Sv => format!(
                    "Kundens ålder på avgörandedagen {on}: {}.",
                    years(age, lang)
                ),
                Lang::En => format!(
                    "The client's age on the decision date {on}: {}.",
                    years(age, lang)
                ),
            });
        }
        let min = int_param(d, "min_age");
        let max = int_param(d, "max_age");
        let month_end = max.and_then(|m| end_of_month_turning(birth, m));
        if age_rule {
            match (min, max, month_end) {
                (Some(min), _, _) if age < min => out.push(match lang {
                    Lang::Fi => format!(
                        "Työttömyysetuuden alaikäraja on {}, joten asiakas on sen alle.",
                        years(min, lang)
                    ),
                    Lang::Sv => format!(
                        "Den nedre åldersgränsen för arbetslöshetsförmån är {}, och kunden är \
                         under den.",
                        years(min, lang)
                    ),
                    Lang::En => format!(
                        "The lower age limit of unemployment benefit is {}, and the client is \
                         under it.",
                        years(min, lang)
                    ),
                }),
                (_, Some(max), Some(end)) if d.decision_date > end => out.push(match lang {
                    Lang::Fi => format!(
                        "Yläikäraja on {}: oikeus työttömyysetuuteen päättyy sen kuukauden \
                         lopussa, jona asiakas täyttää {max} vuotta, eli {}. Ratkaisupäivä on \
                         tämän jälkeen.",
                        years(max, lang),
                        date(end, lang)
                    ),
                    Lang::Sv => format!(
                        "Den övre åldersgränsen är {}: rätten till arbetslöshetsförmån upphör \
                         vid utgången av den månad då kunden uppnår {max} års ålder, det vill säga {}. \
                         Avgörandedagen ligger efter detta.",
                        years(max, lang),
                        date(end, lang)
                    ),
                    Lang::En => format!(
                        "The upper age limit is {}: the right to unemployment benefit ends at \
                         the end of the month in which the client turns {max}, that is {}. The \
                         decision date is after it.",
                        years(max, lang),
                        date(end, lang)
                    ),
                }),
                _ => {}
            }
        } else if positive {
            if let (Some(min), Some(max), Some(end)) = (min, max, month_end) {
                out.push(match lang {
                    Lang::Fi => format!(
                        "Ikärajat täyttyvät: asiakas on vähintään {min}-vuotias, ja kuukausi, \
                         jona hän täyttää {max} vuotta, päättyy vasta {}.",
                        date(end, lang)
                    ),
                    Lang::Sv => format!(
                        "Åldersgränserna uppfylls: kunden är minst {min} år, och den månad då \
                         kunden uppnår {max} års ålder tar slut först {}.",
                        date(end, lang)
                    ),
                    Lang::En => format!(
                        "The age limits are met: the client is at least {min}, and the month in \
                         which they turn {max} ends only on {}.",
                        date(end, lang)
                    ),
                });
            }
        }
        if let Some(limit) = int_param(d, "youth_age_limit") {
            let qualified = d.facts.vocational_qualification;
            if youth_rule {
                out.push(match lang {
                    Lang::Fi => format!(
                        "Nuoren koulutusvelvoitteen ikäraja on {}. Asiakas on sen alle, eikä \
                         hänellä ole ammatillista tutkintoa.",
                        years(limit, lang)
                    ),
                    Lang::Sv => format!(
                        "Åldersgränsen för ungas utbildningsskyldighet är {}. Kunden är under \
                         den och har ingen yrkesinriktad examen.",
                        years(limit, lang)
                    ),
                    Lang::En => format!(
                        "The age limit of the youth education duty is {}. The client is under \
                         it and has no vocational qualification.",
                        years(limit, lang)
                    ),
                });
            } else if positive && age < limit && qualified == Some(true) {
                out.push(match lang {
                    Lang::Fi => format!(
                        "Asiakas on alle {limit}-vuotias, mutta hänellä on ammatillinen \
                         tutkinto, joten nuoren koulutusvelvoite ei koske häntä."
                    ),
                    Lang::Sv => format!(
                        "Kunden är under {limit} år men har en yrkesinriktad examen, så ungas \
                         utbildningsskyldighet gäller inte kunden."
                    ),
                    Lang::En => format!(
                        "The client is under {limit} but has a vocational qualification, so the \
                         youth education duty does not apply."
                    ),
                });
            } else if positive && age >= limit {
                out.push(match lang {
                    Lang::Fi => format!(
                        "Asiakas on täyttänyt {limit} vuotta, joten nuoren koulutusvelvoite ei \
                         koske häntä."
                    ),
                    Lang::Sv => format!(
                        "Kunden är minst {limit} år, så ungas utbildningsskyldighet gäller inte \
                         kunden."
                    ),
                    Lang::En => format!(
                        "The client has turned {limit}, so the youth education duty does not \
                         apply."
                    ),
                });
            }
        }
    }
    let window = int_param(d, "max_retroactive_days");
    let back = |day: NaiveDate| (d.decision_date - day).num_days();
    let before = |what: &str, day: NaiveDate| -> String {
        let n = back(day);
        match lang {
            Lang::Fi if n == 0 => format!("{what} {} on sama kuin ratkaisupäivä.", date(day, lang)),
            Lang::Fi => format!(
                "{what} {} on {} ennen ratkaisupäivää {on}.",
                date(day, lang),
                days(n, lang)
            ),
            Lang::Sv if n == 0 => {
                format!("{what} {} är samma som avgörandedagen.", date(day, lang))
            }
            Lang::Sv => format!(
                "{what} {} ligger {} före avgörandedagen {on}.",
                date(day, lang),
                days(n, lang)
            ),
            Lang::En if n == 0 => format!("{what} {} is the decision date.", date(day, lang)),
            Lang::En => format!(
                "{what} {} is {} before the decision date {on}.",
                date(day, lang),
                days(n, lang)
            ),
        }
    };
    let after = |what: &str, day: NaiveDate| -> String {
        match lang {
            Lang::Fi => format!("{what} {} on ratkaisupäivän {on} jälkeen.", date(day, lang)),
            Lang::Sv => format!(
                "{what} {} ligger efter avgörandedagen {on}.",
                date(day, lang)
            ),
            Lang::En => format!(
                "{what} {} is after the decision date {on}.",
                date(day, lang)
            ),
        }
    };
    let limit = |w: i64| -> String {
        match lang {
            Lang::Fi => format!(
                "Käsittelysääntöjen mukaan automaattisesti voidaan ratkaista enintään {} \
                 taaksepäin.",
                days(w, lang)
            ),
            Lang::Sv => format!(
                "Enligt behandlingsreglerna kan högst {} bakåt i tiden avgöras automatiskt.",
                days(w, lang)
            ),
            Lang::En => format!(
                "Under the processing rules at most {} back can be decided automatically.",
                days(w, lang)
            ),
        }
    };
    let start_words = pick(
        lang,
        "Työnhaun alkamispäivä",
        "Arbetssökandets startdag",
        "The start of job search",
    );
    let end_words = pick(
        lang,
        "Työnhaun päättymispäivä",
        "Arbetssökandets slutdag",
        "The end of job search",
    );
    let start_kind = d.kind == Kind::JobSearchStart;
    if let Some(s) = d.facts.job_search_start.filter(|_| start_kind) {
        if d.has_reason(C::StartDate) || positive {
            if s > d.decision_date {
                out.push(after(start_words, s));
            } else {
                out.push(before(start_words, s));
                if let Some(w) = window {
                    out.push(limit(w));
                }
            }
        }
    }
    if let Some(e) = d.facts.job_search_end.filter(|_| !start_kind) {
        let start = d.facts.job_search_start;
        if d.has_reason(C::EndDate) || d.outcome == Outcome::AutoEnd {
            if e > d.decision_date {
                out.push(after(end_words, e));
            } else if let Some(s) = start.filter(|s| e < *s) {
                out.push(match lang {
                    Lang::Fi => format!(
                        "{end_words} {} on ennen työnhaun alkamispäivää {}.",
                        date(e, lang),
                        date(s, lang)
                    ),
                    Lang::Sv => format!(
                        "{end_words} {} ligger före arbetssökandets startdag {}.",
                        date(e, lang),
                        date(s, lang)
                    ),
                    Lang::En => format!(
                        "{end_words} {} is before the start of job search {}.",
                        date(e, lang),
                        date(s, lang)
                    ),
                });
            } else {
                out.push(before(end_words, e));
                if let Some(w) = window {
                    out.push(limit(w));
                }
            }
        }
    }
    out
}

/// Which organisation handles a routed case whose reasons point to two, and why.
fn target_choice(d: &Decision, lang: Lang) -> Option<String> {
    let reasons = d.reasons();
    let chosen = d.target?;
    let other = reasons.iter().find(|r| r.target != chosen)?.target;
    let to_chosen: Vec<String> = reasons
        .iter()
        .filter(|r| r.target == chosen)
        .map(|r| {
            d.rule(&r.rule)
                .map_or(r.rule.clone(), |m| lower_first(title(m, lang)))
        })
        .collect();
    // The kinds of reason that belong to the chosen organisation in this rule set.
    let mut kinds: Vec<String> = Vec::new();
    for m in d
        .meta
        .rules
        .iter()
        .filter(|m| m.role == Role::Route && m.target == Some(chosen))
    {
        let t = lower_first(title(m, lang));
        if !kinds.contains(&t) {
            kinds.push(t);
        }
    }
    let list = |v: &[String], and: &str| match v {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {and} {last}", init.join(", ")),
    };
    let and = pick(lang, "ja", "och", "and");
    let or = pick(lang, "tai", "eller", "or");
    let (c, o) = (target_name(chosen, lang), target_name(other, lang));
    let several = to_chosen.len() > 1;
    Some(match lang {
        Lang::Fi => {
            format!(
            "Perusteet kuuluvat kahden viranomaisen arvioitaviksi: {o} ja {c}. Käsittelysääntöjen \
             mukaan asia siirretään kokonaan KEHA-keskukselle, jos yksikin peruste kuuluu sen \
             arvioitavaksi ({}). Tässä asiassa {} {}. KEHA-keskuksen virkailija näkee myös \
             muut perusteet.",
            list(&kinds, or),
            if several { "sellaisia perusteita ovat" } else { "sellainen peruste on" },
            list(&to_chosen, and)
        )
        }
        Lang::Sv => {
            format!(
            "Grunderna hänför sig till två myndigheter: {o} och {c}. Enligt behandlingsreglerna \
             överförs ärendet till KEHA-centret om någon grund hör till dess bedömning ({}). I \
             detta ärende {} {}. Tjänstemannen vid KEHA-centret ser också de övriga grunderna.",
            list(&kinds, or),
            if several { "är sådana grunder" } else { "är en sådan grund" },
            list(&to_chosen, and)
        )
        }
        Lang::En => {
            format!(
            "The reasons point to two authorities: {o} and {c}. Under the processing rules the \
             whole case goes to the KEHA Centre if any reason is for it to assess ({}). In this \
             case {} {}. The official at the KEHA Centre sees the other reasons too.",
            list(&kinds, or),
            if several { "those reasons are" } else { "that reason is" },
            list(&to_chosen, and)
        )
        }
    })
}

/// Explain a decision as plain text in the reader's language: the outcome and who handles a
/// routed case (and why, when its reasons point to two), every reason in words with its legal
/// basis in full, the facts the rules derived, the rule-set version and hash, and (if traced)
/// every rule considered with the data it read in words. An automatic statement ends with
/// [`automated_notice`].
pub fn explain(d: &Decision, lang: Lang) -> String {
    let mut s = String::new();
    let what = match d.outcome {
        Outcome::AutoPositive => pick(
            lang,
            "Työvoimapoliittinen lausunto on annettu automaattisesti: ei työvoimapoliittista \
             estettä.",
            "Ett arbetskraftspolitiskt utlåtande har getts automatiskt: inget \
             arbetskraftspolitiskt hinder.",
            "A labour-policy statement was issued automatically: no labour-policy obstacle.",
        ),
        Outcome::AutoEnd => pick(
            lang,
            "Työvoimapoliittinen lausunto on annettu automaattisesti: työnhaku on päättynyt.",
            "Ett arbetskraftspolitiskt utlåtande har getts automatiskt: arbetssökandet har \
             upphört.",
            "A labour-policy statement was issued automatically: job search has ended.",
        ),
        Outcome::Routed => pick(
            lang,
            "Asia on siirretty virkailijan ratkaistavaksi.",
            "Ärendet har överförts till en tjänsteman för avgörande.",
            "The case was routed to an official for decision.",
        ),
    };
    let basis_label = pick(lang, "Oikeusperuste", "Rättslig grund", "Legal basis");
    let _ = writeln!(
        s,
        "{}: {what}",
        pick(lang, "Ratkaisu", "Avgörande", "Decision")
    );
    let _ = writeln!(
        s,
        "{}: {}",
        pick(lang, "Ratkaisupäivä", "Avgörandedag", "Decision date"),
        date(d.decision_date, lang)
    );
    if let Some(t) = d.target {
        let _ = writeln!(
            s,
            "{}: {}",
            pick(lang, "Asian ratkaisee", "Ärendet avgörs av", "Handled by"),
            target_name(t, lang)
        );
    }
    if let Some(e) = d.effective_date {
        let _ = writeln!(
            s,
            "{}: {}",
            pick(lang, "Voimassa alkaen", "Gäller från", "Effective from"),
            date(e, lang)
        );
    }
    if let Some(r) = d.decided_by().filter(|r| r.role == Role::Outcome) {
        let _ = writeln!(
            s,
            "{}: {}.",
            pick(lang, "Peruste", "Grund", "Ground"),
            title(r, lang)
        );
        let _ = writeln!(s, "{basis_label}: {}.", basis_in_words(&r.basis, lang));
        let _ = writeln!(
            s,
            "{}",
            pick(
                lang,
                "Yksikään siirron peruste ei täyttynyt, joten asia voitiin ratkaista \
                 automaattisesti.",
                "Ingen grund för överföring uppfylldes, så ärendet kunde avgöras automatiskt.",
                "No reason for routing held, so the case could be decided automatically.",
            )
        );
    }
    let reasons = d.reasons();
    if !reasons.is_empty() {
        let _ = writeln!(
            s,
            "{}:",
            pick(
                lang,
                "Siirron perusteet",
                "Grunder för överföringen",
                "Reasons for routing"
            )
        );
        for (i, r) in reasons.iter().enumerate() {
            let t = d.rule(&r.rule).map_or(r.rule.as_str(), |m| title(m, lang));
            let _ = writeln!(s, "{}. {t}. {}", i + 1, reason_words(r.code, lang));
            let _ = writeln!(s, "   {basis_label}: {}.", basis_in_words(&r.basis, lang));
            let _ = writeln!(
                s,
                "   {}: {}.",
                pick(lang, "Arvioi", "Bedöms av", "Assessed by"),
                target_name(r.target, lang)
            );
        }
        if let Some(why) = target_choice(d, lang) {
            let _ = writeln!(s, "{why}");
        }
    }
    let facts = derived_facts(d, lang);
    if !facts.is_empty() {
        let _ = writeln!(
            s,
            "{}:",
            pick(
                lang,
                "Tiedot, joihin ratkaisu perustuu",
                "Uppgifter som avgörandet bygger på",
                "Facts the decision rests on",
            )
        );
        for f in facts {
            let _ = writeln!(s, "- {f}");
        }
    }
    let _ = writeln!(
        s,
        "{}: {} {} {} (sha256 {}).",
        pick(
            lang,
            "Käsittelysäännöt",
            "Behandlingsregler",
            "Processing rules"
        ),
        d.rule_set_name(),
        pick(lang, "versio", "version", "version"),
        d.rule_set_version(),
        d.rule_set_hash()
    );
    match &d.trace {
        None => {
            let _ = writeln!(
                s,
                "{}",
                pick(
                    lang,
                    "Sääntökohtaista jäljitystä ei tallennettu.",
                    "Ingen spårning per regel sparades.",
                    "No per-rule trace was recorded.",
                )
            );
        }
        Some(steps) => {
            let _ = writeln!(
                s,
                "{}:",
                pick(
                    lang,
                    "Arvioidut säännöt",
                    "Prövade regler",
                    "Rules considered"
                )
            );
            for (i, st) in steps.iter().enumerate() {
                let t = d
                    .rule(&st.rule)
                    .map_or(st.rule.as_str(), |m| title(m, lang));
                let status = match st.status {
                    RuleStatus::Fired => pick(lang, "ehto täyttyi", "villkoret uppfylldes", "held"),
                    RuleStatus::NotFired => pick(
                        lang,
                        "ehto ei täyttynyt",
                        "villkoret uppfylldes inte",
                        "did not hold",
                    ),
                    RuleStatus::Unknown => pick(
                        lang,
                        "ehtoa ei voitu arvioida",
                        "villkoret kunde inte bedömas",
                        "could not be evaluated",
                    ),
                    RuleStatus::Skipped => {
                        pick(lang, "ei arvioitu", "prövades inte", "not evaluated")
                    }
                };
                let _ = writeln!(
                    s,
                    "{}. {t} ({} {}): {status}.",
                    i + 1,
                    pick(lang, "sääntö", "regel", "rule"),
                    st.rule
                );
                let _ = writeln!(s, "   {basis_label}: {}.", basis_in_words(&st.basis, lang));
                if !st.reads.is_empty() {
                    let _ = writeln!(
                        s,
                        "   {}:",
                        pick(lang, "Luetut tiedot", "Lästa uppgifter", "Data read")
                    );
                    for r in &st.reads {
                        let _ = writeln!(
                            s,
                            "   - {}: {}",
                            input_words(&r.name, lang),
                            value_words(&r.name, &r.value, lang)
                        );
                    }
                }
            }
        }
    }
    if d.outcome != Outcome::Routed {
        let _ = writeln!(s, "{}", automated_notice(lang));
    }
    s
}

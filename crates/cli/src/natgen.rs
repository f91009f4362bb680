//! National-scale data (issue 14): `kirjuri generate` builds a realistic dataset — 45
//! employment authorities, KEHA-keskus and the supervisor, thousands of officials, hundreds of
//! thousands of clients with years of history — and loads it through the store's bulk loader
//! (`Store::bulk_loader`: `COPY` on PostgreSQL, large multi-row transactions on SQLite), every
//! record row a ledger leaf, so `kirjuri ledger verify` passes on the result.
//!
//! Everything comes from the seed: names from small Finnish and Swedish word lists, identity
//! codes only from the 900–999 test range (valid check characters, never reused), dates,
//! recording lags, which cases are late. Entry texts are sentences from fixed lists, checked
//! once with Kirjuri's own entry-quality checker: its warnings are stored with the entries
//! that use them, as the server stores them, so the language-quality report has data.

use std::collections::HashSet;
use std::io::Write;
use std::time::Instant;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use kirjuri_app::statements::procedure::{self, Step};
use kirjuri_domain::{
    time, Client, ClientId, EntryKind, Hetu, JobSearch, Language, OrgId, OrgKind, Organisation,
    PersonName, UserId,
};
use kirjuri_ledger::EventType;
use kirjuri_rules::{Reported, RuleSets};
use kirjuri_store::{
    AdoptionDecision, LoadBatch, LoadTable, PlainTable, RegisterFacts, StatementContext, Store,
};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, RngCore, SeedableRng};
use std::sync::Arc;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Params {
    pub clients: u32,
    pub authorities: u32,
    pub officials: u32,
    pub years: u32,
    pub seed: u64,
    /// The last day of the history (nothing is recorded after its noon).
    pub today: NaiveDate,
    /// Print a progress line on stderr.
    pub progress: bool,
}

/// What was generated, and how long it took.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub clients: u64,
    pub officials: u64,
    pub leaves: u64,
    pub rows: u64,
    pub seconds: f64,
    pub checkpoint_size: u64,
}

/// Clients per batch (one transaction each).
const BATCH_CLIENTS: u32 = 1_000;

const FIRST_FI: &[&str] = &[
    "Aino", "Eino", "Helmi", "Onni", "Sofia", "Leo", "Aada", "Elias", "Venla", "Oliver", "Lilja",
    "Väinö", "Emma", "Eetu", "Iida", "Juho", "Kerttu", "Matias", "Niilo", "Elsa", "Anton", "Maria",
    "Johannes", "Aurora", "Lauri", "Tuula", "Jari", "Pirjo", "Timo", "Sari", "Mika", "Minna",
    "Petri", "Satu", "Antti", "Riikka", "Ville", "Heidi", "Janne", "Katja",
];
const FIRST_SV: &[&str] = &[
    "Saga", "Linnea", "Oskar", "Ella", "Elias", "Alva", "Axel", "Ebba", "Hugo", "Wilma", "Emil",
    "Stina", "Henrik", "Annika", "Mikael", "Johanna", "Fredrik", "Camilla", "Rasmus", "Ida",
];
const LAST_FI: &[&str] = &[
    "Korhonen",
    "Virtanen",
    "Mäkinen",
    "Nieminen",
    "Mäkelä",
    "Hämäläinen",
    "Laine",
    "Heikkinen",
    "Koskinen",
    "Järvinen",
    "Lehtonen",
    "Lehtinen",
    "Saarinen",
    "Salminen",
    "Heinonen",
    "Niemi",
    "Heikkilä",
    "Kinnunen",
    "Salonen",
    "Turunen",
    "Salo",
    "Laitinen",
    "Tuominen",
    "Rantanen",
    "Karjalainen",
    "Jokinen",
    "Mattila",
    "Savolainen",
    "Lahtinen",
    "Ahonen",
];
const LAST_SV: &[&str] = &[
    "Lindholm",
    "Nyström",
    "Åberg",
    "Sundqvist",
    "Holmberg",
    "Lindqvist",
    "Johansson",
    "Eriksson",
    "Karlsson",
    "Andersson",
    "Grönroos",
    "Forsman",
    "Björklund",
    "Lundström",
    "Wikström",
];

/// Municipal and regional employment areas (fictional names in the style of real ones).
const AREAS: &[(&str, &str)] = &[
    ("Etelärannikon", "Södra kustens"),
    ("Järviseudun", "Insjöregionens"),
    ("Pohjanmaan rannikon", "Österbottens kust"),
    ("Itärajan", "Östgränsens"),
    ("Tunturi-Lapin", "Fjäll-Lapplands"),
    ("Saariston", "Skärgårdens"),
    ("Kaakkoisen", "Sydöstra"),
    ("Keskiylängön", "Mellersta höglandets"),
    ("Jokilaakson", "Älvdalens"),
    ("Harjuseudun", "Åsregionens"),
    ("Metsämaan", "Skogsbygdens"),
    ("Kalliorannikon", "Klippkustens"),
    ("Suviseudun", "Sommarbygdens"),
    ("Koskilaakson", "Forsdalens"),
    ("Lakeuden", "Slättbygdens"),
];

/// Sentences of ordinary entries, per kind and language.
const CONTACT_FI: &[&str] = &[
    "Asiakas soitti ja kysyi, miten työnhaku jatkuu. Kerrottu seuraavasta tapaamisesta.",
    "Lähetetty asiakkaalle viesti asiointipalvelun kautta työnhakuvelvollisuudesta.",
    "Asiakas kertoi hakeneensa kolmea varastotyöpaikkaa ja yhtä myyjän paikkaa.",
    "Asiakas ilmoitti osoitteenmuutoksesta; ohjattu tekemään muutos asiointipalveluun.",
    "Asiakas kertoi käyneensä työhaastattelussa rakennusalan yrityksessä ja odottaa vastausta.",
    "Puhelinkeskustelussa käyty läpi asiakkaan hakemat työpaikat kuluneelta kuukaudelta.",
    "Asiakas kysyi mahdollisuudesta osa-aikatyöhön työnhaun aikana. Asiaa selvitetty hänen kanssaan.",
];
const CONTACT_SV: &[&str] = &[
    "Kunden ringde och frågade hur arbetssökandet fortsätter. Nästa möte har bokats.",
    "Kunden berättade att hon har sökt tre lagerjobb och ett jobb som försäljare.",
    "Ett meddelande om skyldigheten att söka arbete har skickats till kunden via e-tjänsten.",
    "Kunden meddelade en ny adress och har hänvisats att göra ändringen i e-tjänsten.",
];
/// Sentences some officials write that the checker warns about (unexplained abbreviations).
const CONTACT_FINDINGS_FI: &[&str] = &[
    "Asiakas ohjattu TYP-palveluun ja sovittu yhteinen tapaaminen.",
    "Asiakkaan kanssa keskusteltu OMO-palveluista ja kerrottu niiden sisällöstä.",
    "Selvitetty asiakkaan TTT-oikeus ja ohjattu asiakasta hakemaan tukea.",
];
const ADVICE_FI: &[&str] = &[
    "Neuvottu hakemaan työttömyysetuutta Kelasta ja kerrottu, että työvoimapoliittinen lausunto annetaan Kelalle.",
    "Kerrottu omaehtoisesta opiskelusta työttömyysetuudella ja sen hakemisesta ennen opintojen alkua.",
    "Neuvottu, miten työhakemukset merkitään asiointipalveluun kuukauden tarkastelujaksolla.",
];
const ADVICE_SV: &[&str] = &[
    "Kunden har fått råd om att söka arbetslöshetsförmån hos FPA.",
    "Kunden har informerats om frivilliga studier med arbetslöshetsförmån.",
];
const INTERVIEW_FI: &str =
    "Alkuhaastattelu pidetty. Käyty läpi työhistoria, osaaminen ja tavoitteet sekä sovittu asiointitavasta.";
const INTERVIEW_SV: &str =
    "Den inledande intervjun har hållits. Arbetshistorien, kunnandet och målen har gåtts igenom.";
const PLAN_FI: &str = "Työllistymissuunnitelma laadittu: asiakas hakee vähintään neljää työpaikkaa kuukaudessa ja osallistuu työnhakuvalmennukseen.";
const PLAN_SV: &str = "En sysselsättningsplan har gjorts upp: kunden söker minst fyra jobb i månaden och deltar i jobbsökarträning.";
const REVIEW_FI: &str = "Työllistymissuunnitelma tarkistettu yhdessä asiakkaan kanssa ja sovittu seuraavasta tarkistuksesta.";
const REVIEW_SV: &str =
    "Sysselsättningsplanen har setts över tillsammans med kunden och nästa uppföljning har avtalats.";
const SERVICES: &[&str] = &[
    "Työnhakuvalmennus",
    "Ammatillinen työvoimakoulutus: logistiikka",
    "Työkokeilu",
    "Uravalmennus",
];
const SERVICE_START_FI: &str =
    "Palvelu alkoi sovitusti, ja asiakas osallistui ensimmäiseen tapaamiseen.";
const SERVICE_START_SV: &str =
    "Tjänsten har börjat som avtalat och kunden deltog i det första mötet.";

/// A sentence with the warnings the checker gives it, as `entry_findings` stores them.
#[derive(Debug, Clone)]
struct Sentence {
    text: &'static str,
    findings: Vec<(String, i64, i64, String)>,
}

/// The fixed sentences, each checked once in its language; a sentence the checker would refuse
/// (a blocking finding) is left out, as the server would refuse it.
struct Texts {
    contact_fi: Vec<Sentence>,
    contact_sv: Vec<Sentence>,
    findings_fi: Vec<Sentence>,
    advice_fi: Vec<Sentence>,
    advice_sv: Vec<Sentence>,
    fixed: Vec<Sentence>,
}

fn check_all(
    checker: Option<&kirjuri_quality::Checker>,
    list: &[&'static str],
    kind: EntryKind,
    language: Language,
) -> Vec<Sentence> {
    list.iter()
        .filter_map(|text| {
            let Some(checker) = checker else {
                return Some(Sentence {
                    text,
                    findings: Vec::new(),
                });
            };
            let report = checker
                .check(text, &kirjuri_quality::Context::entry(kind, language))
                .ok()?;
            if report
                .findings
                .iter()
                .any(|f| f.severity == kirjuri_quality::Severity::Block)
            {
                return None;
            }
            let findings = report
                .findings
                .iter()
                .map(|f| {
                    (
                        f.kind.code().to_owned(),
                        f.chars.start as i64,
                        f.chars.end as i64,
                        f.matched.clone(),
                    )
                })
                .collect();
            Some(Sentence { text, findings })
        })
        .collect()
}

impl Texts {
    fn new() -> Self {
        let checker = kirjuri_quality::Data::embedded().ok().and_then(|d| {
            kirjuri_quality::Checker::new(d, kirjuri_quality::MorphologyMode::Auto).ok()
        });
        let c = checker.as_ref();
        let fixed = [
            (INTERVIEW_FI, EntryKind::InitialInterview, Language::Fi),
            (INTERVIEW_SV, EntryKind::InitialInterview, Language::Sv),
            (PLAN_FI, EntryKind::EmploymentPlan, Language::Fi),
            (PLAN_SV, EntryKind::EmploymentPlan, Language::Sv),
            (REVIEW_FI, EntryKind::EmploymentPlan, Language::Fi),
            (REVIEW_SV, EntryKind::EmploymentPlan, Language::Sv),
            (SERVICE_START_FI, EntryKind::ServiceStart, Language::Fi),
            (SERVICE_START_SV, EntryKind::ServiceStart, Language::Sv),
        ]
        .iter()
        .map(|(t, k, l)| {
            check_all(c, &[*t], *k, *l).pop().unwrap_or(Sentence {
                text: t,
                findings: Vec::new(),
            })
        })
        .collect();
        Texts {
            contact_fi: check_all(c, CONTACT_FI, EntryKind::Contact, Language::Fi),
            contact_sv: check_all(c, CONTACT_SV, EntryKind::Contact, Language::Sv),
            findings_fi: check_all(c, CONTACT_FINDINGS_FI, EntryKind::Contact, Language::Fi),
            advice_fi: check_all(c, ADVICE_FI, EntryKind::Advice, Language::Fi),
            advice_sv: check_all(c, ADVICE_SV, EntryKind::Advice, Language::Sv),
            fixed,
        }
    }
}

fn uuid(rng: &mut StdRng) -> String {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// An instant as the store writes it (fixed-width RFC 3339 UTC with microseconds).
fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

fn at(date: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let local = date.and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or_default());
    time::HELSINKI
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn working_day_on_or_after(d: NaiveDate) -> NaiveDate {
    if time::is_working_day(d) {
        d
    } else {
        time::add_working_days(d, 1).unwrap_or(d)
    }
}

fn s(v: impl Into<String>) -> Option<String> {
    Some(v.into())
}

/// An organisation and its officials.
struct Org {
    id: String,
    /// The organisation as the statement procedure sees it.
    domain: Organisation,
    officials: Vec<String>,
    /// Relative size (clients go to organisations in proportion).
    weight: f64,
    swedish: bool,
}

/// Generates the dataset into `store` (which must be migrated and empty, with a ledger key)
/// and signs a checkpoint of its ledger.
pub async fn generate(store: &Store, p: &Params) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(p.seed);
    let texts = Texts::new();
    let mut loader = store.bulk_loader(p.seed ^ 0x5a17_5a17).await?;
    let created = ts(at(
        p.today - Duration::days(365 * i64::from(p.years) + 60),
        8,
        0,
    ));
    let mut batch = LoadBatch::default();

    // Organisations: the employment authorities (a few large cities, many small areas),
    // KEHA-keskus and the supervisor.
    let mut orgs: Vec<Org> = Vec::new();
    for i in 0..p.authorities {
        let (fi, sv) = AREAS[i as usize % AREAS.len()];
        let round = i as usize / AREAS.len() + 1;
        let id = uuid(&mut rng);
        batch.plain(
            PlainTable::Organisations,
            vec![
                s(&id),
                s("employment_authority"),
                s(format!("{fi} työllisyysalue {round}")),
                s(format!("{sv} sysselsättningsområde {round}")),
            ],
        );
        // Zipf-like sizes: the first areas are the big cities.
        let weight = 1.0 / f64::from(i + 1).powf(0.8);
        let domain = Organisation {
            id: id.parse::<OrgId>().map_err(|e| anyhow::anyhow!("{e}"))?,
            kind: OrgKind::EmploymentAuthority,
            name_fi: PersonName::parse(&format!("{fi} työllisyysalue {round}"))
                .map_err(|e| anyhow::anyhow!("{e}"))?,
            name_sv: PersonName::parse(&format!("{sv} sysselsättningsområde {round}"))
                .map_err(|e| anyhow::anyhow!("{e}"))?,
        };
        orgs.push(Org {
            id,
            domain,
            officials: Vec::new(),
            weight,
            swedish: i % 9 == 2,
        });
    }
    let keha = uuid(&mut rng);
    batch.plain(
        PlainTable::Organisations,
        vec![
            s(&keha),
            s("keha"),
            s("Kehittämis- ja hallintokeskus (KEHA-keskus), työttömyysturvan vastuualue"),
            s("Utvecklings- och förvaltningscentret (UF-centret), ansvarsområdet för utkomstskydd för arbetslösa"),
        ],
    );
    let avi = uuid(&mut rng);
    batch.plain(
        PlainTable::Organisations,
        vec![
            s(&avi),
            s("supervisor"),
            s("Länsi- ja Sisä-Suomen aluehallintovirasto"),
            s("Regionförvaltningsverket i Västra och Inre Finland"),
        ],
    );
    let total_weight: f64 = orgs.iter().map(|o| o.weight).sum();
    // Officials in proportion to each organisation's size, at least three each.
    let mut n_officials = 0u64;
    let mut taken = HashSet::new();
    let mut user = |batch: &mut LoadBatch,
                    rng: &mut StdRng,
                    role: &str,
                    org: &str,
                    swedish: bool,
                    n: &mut u64| {
        let id = uuid(rng);
        // Display names are unique within an organisation (`users_display_name_per_org`):
        // a taken one gets a middle name, as colleagues tell each other apart.
        let (mut first, mut last, mut display);
        let mut tries = 0;
        loop {
            let names = if swedish && rng.gen_bool(0.6) {
                (FIRST_SV, LAST_SV)
            } else {
                (FIRST_FI, LAST_FI)
            };
            first = *names.0.choose(rng).unwrap_or(&"Aino");
            last = *names.1.choose(rng).unwrap_or(&"Virtanen");
            display = format!("{first} {last}");
            for _ in 0..(tries / 10) {
                let middle = names.0.choose(rng).unwrap_or(&"Maria");
                display = format!("{first} {middle} {}", &display[first.len() + 1..]);
            }
            tries += 1;
            if taken.insert(format!("{org}/{}", display.to_lowercase())) {
                break;
            }
        }
        *n += 1;
        let username = format!(
            "{}.{}.{n}",
            first
                .to_lowercase()
                .replace(['ä', 'å'], "a")
                .replace('ö', "o"),
            last.to_lowercase()
                .replace(['ä', 'å'], "a")
                .replace('ö', "o")
        );
        // The supervisor's account has a name to log in with (`kirjuri bench reports --as`).
        let username = if role == "supervisor" {
            "valvoja".to_owned()
        } else {
            username
        };
        batch.plain(
            PlainTable::Users,
            vec![
                s(&id),
                s(username),
                s(display),
                s(role),
                s(org),
                None,
                None,
                s(&created),
            ],
        );
        id
    };
    for org in &mut orgs {
        let share = org.weight / total_weight;
        let n = ((f64::from(p.officials) * share).round() as u32).max(3);
        for _ in 0..n {
            let id = user(
                &mut batch,
                &mut rng,
                "official",
                &org.id,
                org.swedish,
                &mut n_officials,
            );
            org.officials.push(id);
        }
    }
    let mut keha_users = Vec::new();
    for _ in 0..(p.officials / 100).max(2) {
        keha_users.push(user(
            &mut batch,
            &mut rng,
            "keha_official",
            &keha,
            false,
            &mut n_officials,
        ));
    }
    let _supervisor = user(
        &mut batch,
        &mut rng,
        "supervisor",
        &avi,
        false,
        &mut n_officials,
    );
    let admin = user(
        &mut batch,
        &mut rng,
        "administrator",
        &keha,
        false,
        &mut n_officials,
    );
    let kela = uuid(&mut rng);
    batch.plain(
        PlainTable::BenefitPayers,
        vec![
            s(&kela),
            s("Kansaneläkelaitos"),
            s("Folkpensionsanstalten"),
            s("https://etuudet.kela.example.fi/tyovoimapoliittiset-lausunnot"),
            s(&created),
            s(&admin),
        ],
    );
    // The adoption decision of the automated procedure (B13), in force over the whole history,
    // so the job-search starts are decided by the shipped rules as the API decides them.
    let rules = Arc::new(
        RuleSets::shipped()
            .map_err(|d| anyhow::anyhow!("shipped processing rules: {}", d.render()))?,
    );
    let decided_on = p.today - Duration::days(365 * i64::from(p.years) + 90);
    let adoption = AdoptionDecision {
        number: format!("KEHA/1001/{}", decided_on.year()),
        decided_on,
        rule_set_hashes: vec![rules.start.hash().to_owned(), rules.end.hash().to_owned()],
        quality_owner: "Laura Laatu".into(),
        error_owner: "Veikko Virhe".into(),
        url: format!(
            "https://kirjuri.example.fi/adoption-decisions/KEHA-1001-{}",
            decided_on.year()
        ),
        retired_on: None,
        recorded_at: at(decided_on, 12, 0),
        recorded_by: admin
            .parse::<UserId>()
            .map_err(|e| anyhow::anyhow!("{e}"))?,
    };
    batch.plain(
        PlainTable::AdoptionDecisions,
        vec![
            s(&adoption.number),
            s(decided_on.to_string()),
            s(serde_json::to_string(&adoption.rule_set_hashes)?),
            s(&adoption.quality_owner),
            s(&adoption.error_owner),
            s(&adoption.url),
            None,
            s(ts(adoption.recorded_at)),
            s(&admin),
        ],
    );
    loader.load(std::mem::take(&mut batch)).await?;

    // Cumulative weights for choosing a client's organisation.
    let mut cumulative = Vec::with_capacity(orgs.len());
    let mut acc = 0.0;
    for o in &orgs {
        acc += o.weight / total_weight;
        cumulative.push(acc);
    }
    let mut gen = ClientGen {
        p,
        texts: &texts,
        kela,
        rules,
        adoption,
        seq: Seqs::default(),
        used_hetu: HashSet::with_capacity(p.clients as usize * 2),
        today_end: at(p.today, 12, 0),
        first_day: p.today - Duration::days(365 * i64::from(p.years)),
    };
    let mut last_print = Instant::now();
    for i in 0..p.clients {
        let r: f64 = rng.gen();
        let oi = cumulative
            .iter()
            .position(|c| r <= *c)
            .unwrap_or(orgs.len() - 1);
        gen.client(&mut batch, &mut rng, &orgs, oi)?;
        if (i + 1) % BATCH_CLIENTS == 0 || i + 1 == p.clients {
            loader.load(std::mem::take(&mut batch)).await?;
            if p.progress && (last_print.elapsed().as_millis() > 500 || i + 1 == p.clients) {
                last_print = Instant::now();
                progress(i + 1, p.clients, loader.leaves(), started);
            }
        }
    }
    if p.progress {
        eprintln!();
        eprint!("Committing, ANALYZE and signing a checkpoint ...");
    }
    let leaves = loader.leaves();
    let rows = loader.rows_written;
    let checkpoint = loader.finish().await?;
    if p.progress {
        eprintln!(" done");
    }
    Ok(Summary {
        clients: u64::from(p.clients),
        officials: n_officials,
        leaves,
        rows,
        seconds: started.elapsed().as_secs_f64(),
        checkpoint_size: checkpoint.size,
    })
}

/// A progress bar on stderr: clients done, leaves, rate and the time left at that rate.
fn progress(done: u32, total: u32, leaves: u64, started: Instant) {
    let secs = started.elapsed().as_secs_f64().max(0.001);
    let frac = f64::from(done) / f64::from(total.max(1));
    let width = 30;
    let filled = (frac * f64::from(width)).round() as usize;
    let bar: String = "#".repeat(filled) + &"-".repeat(width as usize - filled.min(30));
    let eta = secs / frac.max(1e-9) - secs;
    let mut err = std::io::stderr().lock();
    let _ = write!(
        err,
        "\r[{bar}] {done}/{total} clients, {leaves} leaves, {:.0} leaves/s, {:.0} s, ~{:.0} s left ",
        leaves as f64 / secs,
        secs,
        eta
    );
    let _ = err.flush();
}

/// The next integer keys of the tables keyed by `seq`.
#[derive(Debug, Default)]
struct Seqs {
    access: i64,
    contact: i64,
    experts: i64,
    facts: i64,
    applications: i64,
}

impl Seqs {
    fn next(n: &mut i64) -> String {
        *n += 1;
        n.to_string()
    }
}

struct ClientGen<'a> {
    p: &'a Params,
    texts: &'a Texts,
    kela: String,
    rules: Arc<RuleSets>,
    adoption: AdoptionDecision,
    seq: Seqs,
    used_hetu: HashSet<u32>,
    today_end: DateTime<Utc>,
    first_day: NaiveDate,
}

/// How long after the event an entry is recorded: mostly within hours, some the next days,
/// a few later than five working days (the timeliness report's subject, A6).
fn lag(rng: &mut StdRng) -> Duration {
    match rng.gen_range(0..100) {
        0..=69 => Duration::minutes(rng.gen_range(5..120)),
        70..=89 => Duration::minutes(rng.gen_range(120..(30 * 60))),
        90..=96 => Duration::hours(rng.gen_range(30..(5 * 24))),
        _ => Duration::days(rng.gen_range(8..30)),
    }
}

impl ClientGen<'_> {
    #[allow(clippy::too_many_lines)] // one client's whole history, in the order it happens
    fn client(
        &mut self,
        b: &mut LoadBatch,
        rng: &mut StdRng,
        orgs: &[Org],
        oi: usize,
    ) -> anyhow::Result<()> {
        let org = &orgs[oi];
        let span_days = (self.p.today - self.first_day).num_days().max(30);
        let start = working_day_on_or_after(
            self.first_day + Duration::days(rng.gen_range(0..(span_days - 7))),
        );
        // Ages 18–64 at the start; identity codes from the test range only, never reused.
        let hetu = loop {
            let age_days = rng.gen_range((18 * 365 + 5)..(64 * 365));
            let born = start - Duration::days(age_days);
            let ind: u16 = rng.gen_range(900..=999);
            let key = (born.num_days_from_ce() as u32) * 100 + u32::from(ind - 900);
            if self.used_hetu.insert(key) {
                break Hetu::from_parts(born, ind).map_err(|e| anyhow::anyhow!("{e}"))?;
            }
        };
        let language = match rng.gen_range(0..100) {
            0..=59 if org.swedish => "sv",
            0..=86 => "fi",
            87..=94 => "sv",
            95..=97 => "en",
            _ => "se",
        };
        let sv = language == "sv";
        let (first, last) = if sv {
            (
                *FIRST_SV.choose(rng).unwrap_or(&"Saga"),
                *LAST_SV.choose(rng).unwrap_or(&"Lindholm"),
            )
        } else {
            (
                *FIRST_FI.choose(rng).unwrap_or(&"Aino"),
                *LAST_FI.choose(rng).unwrap_or(&"Virtanen"),
            )
        };
        let expert = org
            .officials
            .choose(rng)
            .unwrap_or(&org.officials[0])
            .clone();
        let client = uuid(rng);
        let created = at(start, 8, rng.gen_range(0..59));
        let created_s = ts(created);
        b.plain(
            PlainTable::Clients,
            vec![
                s(&client),
                s(hetu.as_str()),
                s(first),
                s(last),
                s(language),
                s(&org.id),
                s(&created_s),
                s(&expert),
            ],
        );
        let domain_client = Client {
            id: client
                .parse::<ClientId>()
                .map_err(|e| anyhow::anyhow!("{e}"))?,
            hetu: hetu.clone(),
            first_name: PersonName::parse(first).map_err(|e| anyhow::anyhow!("{e}"))?,
            last_name: PersonName::parse(last).map_err(|e| anyhow::anyhow!("{e}"))?,
            language: match language {
                "sv" => Language::Sv,
                "en" => Language::En,
                "se" => Language::Se,
                _ => Language::Fi,
            },
            org_id: org.domain.id,
            created_at: created,
        };
        let ctx = Ctx {
            client: &client,
            org: &org.id,
            domain: &domain_client,
        };
        self.access(b, &ctx, &expert, &org.id, created, "write", "client", false);
        // Register facts the rules read (B4).
        let seq = Seqs::next(&mut self.seq.facts);
        let facts = RegisterFacts {
            employment_continues: false,
            active_degree_studies: rng.gen_bool(0.02),
            active_business: false,
            resides_in_finland: true,
            right_to_work: if rng.gen_bool(0.9) {
                "citizen"
            } else {
                "eu_eea"
            }
            .to_owned(),
            vocational_qualification: rng.gen_bool(0.85),
            partial_disability_pension: rng.gen_bool(0.03),
        };
        let bit = |b: bool| s(if b { "1" } else { "0" });
        b.record(
            LoadTable::RegisterFacts,
            EventType::OfficialAction,
            &client,
            vec![
                bit(facts.active_business),
                bit(facts.active_degree_studies),
                s(&client),
                bit(facts.employment_continues),
                bit(facts.partial_disability_pension),
                s(&created_s),
                s(&expert),
                bit(facts.resides_in_finland),
                s(&facts.right_to_work),
                s(seq),
                bit(facts.vocational_qualification),
            ],
            &created_s,
        );
        let seq = Seqs::next(&mut self.seq.experts);
        b.record(
            LoadTable::ResponsibleExperts,
            EventType::OfficialAction,
            &client,
            vec![
                s(&client),
                s(start.to_string()),
                s(&expert),
                s(&created_s),
                s(&expert),
                s(seq),
            ],
            &created_s,
        );
        // One or two job searches over the years.
        let mut js_start = start;
        for round in 0..2 {
            if round == 1 && !rng.gen_bool(0.3) {
                break;
            }
            if at(js_start, 8, 0) >= self.today_end {
                break;
            }
            let ended = self.job_search(
                b,
                rng,
                &ctx,
                &expert,
                orgs,
                oi,
                js_start,
                sv,
                round == 0,
                &facts,
            )?;
            match ended {
                Some(end) => {
                    js_start =
                        working_day_on_or_after(end + Duration::days(rng.gen_range(30..400)));
                }
                None => break,
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn access(
        &mut self,
        b: &mut LoadBatch,
        ctx: &Ctx<'_>,
        user: &str,
        org: &str,
        when: DateTime<Utc>,
        action: &str,
        resource: &str,
        flagged: bool,
    ) {
        let seq = Seqs::next(&mut self.seq.access);
        let when = ts(when);
        b.record(
            LoadTable::AccessLog,
            EventType::Access,
            ctx.client,
            vec![
                s(action),
                s(&when),
                s(ctx.client),
                s(if flagged { "1" } else { "0" }),
                s(org),
                s(if flagged {
                    "valvonta"
                } else {
                    "asiakaspalvelu"
                }),
                s(resource),
                s("official"),
                s(seq),
                s(user),
            ],
            &when,
        );
    }

    /// A journal entry (and its warnings): recorded `lag` after the event, never after today.
    #[allow(clippy::too_many_arguments)]
    fn entry(
        &mut self,
        b: &mut LoadBatch,
        rng: &mut StdRng,
        ctx: &Ctx<'_>,
        author: &str,
        kind: &str,
        sentence: &Sentence,
        event: DateTime<Utc>,
        details: &str,
    ) -> Option<DateTime<Utc>> {
        if event >= self.today_end {
            return None;
        }
        let recorded = (event + lag(rng)).min(self.today_end);
        let id = uuid(rng);
        let rec = ts(recorded);
        b.record(
            LoadTable::Entries,
            EventType::Entry,
            ctx.client,
            vec![
                s(author),
                s(ctx.client),
                None,
                None,
                s(details),
                s(ts(event)),
                s(&id),
                s(kind),
                s(&rec),
                s(sentence.text),
            ],
            &rec,
        );
        for (ord, (fkind, start, end, matched)) in sentence.findings.iter().enumerate() {
            b.plain(
                PlainTable::EntryFindings,
                vec![
                    s(&id),
                    s(ord.to_string()),
                    s(fkind),
                    s("warn"),
                    s(start.to_string()),
                    s(end.to_string()),
                    s(matched),
                ],
            );
        }
        // The author often reads the record when writing.
        if rng.gen_bool(0.3) {
            self.access(b, ctx, author, ctx.org, recorded, "read", "entries", false);
        }
        Some(recorded)
    }

    /// One job search from `start`: its start, the initial interview (some late), the contact
    /// method, the plan and its follow-ups, contacts, appointments, maybe a service and an end.
    /// Returns the end date if it ended.
    #[allow(clippy::too_many_arguments, clippy::too_many_lines)]
    fn job_search(
        &mut self,
        b: &mut LoadBatch,
        rng: &mut StdRng,
        ctx: &Ctx<'_>,
        expert: &str,
        orgs: &[Org],
        oi: usize,
        start: NaiveDate,
        sv: bool,
        first: bool,
        facts: &RegisterFacts,
    ) -> anyhow::Result<Option<NaiveDate>> {
        let client = ctx.client;
        let js = uuid(rng);
        let rec = ts(at(start, 8, rng.gen_range(0..59)));
        b.record(
            LoadTable::JobSearches,
            EventType::OfficialAction,
            client,
            vec![s(client), s(&js), s(&rec), s(expert), s(start.to_string())],
            &rec,
        );
        self.decision(b, rng, ctx, &orgs[oi], &js, start, &rec, expert, facts)?;
        if first && rng.gen_bool(0.6) {
            let seq = Seqs::next(&mut self.seq.applications);
            b.record(
                LoadTable::BenefitApplications,
                EventType::OfficialAction,
                client,
                vec![
                    s(client),
                    s(start.to_string()),
                    s(&self.kela),
                    s(&rec),
                    s(expert),
                    s(seq),
                ],
                &rec,
            );
        }
        // Most searches end within two years; the rest are open today.
        // Durations roughly exponential (median about five months), a few long-term
        // unemployed; what has not ended by today is open.
        let days = 30.0 - 220.0 * (1.0 - rng.gen::<f64>()).ln();
        let days = if rng.gen_bool(0.05) { days * 3.0 } else { days };
        let end = {
            let e = working_day_on_or_after(start + Duration::days(days as i64));
            (at(e, 9, 0) < self.today_end).then_some(e)
        };
        let last_day = end.unwrap_or(self.p.today);
        // The initial interview: within the deadline mostly, late for some (A6, issue 14).
        let deadline = time::initial_interview_deadline(start).unwrap_or(start);
        let span = time::working_days_between(start, deadline).max(1);
        let interview = if rng.gen_bool(0.88) {
            time::add_working_days(start, rng.gen_range(1..=span))
        } else {
            time::add_working_days(deadline, rng.gen_range(1..15))
        }
        .unwrap_or(start);
        // The interview is booked the day the search starts.
        let (hour, minute) = (rng.gen_range(9..15), [0, 15, 30, 45][rng.gen_range(0..4)]);
        self.appointment(
            b,
            rng,
            ctx,
            expert,
            interview,
            hour,
            minute,
            at(start, 9, 30),
        );
        let ev = at(interview, hour, minute);
        let texts = self.texts;
        let fixed = |i: usize| &texts.fixed[i];
        let Some(recorded) = self.entry(
            b,
            rng,
            ctx,
            expert,
            "initial_interview",
            fixed(usize::from(sv)),
            ev,
            "{}",
        ) else {
            self.close_search(b, rng, client, &js, expert, end);
            return Ok(end);
        };
        // The contact method agreed at the interview (A9); a few never recorded.
        if rng.gen_bool(0.93) {
            let seq = Seqs::next(&mut self.seq.contact);
            let method = ["online", "phone", "visit", "video", "online", "phone"]
                .choose(rng)
                .unwrap_or(&"online");
            let r = ts(recorded);
            b.record(
                LoadTable::ContactMethods,
                EventType::OfficialAction,
                client,
                vec![
                    s(interview.to_string()),
                    s(client),
                    s(*method),
                    None,
                    s(&r),
                    s(expert),
                    s(seq),
                ],
                &r,
            );
        }
        // The plan, followed up about every three months (A7), some follow-ups late.
        let mut plan_day = interview;
        let mut plan_text = fixed(2 + usize::from(sv));
        let mut plan_event = ev + Duration::minutes(30);
        loop {
            let follow = plan_day + Duration::days(rng.gen_range(60..100));
            let details = format!(r#"{{"follow_up_dates":["{follow}"]}}"#);
            if self
                .entry(
                    b,
                    rng,
                    ctx,
                    expert,
                    "employment_plan",
                    plan_text,
                    plan_event,
                    &details,
                )
                .is_none()
            {
                break;
            }
            // Contacts and advice until the follow-up.
            let mut day = plan_day;
            loop {
                day += Duration::days(rng.gen_range(30..100));
                if day >= follow || day > last_day {
                    break;
                }
                let ev = at(
                    working_day_on_or_after(day),
                    rng.gen_range(8..16),
                    rng.gen_range(0..59),
                );
                let (kind, list) = if rng.gen_bool(0.65) {
                    (
                        "contact",
                        match (sv, rng.gen_bool(0.04)) {
                            (true, _) => &texts.contact_sv,
                            (false, true) if !texts.findings_fi.is_empty() => &texts.findings_fi,
                            _ => &texts.contact_fi,
                        },
                    )
                } else {
                    (
                        "advice",
                        if sv {
                            &texts.advice_sv
                        } else {
                            &texts.advice_fi
                        },
                    )
                };
                if let Some(sentence) = list.choose(rng) {
                    self.entry(b, rng, ctx, expert, kind, sentence, ev, "{}");
                }
                // Now and then an official of another organisation reads the record.
                if rng.gen_bool(0.02) {
                    let other = &orgs[(oi + rng.gen_range(1..orgs.len().max(2))) % orgs.len()];
                    if let Some(who) = other.officials.choose(rng) {
                        self.access(b, ctx, who, &other.id, ev, "read", "entries", true);
                    }
                }
            }
            // A service for some.
            if rng.gen_bool(0.12) {
                let service = SERVICES.choose(rng).unwrap_or(&SERVICES[0]);
                let d = working_day_on_or_after(plan_day + Duration::days(14));
                if d <= last_day {
                    let details = format!(r#"{{"service":"{service}"}}"#);
                    self.entry(
                        b,
                        rng,
                        ctx,
                        expert,
                        "service_start",
                        fixed(6 + usize::from(sv)),
                        at(d, 10, 0),
                        &details,
                    );
                }
            }
            // The follow-up: on time mostly, some weeks late.
            let done = if rng.gen_bool(0.85) {
                working_day_on_or_after(follow - Duration::days(rng.gen_range(0..7)))
            } else {
                working_day_on_or_after(follow + Duration::days(rng.gen_range(5..40)))
            };
            if done > last_day {
                break;
            }
            let (hour, minute) = (rng.gen_range(9..15), [0, 30][rng.gen_range(0..2)]);
            let booked = at(done - Duration::days(rng.gen_range(7..21)), 11, 0);
            self.appointment(b, rng, ctx, expert, done, hour, minute, booked);
            plan_day = done;
            plan_text = fixed(4 + usize::from(sv));
            plan_event = at(done, hour, minute);
        }
        self.close_search(b, rng, client, &js, expert, end);
        Ok(end)
    }

    /// The start statement, decided by the shipped rules on the client's answers the day the
    /// search starts, as the API decides it (B2–B6): most automatic, a resignation routed to
    /// KEHA-keskus, a free-form explanation to the employment authority.
    #[allow(clippy::too_many_arguments)]
    fn decision(
        &mut self,
        b: &mut LoadBatch,
        rng: &mut StdRng,
        ctx: &Ctx<'_>,
        org: &Org,
        js: &str,
        start: NaiveDate,
        recorded: &str,
        expert: &str,
        facts: &RegisterFacts,
    ) -> anyhow::Result<()> {
        let (previous_end, free_text) = match rng.gen_range(0..20) {
            0 | 1 => ("own_resignation", None),
            2 => (
                "fixed_term_ended",
                Some("Määräaikainen työ päättyi, mutta teen vielä keikkatöitä."),
            ),
            _ => ("fixed_term_ended", None),
        };
        let answers: Reported = serde_json::from_value(serde_json::json!({
            "employment": "none", "seeks_full_time_work": true,
            "previous_employment_end": {
                "date": (start - Duration::days(rng.gen_range(1..40))).to_string(),
                "reason": previous_end,
            },
            "studies": "none", "business": "none", "business_started_while_unemployed_on": null,
            "in_service": null, "free_text": free_text,
        }))?;
        let recorded_at = chrono::DateTime::parse_from_rfc3339(recorded)?.with_timezone(&Utc);
        let sctx = StatementContext {
            client: ctx.domain.clone(),
            job_search: JobSearch {
                id: js.parse().map_err(|e| anyhow::anyhow!("{e}"))?,
                client_id: ctx.domain.id,
                start_date: start,
                end: None,
                recorded_at,
                recorded_by: expert.parse().map_err(|e| anyhow::anyhow!("{e}"))?,
            },
            facts: Some(facts.clone()),
            adoptions: vec![self.adoption.clone()],
            today: start,
        };
        let decide = procedure::decide(
            self.rules.clone(),
            Step::Start,
            Some(answers),
            true,
            org.domain.clone(),
        );
        let d = decide(&sctx).map_err(|e| anyhow::anyhow!("deciding: {e}"))?;
        let id = uuid(rng);
        b.record(
            LoadTable::Decisions,
            EventType::Decision,
            ctx.client,
            vec![
                d.adoption_number,
                s(ctx.client),
                s(d.decision_date.to_string()),
                d.document,
                d.document_language,
                d.effective_date.map(|e| e.to_string()),
                s(&id),
                s(d.inputs),
                s(js),
                s(d.kind),
                s(if d.notice_acknowledged { "1" } else { "0" }),
                s(d.outcome),
                s(d.reasons),
                s(recorded),
                s(expert),
                s(d.rule_set_hash),
                s(d.rule_set_name),
                s(d.rule_set_version),
                d.target,
                s(d.trace),
            ],
            recorded,
        );
        Ok(())
    }

    /// The end of a job search that ended, or its row among the open ones.
    fn close_search(
        &mut self,
        b: &mut LoadBatch,
        rng: &mut StdRng,
        client: &str,
        js: &str,
        expert: &str,
        end: Option<NaiveDate>,
    ) {
        if let Some(e) = end {
            let reason = *[
                "employed",
                "employed",
                "employed",
                "own_request",
                "not_renewed",
                "full_time_studies",
                "no_contact",
            ]
            .choose(rng)
            .unwrap_or(&"employed");
            let r = ts(at(e, rng.gen_range(9..15), rng.gen_range(0..59)));
            b.record(
                LoadTable::JobSearchEnds,
                EventType::OfficialAction,
                client,
                vec![s(e.to_string()), s(js), s(reason), s(&r), s(expert)],
                &r,
            );
        } else {
            b.plain(PlainTable::OpenJobSearches, vec![s(client), s(js)]);
        }
    }

    /// An appointment with the expert on `date`, booked at `booked`.
    #[allow(clippy::too_many_arguments)]
    fn appointment(
        &mut self,
        b: &mut LoadBatch,
        rng: &mut StdRng,
        ctx: &Ctx<'_>,
        expert: &str,
        date: NaiveDate,
        hour: u32,
        minute: u32,
        booked: DateTime<Utc>,
    ) {
        if booked >= self.today_end {
            return;
        }
        let id = uuid(rng);
        let (mode, phone, video, address) = match rng.gen_range(0..3) {
            0 => ("phone", None, None, None),
            1 => (
                "video",
                None,
                s(format!("https://video.kirjuri.example.fi/{}", &id[..8])),
                None,
            ),
            _ => (
                "visit",
                None,
                None,
                s("Esimerkkikatu 1 A, 2. kerros, 00100 Helsinki"),
            ),
        };
        let rec = ts(booked);
        b.record(
            LoadTable::Appointments,
            EventType::OfficialAction,
            ctx.client,
            vec![
                address,
                s(ctx.client),
                s(["30", "45", "60"][rng.gen_range(0..3)]),
                s(&id),
                s(date.to_string()),
                s(format!("{hour:02}:{minute:02}")),
                s(mode),
                s(expert),
                phone,
                s(&rec),
                s(expert),
                s(ts(at(date, hour, minute))),
                s("Europe/Helsinki"),
                video,
            ],
            &rec,
        );
        self.access(
            b,
            ctx,
            expert,
            ctx.org,
            booked,
            "write",
            "appointments",
            false,
        );
    }
}

/// The client and organisation a history is written for.
struct Ctx<'a> {
    client: &'a str,
    org: &'a str,
    domain: &'a Client,
}

/// The generator's figures on stdout.
#[allow(clippy::print_stdout)] // the command's output
pub fn print_summary(s: &Summary, public_key: &str) {
    let secs = s.seconds.max(0.001);
    println!(
        "Generated {} clients, {} officials: {} ledger leaves, {} rows in {:.1} s \
         ({:.0} rows/s, {:.0} leaves/s, {:.0} clients/s); checkpoint at {} leaves.",
        s.clients,
        s.officials,
        s.leaves,
        s.rows,
        s.seconds,
        s.rows as f64 / secs,
        s.leaves as f64 / secs,
        s.clients as f64 / secs,
        s.checkpoint_size
    );
    println!("Ledger public key (for `kirjuri ledger verify --public-key`): {public_key}");
}

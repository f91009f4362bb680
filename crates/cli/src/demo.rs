//! Demo data: two employment authorities, KEHA-keskus and the supervisor, their officials, and
//! clients with a history of job searches, entries, appointments, contact methods and
//! responsible experts. Everything is generated from a seed; identity codes are only from the
//! 900–999 test range, names are common first and last names combined at random.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use kirjuri_domain::*;
use kirjuri_store::{Access, IdSource, NewUser, Store};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

/// The password of every demo account. Demo only: real accounts log in with their own
/// password or through the organisation's identity provider.
pub const DEMO_PASSWORD: &str = "kirjuri-demo";

/// The demo accounts the banner lists, in its order. What each is (role, organisation) is read
/// from the generated data by [`logins`], never written here: a hand-written line once called
/// `asiakas2` a client of Esimerkkilä while the account's client was Testilä's (issue 15).
pub const LOGINS: &[&str] = &[
    "anna.virtanen",
    "mikko.laine",
    "sara.lindqvist",
    "kaisa.keha",
    "ville.valvoja",
    "maija.esimies",
    "sanna.saannot",
    "admin",
    "asiakas1",
    "asiakas2",
];

/// A banner line: username, role and the organisation (for a job seeker, their client's).
pub type Login = (String, String, String);

/// The banner's lines for the demo accounts found in `store`, each with its role and
/// organisation as the data has them. The client of a job seeker's account is read without an
/// access-log row: the operator starting the demo sees only which organisation it belongs to.
pub async fn logins(store: &Store) -> anyhow::Result<Vec<Login>> {
    let mut lines = Vec::new();
    for username in LOGINS {
        let Some((user, _)) = store.user_by_username(username).await? else {
            continue;
        };
        let who = match (user.org_id, user.client_id) {
            (Some(org), _) => store.organisation(org).await?.name_fi.to_string(),
            (None, Some(client)) => {
                let org = store.client(client).await?.org_id;
                format!(
                    "a demo client of {}",
                    store.organisation(org).await?.name_fi
                )
            }
            (None, None) => String::new(),
        };
        // A manager (issue 14) is an official holding a manager grant, not a role of its own.
        let role = if store.manager_grant(user.id).await?.is_some() {
            format!("{} (manager)", user.role.code())
        } else {
            user.role.code().to_owned()
        };
        lines.push(((*username).to_owned(), role, who));
    }
    Ok(lines)
}

const FIRST: &[&str] = &[
    "Aino", "Eino", "Helmi", "Onni", "Sofia", "Leo", "Aada", "Elias", "Venla", "Oliver", "Lilja",
    "Väinö", "Emma", "Eetu", "Linnea", "Juho", "Kerttu", "Matias", "Iida", "Niilo", "Elsa",
    "Oskar", "Ella", "Anton", "Maria", "Johannes", "Saga", "Viljami", "Aurora", "Lauri",
];
const LAST: &[&str] = &[
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
    "Lindholm",
    "Nyström",
    "Åberg",
    "Sundqvist",
    "Holmberg",
];
const CONTACTS: &[&str] = &[
    "Asiakas soitti ja kysyi, miten työnhaku jatkuu. Kerrottu seuraavasta tapaamisesta.",
    "Lähetetty asiakkaalle viesti asiointipalvelun kautta työnhakuvelvollisuudesta.",
    "Asiakas kertoi hakeneensa kolmea varastotyöpaikkaa ja yhtä myyjän paikkaa.",
    "Asiakas ilmoitti osoitteenmuutoksesta; ohjattu tekemään muutos asiointipalveluun.",
];
const ADVICE: &[&str] = &[
    "Neuvottu hakemaan työttömyysetuutta Kelasta ja kerrottu, että työvoimapoliittinen lausunto annetaan Kelalle.",
    "Kerrottu omaehtoisesta opiskelusta työttömyysetuudella ja sen hakemisesta ennen opintojen alkua.",
    "Neuvottu, miten työhakemukset merkitään asiointipalveluun kuukauden tarkastelujaksolla.",
];
const SERVICES: &[&str] = &[
    "Työnhakuvalmennus",
    "Ammatillinen työvoimakoulutus: logistiikka",
    "Työkokeilu",
];

fn name(s: &str) -> anyhow::Result<PersonName> {
    PersonName::parse(s).map_err(|e| anyhow::anyhow!("demo name {s:?}: {e}"))
}

fn at(date: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let local = date.and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or_default());
    HELSINKI
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn next_working_day(d: NaiveDate) -> NaiveDate {
    time::add_working_days(d, 1).unwrap_or(d)
}

/// Generates the demo database at `url` and returns the demo log-ins.
pub async fn generate(
    url: &str,
    seed: u64,
    clients: u32,
    keys: kirjuri_store::LedgerKeys,
    payer_endpoint: &str,
) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(seed);
    // The demo clock is moved to each event as the history is written, so recording times and
    // lags look like real work; the server then runs on the wall clock.
    let today = Utc
        .with_ymd_and_hms(2026, 11, 20, 12, 0, 0)
        .single()
        .unwrap_or_default();
    let clock = Arc::new(FixedClock::new(today - Duration::days(500)));
    let store = Store::connect(url, None, clock.clone(), IdSource::seeded(seed))
        .await?
        .with_ledger(keys);
    let org = |kind, fi: &str, sv: &str| {
        let (fi, sv) = (name(fi), name(sv));
        let store = &store;
        async move { anyhow::Ok(store.create_organisation(kind, fi?, sv?).await?) }
    };
    let testila = org(
        OrgKind::EmploymentAuthority,
        "Testilän kaupunki, työllisyyspalvelut",
        "Testilä stad, sysselsättningstjänster",
    )
    .await?;
    let esimerkkila = org(
        OrgKind::EmploymentAuthority,
        "Esimerkkilän työllisyysalue",
        "Exempelby sysselsättningsområde",
    )
    .await?;
    let keha = org(
        OrgKind::Keha,
        "Kehittämis- ja hallintokeskus (KEHA-keskus), työttömyysturvan vastuualue",
        "Utvecklings- och förvaltningscentret (UF-centret), ansvarsområdet för utkomstskydd för arbetslösa",
    )
    .await?;
    let avi = org(
        OrgKind::Supervisor,
        "Länsi- ja Sisä-Suomen aluehallintovirasto",
        "Regionförvaltningsverket i Västra och Inre Finland",
    )
    .await?;
    let hash =
        kirjuri_app::hash_password(DEMO_PASSWORD).map_err(|e| anyhow::anyhow!("hashing: {e}"))?;
    let user = |username: &str, display: &str, role, org_id: Option<OrgId>, client_id| {
        let new = Username::parse(username)
            .map_err(|e| anyhow::anyhow!("{e}"))
            .and_then(|u| {
                Ok(NewUser {
                    username: u,
                    display_name: name(display)?,
                    role,
                    org_id,
                    client_id,
                    password_hash: Some(hash.clone()),
                })
            });
        let store = &store;
        async move { anyhow::Ok(store.create_user(new?).await?) }
    };
    let officials_t = vec![
        user(
            "anna.virtanen",
            "Anna Virtanen",
            Role::Official,
            Some(testila.id),
            None,
        )
        .await?,
        user(
            "mikko.laine",
            "Mikko Laine",
            Role::Official,
            Some(testila.id),
            None,
        )
        .await?,
        user(
            "liisa.koskinen",
            "Liisa Koskinen",
            Role::Official,
            Some(testila.id),
            None,
        )
        .await?,
    ];
    let officials_e = vec![
        user(
            "sara.lindqvist",
            "Sara Lindqvist",
            Role::Official,
            Some(esimerkkila.id),
            None,
        )
        .await?,
        user(
            "pekka.niemi",
            "Pekka Niemi",
            Role::Official,
            Some(esimerkkila.id),
            None,
        )
        .await?,
    ];
    user(
        "kaisa.keha",
        "Kaisa Kehälä",
        Role::KehaOfficial,
        Some(keha.id),
        None,
    )
    .await?;
    let rules_author = user(
        "sanna.saannot",
        "Sanna Säännöllinen",
        Role::RulesAuthor,
        Some(keha.id),
        None,
    )
    .await?;
    // The adoption decision of the automated statement procedure (B13), covering the shipped
    // rule sets, so that the demo's statements can be decided automatically. The address and
    // the responsible persons are demo values.
    let shipped = kirjuri_rules::RuleSets::shipped()
        .map_err(|d| anyhow::anyhow!("shipped processing rules: {}", d.render()))?;
    store
        .register_adoption_decision(
            kirjuri_store::NewAdoptionDecision {
                number: "KEHA/73792/2024".into(),
                decided_on: NaiveDate::from_ymd_opt(2024, 10, 14)
                    .ok_or_else(|| anyhow::anyhow!("date"))?,
                rule_set_hashes: vec![
                    shipped.start.hash().to_owned(),
                    shipped.end.hash().to_owned(),
                ],
                quality_owner: "Laura Laatu".into(),
                error_owner: "Veikko Virhe".into(),
                url: "https://kirjuri.example.fi/adoption-decisions/KEHA-73792-2024".into(),
            },
            rules_author.id,
        )
        .await?;
    user(
        "ville.valvoja",
        "Ville Valvoja",
        Role::Supervisor,
        Some(avi.id),
        None,
    )
    .await?;
    let admin = user(
        "admin",
        "Aki Ylläpitäjä",
        Role::Administrator,
        Some(testila.id),
        None,
    )
    .await?;
    // Testilä's manager (issue 14): an official whom Testilä's administrator made a manager,
    // who reads the compliance reports of Testilä only.
    let manager = user(
        "maija.esimies",
        "Maija Esimies",
        Role::Official,
        Some(testila.id),
        None,
    )
    .await?;
    store
        .grant_manager(manager.id, testila.id, admin.id)
        .await?;
    // The benefit payer statements are delivered to (TTL 1:4). The address is the demo's
    // local stand-in receiver unless --payer-endpoint names another (GET
    // /api/clients/{id}/deliveries shows where each delivery stands).
    let kela = store
        .register_payer(
            kirjuri_store::NewBenefitPayer {
                name_fi: name("Kansaneläkelaitos")?,
                name_sv: name("Folkpensionsanstalten")?,
                endpoint: kirjuri_domain::EndpointUrl::parse(payer_endpoint)
                    .map_err(|e| anyhow::anyhow!("--payer-endpoint {payer_endpoint}: {e}"))?,
            },
            admin.id,
        )
        .await?;

    let rules = Arc::new(shipped);
    let service = ShortText::parse("asiakaspalvelu").map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut used = HashSet::new();
    for i in 0..clients {
        let (org, officials) = if i % 5 < 3 {
            (&testila, &officials_t)
        } else {
            (&esimerkkila, &officials_e)
        };
        // Ages 18–64 on the demo date; identity codes from the test range only, never reused.
        let hetu = loop {
            let born = NaiveDate::from_ymd_opt(1961, 1, 1).unwrap_or_default()
                + Duration::days(rng.gen_range(0..(46 * 365)));
            let h = Hetu::from_parts(born, rng.gen_range(900..=999))
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if used.insert(h.as_str().to_owned()) {
                break h;
            }
        };
        let language = match rng.gen_range(0..100) {
            0..=84 => Language::Fi,
            85..=94 => Language::Sv,
            95..=97 => Language::En,
            _ => Language::Se,
        };
        let start = (today - Duration::days(rng.gen_range(14..480))).date_naive();
        let start = if time::is_working_day(start) {
            start
        } else {
            next_working_day(start)
        };
        let expert = officials.choose(&mut rng).unwrap_or(&officials[0]);
        clock.set(at(start, 8, rng.gen_range(0..59)));
        // The demo history is written as the expert's own client-service work, so the access
        // log and its ledger leaves look as they would in use.
        let by = Access::new(expert, service.clone(), false);
        let by = &by;
        let client = store
            .create_client(
                NewClient {
                    hetu,
                    first_name: name(FIRST.choose(&mut rng).unwrap_or(&"Aino"))?,
                    last_name: name(LAST.choose(&mut rng).unwrap_or(&"Virtanen"))?,
                    language,
                    org_id: org.id,
                },
                by,
            )
            .await?;
        if i < 2 {
            let username = format!("asiakas{}", i + 1);
            let display = format!("{} {}", client.first_name, client.last_name);
            user(&username, &display, Role::JobSeeker, None, Some(client.id)).await?;
        }
        // The register facts the rules read (B4) and the client's answers on the form; the
        // start statement is decided by the procedure the API runs. Most cases are clear and
        // decided automatically; a resignation goes to KEHA-keskus, a free-form explanation to
        // the employment authority (B2, B5), so the work queues have cases.
        store
            .set_register_facts(
                client.id,
                kirjuri_store::RegisterFacts {
                    employment_continues: false,
                    active_degree_studies: false,
                    active_business: false,
                    resides_in_finland: true,
                    right_to_work: "citizen".into(),
                    vocational_qualification: rng.gen_bool(0.9),
                    partial_disability_pension: false,
                },
                by,
            )
            .await?;
        let (previous_end, free_text) = match rng.gen_range(0..10) {
            0 => ("own_resignation", None),
            1 => (
                "fixed_term_ended",
                Some("Määräaikainen työ päättyi, mutta teen vielä keikkatöitä."),
            ),
            _ => ("fixed_term_ended", None),
        };
        let answers: kirjuri_rules::Reported = serde_json::from_value(serde_json::json!({
            "employment": "none", "seeks_full_time_work": true,
            "previous_employment_end": {
                "date": (start - Duration::days(3)).to_string(), "reason": previous_end,
            },
            "studies": "none", "business": "none", "business_started_while_unemployed_on": null,
            "in_service": null, "free_text": free_text,
        }))?;
        store
            .start_job_search_deciding(
                client.id,
                start,
                by,
                kirjuri_app::statements::procedure::decide(
                    rules.clone(),
                    kirjuri_app::statements::procedure::Step::Start,
                    Some(answers),
                    true,
                    org.clone(),
                ),
            )
            .await?;
        // Every third client applies for unemployment benefit at Kela from the start: the
        // validity query (GET /api/statements/gaps) lists those without a statement.
        if i % 3 == 0 {
            store
                .record_benefit_application(client.id, kela.id, start, by)
                .await?;
        }
        store
            .assign_responsible_expert(client.id, expert.id, start, by)
            .await?;

        // Initial interview within the deadline; the contact method is agreed there (A9).
        // The demo's dates are this decade's, so every deadline exists.
        let deadline = time::initial_interview_deadline(start).unwrap_or(start);
        let span = time::working_days_between(start, deadline).max(1);
        let interview = time::add_working_days(start, rng.gen_range(1..=span)).unwrap_or(start);
        let ev = at(interview, rng.gen_range(9..15), 0);
        if ev > today {
            continue;
        }
        clock.set(ev + Duration::minutes(rng.gen_range(20..240)));
        let method = *[
            ContactMethodKind::Online,
            ContactMethodKind::Phone,
            ContactMethodKind::Visit,
        ]
        .choose(&mut rng)
        .unwrap_or(&ContactMethodKind::Online);
        store
            .agree_contact_method(client.id, method, interview, None, by)
            .await?;
        let text = format!(
            "Alkuhaastattelu pidetty. Käyty läpi työhistoria, osaaminen ja tavoitteet. Sovittu asiointitavaksi {}.",
            match method {
                ContactMethodKind::Online => "verkkoasiointi",
                ContactMethodKind::Phone => "puhelin",
                _ => "käynti toimipisteessä",
            }
        );
        let entry = |kind, text: &str, ev, details, corrects| {
            let new = EntryText::parse(text)
                .map_err(|e| anyhow::anyhow!("{e}"))
                .and_then(|t| {
                    NewEntry::new(client.id, kind, t, ev, details, corrects)
                        .map_err(|e| anyhow::anyhow!("{e}"))
                });
            let store = &store;
            async move { anyhow::Ok(store.append_entry(&new?, by).await?) }
        };
        let first = entry(
            EntryKind::InitialInterview,
            &text,
            ev,
            EntryDetails::default(),
            None,
        )
        .await?;
        if rng.gen_bool(0.05) {
            clock.advance(Duration::hours(2));
            entry(
                EntryKind::InitialInterview,
                &format!("{text} Lisäksi sovittu, että asiakas toimittaa ansioluettelonsa viikon kuluessa."),
                ev,
                EntryDetails::default(),
                Some(Correction {
                    entry_id: first.id,
                    reason: ShortText::parse("Merkinnästä puuttui sovittu tehtävä").map_err(|e| anyhow::anyhow!("{e}"))?,
                }),
            )
            .await?;
        }
        clock.set(ev + Duration::minutes(rng.gen_range(35..240)));
        let follow = vec![
            interview + Duration::days(rng.gen_range(21..60)),
            interview + Duration::days(90),
        ];
        entry(
            EntryKind::EmploymentPlan,
            "Työllistymissuunnitelma laadittu: asiakas hakee vähintään neljää työpaikkaa kuukaudessa ja osallistuu työnhakuvalmennukseen.",
            ev + Duration::minutes(30),
            EntryDetails { follow_up_dates: follow, service: None },
            None,
        )
        .await?;
        let mut day = interview;
        for _ in 0..rng.gen_range(1..5) {
            day += Duration::days(rng.gen_range(7..40));
            let ev = at(day, rng.gen_range(8..16), rng.gen_range(0..59));
            if ev > today {
                break;
            }
            clock.set(ev + Duration::minutes(rng.gen_range(5..(3 * 24 * 60))));
            let (kind, text) = if rng.gen_bool(0.6) {
                (
                    EntryKind::Contact,
                    *CONTACTS.choose(&mut rng).unwrap_or(&CONTACTS[0]),
                )
            } else {
                (
                    EntryKind::Advice,
                    *ADVICE.choose(&mut rng).unwrap_or(&ADVICE[0]),
                )
            };
            entry(kind, text, ev, EntryDetails::default(), None).await?;
        }
        if rng.gen_bool(0.2) {
            let service = ShortText::parse(SERVICES.choose(&mut rng).unwrap_or(&SERVICES[0])).ok();
            day += Duration::days(7);
            let ev = at(day, 10, 0);
            if ev < today {
                clock.set(ev + Duration::hours(1));
                entry(
                    EntryKind::ServiceStart,
                    "Palvelu alkoi sovitusti.",
                    ev,
                    EntryDetails {
                        follow_up_dates: vec![],
                        service,
                    },
                    None,
                )
                .await?;
            }
        }
        // A handover now and then (A8).
        if rng.gen_bool(0.15) && officials.len() > 1 {
            let next = officials
                .iter()
                .find(|o| o.id != expert.id)
                .unwrap_or(expert);
            day += Duration::days(3);
            if at(day, 9, 0) < today {
                clock.set(at(day, 9, 0));
                store
                    .assign_responsible_expert(client.id, next.id, day, by)
                    .await?;
            }
        }
        // Some found work and ended their job search.
        let searches = store.job_searches(client.id, by).await?;
        if rng.gen_bool(0.2) {
            day += Duration::days(10);
            if at(day, 9, 0) < today {
                clock.set(at(day, 9, 0));
                if let Some(js) = searches.first() {
                    let decide = kirjuri_app::statements::procedure::decide(
                        rules.clone(),
                        kirjuri_app::statements::procedure::Step::End {
                            date: day,
                            reason: EndReason::Employed,
                        },
                        None,
                        true,
                        org.clone(),
                    );
                    store
                        .end_job_search_deciding(
                            client.id,
                            js.id,
                            day,
                            EndReason::Employed,
                            by,
                            decide,
                        )
                        .await?;
                }
                continue;
            }
        }
        // An upcoming appointment, recorded today.
        clock.set(today);
        let date = time::add_working_days(today.date_naive(), rng.gen_range(1..15))
            .unwrap_or(today.date_naive());
        let mode = match rng.gen_range(0..3) {
            0 => AppointmentMode::Phone { phone_number: None },
            1 => AppointmentMode::Video { link: None },
            _ => AppointmentMode::Visit {
                address: Address::parse("Esimerkkikatu 1 A, 2. kerros, 00100 Helsinki")
                    .map_err(|e| anyhow::anyhow!("{e}"))?,
            },
        };
        let time = NaiveTime::from_hms_opt(
            rng.gen_range(9..15),
            [0, 15, 30, 45][rng.gen_range(0..4)],
            0,
        )
        .unwrap_or_default();
        let new = NewAppointment::new(client.id, Some(expert.id), date, time, 45, mode)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        store.book_appointment(&new, by).await?;
    }
    // Statistics for the planner after the bulk of writes (issue 16): without them both
    // backends sort where an index would do.
    store.analyze().await?;
    // A signed checkpoint of the demo's whole ledger, so `kirjuri ledger verify` passes on
    // the demo database as it is left (issue 16).
    store.ledger_checkpoint().await?;
    store.close().await;
    Ok(())
}

/// What a database given to `demo --database` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseState {
    /// No organisation yet: the demo fills it.
    Empty,
    /// The demo's data (its first official is there): served as it is.
    Demo,
    /// Something else (an installation made by `kirjuri init`, say): not the demo's to use.
    Other,
}

/// Whether `store`'s database is empty, the demo's, or another's.
pub async fn database_state(store: &Store) -> anyhow::Result<DatabaseState> {
    if !store.is_initialised().await? {
        return Ok(DatabaseState::Empty);
    }
    Ok(match store.user_by_username(LOGINS[0]).await? {
        Some(_) => DatabaseState::Demo,
        None => DatabaseState::Other,
    })
}

/// The demo's ledger public key, printed in every mode (with `--no-serve` too), for
/// `kirjuri ledger verify --public-key`.
#[allow(clippy::print_stdout)] // the command's output
pub fn print_public_key(ledger_public_key: &str) {
    println!("Ledger public key (for `kirjuri ledger verify --public-key`): {ledger_public_key}");
}

#[allow(clippy::print_stdout)] // the banner is the command's output
pub fn print_banner(
    addr: SocketAddr,
    scheme: &str,
    logins: &[Login],
    ledger_public_key: &str,
    stand_in: Option<&str>,
    checker_notice: Option<&kirjuri_quality::Message>,
) {
    println!();
    println!("Kirjuri demo is running at {scheme}://{addr}/");
    println!("  Officials' pages: log in at {scheme}://{addr}/login (Suomi, Svenska, English)");
    println!(
        "  API document: {scheme}://{addr}/api/openapi.json   health: {scheme}://{addr}/health"
    );
    println!(
        "  Log in with POST /api/login {{\"username\": ..., \"password\": \"{DEMO_PASSWORD}\"}}"
    );
    println!();
    println!("  {:<16} {:<18} organisation", "username", "role");
    for (u, r, o) in logins {
        println!("  {u:<16} {r:<18} {o}");
    }
    println!();
    println!("  Ledger public key (for `kirjuri ledger verify --public-key`): {ledger_public_key}");
    if let Some(url) = stand_in {
        println!(
            "  Benefit payer: statements go to the demo's stand-in for Kela at {url} \
             (it accepts every statement; no real payer)"
        );
    }
    println!();
    if let Some(n) = checker_notice {
        println!("  NOTE: {}", n.en);
        println!("        {}", n.fi);
        println!("        (scripts/demo installs them when run as root on Debian.)");
        println!();
    }
    println!("All demo identity codes are from the 900–999 test range. Stop with Ctrl-C.");
}

//! Issue 13, A18: who reads and writes a client's secure conversation, for every relation of a
//! user to the client (`policy::decide` with `ReadMessages` and `SendMessage`).

use kirjuri_app::policy::{decide, purpose, Action, Context, Decision};
use kirjuri_domain::*;

fn uuid(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(0x7e0e_5c3e_0000_4000_8000_0000_0000_1000 + n)
}

fn org(n: u128) -> OrgId {
    OrgId::from_uuid(uuid(n))
}

fn client() -> Client {
    Client {
        id: ClientId::from_uuid(uuid(100)),
        hetu: Hetu::parse("010594Y9032").unwrap(),
        first_name: PersonName::parse("Testi").unwrap(),
        last_name: PersonName::parse("Asiakas").unwrap(),
        language: Language::Fi,
        org_id: org(1),
        created_at: chrono::DateTime::UNIX_EPOCH,
    }
}

fn user(role: Role, org_id: Option<OrgId>, client_id: Option<ClientId>) -> User {
    User {
        id: UserId::from_uuid(uuid(200 + role as u128)),
        username: Username::parse("kayttaja").unwrap(),
        display_name: PersonName::parse("Käyttäjä").unwrap(),
        role,
        org_id,
        client_id,
    }
}

fn code(d: &Decision) -> char {
    match d {
        Decision::Allow { flagged: false, .. } => 'A',
        Decision::Allow { flagged: true, .. } => 'F',
        Decision::Forbidden(_) => 'X',
        Decision::Hidden => 'H',
    }
}

/// Read, then send: `A` allowed, `X` forbidden (the client is known), `H` hidden.
#[test]
fn only_the_client_and_their_own_organisation_converse() {
    let c = client();
    let reason = Some(ShortText::parse("asiakas asioi meillä").unwrap());
    let rows: Vec<(&str, User, Context, &str, &str)> = vec![
        (
            "official of the client's organisation",
            user(Role::Official, Some(org(1)), None),
            Context::default(),
            "AA",
            purpose::CUSTOMER_SERVICE,
        ),
        (
            "official of another organisation",
            user(Role::Official, Some(org(2)), None),
            Context::default(),
            "HH",
            "-",
        ),
        (
            "official of another organisation with a stated reason",
            user(Role::Official, Some(org(2)), None),
            Context {
                stated_purpose: reason,
                ..Context::default()
            },
            "HH",
            "-",
        ),
        (
            "responsible expert from another organisation",
            user(Role::Official, Some(org(2)), None),
            Context {
                responsible_expert: true,
                ..Context::default()
            },
            "XX",
            "-",
        ),
        (
            "KEHA official with a statement task",
            user(Role::KehaOfficial, Some(org(3)), None),
            Context {
                keha_task: true,
                ..Context::default()
            },
            "XX",
            "-",
        ),
        (
            "KEHA official without a task",
            user(Role::KehaOfficial, Some(org(3)), None),
            Context::default(),
            "HH",
            "-",
        ),
        (
            "supervisor",
            user(Role::Supervisor, Some(org(4)), None),
            Context::default(),
            "AX",
            purpose::SUPERVISION,
        ),
        (
            "the client themself",
            user(Role::JobSeeker, None, Some(c.id)),
            Context::default(),
            "AA",
            purpose::OWN_USE,
        ),
        (
            "another job seeker",
            user(Role::JobSeeker, None, Some(ClientId::from_uuid(uuid(101)))),
            Context::default(),
            "HH",
            "-",
        ),
        (
            "rules author",
            user(Role::RulesAuthor, Some(org(3)), None),
            Context::default(),
            "HH",
            "-",
        ),
        (
            "administrator of the client's organisation",
            user(Role::Administrator, Some(org(1)), None),
            Context::default(),
            "HH",
            "-",
        ),
    ];
    for (name, u, ctx, expect, want_purpose) in rows {
        let mut got = String::new();
        for action in [Action::ReadMessages, Action::SendMessage] {
            let d = decide(&u, action, &c, &ctx);
            if let Decision::Allow {
                default_purpose, ..
            } = &d
            {
                assert_eq!(*default_purpose, want_purpose, "{name} {action:?}");
            }
            got.push(code(&d));
        }
        assert_eq!(got, expect, "{name}");
    }
}

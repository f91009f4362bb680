//! Issue 11: the policy has a unit table covering every role × action × relation (A1–A3, A16,
//! B7), and every capability × role.

use kirjuri_app::policy::{
    decide, permit, purpose, Action, Capability, CaseQueue, Context, Decision, Scope,
};
use kirjuri_domain::*;

fn org(n: u128) -> OrgId {
    OrgId::from_uuid(uuid(n))
}

fn uuid(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(0x7e0e_5c3e_0000_4000_8000_0000_0000_0000 + n)
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

/// One relation of a user to client A (of organisation 1).
struct Relation {
    name: &'static str,
    user: User,
    ctx: Context,
    /// Expected answers: Read, Write, Ask, AskOnBehalf, ReadAuthorityRecord, then Resolve with
    /// the case in the employment authority's queue, in KEHA-keskus's, and not routed.
    /// `A` allowed, `F` allowed and flagged, `X` forbidden, `H` hidden.
    expect: &'static str,
    /// The purpose recorded when allowed without a stated one (`-`: never allowed).
    purpose: &'static str,
}

fn stated() -> Option<ShortText> {
    Some(ShortText::parse("valitus asiasta").unwrap())
}

fn relations() -> Vec<Relation> {
    let own_client = Some(client().id);
    let other_client = Some(ClientId::from_uuid(uuid(101)));
    let ctx = Context::default;
    vec![
        Relation {
            name: "official of the client's organisation",
            user: user(Role::Official, Some(org(1)), None),
            ctx: ctx(),
            expect: "AAXAA AXX",
            purpose: purpose::CUSTOMER_SERVICE,
        },
        Relation {
            name: "official of another organisation",
            user: user(Role::Official, Some(org(2)), None),
            ctx: ctx(),
            expect: "HHHHH HHH",
            purpose: "-",
        },
        Relation {
            name: "official of another organisation with a stated reason",
            user: user(Role::Official, Some(org(2)), None),
            ctx: Context {
                stated_purpose: stated(),
                ..ctx()
            },
            expect: "FXXXF HHH",
            purpose: purpose::OTHER_ORGANISATION,
        },
        Relation {
            name: "responsible expert from another organisation",
            user: user(Role::Official, Some(org(2)), None),
            ctx: Context {
                responsible_expert: true,
                ..ctx()
            },
            expect: "AAXAA HHH",
            purpose: purpose::CUSTOMER_SERVICE,
        },
        Relation {
            name: "KEHA official with a statement task",
            user: user(Role::KehaOfficial, Some(org(3)), None),
            ctx: Context {
                keha_task: true,
                ..ctx()
            },
            expect: "AXXXA XAX",
            purpose: purpose::STATEMENT_TASK,
        },
        Relation {
            name: "KEHA official without a task",
            user: user(Role::KehaOfficial, Some(org(3)), None),
            ctx: ctx(),
            expect: "HHHHH HHH",
            purpose: "-",
        },
        Relation {
            name: "supervisor",
            user: user(Role::Supervisor, Some(org(4)), None),
            ctx: ctx(),
            expect: "AXXXA XXX",
            purpose: purpose::SUPERVISION,
        },
        Relation {
            name: "the client themself",
            user: user(Role::JobSeeker, None, own_client),
            ctx: ctx(),
            expect: "AXAXX XXX",
            purpose: purpose::OWN_USE,
        },
        Relation {
            name: "another job seeker",
            user: user(Role::JobSeeker, None, other_client),
            ctx: ctx(),
            expect: "HHHHH HHH",
            purpose: "-",
        },
        Relation {
            name: "rules author",
            user: user(Role::RulesAuthor, Some(org(3)), None),
            ctx: ctx(),
            expect: "HHHHH HHH",
            purpose: "-",
        },
        Relation {
            name: "administrator of the client's organisation",
            user: user(Role::Administrator, Some(org(1)), None),
            ctx: ctx(),
            expect: "HHHHH HHH",
            purpose: "-",
        },
    ]
}

fn code(d: &Decision) -> char {
    match d {
        Decision::Allow { flagged: false, .. } => 'A',
        Decision::Allow { flagged: true, .. } => 'F',
        Decision::Forbidden(_) => 'X',
        Decision::Hidden => 'H',
    }
}

/// Every role × action × relation gives the answer written in the table, with the purpose of
/// its kind of work; a case is resolved only from the queue of the user's own kind.
#[test]
fn every_role_action_and_relation_is_decided_as_the_table_says() {
    let client = client();
    let mut rows = 0;
    for r in relations() {
        let mut got = String::new();
        for action in [
            Action::Read,
            Action::Write,
            Action::Ask,
            Action::AskOnBehalf,
            Action::ReadAuthorityRecord,
        ] {
            let d = decide(&r.user, action, &client, &r.ctx);
            if let Decision::Allow {
                default_purpose, ..
            } = &d
            {
                assert_eq!(*default_purpose, r.purpose, "{} {action:?}", r.name);
            }
            got.push(code(&d));
        }
        got.push(' ');
        for queue in [
            Some(CaseQueue::EmploymentAuthority),
            Some(CaseQueue::Keha),
            None,
        ] {
            let ctx = Context {
                queue,
                ..r.ctx.clone()
            };
            let d = decide(&r.user, Action::Resolve, &client, &ctx);
            if let Decision::Allow {
                default_purpose, ..
            } = &d
            {
                assert_eq!(*default_purpose, purpose::STATEMENT, "{} resolve", r.name);
            }
            got.push(code(&d));
        }
        assert_eq!(got, r.expect, "{}", r.name);
        rows += 1;
    }
    // Every role appears in the table.
    let roles: std::collections::BTreeSet<_> =
        relations().iter().map(|r| r.user.role.code()).collect();
    assert_eq!(roles.len(), 6, "{roles:?}");
    assert_eq!(rows, 11);
}

/// Every capability × role (A1–A3): who may list clients, work a queue, search the log,
/// administer accounts, … and how far the grant reaches.
#[test]
fn every_capability_is_granted_only_to_its_roles() {
    use Capability as C;
    let own = org(1);
    let seeker_client = client().id;
    let users = [
        ("official", user(Role::Official, Some(own), None)),
        ("keha", user(Role::KehaOfficial, Some(org(3)), None)),
        ("rules", user(Role::RulesAuthor, Some(org(3)), None)),
        ("supervisor", user(Role::Supervisor, Some(org(4)), None)),
        ("admin", user(Role::Administrator, Some(own), None)),
        ("seeker", user(Role::JobSeeker, None, Some(seeker_client))),
    ];
    // For each capability: the scope each user gets, in `users` order (None: refused).
    let all = Some(Scope::All);
    let mine = Some(Scope::Organisation(own));
    let keha = Some(Scope::Keha);
    let ownc = Some(Scope::OwnClient(seeker_client));
    let table: Vec<(C, [Option<Scope>; 6])> = vec![
        (C::ListClients, [mine, None, None, all, None, None]),
        (C::RegisterClient, [mine, None, None, None, None, None]),
        (C::WorkQueue, [mine, keha, None, None, None, None]),
        (C::MyWork, [mine, None, None, None, None, None]),
        (
            C::ReconsiderationQueue,
            [mine, keha, None, None, None, None],
        ),
        (C::StatementGaps, [mine, None, None, all, None, None]),
        (C::QualityFigures, [None, all, all, all, None, None]),
        (
            C::RegisterAdoptionDecision,
            [None, None, all, None, None, None],
        ),
        (C::SearchAccessLog, [None, None, None, all, None, None]),
        (C::RetentionReport, [None, None, None, all, None, None]),
        (C::ComplianceReports, [None, None, None, all, None, None]),
        (C::ManageAccounts, [None, None, None, None, mine, None]),
        (C::LinkIdentity, [None, None, None, None, mine, None]),
        (C::RegisterPayer, [None, None, None, None, all, None]),
        (C::OwnData, [None, None, None, None, None, ownc]),
        (C::SignedIn, [all, all, all, all, all, all]),
    ];
    assert_eq!(
        table.len(),
        Capability::ALL.len(),
        "a capability without a row"
    );
    for (cap, expect) in table {
        for ((name, u), want) in users.iter().zip(expect) {
            let got = permit(u, cap).ok().map(|g| g.scope);
            assert_eq!(got, want, "{cap:?} for {name}");
        }
    }
    // A job seeker's account without a client, and an official without an organisation, get
    // nothing organisation- or client-bound.
    let lost = user(Role::JobSeeker, None, None);
    assert!(permit(&lost, C::OwnData).is_err());
    let orphan = user(Role::Official, None, None);
    for cap in [
        C::ListClients,
        C::RegisterClient,
        C::WorkQueue,
        C::MyWork,
        C::StatementGaps,
    ] {
        assert!(permit(&orphan, cap).is_err(), "{cap:?}");
    }
}

/// An administrator grants only the roles of their own kind of organisation; nobody grants a
/// job seeker's role (A2, A3).
#[test]
fn administrators_grant_only_their_organisations_roles() {
    use kirjuri_app::policy::grantable_roles;
    let ea = grantable_roles(OrgKind::EmploymentAuthority);
    assert!(ea.contains(&Role::Official) && !ea.contains(&Role::Supervisor));
    assert!(!ea.contains(&Role::KehaOfficial));
    assert!(grantable_roles(OrgKind::Keha).contains(&Role::RulesAuthor));
    assert!(grantable_roles(OrgKind::Supervisor).contains(&Role::Supervisor));
    for kind in [
        OrgKind::EmploymentAuthority,
        OrgKind::Keha,
        OrgKind::Supervisor,
    ] {
        assert!(
            !grantable_roles(kind).contains(&Role::JobSeeker),
            "{kind:?}"
        );
    }
}

//! Who may do what (A1–A3, A16; JTYPL 114, 124 §). Every role check of Kirjuri is here, in two
//! pure functions: [`decide`] answers an access to one client's data from (user, action,
//! client, context), and [`permit`] answers a [`Capability`] — something done without one
//! client in view (listing, a queue, a search, administration). The use cases ask them through
//! the guard (`crate::guard`), which logs every refusal; no transport asks them itself.
//!
//! - An official works with the clients of their own employment authority, and with clients
//!   they are the responsible expert of. Another organisation's client may be read only with a
//!   stated reason; such a read is flagged for review. Without a reason the client does not
//!   exist for them, so existence itself stays confidential.
//! - A KEHA official sees what their statement tasks need: the data of a client who has a
//!   decision routed to KEHA-keskus that is open or was resolved by KEHA-keskus, and only that
//!   client's (read, and take and resolve that case).
//! - A routed case or a request for reconsideration ([`Action::Resolve`]) is handled by an
//!   official of the client's own employment authority when it is in that authority's queue,
//!   and by a KEHA official when it is in KEHA-keskus's queue.
//! - The supervisor reads everything and writes nothing (A3).
//! - A job seeker reads their own record and asks for reconsideration of their own statements
//!   ([`Action::Ask`]); an official of the client's own employment authority may record such a
//!   request on the client's behalf ([`Action::AskOnBehalf`]). The authority's own records about
//!   a client — decision provenance, where deliveries to payers stand
//!   ([`Action::ReadAuthorityRecord`]) — are for officials and the supervisor.
//! - Rules authors and administrators see no client data.
//! - An official or KEHA official holding a manager grant ([`Standing::manager`], given by an
//!   administrator of their organisation) also reads their own organisation's compliance
//!   reports, as the supervisor reads every organisation's (issue 14).
//!
//! The standing purposes recorded in the access log are written once, in [`purpose`].

use kirjuri_domain::{Client, OrgId, OrgKind, Role, ShortText, User};

/// The purposes recorded in the access log when the user states none: one per kind of work.
pub mod purpose {
    /// Serving the client (an official of the client's organisation).
    pub const CUSTOMER_SERVICE: &str = "asiakaspalvelu";
    /// Registering a new client.
    pub const REGISTRATION: &str = "asiakkaaksi rekisteröinti";
    /// Supervision (A3).
    pub const SUPERVISION: &str = "valvonta";
    /// The client's own use of the service.
    pub const OWN_USE: &str = "oma asiointi";
    /// A KEHA official's statement task.
    pub const STATEMENT_TASK: &str = "lausuntotehtävä";
    /// Giving a labour-policy statement on a routed case.
    pub const STATEMENT: &str = "työvoimapoliittinen lausunto";
    /// Handling a request for reconsideration.
    pub const RECONSIDERATION: &str = "oikaisupyyntö";
    /// Another organisation's client, read with a stated reason.
    pub const OTHER_ORGANISATION: &str = "toisen organisaation asiakas";
    /// Recorded on a refusal when the user stated no reason.
    pub const NOT_STATED: &str = "ei ilmoitettu";
}

/// What the user wants to do with one client's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read the client's record.
    Read,
    /// Write to the client's record.
    Write,
    /// Take or resolve a routed decision or a request for reconsideration (a work queue).
    Resolve,
    /// Ask for reconsideration of one's own statement (B7): the client themself.
    Ask,
    /// Record the client's request for reconsideration on their behalf (e.g. made by phone).
    AskOnBehalf,
    /// Read the authority's own records about the client: decision provenance with its
    /// ledger proof (B10), where the statements' deliveries to payers stand.
    ReadAuthorityRecord,
    /// Read the client's secure conversation with their organisation (A18, issue 13).
    ReadMessages,
    /// Write a message into that conversation.
    SendMessage,
    /// Register or end one's own job search with one's own answers (the client themself, in
    /// their own view; issue 13). An official starts or ends one with [`Action::Write`].
    ReportJobSearch,
}

impl Action {
    pub const ALL: [Action; 9] = [
        Action::Read,
        Action::Write,
        Action::Resolve,
        Action::Ask,
        Action::AskOnBehalf,
        Action::ReadAuthorityRecord,
        Action::ReadMessages,
        Action::SendMessage,
        Action::ReportJobSearch,
    ];
}

/// The answer of [`decide`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Allowed. The purpose is the stated one, or else `default_purpose`; `flagged` marks an
    /// access a reviewer should look at.
    Allow {
        default_purpose: &'static str,
        flagged: bool,
    },
    /// The user may know the client exists but may not do this.
    Forbidden(&'static str),
    /// The user may not even learn that the client exists.
    Hidden,
}

/// Whose queue a routed case or a request for reconsideration is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseQueue {
    /// The client's employment authority.
    EmploymentAuthority,
    /// KEHA-keskus.
    Keha,
}

impl CaseQueue {
    /// From a stored routing target (`employment_authority` or `keha`).
    pub fn from_target(target: &str) -> Option<Self> {
        match target {
            "employment_authority" => Some(CaseQueue::EmploymentAuthority),
            "keha" => Some(CaseQueue::Keha),
            _ => None,
        }
    }
}

/// What the situation adds beyond who the user is.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// A reason stated by the user for this access.
    pub stated_purpose: Option<ShortText>,
    /// The user is the client's responsible expert in force.
    pub responsible_expert: bool,
    /// The client has a decision routed to KEHA-keskus that is open or was resolved by
    /// KEHA-keskus (asked only for KEHA officials).
    pub keha_task: bool,
    /// For [`Action::Resolve`]: whose queue the case is in (`None`: the decision was not
    /// routed to anyone).
    pub queue: Option<CaseQueue>,
}

const SUPERVISOR_READS_ONLY: &str = "the supervisor reads the record and never changes it";

/// Decides one access to a client's data. Pure: everything it needs is in its arguments.
pub fn decide(user: &User, action: Action, client: &Client, ctx: &Context) -> Decision {
    let allow = |default_purpose: &'static str, flagged: bool| Decision::Allow {
        default_purpose,
        flagged,
    };
    if action == Action::Resolve {
        return decide_case(user, client, ctx);
    }
    if matches!(action, Action::ReadMessages | Action::SendMessage) {
        return decide_messages(user, action, client, ctx);
    }
    let own_client = user.client_id == Some(client.id);
    match user.role {
        Role::KehaOfficial if ctx.keha_task => match action {
            Action::Read | Action::ReadAuthorityRecord => allow(purpose::STATEMENT_TASK, false),
            _ => Decision::Forbidden("a KEHA official resolves statement tasks only"),
        },
        Role::Official if user.org_id == Some(client.org_id) || ctx.responsible_expert => {
            match action {
                Action::Ask => Decision::Forbidden(
                    "the client asks in their own view; record the request on their behalf",
                ),
                Action::ReportJobSearch => Decision::Forbidden(
                    "the client reports in their own view; start or end the job search from the record",
                ),
                _ => allow(purpose::CUSTOMER_SERVICE, false),
            }
        }
        Role::Official => match (action, &ctx.stated_purpose) {
            (Action::Read | Action::ReadAuthorityRecord, Some(_)) => {
                allow(purpose::OTHER_ORGANISATION, true)
            }
            (_, Some(_)) => Decision::Forbidden(
                "another organisation's client may be read with a stated reason, not changed",
            ),
            (_, None) => Decision::Hidden,
        },
        Role::Supervisor => match action {
            Action::Read | Action::ReadAuthorityRecord => allow(purpose::SUPERVISION, false),
            _ => Decision::Forbidden(SUPERVISOR_READS_ONLY),
        },
        Role::JobSeeker if own_client => match action {
            Action::Read | Action::Ask | Action::ReportJobSearch => {
                allow(purpose::OWN_USE, false)
            }
            Action::AskOnBehalf => Decision::Forbidden(
                "ask for reconsideration in your own view (/api/me/decisions/{id}/reconsideration)",
            ),
            Action::ReadAuthorityRecord => {
                Decision::Forbidden("this record is for officials and the supervisor")
            }
            // (Messages are decided by `decide_messages`.)
            Action::Write | Action::Resolve | Action::ReadMessages | Action::SendMessage => {
                Decision::Forbidden("officials make entries in the record")
            }
        },
        Role::JobSeeker | Role::KehaOfficial | Role::RulesAuthor | Role::Administrator => {
            Decision::Hidden
        }
    }
}

/// The secure conversation (A18, issue 13) is between the client and the officials of the
/// client's own organisation: they read and write it. The supervisor reads it (A3) and never
/// writes. Nobody else sees it: an official of another organisation not even with a stated
/// reason (the conversation exists for them no more than the client does), a responsible
/// expert of another organisation knows the client but not the conversation, a KEHA official's
/// statement task does not reach it.
fn decide_messages(user: &User, action: Action, client: &Client, ctx: &Context) -> Decision {
    let allow = |default_purpose: &'static str| Decision::Allow {
        default_purpose,
        flagged: false,
    };
    match user.role {
        Role::Official if user.org_id == Some(client.org_id) => allow(purpose::CUSTOMER_SERVICE),
        Role::Official if ctx.responsible_expert => {
            Decision::Forbidden("the conversation is between the client and their own organisation")
        }
        Role::JobSeeker if user.client_id == Some(client.id) => allow(purpose::OWN_USE),
        Role::Supervisor => match action {
            Action::ReadMessages => allow(purpose::SUPERVISION),
            _ => Decision::Forbidden(SUPERVISOR_READS_ONLY),
        },
        Role::KehaOfficial if ctx.keha_task => {
            Decision::Forbidden("a KEHA official resolves statement tasks only")
        }
        _ => Decision::Hidden,
    }
}

/// Who takes and resolves a routed case or a request for reconsideration: an official of the
/// client's own employment authority for a case in that authority's queue, a KEHA official for
/// a case in KEHA-keskus's queue.
fn decide_case(user: &User, client: &Client, ctx: &Context) -> Decision {
    let allow = Decision::Allow {
        default_purpose: purpose::STATEMENT,
        flagged: false,
    };
    match user.role {
        Role::Official if user.org_id == Some(client.org_id) => match ctx.queue {
            Some(CaseQueue::EmploymentAuthority) => allow,
            Some(CaseQueue::Keha) => Decision::Forbidden("the case is routed to KEHA-keskus"),
            None => Decision::Forbidden("the decision was not routed to an official"),
        },
        Role::KehaOfficial if ctx.keha_task => match ctx.queue {
            Some(CaseQueue::Keha) => allow,
            _ => Decision::Forbidden("the case is not routed to KEHA-keskus"),
        },
        Role::Supervisor => Decision::Forbidden(SUPERVISOR_READS_ONLY),
        Role::JobSeeker if user.client_id == Some(client.id) => {
            Decision::Forbidden("officials resolve routed cases")
        }
        _ => Decision::Hidden,
    }
}

/// Something done without one client in view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Capability {
    /// List an organisation's clients.
    ListClients,
    /// Register a new client.
    RegisterClient,
    /// The work queue of routed cases.
    WorkQueue,
    /// An official's own work: their clients' appointments, initial interviews and plan
    /// follow-ups, their own late entries (issue 12 item 2).
    MyWork,
    /// The queue of requests for reconsideration.
    ReconsiderationQueue,
    /// The validity query: applicants without a statement in force (A11).
    StatementGaps,
    /// Quality figures of the automated procedure per rule-set version (B11).
    QualityFigures,
    /// Register an adoption decision of the automated procedure (B13).
    RegisterAdoptionDecision,
    /// Search the access log (A3).
    SearchAccessLog,
    /// Read what the retention job erased, and the policy (issue 17).
    RetentionReport,
    /// The compliance reports and their drill-downs to clients (issue 14; A3): the
    /// supervisor, over every organisation; an organisation's own manager (an official or
    /// KEHA official holding a manager grant, [`Standing::manager`]) over their own
    /// organisation.
    ComplianceReports,
    /// List and create the accounts of one's own organisation (A1).
    ManageAccounts,
    /// Link an identity provider's subject to an account.
    LinkIdentity,
    /// Register a benefit payer and its delivery endpoint.
    RegisterPayer,
    /// The job seeker's own view of their data (A19).
    OwnData,
    /// Things any signed-in user may see: organisations, benefit payers, the text checker.
    SignedIn,
}

impl Capability {
    pub const ALL: [Capability; 16] = [
        Capability::ListClients,
        Capability::RegisterClient,
        Capability::WorkQueue,
        Capability::MyWork,
        Capability::ReconsiderationQueue,
        Capability::StatementGaps,
        Capability::QualityFigures,
        Capability::RegisterAdoptionDecision,
        Capability::SearchAccessLog,
        Capability::RetentionReport,
        Capability::ComplianceReports,
        Capability::ManageAccounts,
        Capability::LinkIdentity,
        Capability::RegisterPayer,
        Capability::OwnData,
        Capability::SignedIn,
    ];
}

/// How far a permitted capability reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every organisation (the supervisor; or nothing organisation-bound).
    All,
    /// One organisation: the user's own.
    Organisation(OrgId),
    /// KEHA-keskus's statement tasks.
    Keha,
    /// The job seeker's own data.
    OwnClient(kirjuri_domain::ClientId),
}

/// A permitted capability: the purpose to record and how far it reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub purpose: &'static str,
    pub scope: Scope,
}

/// What an account holds beyond its role: grants an administrator of its organisation gave
/// and has not taken away, as the application layer read them for this request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Standing {
    /// A manager grant (issue 14): an official or KEHA official who is a manager reads the
    /// compliance reports of their own organisation. It means nothing on another role.
    pub manager: bool,
}

/// Answers a capability for an account holding no grant. `Err` carries the reason shown to
/// the user.
pub fn permit(user: &User, cap: Capability) -> Result<Grant, &'static str> {
    permit_as(user, Standing::default(), cap)
}

/// Answers a capability for an account with what it holds beyond its role (`standing`).
/// `Err` carries the reason shown to the user.
pub fn permit_as(user: &User, standing: Standing, cap: Capability) -> Result<Grant, &'static str> {
    use Capability as C;
    let grant = |purpose, scope| Ok(Grant { purpose, scope });
    match (cap, user.role, user.org_id) {
        (C::SignedIn, _, _) => grant(purpose::CUSTOMER_SERVICE, Scope::All),
        (C::ListClients, Role::Official, Some(org)) => {
            grant(purpose::CUSTOMER_SERVICE, Scope::Organisation(org))
        }
        (C::ListClients, Role::Supervisor, _) => grant(purpose::SUPERVISION, Scope::All),
        (C::ListClients, _, _) => Err("your role may not list clients"),
        (C::RegisterClient, Role::Official, Some(org)) => {
            grant(purpose::REGISTRATION, Scope::Organisation(org))
        }
        (C::RegisterClient, _, _) => {
            Err("only officials of an employment authority register clients")
        }
        (C::MyWork, Role::Official, Some(org)) => {
            grant(purpose::CUSTOMER_SERVICE, Scope::Organisation(org))
        }
        (C::MyWork, _, _) => Err("this is an official's view of their own clients"),
        (C::WorkQueue, Role::Official, Some(org)) => {
            grant(purpose::STATEMENT, Scope::Organisation(org))
        }
        (C::WorkQueue, Role::KehaOfficial, Some(_)) => grant(purpose::STATEMENT, Scope::Keha),
        (C::ReconsiderationQueue, Role::Official, Some(org)) => {
            grant(purpose::RECONSIDERATION, Scope::Organisation(org))
        }
        (C::ReconsiderationQueue, Role::KehaOfficial, Some(_)) => {
            grant(purpose::RECONSIDERATION, Scope::Keha)
        }
        (C::WorkQueue | C::ReconsiderationQueue, _, _) => {
            Err("the work queue is for officials and KEHA officials")
        }
        (C::StatementGaps, Role::Official, Some(org)) => {
            grant(purpose::CUSTOMER_SERVICE, Scope::Organisation(org))
        }
        (C::StatementGaps, Role::Supervisor, _) => grant(purpose::SUPERVISION, Scope::All),
        (C::StatementGaps, _, _) => {
            Err("the validity query is for officials of an employment authority and the supervisor")
        }
        (C::QualityFigures, Role::RulesAuthor | Role::KehaOfficial, _) => {
            grant(purpose::STATEMENT_TASK, Scope::All)
        }
        (C::QualityFigures, Role::Supervisor, _) => grant(purpose::SUPERVISION, Scope::All),
        (C::QualityFigures, _, _) => {
            Err("the quality figures are for the rules author, KEHA officials and the supervisor")
        }
        (C::RegisterAdoptionDecision, Role::RulesAuthor, _) => {
            grant(purpose::STATEMENT_TASK, Scope::All)
        }
        (C::RegisterAdoptionDecision, _, _) => {
            Err("only a rules author registers adoption decisions")
        }
        (C::SearchAccessLog, Role::Supervisor, _) => grant(purpose::SUPERVISION, Scope::All),
        (C::SearchAccessLog, _, _) => Err("only the supervisor searches the access log"),
        (C::RetentionReport, Role::Supervisor, _) => grant(purpose::SUPERVISION, Scope::All),
        (C::RetentionReport, _, _) => Err("only the supervisor reads the retention reports"),
        (C::ComplianceReports, Role::Supervisor, _) => grant(purpose::SUPERVISION, Scope::All),
        (C::ComplianceReports, Role::Official | Role::KehaOfficial, Some(org))
            if standing.manager =>
        {
            grant(purpose::SUPERVISION, Scope::Organisation(org))
        }
        (C::ComplianceReports, _, _) => {
            Err("the compliance reports are for the supervisor and an organisation's own managers")
        }
        (C::ManageAccounts, Role::Administrator, Some(org)) => {
            grant(purpose::CUSTOMER_SERVICE, Scope::Organisation(org))
        }
        (C::ManageAccounts, _, _) => {
            Err("only an administrator manages accounts, of their own organisation")
        }
        (C::LinkIdentity, Role::Administrator, Some(org)) => {
            grant(purpose::CUSTOMER_SERVICE, Scope::Organisation(org))
        }
        (C::LinkIdentity, _, _) => {
            Err("only an administrator links identities to accounts, of their own organisation")
        }
        (C::RegisterPayer, Role::Administrator, _) => grant(purpose::CUSTOMER_SERVICE, Scope::All),
        (C::RegisterPayer, _, _) => Err("benefit payers are registered by an administrator"),
        (C::OwnData, Role::JobSeeker, _) => match user.client_id {
            Some(client) => grant(purpose::OWN_USE, Scope::OwnClient(client)),
            None => Err("this is a job seeker's view of their own data"),
        },
        (C::OwnData, _, _) => Err("this is a job seeker's view of their own data"),
    }
}

/// Where a user starts after log-in: a job seeker on their own pages, an administrator on the
/// administrator's pages, everyone else on the officials' "my work today".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Home {
    /// The job seeker's own pages (issue 13).
    OwnPages,
    /// "My work today" and the pages for officials (issue 12).
    Work,
    /// The administrator's pages: accounts, identity-provider links, benefit payers (issue 14).
    Administration,
}

/// The start page of `user` (a role decision, so it is made here and not by a transport).
pub fn home(user: &User) -> Home {
    match user.role {
        Role::JobSeeker => Home::OwnPages,
        Role::Administrator => Home::Administration,
        _ => Home::Work,
    }
}

/// Whether an account of `role` may hold a manager grant (issue 14): officials and KEHA
/// officials; a supervisor reads every organisation's reports anyway, and rules authors,
/// administrators and job seekers supervise nobody's work.
pub fn may_be_manager(role: Role) -> bool {
    matches!(role, Role::Official | Role::KehaOfficial)
}

/// The roles an administrator of an organisation of `kind` may grant (A2, A3): an employment
/// authority's administrator cannot make a supervisor (who reads every client) or a KEHA
/// official; nobody makes a job seeker's account (it comes with the client's own
/// identification).
pub fn grantable_roles(kind: OrgKind) -> &'static [Role] {
    match kind {
        OrgKind::EmploymentAuthority => &[Role::Official, Role::Administrator],
        OrgKind::Keha => &[Role::KehaOfficial, Role::RulesAuthor, Role::Administrator],
        OrgKind::Supervisor => &[Role::Supervisor, Role::Administrator],
    }
}

//! The application layer's suite: the policy as a table over every role, action and relation
//! (pure), and use cases on every backend under test with a fresh store each.

#[path = "app/policy.rs"]
mod policy;

#[path = "app/cases.rs"]
mod cases;

#[path = "app/backup.rs"]
mod backup;

#[path = "app/retention.rs"]
mod retention;

#[path = "app/login.rs"]
mod login;

/// Issue 15 item 3: one-only things written by many at once.
#[path = "app/concurrency.rs"]
mod concurrency;
#[path = "app/payers.rs"]
mod payers;

/// Issue 12: one decision with its statements, for the printable statement page.
#[path = "app/decision_read.rs"]
mod decision_read;
/// A7 (review C1): "my work today" and the handover summary share one follow-up rule.
#[path = "app/follow_ups_agree.rs"]
mod follow_ups_agree;
/// Issue 16: the log-in limit with two servers on one database.
#[path = "app/login_servers.rs"]
mod login_servers;
/// Issue 12 item 2: the official's "my work today".
#[path = "app/my_work.rs"]
mod my_work;
/// Review C6: a non-ASCII name search is bounded.
#[path = "app/name_search_limit.rs"]
mod name_search_limit;
/// Issue 12 items 3, 4 and 6: the handover summary, finding clients by name, the statement in
/// force.
#[path = "app/record.rs"]
mod record;

/// Issue 16: checkpoints signed by the server, bundles from stored checkpoints.
#[path = "app/checkpoints.rs"]
mod checkpoints;

/// Issue 16: a failing payer logged once per backoff step.
#[path = "app/payer_log.rs"]
mod payer_log;

/// Issue 13, A18: who reads and writes a client's secure conversation.
#[path = "app/messages_policy.rs"]
mod messages_policy;

/// Issue 14: an organisation's own managers read the compliance reports of their own
/// organisation only; an administrator of that organisation grants and revokes.
#[path = "app/managers.rs"]
mod managers;
/// Issue 13 with issue 17: messages are erased with the client record.
#[path = "app/messages_retention.rs"]
mod messages_retention;
/// Issue 14: the supervisor's compliance reports 4–6 (language quality, statements, access).
#[path = "app/oversight.rs"]
mod oversight;
/// Issue 13: the job seeker's own job search.
#[path = "app/own_job_search.rs"]
mod own_job_search;
/// Issue 14: the supervisor's compliance reports 1–3 against independently computed answers.
#[path = "app/reports.rs"]
mod reports;

//! Retention and erasure (issue 17): the policy in force and what the retention job erased.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use kirjuri_app::retention::RetentionReport;
use serde::Serialize;
use utoipa::ToSchema;

/// One kind of record's retention period.
#[derive(Debug, Serialize, ToSchema)]
pub struct RetentionPeriodView {
    /// `client_record`, `decisions` or `access_log`.
    pub kind: String,
    pub years: u32,
    /// The event the period runs from.
    pub from: String,
    /// The legal basis, or why the period was chosen.
    pub basis: String,
    /// The sources name no period: Kirjuri's policy choice.
    pub policy_choice: bool,
}

/// One run of the retention job: counts only, never personal data.
#[derive(Debug, Serialize, ToSchema)]
pub struct RetentionRunView {
    pub id: String,
    pub ran_at: DateTime<Utc>,
    /// The day the policy was applied on.
    pub as_of: NaiveDate,
    pub policy: String,
    /// Clients some part of whose record was erased.
    pub clients: u64,
    /// Clients of whom nothing is left, identity included.
    pub clients_removed: u64,
    /// Clients whose erasure failed (rolled back and logged; the next run tries again).
    pub clients_failed: u64,
    /// Rows erased per table.
    pub rows: BTreeMap<String, u64>,
    /// The first and last erasure leaf appended to the ledger.
    pub first_erasure_leaf: Option<u64>,
    pub last_erasure_leaf: Option<u64>,
}

/// The retention policy in force today and the job's runs, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct RetentionReportView {
    pub policy_version: String,
    pub periods: Vec<RetentionPeriodView>,
    pub runs: Vec<RetentionRunView>,
}

impl From<&kirjuri_app::model::RetentionRun> for RetentionRunView {
    fn from(r: &kirjuri_app::model::RetentionRun) -> Self {
        Self {
            id: r.id.clone(),
            ran_at: r.ran_at,
            as_of: r.as_of,
            policy: r.policy.clone(),
            clients: r.clients,
            clients_removed: r.clients_removed,
            clients_failed: r.clients_failed,
            rows: r.rows.clone(),
            first_erasure_leaf: r.first_erasure,
            last_erasure_leaf: r.last_erasure,
        }
    }
}

impl From<&RetentionReport> for RetentionReportView {
    fn from(r: &RetentionReport) -> Self {
        Self {
            policy_version: r.policy.version.to_owned(),
            periods: r
                .policy
                .periods
                .iter()
                .map(|(kind, p)| RetentionPeriodView {
                    kind: kind.code().to_owned(),
                    years: p.years,
                    from: p.from.to_owned(),
                    basis: p.basis.to_owned(),
                    policy_choice: p.policy_choice,
                })
                .collect(),
            runs: r.runs.iter().map(RetentionRunView::from).collect(),
        }
    }
}

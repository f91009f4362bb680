//! Retention and erasure (issue 17, `docs/retention.md`): the job that erases what the
//! retention policy says has expired, and the supervisor's report of what it erased.

use kirjuri_domain::{RecordKind, RetentionPeriod, RetentionPolicy, HELSINKI};
use kirjuri_store::RetentionRun;

use crate::policy::Capability;
use crate::{Actor, App, AppError, AppResult};

/// The policy in force on a day, kind by kind, as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyInForce {
    pub version: &'static str,
    pub periods: Vec<(RecordKind, RetentionPeriod)>,
}

/// What the supervisor reads: the policy in force today and the job's runs, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionReport {
    pub policy: PolicyInForce,
    pub runs: Vec<RetentionRun>,
}

impl App {
    fn today(&self) -> chrono::NaiveDate {
        self.clock().now().with_timezone(&HELSINKI).date_naive()
    }

    /// Runs the retention job as of today (Europe/Helsinki, by the store's clock) under the
    /// shipped policy. A system process, like the delivery worker: no user acts, no access-log
    /// row is written about anyone; the erasure leaves and the run's report are its record.
    pub async fn run_retention(&self) -> AppResult<RetentionRun> {
        let policy = RetentionPolicy::shipped();
        let today = self.today();
        let cutoffs = policy.cutoffs(today).ok_or_else(|| {
            AppError::Internal(format!("no retention policy is in force on {today}"))
        })?;
        Ok(self.store.erase_expired(cutoffs, policy.version).await?)
    }

    /// The retention policy in force today and what the job erased, newest run first (the
    /// supervisor). The runs hold counts only, so reading them concerns no client and is not
    /// an access of anyone's data.
    pub async fn retention_report(&self, actor: &Actor, limit: u32) -> AppResult<RetentionReport> {
        self.permit(actor, Capability::RetentionReport)?;
        if !(1..=1000).contains(&limit) {
            return Err(AppError::invalid("limit", "must be between 1 and 1000"));
        }
        let policy = RetentionPolicy::shipped();
        let today = self.today();
        let periods = RecordKind::ALL
            .iter()
            .filter_map(|k| policy.period(*k, today).map(|p| (*k, p.clone())))
            .collect();
        Ok(RetentionReport {
            policy: PolicyInForce {
                version: policy.version,
                periods,
            },
            runs: self.store.retention_runs(limit).await?,
        })
    }
}

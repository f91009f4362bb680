//! The compliance reports of the supervisor and of an organisation's managers (issue 14; A3, A6, A7, A9, JTYPL 31 §): the filter every
//! report takes, the figures of reports 1–3, and the drill-down from a row to the clients
//! concerned.
//!
//! - **The filter** ([`ReportFilterInput`] → [`ReportFilter`], [`App::report_filter`]): a
//!   period of Finnish dates (default: the year up to today), an organisation (default: every
//!   organisation in the user's scope) and "as things stood on" a date (default: now; only rows
//!   recorded by the end of that day count, and deadlines are judged on it). Parsed strictly:
//!   a date is exactly `YYYY-MM-DD` and plausible, the period runs forwards and at most
//!   [`MAX_PERIOD_DAYS`] days, the organisation exists and is in the user's scope; every fault
//!   is reported at once ([`FilterError`]).
//! - **Who:** [`Capability::ComplianceReports`]: the supervisor, every organisation; an
//!   organisation's manager (an official or KEHA official holding a manager grant,
//!   `crate::managers`), their own organisation only: the filter's organisation defaults to
//!   it, another is refused, and every query is narrowed to it. The figures are counts (no client's data) and are not logged; a drill-down lists clients and
//!   logs one read per client, under the purpose of supervision and **flagged** for review.
//! - **Report 1, timeliness (A6):** entries of the period's events per organisation and per
//!   official: the median and 90th percentile of the recording lag in Finnish working days
//!   (nearest rank: the smallest lag that at least half, or 90 %, of the entries do not
//!   exceed) and how many were recorded more than five working days after the event, as
//!   `Entry::recorded_late` counts.
//! - **Report 2, initial interviews (JTYPL 31 §):** job searches started in the period by the
//!   status of their initial interview ([`InterviewStatus`]) against the effective-dated
//!   deadline (5 working days; 10 from 2026-01-01).
//! - **Report 3, contact method (A9) and plan follow-ups (A7):** of the job searches started in
//!   the period whose initial interview was held, those with a contact method agreed since the
//!   start; the follow-up dates in the period of the employment plans in force by
//!   [`FollowUpStatus`] (held within five working days of the date, later, not at all).

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use kirjuri_domain::{time, OrgId, Organisation, UserId};
use kirjuri_store::{helsinki_start, Access, ReportQuery};

pub use kirjuri_store::{
    ContactCount, DrillDown, DrillDownClient, FollowUpStatus, InterviewStatus, LagCount,
    DRILL_DOWN_MAX, FOLLOW_UP_GRACE_WORKING_DAYS,
};

use crate::policy::{Capability, Scope};
use crate::{Actor, App, AppResult};

/// `(lag in working days, entries)` pairs.
type Lags = Vec<(i64, i64)>;

/// The longest period a report covers (ten years).
pub const MAX_PERIOD_DAYS: i64 = 3_660;
/// The default period: this many days up to today.
pub const DEFAULT_PERIOD_DAYS: i64 = 365;

/// A report's filter as the user sent it (each field as typed; empty is absent).
#[derive(Debug, Clone, Default)]
pub struct ReportFilterInput {
    pub from: Option<String>,
    pub to: Option<String>,
    pub org: Option<String>,
    pub as_of: Option<String>,
}

/// What is wrong with one field of a filter. `code` names the fault for the transport to put
/// into words: `date` (not a `YYYY-MM-DD` date), `implausible` (outside the dates a person
/// can mean), `from_after_to`, `too_long` (more than [`MAX_PERIOD_DAYS`]), `unknown_org`
/// (no such organisation in the user's scope).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    pub field: &'static str,
    pub code: &'static str,
}

/// A checked filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportFilter {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub org: Option<OrgId>,
    /// As things stood at the end of this Finnish date (`None`: now).
    pub as_of: Option<NaiveDate>,
}

/// The lag figures of a group of entries (report 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LagFigures {
    pub entries: i64,
    /// Working days, nearest rank.
    pub median: i64,
    pub p90: i64,
    /// Recorded more than five working days after the event.
    pub late: i64,
}

impl LagFigures {
    /// From `(lag, entries)` pairs in any order.
    pub fn from_counts(counts: &[(i64, i64)]) -> Self {
        let mut by_lag: BTreeMap<i64, i64> = BTreeMap::new();
        for (lag, n) in counts {
            *by_lag.entry(*lag).or_default() += n;
        }
        let entries: i64 = by_lag.values().sum();
        let rank = |p: i64| {
            // The smallest lag with at least ceil(p% of entries) at or below it.
            let need = (entries * p + 99) / 100;
            let mut seen = 0;
            for (lag, n) in &by_lag {
                seen += n;
                if seen >= need.max(1) {
                    return *lag;
                }
            }
            0
        };
        LagFigures {
            entries,
            median: rank(50),
            p90: rank(90),
            late: by_lag
                .range(i64::from(kirjuri_domain::RECORDING_LAG_WORKING_DAYS) + 1..)
                .map(|(_, n)| n)
                .sum(),
        }
    }

    /// The late share in per mille (0 without entries).
    pub fn late_per_mille(&self) -> i64 {
        if self.entries == 0 {
            0
        } else {
            (self.late * 1000 + self.entries / 2) / self.entries
        }
    }
}

/// Report 1's row of an organisation.
#[derive(Debug, Clone)]
pub struct OrgLag {
    pub org: Organisation,
    pub figures: LagFigures,
}

/// Report 1's row of an official.
#[derive(Debug, Clone)]
pub struct OfficialLag {
    pub org: Organisation,
    pub official: UserId,
    pub name: String,
    pub figures: LagFigures,
}

/// Report 1: per organisation (by name), per official (by organisation, then name).
#[derive(Debug, Clone, Default)]
pub struct TimelinessReport {
    pub organisations: Vec<OrgLag>,
    pub officials: Vec<OfficialLag>,
}

/// A row of counts by status (reports 2 and 3b).
#[derive(Debug, Clone)]
pub struct StatusRow<S> {
    pub org: Organisation,
    pub counts: BTreeMap<S, i64>,
}

impl<S: Ord + Copy> StatusRow<S> {
    pub fn count(&self, status: S) -> i64 {
        self.counts.get(&status).copied().unwrap_or(0)
    }
    pub fn total(&self) -> i64 {
        self.counts.values().sum()
    }
}

/// Report 3a's row.
#[derive(Debug, Clone)]
pub struct ContactRow {
    pub org: Organisation,
    pub agreed: i64,
    pub missing: i64,
}

/// Whether `actor` may read the compliance reports (for a transport's menu; every use case
/// asks the policy itself): the supervisor, and an organisation's manager.
pub fn may_read(actor: &Actor) -> bool {
    crate::policy::permit_as(&actor.user, actor.standing(), Capability::ComplianceReports).is_ok()
}

/// The organisation of a report: the filter's, which must lie in the user's scope. A
/// manager's reports are always about their own organisation; a filter naming another one
/// (made other than by [`App::report_filter`], which refuses it) is refused, never widened.
pub(crate) fn scoped_org(f_org: Option<OrgId>, scope: Scope) -> AppResult<Option<OrgId>> {
    match scope {
        Scope::Organisation(own) => match f_org {
            Some(o) if o != own => Err(crate::AppError::forbidden(
                "a manager's reports are about their own organisation only",
            )),
            _ => Ok(Some(own)),
        },
        _ => Ok(f_org),
    }
}

fn parse_date(raw: &Option<String>) -> Result<Option<NaiveDate>, &'static str> {
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => {
            let ok = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
            match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                Ok(d) if ok => Ok(Some(d)),
                _ => Err("date"),
            }
        }
    }
}

impl App {
    /// The organisations the user's reports may be about, by Finnish name.
    pub async fn report_organisations(&self, actor: &Actor) -> AppResult<Vec<Organisation>> {
        let (grant, _) = self.permit(actor, Capability::ComplianceReports)?;
        let all = self.store.organisations().await?;
        Ok(match grant.scope {
            Scope::Organisation(own) => all.into_iter().filter(|o| o.id == own).collect(),
            _ => all
                .into_iter()
                .filter(|o| o.kind == kirjuri_domain::OrgKind::EmploymentAuthority)
                .collect(),
        })
    }

    /// Checks a report's filter (see the module documentation): `Ok(Err(faults))` when the
    /// user's input is wrong, every fault at once.
    pub async fn report_filter(
        &self,
        actor: &Actor,
        input: &ReportFilterInput,
    ) -> AppResult<Result<ReportFilter, Vec<FilterError>>> {
        let (grant, _) = self.permit(actor, Capability::ComplianceReports)?;
        let today = self.clock().today();
        let mut errors = Vec::new();
        let mut date = |field: &'static str, raw: &Option<String>| match parse_date(raw) {
            Ok(Some(d)) => match time::plausible_date(d, today) {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.push(FilterError {
                        field,
                        code: "implausible",
                    });
                    None
                }
            },
            Ok(None) => None,
            Err(code) => {
                errors.push(FilterError { field, code });
                None
            }
        };
        let from = date("from", &input.from);
        let to = date("to", &input.to);
        let as_of = date("as_of", &input.as_of);
        let to_d = to.unwrap_or(today);
        let from_d = from.unwrap_or(to_d - Duration::days(DEFAULT_PERIOD_DAYS - 1));
        if errors.is_empty() {
            if from_d > to_d {
                errors.push(FilterError {
                    field: "from",
                    code: "from_after_to",
                });
            } else if (to_d - from_d).num_days() >= MAX_PERIOD_DAYS {
                errors.push(FilterError {
                    field: "from",
                    code: "too_long",
                });
            }
        }
        let org = match input.org.as_deref().map(str::trim) {
            None | Some("") => match grant.scope {
                Scope::Organisation(own) => Some(own),
                _ => None,
            },
            Some(s) => {
                // Any organisation in the user's scope, not only those the form offers:
                // reports 4 and 6 have rows (and drill-down links) for KEHA-keskus and the
                // supervisor's own organisation too.
                let known = self.store.organisations().await?;
                let in_scope = |o: &&Organisation| match grant.scope {
                    Scope::Organisation(own) => o.id == own,
                    _ => true,
                };
                match known
                    .iter()
                    .filter(in_scope)
                    .find(|o| o.id.to_string() == s)
                {
                    Some(o) => Some(o.id),
                    None => {
                        errors.push(FilterError {
                            field: "org",
                            code: "unknown_org",
                        });
                        None
                    }
                }
            }
        };
        if !errors.is_empty() {
            return Ok(Err(errors));
        }
        Ok(Ok(ReportFilter {
            from: from_d,
            to: to_d,
            org,
            as_of,
        }))
    }

    /// The store's query of a checked filter, narrowed to the user's scope.
    fn report_query(&self, f: &ReportFilter, scope: Scope) -> AppResult<ReportQuery> {
        let now = self.clock().now();
        let as_of = f
            .as_of
            .map(|d| helsinki_start(d + Duration::days(1)).min(now))
            .unwrap_or(now);
        let org = scoped_org(f.org, scope)?;
        Ok(ReportQuery {
            from: f.from,
            to: f.to,
            org,
            as_of,
            judged_on: time::helsinki_date(as_of),
        })
    }

    /// The organisations of a report's rows, by id.
    async fn orgs_by_id(&self) -> AppResult<BTreeMap<OrgId, Organisation>> {
        Ok(self
            .store
            .organisations()
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect())
    }

    /// Report 1, timeliness (A6).
    pub async fn timeliness_report(
        &self,
        actor: &Actor,
        f: &ReportFilter,
    ) -> AppResult<TimelinessReport> {
        let (grant, _) = self.permit(actor, Capability::ComplianceReports)?;
        let q = self.report_query(f, grant.scope)?;
        let counts = self.store.report_recording_lags(&q).await?;
        let orgs = self.orgs_by_id().await?;
        let mut per_org: BTreeMap<OrgId, Vec<(i64, i64)>> = BTreeMap::new();
        let mut per_official: BTreeMap<(OrgId, UserId), (String, Lags)> = BTreeMap::new();
        for c in &counts {
            per_org
                .entry(c.org)
                .or_default()
                .push((c.lag_working_days, c.entries));
            per_official
                .entry((c.org, c.official))
                .or_insert_with(|| (c.official_name.clone(), Vec::new()))
                .1
                .push((c.lag_working_days, c.entries));
        }
        let mut out = TimelinessReport::default();
        for (org, lags) in per_org {
            if let Some(o) = orgs.get(&org) {
                out.organisations.push(OrgLag {
                    org: o.clone(),
                    figures: LagFigures::from_counts(&lags),
                });
            }
        }
        for ((org, official), (name, lags)) in per_official {
            if let Some(o) = orgs.get(&org) {
                out.officials.push(OfficialLag {
                    org: o.clone(),
                    official,
                    name,
                    figures: LagFigures::from_counts(&lags),
                });
            }
        }
        out.organisations
            .sort_by(|a, b| a.org.name_fi.as_str().cmp(b.org.name_fi.as_str()));
        out.officials.sort_by(|a, b| {
            (a.org.name_fi.as_str(), a.name.as_str(), a.official).cmp(&(
                b.org.name_fi.as_str(),
                b.name.as_str(),
                b.official,
            ))
        });
        Ok(out)
    }

    fn status_rows<S: Ord + Copy>(
        orgs: &BTreeMap<OrgId, Organisation>,
        counts: impl IntoIterator<Item = (OrgId, S, i64)>,
    ) -> Vec<StatusRow<S>> {
        let mut rows: BTreeMap<OrgId, BTreeMap<S, i64>> = BTreeMap::new();
        for (org, s, n) in counts {
            *rows.entry(org).or_default().entry(s).or_default() += n;
        }
        let mut out: Vec<StatusRow<S>> = rows
            .into_iter()
            .filter_map(|(org, counts)| {
                orgs.get(&org).map(|o| StatusRow {
                    org: o.clone(),
                    counts,
                })
            })
            .collect();
        out.sort_by(|a, b| a.org.name_fi.as_str().cmp(b.org.name_fi.as_str()));
        out
    }

    /// Report 2, initial interviews (JTYPL 31 §).
    pub async fn interviews_report(
        &self,
        actor: &Actor,
        f: &ReportFilter,
    ) -> AppResult<Vec<StatusRow<InterviewStatus>>> {
        let (grant, _) = self.permit(actor, Capability::ComplianceReports)?;
        let q = self.report_query(f, grant.scope)?;
        let counts = self.store.report_initial_interviews(&q).await?;
        let orgs = self.orgs_by_id().await?;
        Ok(Self::status_rows(
            &orgs,
            counts.into_iter().map(|c| (c.org, c.status, c.count)),
        ))
    }

    /// Report 3a, contact methods (A9).
    pub async fn contact_methods_report(
        &self,
        actor: &Actor,
        f: &ReportFilter,
    ) -> AppResult<Vec<ContactRow>> {
        let (grant, _) = self.permit(actor, Capability::ComplianceReports)?;
        let q = self.report_query(f, grant.scope)?;
        let counts = self.store.report_contact_methods(&q).await?;
        let orgs = self.orgs_by_id().await?;
        let mut out: Vec<ContactRow> = counts
            .into_iter()
            .filter_map(|c: ContactCount| {
                orgs.get(&c.org).map(|o| ContactRow {
                    org: o.clone(),
                    agreed: c.agreed,
                    missing: c.missing,
                })
            })
            .collect();
        out.sort_by(|a, b| a.org.name_fi.as_str().cmp(b.org.name_fi.as_str()));
        Ok(out)
    }

    /// Report 3b, employment-plan follow-ups (A7).
    pub async fn follow_ups_report(
        &self,
        actor: &Actor,
        f: &ReportFilter,
    ) -> AppResult<Vec<StatusRow<FollowUpStatus>>> {
        let (grant, _) = self.permit(actor, Capability::ComplianceReports)?;
        let q = self.report_query(f, grant.scope)?;
        let counts = self.store.report_follow_ups(&q).await?;
        let orgs = self.orgs_by_id().await?;
        Ok(Self::status_rows(
            &orgs,
            counts.into_iter().map(|c| (c.org, c.status, c.count)),
        ))
    }

    /// The clients behind a row of a report (at most [`DRILL_DOWN_MAX`], the most concerned
    /// first). Each client listed is a logged read, purpose supervision (or the one the user
    /// stated), **flagged** so that a reviewer sees every drill-down.
    pub async fn report_drill_down(
        &self,
        actor: &Actor,
        f: &ReportFilter,
        what: DrillDown,
    ) -> AppResult<Vec<DrillDownClient>> {
        let (grant, access) = self.permit(actor, Capability::ComplianceReports)?;
        let access = Access {
            flagged: true,
            ..access
        };
        let q = self.report_query(f, grant.scope)?;
        Ok(self.store.report_drill_down(&q, what, &access).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let f = LagFigures::from_counts(&[(0, 5), (1, 3), (7, 2)]);
        assert_eq!((f.entries, f.median, f.p90, f.late), (10, 0, 7, 2));
        let f = LagFigures::from_counts(&[(2, 1)]);
        assert_eq!((f.median, f.p90, f.late), (2, 2, 0));
        assert_eq!(LagFigures::from_counts(&[]).entries, 0);
        assert_eq!(
            LagFigures::from_counts(&[(6, 1), (0, 2)]).late_per_mille(),
            333
        );
    }

    #[test]
    fn dates_are_exactly_iso() {
        assert_eq!(
            parse_date(&Some("2026-03-02".into())),
            Ok(NaiveDate::from_ymd_opt(2026, 3, 2))
        );
        assert_eq!(parse_date(&Some("".into())), Ok(None));
        for bad in ["2026-3-2", "+02026-03-02", "2026-02-30", "02.03.2026", "x"] {
            assert_eq!(parse_date(&Some(bad.into())), Err("date"), "{bad}");
        }
    }
}

//! The supervisor's compliance reports 4–6 (issue 14): language quality, statements and
//! access, each over the reports' checked [`ReportFilter`] (period, organisation, "as things
//! stood on" a date: `App::report_filter`), with a drill-down to the clients behind a row.
//! The supervisor sees them for every organisation, an organisation's manager for their own
//! only ([`Capability::ComplianceReports`]; a manager's drill-downs list only their own
//! organisation's clients). The figures are counts and read no client; every client a
//! drill-down lists is one access-logged read with the purpose `valvonta` (or the one the
//! reader stated), flagged for review.
//!
//! **Report 4, language quality (A13–A17):** the findings stored with the entries recorded in
//! the period per 1 000 entries, by kind — abbreviations (A14), offensive words (A15), health
//! data in an entry other than a work-capacity assessment (A17), identity codes (A16) — per
//! organisation of the entry's author and per Helsinki month. Only warnings are stored: an
//! entry with a blocking finding is refused and never written, so blocked texts (every
//! identity code since the checker blocks them) are not in these figures.
//!
//! **Report 5, statements:** applicants without a statement in force (A11) on the last day of
//! each month of the period, by the validity query's own rule (`gap_on`), per organisation of
//! the client; and per rule-set version (B11) the decisions made in the period, the automated
//! share, the routed ones by reason, requests for reconsideration and changed outcomes.
//!
//! **Report 6, access (A2, A3):** flagged reads (another organisation's client read with a
//! stated reason; the supervisor's own drill-downs are flagged too and show under the
//! supervisor's organisation) and refusals (`denied`) per organisation of the user and month,
//! by stated purpose; and the officials whose reads of distinct clients stand out from their
//! colleagues' ([`stands_out`]).

use chrono::{Datelike, NaiveDate};
use kirjuri_domain::{OrgId, Organisation, Role, UserId};
use kirjuri_store::{
    Access, AccessCount, AccessDrill, DrillClient, FindingKind, GapClient, GapReason,
    OfficialReads, OversightFilter, PurposeCount, QualityFigures, QualityScope, VersionDrill,
    GAP_REASONS,
};

use crate::policy::{Capability, Scope};
use crate::reports::ReportFilter;
use crate::{Actor, App, AppError, AppResult};

/// At most this many clients are listed by one drill-down.
pub const DRILL_LIMIT: usize = 200;
/// At most this many stated purposes are listed by report 6.
pub const PURPOSE_LIMIT: i64 = 20;
/// The robust z-score above which an official's count of distinct clients stands out.
pub const OUTLIER_Z: f64 = 3.5;
/// The fewest officials of one organisation and role that are compared with each other.
pub const MIN_COLLEAGUES: usize = 5;

/// Counts of entries and findings of one row of report 4.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LanguageRow {
    pub entries: i64,
    /// By kind, in the order of [`FindingKind::ALL`].
    pub findings: [i64; 4],
}

impl LanguageRow {
    fn add(&mut self, entries: i64, findings: &[i64; 4]) {
        self.entries += entries;
        for (a, b) in self.findings.iter_mut().zip(findings) {
            *a += b;
        }
    }

    /// Findings of `kind` per 1 000 entries (`None` without entries).
    pub fn per_thousand(&self, kind: FindingKind) -> Option<f64> {
        let i = FindingKind::ALL.iter().position(|k| *k == kind)?;
        per_thousand(self.findings[i], self.entries)
    }

    /// Findings of every kind counted, per 1 000 entries.
    pub fn total_per_thousand(&self) -> Option<f64> {
        per_thousand(self.findings.iter().sum(), self.entries)
    }
}

fn per_thousand(n: i64, of: i64) -> Option<f64> {
    (of > 0).then(|| n as f64 * 1000.0 / of as f64)
}

/// Report 4.
#[derive(Debug, Clone)]
pub struct LanguageReport {
    pub filter: OversightFilter,
    /// Per organisation of the author, by Finnish name.
    pub by_org: Vec<(Organisation, LanguageRow)>,
    /// Per Helsinki month (`YYYY-MM`) of the period, every month listed.
    pub by_month: Vec<(String, LanguageRow)>,
    pub total: LanguageRow,
}

/// Applicants and those without a statement in force on one date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GapPoint {
    pub date: NaiveDate,
    pub applicants: i64,
    /// By reason, in the order of [`GAP_REASONS`].
    pub without: [i64; 5],
}

impl GapPoint {
    fn new(date: NaiveDate) -> Self {
        Self {
            date,
            applicants: 0,
            without: [0; 5],
        }
    }

    fn add(&mut self, applicants: i64, without: &[i64; 5]) {
        self.applicants += applicants;
        for (a, b) in self.without.iter_mut().zip(without) {
            *a += b;
        }
    }

    pub fn total_without(&self) -> i64 {
        self.without.iter().sum()
    }

    /// Those without a statement, by reason.
    pub fn by_reason(&self) -> impl Iterator<Item = (GapReason, i64)> + '_ {
        GAP_REASONS
            .iter()
            .copied()
            .zip(self.without.iter().copied())
    }
}

/// Report 5.
#[derive(Debug, Clone)]
pub struct StatementsReport {
    pub filter: OversightFilter,
    /// Applicants without a statement in force on the last day of each month of the period
    /// (the last one the period's end, or the as-of date if earlier).
    pub trend: Vec<GapPoint>,
    /// Per organisation of the client, on the last of those dates.
    pub by_org: Vec<(Organisation, GapPoint)>,
    /// Per rule-set version: the decisions made in the period (B11).
    pub versions: Vec<QualityFigures>,
}

/// The automated share of a version's decisions (`None` without decisions).
pub fn automated_share(f: &QualityFigures) -> Option<f64> {
    (f.decisions > 0).then(|| f.automated as f64 / f.decisions as f64)
}

/// Flagged reads and refusals of one row of report 6.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AccessRow {
    pub flagged_reads: i64,
    /// Distinct clients of the flagged reads (over the row's own period).
    pub flagged_clients: i64,
    pub refusals: i64,
    pub refused_clients: i64,
}

impl From<&AccessCount> for AccessRow {
    fn from(c: &AccessCount) -> Self {
        Self {
            flagged_reads: c.flagged_reads,
            flagged_clients: c.flagged_clients,
            refusals: c.refusals,
            refused_clients: c.refused_clients,
        }
    }
}

/// How one organisation's officials of one role compare: the statistic of [`stands_out`].
#[derive(Debug, Clone, PartialEq)]
pub struct ReadStats {
    pub org: Option<Organisation>,
    pub role: Role,
    /// Officials who read at least one client in the period.
    pub officials: usize,
    /// Median of their counts of distinct clients read.
    pub median: f64,
    /// Median absolute deviation from it.
    pub mad: f64,
    /// Above this count an official stands out (`None`: fewer than [`MIN_COLLEAGUES`]
    /// officials, not compared).
    pub threshold: Option<f64>,
}

/// One official who stands out.
#[derive(Debug, Clone, PartialEq)]
pub struct OfficialRow {
    pub user_id: UserId,
    pub name: String,
    pub org: Option<Organisation>,
    pub role: Role,
    /// Distinct clients read in the period.
    pub clients: i64,
    pub reads: i64,
    /// The organisation's threshold it exceeds.
    pub threshold: f64,
}

/// Report 6.
#[derive(Debug, Clone)]
pub struct AccessReport {
    pub filter: OversightFilter,
    /// Per organisation of the user (`None`: users of no organisation), over the period.
    pub by_org: Vec<(Option<Organisation>, AccessRow)>,
    /// Per Helsinki month of the period, every month listed (distinct clients per month).
    pub by_month: Vec<(String, AccessRow)>,
    /// Flagged reads and refusals by the purpose stated, most first.
    pub purposes: Vec<PurposeCount>,
    /// The statistic per organisation and role.
    pub groups: Vec<ReadStats>,
    /// The officials who stand out, most clients first.
    pub standing_out: Vec<OfficialRow>,
}

/// The median of sorted values (0 for none).
fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The statistic of report 6: among the officials of one organisation and role who read at
/// least one client in the period, an official stands out when their count `x` of distinct
/// clients read exceeds `median + 3.5 × s`, where `s = max(1.4826 × MAD, 1)`: the robust
/// z-score (Iglewicz and Hoaglin: `0.6745 (x − median) / MAD > 3.5`), with the scale held
/// to at least one client so that colleagues who all read the same number do not make one
/// more client an outlier. Fewer than [`MIN_COLLEAGUES`] officials are not compared.
/// Returns `(median, MAD, threshold)`.
pub fn stands_out(counts: &[i64]) -> (f64, f64, Option<f64>) {
    let mut xs: Vec<f64> = counts.iter().map(|c| *c as f64).collect();
    xs.sort_by(f64::total_cmp);
    let med = median(&xs);
    let mut dev: Vec<f64> = xs.iter().map(|x| (x - med).abs()).collect();
    dev.sort_by(f64::total_cmp);
    let mad = median(&dev);
    let threshold = (xs.len() >= MIN_COLLEAGUES).then(|| med + OUTLIER_Z * (1.4826 * mad).max(1.0));
    (med, mad, threshold)
}

fn last_of_month(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|n| n.pred_opt())
        .unwrap_or(d)
}

/// The dates report 5 evaluates on: the last day of each month of the period, the last
/// one the period's end or the as-of date, whichever is earlier.
pub fn evaluation_dates(f: &OversightFilter) -> Vec<NaiveDate> {
    let end = match f.as_of {
        Some(a) => f.to.min(a),
        None => f.to,
    };
    let mut out = Vec::new();
    let mut d = f.from;
    while d <= end {
        let last = last_of_month(d).min(end);
        out.push(last);
        match last.succ_opt() {
            Some(n) => d = n,
            None => break,
        }
    }
    out
}

/// The filter narrowed to one Helsinki month (`YYYY-MM`) of it.
fn narrowed_to_month(f: &OversightFilter, month: &str) -> AppResult<OversightFilter> {
    let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .map_err(|_| AppError::invalid("month", "must be a month as YYYY-MM"))?;
    let mut n = *f;
    n.from = f.from.max(first);
    n.to = f.to.min(last_of_month(first));
    if n.from > n.to {
        return Err(AppError::invalid("month", "is not a month of the period"));
    }
    Ok(n)
}

impl App {
    /// The store's filter of a checked report filter (narrowed to the user's scope), and the
    /// access a drill-down's reads are logged under: supervision (or the purpose stated),
    /// flagged.
    fn oversight(&self, actor: &Actor, f: &ReportFilter) -> AppResult<(OversightFilter, Access)> {
        let (grant, mut access) = self.permit(actor, Capability::ComplianceReports)?;
        access.flagged = true;
        if f.from > f.to {
            return Err(AppError::invalid(
                "from",
                "must not be after the period's end",
            ));
        }
        let org = crate::reports::scoped_org(f.org, grant.scope)?;
        // A manager's drill-downs list their own organisation's clients only (reports 4 and 6
        // count entries and reads by their authors' organisation, which may concern another
        // organisation's clients).
        let clients_of = match grant.scope {
            Scope::Organisation(own) => Some(own),
            _ => None,
        };
        Ok((
            OversightFilter {
                from: f.from,
                to: f.to,
                org,
                as_of: f.as_of,
                clients_of,
            },
            access,
        ))
    }

    async fn organisations_by_id(
        &self,
    ) -> AppResult<std::collections::HashMap<OrgId, Organisation>> {
        Ok(self
            .store
            .organisations()
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect())
    }

    /// Report 4: findings per 1 000 entries by kind, per organisation and month.
    pub async fn language_report(
        &self,
        actor: &Actor,
        f: &ReportFilter,
    ) -> AppResult<LanguageReport> {
        let (filter, _) = self.oversight(actor, f)?;
        let counts = self.store.language_findings(&filter).await?;
        let orgs = self.organisations_by_id().await?;
        let mut by_org: std::collections::BTreeMap<OrgId, LanguageRow> = Default::default();
        let mut by_month: Vec<(String, LanguageRow)> = filter
            .months()
            .into_iter()
            .map(|m| (m, LanguageRow::default()))
            .collect();
        let mut total = LanguageRow::default();
        for c in &counts {
            by_org
                .entry(c.org_id)
                .or_default()
                .add(c.entries, &c.findings);
            if let Some((_, row)) = by_month.iter_mut().find(|(m, _)| *m == c.month) {
                row.add(c.entries, &c.findings);
            }
            total.add(c.entries, &c.findings);
        }
        let mut by_org: Vec<(Organisation, LanguageRow)> = by_org
            .into_iter()
            .filter_map(|(id, row)| orgs.get(&id).map(|o| (o.clone(), row)))
            .collect();
        by_org.sort_by(|a, b| a.0.name_fi.as_str().cmp(b.0.name_fi.as_str()));
        Ok(LanguageReport {
            filter,
            by_org,
            by_month,
            total,
        })
    }

    /// Report 4's drill-down: the clients whose entries (by the filter's organisation, in the
    /// period or its `month`) have findings of `kind` (or any kind counted). Each client
    /// listed is a logged, flagged read.
    pub async fn language_drill(
        &self,
        actor: &Actor,
        f: &ReportFilter,
        month: Option<&str>,
        kind: Option<FindingKind>,
    ) -> AppResult<Vec<DrillClient>> {
        let (mut filter, access) = self.oversight(actor, f)?;
        if let Some(m) = month {
            filter = narrowed_to_month(&filter, m)?;
        }
        Ok(self
            .store
            .language_finding_clients(&filter, kind, DRILL_LIMIT as i64, &access)
            .await?)
    }

    /// Report 5: applicants without a statement in force over time, and the figures per
    /// rule-set version.
    pub async fn statements_report(
        &self,
        actor: &Actor,
        f: &ReportFilter,
    ) -> AppResult<StatementsReport> {
        let (filter, _) = self.oversight(actor, f)?;
        let dates = evaluation_dates(&filter);
        let counts = self.store.statement_gap_counts(&filter, &dates).await?;
        let orgs = self.organisations_by_id().await?;
        let mut trend: Vec<GapPoint> = dates.iter().map(|d| GapPoint::new(*d)).collect();
        let last = dates.last().copied();
        let mut by_org: std::collections::BTreeMap<OrgId, GapPoint> = Default::default();
        for c in &counts {
            if let Some(p) = trend.iter_mut().find(|p| p.date == c.date) {
                p.add(c.applicants, &c.without);
            }
            if Some(c.date) == last {
                by_org
                    .entry(c.org_id)
                    .or_insert_with(|| GapPoint::new(c.date))
                    .add(c.applicants, &c.without);
            }
        }
        let mut by_org: Vec<(Organisation, GapPoint)> = by_org
            .into_iter()
            .filter_map(|(id, p)| orgs.get(&id).map(|o| (o.clone(), p)))
            .collect();
        by_org.sort_by(|a, b| a.0.name_fi.as_str().cmp(b.0.name_fi.as_str()));
        let versions = self
            .store
            .statement_quality_in(&QualityScope {
                from: Some(filter.lo()?),
                to: Some(filter.hi()?),
                recorded_before: filter.recorded_before()?,
                org: filter.org,
            })
            .await?;
        Ok(StatementsReport {
            filter,
            trend,
            by_org,
            versions,
        })
    }

    /// Report 5's drill-down of a date: the applicants (of the filter's organisation)
    /// without a statement in force on `date` (for `reason`, or any), by name. Each client
    /// listed is a logged, flagged read.
    pub async fn statement_gaps_drill(
        &self,
        actor: &Actor,
        f: &ReportFilter,
        date: NaiveDate,
        reason: Option<GapReason>,
    ) -> AppResult<Vec<GapClient>> {
        let (filter, access) = self.oversight(actor, f)?;
        let date = self.plausible("date", date)?;
        if filter.as_of.is_some_and(|a| date > a) {
            return Err(AppError::invalid(
                "date",
                "must not be after the as-of date",
            ));
        }
        Ok(self
            .store
            .statement_gap_clients(&filter, date, reason, DRILL_LIMIT, &access)
            .await?)
    }

    /// Report 5's drill-down of a rule-set version (by hash): the clients of its decisions
    /// in the period decided automatically, routed for a reason, reconsidered or changed.
    /// Each client listed is a logged, flagged read.
    pub async fn version_drill(
        &self,
        actor: &Actor,
        f: &ReportFilter,
        rule_set_hash: &str,
        what: &VersionDrill,
    ) -> AppResult<Vec<DrillClient>> {
        let (filter, access) = self.oversight(actor, f)?;
        if rule_set_hash.len() != 64 || !rule_set_hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::invalid(
                "version",
                "must be a rule set's SHA-256 in hex",
            ));
        }
        if let VersionDrill::Routed(code) = what {
            if code.is_empty()
                || !code
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
            {
                return Err(AppError::invalid("reason", "must be a reason code"));
            }
        }
        Ok(self
            .store
            .version_clients(&filter, rule_set_hash, what, DRILL_LIMIT as i64, &access)
            .await?)
    }

    /// Report 6: flagged reads and refusals per organisation and month, by purpose, and the
    /// officials who stand out ([`stands_out`]).
    pub async fn access_report(&self, actor: &Actor, f: &ReportFilter) -> AppResult<AccessReport> {
        let (filter, _) = self.oversight(actor, f)?;
        let orgs = self.organisations_by_id().await?;
        let org = |id: Option<OrgId>| id.and_then(|i| orgs.get(&i).cloned());
        let mut by_org: Vec<(Option<Organisation>, AccessRow)> = self
            .store
            .access_counts_by_org(&filter)
            .await?
            .iter()
            .map(|c| (org(c.org_id), AccessRow::from(c)))
            .collect();
        by_org.sort_by(|a, b| {
            let name = |o: &Option<Organisation>| o.as_ref().map(|o| o.name_fi.to_string());
            name(&a.0).cmp(&name(&b.0))
        });
        // Counted over every organisation at once: a client two organisations read in a month
        // is one distinct client of that month, not one per organisation.
        let monthly = self.store.access_counts_by_month(&filter).await?;
        let by_month = filter
            .months()
            .into_iter()
            .map(|m| {
                let row = monthly
                    .iter()
                    .find(|c| c.month == m)
                    .map(AccessRow::from)
                    .unwrap_or_default();
                (m, row)
            })
            .collect();
        let purposes = self.store.access_purposes(&filter, PURPOSE_LIMIT).await?;
        let reads = self.store.official_reads(&filter).await?;
        let mut groups = Vec::new();
        let mut standing_out = Vec::new();
        let mut keys: Vec<(Option<OrgId>, Role)> =
            reads.iter().map(|r| (r.org_id, r.role)).collect();
        keys.sort_by_key(|(o, r)| (*o, r.code()));
        keys.dedup();
        for (org_id, role) in keys {
            let group: Vec<&OfficialReads> = reads
                .iter()
                .filter(|r| r.org_id == org_id && r.role == role)
                .collect();
            let counts: Vec<i64> = group.iter().map(|r| r.clients).collect();
            let (median, mad, threshold) = stands_out(&counts);
            if let Some(t) = threshold {
                for r in group.iter().filter(|r| r.clients as f64 > t) {
                    standing_out.push(OfficialRow {
                        user_id: r.user_id,
                        name: r.name.clone(),
                        org: org(r.org_id),
                        role,
                        clients: r.clients,
                        reads: r.reads,
                        threshold: t,
                    });
                }
            }
            groups.push(ReadStats {
                org: org(org_id),
                role,
                officials: group.len(),
                median,
                mad,
                threshold,
            });
        }
        standing_out.sort_by(|a, b| b.clients.cmp(&a.clients).then(a.name.cmp(&b.name)));
        Ok(AccessReport {
            filter,
            by_org,
            by_month,
            purposes,
            groups,
            standing_out,
        })
    }

    /// Report 6's drill-down: the clients of the flagged reads or refusals of the filter's
    /// organisation's users, or of one official's reads, in the period or its `month`. Each
    /// client listed is a logged, flagged read.
    pub async fn access_drill(
        &self,
        actor: &Actor,
        f: &ReportFilter,
        month: Option<&str>,
        what: AccessDrill,
    ) -> AppResult<Vec<DrillClient>> {
        let (mut filter, access) = self.oversight(actor, f)?;
        if let Some(m) = month {
            filter = narrowed_to_month(&filter, m)?;
        }
        Ok(self
            .store
            .access_clients(&filter, what, DRILL_LIMIT as i64, &access)
            .await?)
    }
}

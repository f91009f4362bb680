//! The supervisor's compliance reports 4–6 (issue 14): language quality of entries (A13–A17),
//! applicants without a statement in force (A11) and the statement procedure per rule-set
//! version (B11), and access to client data (A2, A3). Migration 20 adds the indexes they read
//! through.
//!
//! Every report takes an [`OversightFilter`]: a period of Helsinki dates, an organisation, and
//! "as things stood on" a date (only rows recorded by the end of that day count). The counts
//! read no client and log nothing; a drill-down lists clients and logs one read per client
//! listed under the caller's [`Access`] (the application layer makes it `valvonta`, flagged).
//!
//! Months are Helsinki months: the period is cut at the instants of Helsinki midnight, which
//! the store computes here (pure arithmetic on the time zone; no clock is read); a monthly
//! figure is one query per month over a range of an index, so both backends bucket alike
//! and nothing is compared per row against a list of months.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use kirjuri_domain::{Client, ClientId, OrgId, Role, UserId, HELSINKI};
use sqlx::Row;

use crate::access::AccessAction;
use crate::gaps::{
    decision_brief_from_row, gap_on, ClientHistory, GapReason, DECISION_BRIEF_COLS,
    DECISION_BRIEF_COL_NAMES,
};
use crate::quality::reason_codes;
use crate::rows::{
    client_from_row, corrupt, fetch_packed, job_search_from_row, parse_date, parse_id, parse_ts,
    ts, TextRow, CLIENT_COLS, JOB_SEARCH_SELECT,
};
use crate::{Access, Store, StoreError};

/// The filters every report of the compliance console takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OversightFilter {
    /// The first day of the period (Helsinki).
    pub from: NaiveDate,
    /// The last day of the period, inclusive (Helsinki).
    pub to: NaiveDate,
    /// One organisation (`None`: all).
    pub org: Option<OrgId>,
    /// As things stood at the end of this day: rows recorded later do not count.
    pub as_of: Option<NaiveDate>,
    /// A drill-down lists only this organisation's clients (an organisation's manager sees
    /// no other organisation's client, issue 14); `None`: every client its rows concern.
    /// Reports 4 and 6 count by the organisation of the author or reader, whose entries and
    /// reads may concern another organisation's clients; the other reports count by the
    /// client's organisation already.
    pub clients_of: Option<OrgId>,
}

/// The instant Helsinki's day `d` begins.
pub(crate) fn day_start(d: NaiveDate) -> Result<DateTime<Utc>, StoreError> {
    // Midnight exists every day in Helsinki (the clocks change at 03.00 and 04.00).
    HELSINKI
        .from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| corrupt("date", format!("{d} has no midnight in Helsinki")))
}

fn next_day(d: NaiveDate) -> Result<NaiveDate, StoreError> {
    d.succ_opt()
        .ok_or_else(|| corrupt("date", format!("{d} is the calendar's last day")))
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

fn next_month(d: NaiveDate) -> Option<NaiveDate> {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
}

/// One month of the period: its label and its instants, cut to the period.
#[derive(Debug, Clone)]
struct MonthSlot {
    label: String,
    lo: String,
    hi: String,
}

impl OversightFilter {
    /// The period's first instant.
    pub fn lo(&self) -> Result<DateTime<Utc>, StoreError> {
        day_start(self.from)
    }

    /// The end of the period (exclusive), brought back to the end of the as-of day.
    pub fn hi(&self) -> Result<DateTime<Utc>, StoreError> {
        let end = day_start(next_day(self.to)?)?;
        Ok(match self.as_of {
            Some(a) => end.min(day_start(next_day(a)?)?),
            None => end,
        })
    }

    /// The end of the as-of day (exclusive), if one is given.
    pub fn recorded_before(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.as_of.map(|a| day_start(next_day(a)?)).transpose()
    }

    /// The Helsinki months of the period (`YYYY-MM`), in order.
    pub fn months(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut m = first_of_month(self.from);
        while m <= self.to {
            out.push(m.format("%Y-%m").to_string());
            match next_month(m) {
                Some(n) => m = n,
                None => break,
            }
        }
        out
    }

    /// The whole period as one slot (label empty), or none when it is empty.
    fn period_slot(&self) -> Result<Vec<MonthSlot>, StoreError> {
        let (lo, hi) = (self.lo()?, self.hi()?);
        Ok(if lo < hi {
            vec![MonthSlot {
                label: String::new(),
                lo: ts(lo),
                hi: ts(hi),
            }]
        } else {
            Vec::new()
        })
    }

    fn month_slots(&self) -> Result<Vec<MonthSlot>, StoreError> {
        let (lo, hi) = (self.lo()?, self.hi()?);
        let mut out = Vec::new();
        let mut m = first_of_month(self.from);
        while m <= self.to {
            let next = next_month(m).ok_or_else(|| corrupt("date", "past the calendar"))?;
            let a = day_start(m)?.max(lo);
            let b = day_start(next)?.min(hi);
            if a < b {
                out.push(MonthSlot {
                    label: m.format("%Y-%m").to_string(),
                    lo: ts(a),
                    hi: ts(b),
                });
            }
            m = next;
        }
        Ok(out)
    }
}

// ---------------------------------------------------------------------------------------------
// Report 4: language quality.

/// The kinds of finding report 4 counts (A13–A17). Only warnings are stored with an entry
/// (`entry_findings`, migration 6): an entry with a blocking finding is refused and never
/// written, so blocked texts — every identity code among them — are not counted here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FindingKind {
    /// An abbreviation that is not generally known (A14).
    Abbreviation,
    /// An offensive or belittling word (A15).
    Offensive,
    /// Health data in an entry other than a work-capacity assessment (A17).
    HealthOutsideWorkCapacity,
    /// An identity code in free text (A16; it blocks, so a stored one is from before it did).
    Hetu,
}

impl FindingKind {
    pub const ALL: [FindingKind; 4] = [
        FindingKind::Abbreviation,
        FindingKind::Offensive,
        FindingKind::HealthOutsideWorkCapacity,
        FindingKind::Hetu,
    ];

    pub fn code(self) -> &'static str {
        match self {
            FindingKind::Abbreviation => "abbreviation",
            FindingKind::Offensive => "offensive",
            FindingKind::HealthOutsideWorkCapacity => "health",
            FindingKind::Hetu => "hetu",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }

    /// The SQL condition on `entry_findings f` and `entries e` for this kind (fixed text).
    fn condition(self) -> &'static str {
        match self {
            FindingKind::Abbreviation => "f.kind = 'abbreviation'",
            FindingKind::Offensive => "f.kind = 'offensive'",
            FindingKind::HealthOutsideWorkCapacity => {
                "(f.kind = 'health' AND e.kind <> 'work_capacity')"
            }
            FindingKind::Hetu => "f.kind = 'hetu'",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

fn kinds_condition(kind: Option<FindingKind>) -> String {
    match kind {
        Some(k) => k.condition().to_owned(),
        None => format!(
            "({})",
            FindingKind::ALL
                .iter()
                .map(|k| k.condition())
                .collect::<Vec<_>>()
                .join(" OR ")
        ),
    }
}

/// Entries recorded and their findings by kind, for one organisation (the author's) in one
/// month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageCount {
    pub org_id: OrgId,
    /// `YYYY-MM` (Helsinki).
    pub month: String,
    pub entries: i64,
    /// Findings by kind, in the order of [`FindingKind::ALL`].
    pub findings: [i64; 4],
}

/// A client behind a drill-down row, with how many of the row's events concern them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrillClient {
    pub client: Client,
    /// Findings (report 4), reads or refusals (report 6).
    pub count: i64,
    /// When the latest of them was recorded.
    pub latest: DateTime<Utc>,
}

// ---------------------------------------------------------------------------------------------
// Report 5: statements.

/// Applicants without a statement in force on one date, in one organisation (the client's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GapCount {
    pub date: NaiveDate,
    pub org_id: OrgId,
    /// Clients with a benefit application in force on the date.
    pub applicants: i64,
    /// Of them, without a statement in force, by reason (in the order of [`GAP_REASONS`]).
    pub without: [i64; 5],
}

/// Every [`GapReason`], in the order of [`GapCount::without`].
pub const GAP_REASONS: [GapReason; 5] = [
    GapReason::NoJobSearch,
    GapReason::NoStatement,
    GapReason::RoutedUnresolved,
    GapReason::EndWithoutStatement,
    GapReason::ServiceEnded,
];

fn reason_index(r: GapReason) -> usize {
    GAP_REASONS.iter().position(|g| *g == r).unwrap_or(0)
}

/// One applicant without a statement in force on a date (a drill-down row of report 5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GapClient {
    pub client: Client,
    pub reason: GapReason,
    pub since: Option<NaiveDate>,
}

/// Which decisions of one rule-set version a drill-down of report 5 lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionDrill {
    /// Decided automatically.
    Automated,
    /// Routed to an official for this reason code.
    Routed(String),
    /// Reconsideration requested.
    Reconsidered,
    /// Reconsidered with a different outcome or effective date.
    Changed,
}

// ---------------------------------------------------------------------------------------------
// Report 6: access.

/// Flagged reads and refusals of one organisation's users (the reader's organisation) in one
/// month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessCount {
    /// The reader's organisation (`None`: a user of none).
    pub org_id: Option<OrgId>,
    pub month: String,
    /// Reads flagged for review (another organisation's client with a stated reason, and the
    /// supervisor's drill-downs of these reports).
    pub flagged_reads: i64,
    /// Distinct clients of those reads in the month.
    pub flagged_clients: i64,
    /// Refused attempts (`denied` rows).
    pub refusals: i64,
    pub refused_clients: i64,
}

/// Flagged reads and refusals by the purpose the user stated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurposeCount {
    pub purpose: String,
    pub flagged_reads: i64,
    pub refusals: i64,
}

/// How many distinct clients one official read in the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialReads {
    pub user_id: UserId,
    pub name: String,
    pub role: Role,
    pub org_id: Option<OrgId>,
    pub clients: i64,
    pub reads: i64,
}

/// Which access-log rows a drill-down of report 6 lists the clients of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessDrill {
    /// Flagged reads by the filter's organisation's users.
    FlaggedReads,
    /// Refusals of the filter's organisation's users.
    Refusals,
    /// Reads by one user.
    ReadsBy(UserId),
}

/// The row of report 4 an author's counts in a month add to (`None`: a user of no
/// organisation, or of another organisation than the filter's).
fn language_row<'a>(
    counts: &'a mut BTreeMap<(String, String), LanguageCount>,
    orgs: &HashMap<String, Option<String>>,
    only: Option<OrgId>,
    month: &str,
    author: &str,
) -> Result<Option<&'a mut LanguageCount>, StoreError> {
    let Some(Some(org)) = orgs.get(author) else {
        return Ok(None);
    };
    if only.is_some_and(|o| o.to_string() != *org) {
        return Ok(None);
    }
    let key = (org.clone(), month.to_owned());
    if !counts.contains_key(&key) {
        let row = LanguageCount {
            org_id: org.parse().map_err(|e| corrupt("org_id", e))?,
            month: month.to_owned(),
            entries: 0,
            findings: [0; 4],
        };
        counts.insert(key.clone(), row);
    }
    Ok(counts.get_mut(&key))
}

impl Store {
    /// Logs one read per client listed by a drill-down, in one write.
    async fn log_drilled(
        &self,
        by: &Access,
        clients: impl Iterator<Item = ClientId>,
        resource: &'static str,
    ) -> Result<(), StoreError> {
        let logs = clients
            .map(|c| self.logged(by, c))
            .collect::<Result<Vec<_>, _>>()?;
        if logs.is_empty() {
            return Ok(());
        }
        let now = self.now();
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    for logged in logs {
                        logged
                            .record(tx, leaves, now, AccessAction::Read, resource)
                            .await?;
                    }
                    Ok(())
                })
            })
            .await
    }

    /// The clients of `ids` (unlogged: the caller logs what it shows).
    async fn clients_by_id(
        &self,
        ids: &[ClientId],
    ) -> Result<HashMap<ClientId, Client>, StoreError> {
        let mut out = HashMap::new();
        for chunk in ids.chunks(500) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT {CLIENT_COLS} FROM clients WHERE id IN ({})",
                marks.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(id.to_string());
            }
            for row in &q.fetch_all(&self.read).await? {
                let c = client_from_row(row)?;
                out.insert(c.id, c);
            }
        }
        Ok(out)
    }

    /// Rows of `(client_id, n, latest)` made into drill-down rows, in their order, each
    /// client a logged read.
    async fn drill_rows(
        &self,
        rows: Vec<sqlx::any::AnyRow>,
        by: &Access,
        resource: &'static str,
    ) -> Result<Vec<DrillClient>, StoreError> {
        let mut counted = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: ClientId = parse_id(r, "client_id")?;
            counted.push((
                id,
                r.try_get::<i64, _>("n")?,
                parse_ts(&r.try_get::<String, _>("latest")?)?,
            ));
        }
        let ids: Vec<ClientId> = counted.iter().map(|c| c.0).collect();
        let mut clients = self.clients_by_id(&ids).await?;
        let out = counted
            .into_iter()
            .filter_map(|(id, count, latest)| {
                clients.remove(&id).map(|client| DrillClient {
                    client,
                    count,
                    latest,
                })
            })
            .collect::<Vec<_>>();
        self.log_drilled(by, out.iter().map(|d| d.client.id), resource)
            .await?;
        Ok(out)
    }

    // --- report 4 ------------------------------------------------------------------------

    /// The organisation of every user (for counts grouped by user: the users are few, so the
    /// organisation is looked up here instead of joined per row).
    async fn user_orgs(&self) -> Result<HashMap<String, Option<String>>, StoreError> {
        let rows = sqlx::query("SELECT id, org_id FROM users")
            .fetch_all(&self.read)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("org_id")?)))
            .collect()
    }

    /// Report 4: entries recorded and their stored findings by kind, per organisation of the
    /// author and Helsinki month. One pair of queries per month, each a range of
    /// `entries_recorded` grouped by author (whose organisation is looked up afterwards), so
    /// the rows read are the period's and nothing is joined per row but the findings.
    /// Counts only: nothing is logged.
    pub async fn language_findings(
        &self,
        f: &OversightFilter,
    ) -> Result<Vec<LanguageCount>, StoreError> {
        let orgs = self.user_orgs().await?;
        let mut counts: BTreeMap<(String, String), LanguageCount> = BTreeMap::new();
        for slot in f.month_slots()? {
            let rows = sqlx::query(
                "SELECT e.author_id, COUNT(*) AS n FROM entries e
                  WHERE e.recorded_at >= $1 AND e.recorded_at < $2 GROUP BY e.author_id",
            )
            .bind(slot.lo.clone())
            .bind(slot.hi.clone())
            .fetch_all(&self.read)
            .await?;
            for r in &rows {
                if let Some(c) = language_row(
                    &mut counts,
                    &orgs,
                    f.org,
                    &slot.label,
                    &r.try_get::<String, _>("author_id")?,
                )? {
                    c.entries += r.try_get::<i64, _>("n")?;
                }
            }
        }
        // The findings of the whole period in one query (per month, the findings table would
        // be read once a month). A row's Helsinki month is its UTC month, except in the last
        // evening hours of a UTC month, where Helsinki may already be in the next: those rows
        // are grouped by UTC hour (Helsinki midnight is a whole UTC hour) and put in their
        // month here.
        let rows = sqlx::query(
            "SELECT u.org_id, f.kind AS finding, e.kind, COUNT(*) AS n,
                    CASE WHEN substr(e.recorded_at, 9, 2) >= '28'
                              AND substr(e.recorded_at, 12, 2) >= '20'
                         THEN substr(e.recorded_at, 1, 13)
                         ELSE substr(e.recorded_at, 1, 7) END AS bucket
               FROM entries e
               JOIN entry_findings f ON f.entry_id = e.id
               JOIN users u ON u.id = e.author_id
              WHERE e.recorded_at >= $1 AND e.recorded_at < $2
                AND f.kind IN ('abbreviation', 'offensive', 'health', 'hetu')
                AND u.org_id IS NOT NULL AND ($3 IS NULL OR u.org_id = $3)
              GROUP BY u.org_id, f.kind, e.kind, bucket",
        )
        .bind(ts(f.lo()?))
        .bind(ts(f.hi()?))
        .bind(f.org.map(|o| o.to_string()))
        .fetch_all(&self.read)
        .await?;
        for r in &rows {
            let finding: String = r.try_get("finding")?;
            let entry_kind: String = r.try_get("kind")?;
            let kind = match FindingKind::from_code(&finding) {
                Some(FindingKind::HealthOutsideWorkCapacity) if entry_kind == "work_capacity" => {
                    continue
                }
                Some(k) => k,
                None => continue,
            };
            let bucket: String = r.try_get("bucket")?;
            let month = if bucket.len() == 7 {
                bucket
            } else {
                let hour = parse_ts(&format!("{bucket}:00:00Z"))?;
                hour.with_timezone(&HELSINKI).format("%Y-%m").to_string()
            };
            let org: String = r.try_get("org_id")?;
            let key = (org.clone(), month.clone());
            if !counts.contains_key(&key) {
                let row = LanguageCount {
                    org_id: org.parse().map_err(|e| corrupt("org_id", e))?,
                    month,
                    entries: 0,
                    findings: [0; 4],
                };
                counts.insert(key.clone(), row);
            }
            if let Some(c) = counts.get_mut(&key) {
                c.findings[kind.index()] += r.try_get::<i64, _>("n")?;
            }
        }
        Ok(counts.into_values().collect())
    }

    /// Report 4's drill-down: the clients whose entries recorded in the filter's period by
    /// its organisation's officials have findings (of `kind`, or of any kind counted), most
    /// first, at most `limit`; each client listed is a logged read (`oversight_language`).
    pub async fn language_finding_clients(
        &self,
        f: &OversightFilter,
        kind: Option<FindingKind>,
        limit: i64,
        by: &Access,
    ) -> Result<Vec<DrillClient>, StoreError> {
        let sql = format!(
            "SELECT e.client_id, COUNT(*) AS n, MAX(e.recorded_at) AS latest
             FROM entries e
             JOIN entry_findings f ON f.entry_id = e.id
             JOIN users u ON u.id = e.author_id
             WHERE e.recorded_at >= $1 AND e.recorded_at < $2 AND ($3 IS NULL OR u.org_id = $3)
               AND ($5 IS NULL OR e.client_id IN (SELECT id FROM clients WHERE org_id = $5))
               AND {}
             GROUP BY e.client_id ORDER BY n DESC, e.client_id LIMIT $4",
            kinds_condition(kind)
        );
        let rows = sqlx::query(&sql)
            .bind(ts(f.lo()?))
            .bind(ts(f.hi()?))
            .bind(f.org.map(|o| o.to_string()))
            .bind(limit)
            .bind(f.clients_of.map(|o| o.to_string()))
            .fetch_all(&self.read)
            .await?;
        self.drill_rows(rows, by, "oversight_language").await
    }

    // --- report 5 ------------------------------------------------------------------------

    /// What the validity query needs about every applicant of the filter's organisation, as
    /// things stood at the end of the as-of day: (the client's organisation, the earliest
    /// application's from-date, the history). Read in five queries over whole tables (the
    /// applicants' rows only), never one per client, each result packed into one value by
    /// the database ([`fetch_packed`]: tens of thousands of rows, issue 14's time limits).
    /// Unlogged: counts are made of it, and a drill-down logs the clients it lists.
    async fn applicant_histories(
        &self,
        f: &OversightFilter,
    ) -> Result<HashMap<ClientId, (OrgId, NaiveDate, ClientHistory)>, StoreError> {
        let binds = [f.org.map(|o| o.to_string()), f.recorded_before()?.map(ts)];
        let before = binds[1].clone();
        let packed = |sql: String, cols: &'static [&'static str]| {
            let binds = binds.clone();
            async move { fetch_packed(&self.read, self.backend(), &sql, cols, &binds).await }
        };
        let mut out: HashMap<ClientId, (OrgId, NaiveDate, ClientHistory)> = HashMap::new();
        let rows = packed(
            "SELECT a.client_id, c.org_id, MIN(a.from_date) AS from_date
             FROM benefit_applications a JOIN clients c ON c.id = a.client_id
             WHERE ($1 IS NULL OR c.org_id = $1) AND ($2 IS NULL OR a.recorded_at < $2)
             GROUP BY a.client_id, c.org_id"
                .to_owned(),
            &["client_id", "org_id", "from_date"],
        )
        .await?;
        for r in &rows {
            out.insert(
                parse_id(r, "client_id")?,
                (
                    parse_id(r, "org_id")?,
                    parse_date(&r.text_value("from_date")?)?,
                    ClientHistory::default(),
                ),
            );
        }
        if out.is_empty() {
            return Ok(out);
        }
        // The applicants of the organisation (a semi-join the planner runs once).
        let applicants = "SELECT a.client_id FROM benefit_applications a
                            JOIN clients c ON c.id = a.client_id
                           WHERE ($1 IS NULL OR c.org_id = $1)";
        let rows = packed(
            format!(
                "{JOB_SEARCH_SELECT} WHERE j.client_id IN ({applicants})
                   AND ($2 IS NULL OR j.recorded_at < $2)"
            ),
            &[
                "id",
                "client_id",
                "start_date",
                "recorded_at",
                "recorded_by",
                "end_date",
                "reason",
                "end_recorded_at",
                "end_recorded_by",
            ],
        )
        .await?;
        for r in &rows {
            let mut js = job_search_from_row(r)?;
            if let (Some(b), Some(end)) = (&before, &js.end) {
                if ts(end.recorded_at) >= *b {
                    js.end = None;
                }
            }
            if let Some(e) = out.get_mut(&js.client_id) {
                e.2.job_searches.push(js);
            }
        }
        let rows = packed(
            format!(
                "SELECT {DECISION_BRIEF_COLS} FROM decisions WHERE client_id IN ({applicants})
                   AND ($2 IS NULL OR recorded_at < $2)"
            ),
            DECISION_BRIEF_COL_NAMES,
        )
        .await?;
        for r in &rows {
            let client: ClientId = parse_id(r, "client_id")?;
            if let Some(e) = out.get_mut(&client) {
                e.2.decisions.push(decision_brief_from_row(r)?);
            }
        }
        let rows = packed(
            format!(
                "SELECT client_id, decision_id, at FROM official_steps
                  WHERE step = 'resolved' AND client_id IN ({applicants})
                    AND ($2 IS NULL OR at < $2)
                 UNION ALL
                 SELECT s.client_id, r.decision_id, s.at FROM reconsideration_steps s
                   JOIN reconsideration_requests r ON r.id = s.request_id
                  WHERE s.step = 'resolved' AND s.client_id IN ({applicants})
                    AND ($2 IS NULL OR s.at < $2)"
            ),
            &["client_id", "decision_id", "at"],
        )
        .await?;
        for r in &rows {
            let client: ClientId = parse_id(r, "client_id")?;
            if let Some(e) = out.get_mut(&client) {
                e.2.resolutions
                    .push((parse_id(r, "decision_id")?, parse_ts(&r.text_value("at")?)?));
            }
        }
        // A corrected entry is replaced by its correction (one recorded by then).
        let rows = packed(
            format!(
                "SELECT e.client_id, e.event_at FROM entries e
                  WHERE e.kind = 'service_end' AND e.client_id IN ({applicants})
                    AND ($2 IS NULL OR e.recorded_at < $2)
                    AND NOT EXISTS (SELECT 1 FROM entries c WHERE c.corrects_id = e.id
                                       AND ($2 IS NULL OR c.recorded_at < $2))"
            ),
            &["client_id", "event_at"],
        )
        .await?;
        for r in &rows {
            let client: ClientId = parse_id(r, "client_id")?;
            if let Some(e) = out.get_mut(&client) {
                e.2.service_ends.push(parse_ts(&r.text_value("event_at")?)?);
            }
        }
        Ok(out)
    }

    /// Report 5, A11 over time: on each of `dates`, per organisation of the client, the
    /// clients with a benefit application in force and those of them without a statement in
    /// force by reason — [`gap_on`], the validity query's own rule, as things stood at the
    /// end of the as-of day. Counts only: nothing is logged.
    pub async fn statement_gap_counts(
        &self,
        f: &OversightFilter,
        dates: &[NaiveDate],
    ) -> Result<Vec<GapCount>, StoreError> {
        let histories = self.applicant_histories(f).await?;
        let mut counts: BTreeMap<(NaiveDate, OrgId), GapCount> = BTreeMap::new();
        for (org, applied_from, h) in histories.values() {
            for &date in dates {
                if *applied_from > date {
                    continue;
                }
                let c = counts.entry((date, *org)).or_insert_with(|| GapCount {
                    date,
                    org_id: *org,
                    applicants: 0,
                    without: [0; 5],
                });
                c.applicants += 1;
                if let Some(g) = gap_on(h, date) {
                    c.without[reason_index(g.reason)] += 1;
                }
            }
        }
        Ok(counts.into_values().collect())
    }

    /// Report 5's drill-down of a gap count: the applicants of the filter's organisation
    /// without a statement in force on `date` (for `reason`, or any), by name, at most
    /// `limit`; each client listed is a logged read (`oversight_statements`).
    pub async fn statement_gap_clients(
        &self,
        f: &OversightFilter,
        date: NaiveDate,
        reason: Option<GapReason>,
        limit: usize,
        by: &Access,
    ) -> Result<Vec<GapClient>, StoreError> {
        let histories = self.applicant_histories(f).await?;
        let mut found: Vec<(ClientId, GapReason, Option<NaiveDate>)> = histories
            .iter()
            .filter(|(_, (_, from, _))| *from <= date)
            .filter_map(|(id, (_, _, h))| gap_on(h, date).map(|g| (*id, g.reason, g.since)))
            .filter(|(_, r, _)| reason.is_none_or(|want| want == *r))
            .collect();
        found.sort_by_key(|(id, _, _)| *id);
        let ids: Vec<ClientId> = found.iter().map(|g| g.0).collect();
        let mut clients = self.clients_by_id(&ids).await?;
        let mut out: Vec<GapClient> = found
            .into_iter()
            .filter_map(|(id, reason, since)| {
                clients.remove(&id).map(|client| GapClient {
                    client,
                    reason,
                    since,
                })
            })
            .collect();
        out.sort_by(|a, b| {
            (
                a.client.last_name.as_str(),
                a.client.first_name.as_str(),
                a.client.id,
            )
                .cmp(&(
                    b.client.last_name.as_str(),
                    b.client.first_name.as_str(),
                    b.client.id,
                ))
        });
        out.truncate(limit);
        self.log_drilled(by, out.iter().map(|g| g.client.id), "oversight_statements")
            .await?;
        Ok(out)
    }

    /// Report 5's drill-down of a rule-set version (by hash): the clients of its decisions in
    /// the filter's scope that were decided automatically, routed for a reason, reconsidered
    /// or changed on reconsideration, most recent first, at most `limit`; each client listed
    /// is a logged read (`oversight_statements`).
    pub async fn version_clients(
        &self,
        f: &OversightFilter,
        rule_set_hash: &str,
        what: &VersionDrill,
        limit: i64,
        by: &Access,
    ) -> Result<Vec<DrillClient>, StoreError> {
        let scope = "d.rule_set_hash = $1 AND d.recorded_at >= $2 AND d.recorded_at < $3
            AND ($4 IS NULL OR d.client_id IN (SELECT id FROM clients WHERE org_id = $4))";
        let sql = match what {
            VersionDrill::Automated => format!(
                "SELECT d.client_id, COUNT(*) AS n, MAX(d.recorded_at) AS latest FROM decisions d
                  WHERE d.outcome <> 'routed' AND {scope}
                  GROUP BY d.client_id ORDER BY latest DESC, d.client_id LIMIT $5"
            ),
            // The codes are matched exactly in the stored JSON below; the LIKE narrows.
            VersionDrill::Routed(_) => format!(
                "SELECT d.client_id, d.reasons, d.recorded_at AS latest FROM decisions d
                  WHERE d.outcome = 'routed' AND d.reasons LIKE $5 AND {scope}
                  ORDER BY d.recorded_at DESC, d.client_id"
            ),
            VersionDrill::Reconsidered | VersionDrill::Changed => format!(
                "SELECT d.client_id, COUNT(*) AS n, MAX(r.requested_at) AS latest
                   FROM reconsideration_requests r JOIN decisions d ON d.id = r.decision_id
                  WHERE {scope} AND ($6 IS NULL OR r.requested_at < $6) {}
                  GROUP BY d.client_id ORDER BY latest DESC, d.client_id LIMIT $5",
                if *what == VersionDrill::Changed {
                    "AND EXISTS (SELECT 1 FROM reconsideration_steps s WHERE s.request_id = r.id
                        AND s.step = 'resolved' AND s.outcome_changed = 1
                        AND ($6 IS NULL OR s.at < $6))"
                } else {
                    ""
                }
            ),
        };
        let q = sqlx::query(&sql)
            .bind(rule_set_hash.to_owned())
            .bind(ts(f.lo()?))
            .bind(ts(f.hi()?))
            .bind(f.org.map(|o| o.to_string()));
        let rows = match what {
            // (`_` in a code matches itself among any character: the exact match follows.)
            VersionDrill::Routed(code) => q.bind(format!("%{}%", code.replace('%', ""))),
            VersionDrill::Automated => q.bind(limit),
            // Requests and resolutions of the period's decisions count whenever they came
            // (up to the as-of day), as in `statement_quality_in`'s figures.
            VersionDrill::Reconsidered | VersionDrill::Changed => {
                q.bind(limit).bind(f.recorded_before()?.map(ts))
            }
        }
        .fetch_all(&self.read)
        .await?;
        let VersionDrill::Routed(code) = what else {
            return self.drill_rows(rows, by, "oversight_statements").await;
        };
        // Routed for the code: parse each decision's reasons, count per client.
        let mut per: Vec<(ClientId, i64, DateTime<Utc>)> = Vec::new();
        for r in &rows {
            if !reason_codes(&r.try_get::<String, _>("reasons")?)?.contains(code) {
                continue;
            }
            let id: ClientId = parse_id(r, "client_id")?;
            let at = parse_ts(&r.try_get::<String, _>("latest")?)?;
            match per.iter_mut().find(|p| p.0 == id) {
                Some(p) => p.1 += 1,
                None => per.push((id, 1, at)),
            }
        }
        per.truncate(usize::try_from(limit).unwrap_or(0));
        let ids: Vec<ClientId> = per.iter().map(|p| p.0).collect();
        let mut clients = self.clients_by_id(&ids).await?;
        let out: Vec<DrillClient> = per
            .into_iter()
            .filter_map(|(id, count, latest)| {
                clients.remove(&id).map(|client| DrillClient {
                    client,
                    count,
                    latest,
                })
            })
            .collect();
        self.log_drilled(by, out.iter().map(|d| d.client.id), "oversight_statements")
            .await?;
        Ok(out)
    }

    // --- report 6 ------------------------------------------------------------------------

    /// Report 6: flagged reads and refusals per organisation of the user over the whole
    /// period (the month label empty; distinct clients are counted over the period). Counts
    /// only: nothing is logged.
    pub async fn access_counts_by_org(
        &self,
        f: &OversightFilter,
    ) -> Result<Vec<AccessCount>, StoreError> {
        self.access_counts(f, &f.period_slot()?, true).await
    }

    /// Report 6: flagged reads and refusals per Helsinki month, over every organisation in
    /// the filter (`org_id` is `None`). A client read by two organisations in a month is one
    /// distinct client of that month: the month is not the sum of the organisations' rows.
    /// Counts only: nothing is logged.
    pub async fn access_counts_by_month(
        &self,
        f: &OversightFilter,
    ) -> Result<Vec<AccessCount>, StoreError> {
        self.access_counts(f, &f.month_slots()?, false).await
    }

    /// Flagged reads and refusals per slot, per organisation of the user (`by_org`) or over
    /// every organisation in the filter.
    async fn access_counts(
        &self,
        f: &OversightFilter,
        slots: &[MonthSlot],
        by_org: bool,
    ) -> Result<Vec<AccessCount>, StoreError> {
        let mut counts: BTreeMap<(Option<String>, String), AccessCount> = BTreeMap::new();
        let (org, group) = match by_org {
            true => ("a.org_id, ", "a.org_id, a.action"),
            false => ("", "a.action"),
        };
        let sql = format!(
            "SELECT {org}a.action, COUNT(*) AS n,
                    COUNT(DISTINCT a.client_id) AS clients
               FROM access_log a
              WHERE a.flagged = 1 AND a.action IN ('read', 'denied')
                AND a.at >= $1 AND a.at < $2 AND ($3 IS NULL OR a.org_id = $3)
              GROUP BY {group}"
        );
        for slot in slots {
            let rows = sqlx::query(&sql)
                .bind(slot.lo.clone())
                .bind(slot.hi.clone())
                .bind(f.org.map(|o| o.to_string()))
                .fetch_all(&self.read)
                .await?;
            for r in &rows {
                let org: Option<String> = match by_org {
                    true => r.try_get("org_id")?,
                    false => None,
                };
                let c = counts
                    .entry((org.clone(), slot.label.clone()))
                    .or_insert(AccessCount {
                        org_id: org
                            .map(|o| o.parse().map_err(|e| corrupt("org_id", e)))
                            .transpose()?,
                        month: slot.label.clone(),
                        flagged_reads: 0,
                        flagged_clients: 0,
                        refusals: 0,
                        refused_clients: 0,
                    });
                let (n, clients): (i64, i64) = (r.try_get("n")?, r.try_get("clients")?);
                if r.try_get::<String, _>("action")? == "read" {
                    c.flagged_reads = n;
                    c.flagged_clients = clients;
                } else {
                    c.refusals = n;
                    c.refused_clients = clients;
                }
            }
        }
        Ok(counts.into_values().collect())
    }

    /// Report 6: flagged reads and refusals in the period by the purpose stated, most first,
    /// at most `limit` purposes. Counts only.
    pub async fn access_purposes(
        &self,
        f: &OversightFilter,
        limit: i64,
    ) -> Result<Vec<PurposeCount>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.purpose,
                    SUM(CASE WHEN a.action = 'read' THEN 1 ELSE 0 END) AS reads,
                    SUM(CASE WHEN a.action = 'denied' THEN 1 ELSE 0 END) AS refusals
             FROM access_log a
             WHERE a.flagged = 1 AND a.action IN ('read', 'denied')
               AND a.at >= $1 AND a.at < $2 AND ($3 IS NULL OR a.org_id = $3)
             GROUP BY a.purpose
             ORDER BY COUNT(*) DESC, a.purpose LIMIT $4",
        )
        .bind(ts(f.lo()?))
        .bind(ts(f.hi()?))
        .bind(f.org.map(|o| o.to_string()))
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PurposeCount {
                    purpose: r.try_get("purpose")?,
                    flagged_reads: r.try_get("reads")?,
                    refusals: r.try_get("refusals")?,
                })
            })
            .collect()
    }

    /// Report 6: the distinct clients each official (an employment authority's or KEHA
    /// official) read in the period, with their reads. Officials who read nobody in the
    /// period are not listed. Counts only.
    pub async fn official_reads(
        &self,
        f: &OversightFilter,
    ) -> Result<Vec<OfficialReads>, StoreError> {
        let rows = sqlx::query(
            "SELECT u.id, u.display_name, u.role, u.org_id, r.clients, r.reads
             FROM (SELECT a.user_id, COUNT(DISTINCT a.client_id) AS clients, COUNT(*) AS reads
                     FROM access_log a
                    WHERE a.action = 'read' AND a.at >= $1 AND a.at < $2
                    GROUP BY a.user_id) r
             JOIN users u ON u.id = r.user_id
             WHERE u.role IN ('official', 'keha_official') AND ($3 IS NULL OR u.org_id = $3)
             ORDER BY u.org_id, u.id",
        )
        .bind(ts(f.lo()?))
        .bind(ts(f.hi()?))
        .bind(f.org.map(|o| o.to_string()))
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                let org: Option<String> = r.try_get("org_id")?;
                Ok(OfficialReads {
                    user_id: parse_id(r, "id")?,
                    name: r.try_get("display_name")?,
                    role: parse_id(r, "role")?,
                    org_id: org
                        .map(|o| o.parse().map_err(|e| corrupt("org_id", e)))
                        .transpose()?,
                    clients: r.try_get("clients")?,
                    reads: r.try_get("reads")?,
                })
            })
            .collect()
    }

    /// Report 6's drill-down: the clients of the flagged reads or refusals of the filter's
    /// organisation's users, or of one user's reads, in the period, most first, at most
    /// `limit`; each client listed is a logged read (`oversight_access`).
    pub async fn access_clients(
        &self,
        f: &OversightFilter,
        what: AccessDrill,
        limit: i64,
        by: &Access,
    ) -> Result<Vec<DrillClient>, StoreError> {
        let (cond, user) = match what {
            AccessDrill::FlaggedReads => ("a.flagged = 1 AND a.action = 'read'", None),
            AccessDrill::Refusals => ("a.flagged = 1 AND a.action = 'denied'", None),
            AccessDrill::ReadsBy(u) => ("a.action = 'read'", Some(u.to_string())),
        };
        let sql = format!(
            "SELECT a.client_id, COUNT(*) AS n, MAX(a.at) AS latest FROM access_log a
              WHERE {cond} AND a.at >= $1 AND a.at < $2 AND ($3 IS NULL OR a.org_id = $3)
                AND ($4 IS NULL OR a.user_id = $4)
                AND ($6 IS NULL OR a.client_id IN (SELECT id FROM clients WHERE org_id = $6))
              GROUP BY a.client_id ORDER BY n DESC, a.client_id LIMIT $5"
        );
        let rows = sqlx::query(&sql)
            .bind(ts(f.lo()?))
            .bind(ts(f.hi()?))
            .bind(f.org.map(|o| o.to_string()))
            .bind(user)
            .bind(limit)
            .bind(f.clients_of.map(|o| o.to_string()))
            .fetch_all(&self.read)
            .await?;
        self.drill_rows(rows, by, "oversight_access").await
    }
}

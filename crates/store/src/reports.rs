//! The supervisor's compliance reports 1–3 (issue 14; A6, A7, A9, JTYPL 31 §; migration 19):
//! aggregates over the record for a period, an organisation or all, as things stood at an
//! instant (only rows recorded before it count), and the drill-downs to the clients behind a
//! row of a report.
//!
//! The aggregates return counts only, no client's data, so they are not access-logged (like
//! `statement_quality` and `queue_counts`). Every drill-down returns clients and logs one read
//! per client listed under the caller's `Access` (the application layer flags them as
//! supervision), in one write.
//!
//! Working days are counted in SQL through a calendar the query carries with it
//! ([`Calendar`]): for each Finnish date of the period, the number of working days from the
//! calendar's first day to it (`n`), computed by the domain's holiday calendar
//! ([`kirjuri_domain::time::is_working_day`]), so `working_days_between(a, b) = n(b) - n(a)`
//! exactly as [`kirjuri_domain::Entry::recorded_late`] counts; and for each start date its
//! initial-interview deadline from the domain's effective-dated rule
//! ([`kirjuri_domain::time::initial_interview_deadline`]). The Finnish date of a stored instant
//! is computed by the database: PostgreSQL with `AT TIME ZONE 'Europe/Helsinki'`, SQLite (no
//! time zones) with the EU summer-time rule written out per year.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use kirjuri_domain::{
    time::{self, HELSINKI},
    Client, OrgId, UserId, FOLLOW_UP_KINDS, RECORDING_LAG_WORKING_DAYS,
};

use crate::access::AccessAction;
use crate::rows::{client_from_row, ts, CLIENT_COLS};
use crate::{Access, Backend, Store, StoreError};

/// At most this many clients are listed by a drill-down (the most concerned first).
pub const DRILL_DOWN_MAX: i64 = 500;

/// Working days within which a follow-up date of the employment plan counts as held on time
/// (A7): the same five working days A6 allows for recording.
pub const FOLLOW_UP_GRACE_WORKING_DAYS: u32 = RECORDING_LAG_WORKING_DAYS;

/// What every report is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportQuery {
    /// The period, Finnish dates, inclusive: of the events (report 1), job-search starts
    /// (reports 2 and 3a) and follow-up dates (report 3b).
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// One organisation (the clients'), or all.
    pub org: Option<OrgId>,
    /// As things stood at this instant: only rows recorded before it count.
    pub as_of: DateTime<Utc>,
    /// The day deadlines are judged on (a deadline before it has passed): the Finnish date of
    /// `as_of`.
    pub judged_on: NaiveDate,
}

/// Report 1: how many entries one official made with one recording lag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LagCount {
    pub org: OrgId,
    pub official: UserId,
    pub official_name: String,
    /// Working days from the event's date to the recording's date (Finnish dates).
    pub lag_working_days: i64,
    pub entries: i64,
}

/// Report 2: how a job search's initial interview stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InterviewStatus {
    /// Held on or before the deadline.
    OnTime,
    /// Held after the deadline.
    Late,
    /// Not held, the deadline has passed and the job search was not ended by it.
    Overdue,
    /// Not held, the deadline has not passed.
    Pending,
    /// Not held, the job search ended on or before the deadline.
    Ended,
}

impl InterviewStatus {
    pub const ALL: [InterviewStatus; 5] = [
        InterviewStatus::OnTime,
        InterviewStatus::Late,
        InterviewStatus::Overdue,
        InterviewStatus::Pending,
        InterviewStatus::Ended,
    ];

    pub fn code(self) -> &'static str {
        match self {
            InterviewStatus::OnTime => "on_time",
            InterviewStatus::Late => "late",
            InterviewStatus::Overdue => "overdue",
            InterviewStatus::Pending => "pending",
            InterviewStatus::Ended => "ended",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }
}

/// Report 3b: how a follow-up date of an employment plan in force stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FollowUpStatus {
    /// Held within [`FOLLOW_UP_GRACE_WORKING_DAYS`] working days of the date.
    OnTime,
    /// Held later.
    Late,
    /// Not held and the date has passed.
    Overdue,
}

impl FollowUpStatus {
    pub const ALL: [FollowUpStatus; 3] = [
        FollowUpStatus::OnTime,
        FollowUpStatus::Late,
        FollowUpStatus::Overdue,
    ];

    pub fn code(self) -> &'static str {
        match self {
            FollowUpStatus::OnTime => "on_time",
            FollowUpStatus::Late => "late",
            FollowUpStatus::Overdue => "overdue",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }
}

/// A count of something per organisation and status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusCount<S> {
    pub org: OrgId,
    pub status: S,
    pub count: i64,
}

/// Report 3a: job searches whose initial interview was held, with and without a contact method
/// agreed on or after the start (A9), per organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactCount {
    pub org: OrgId,
    pub agreed: i64,
    pub missing: i64,
}

/// Which clients a drill-down asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DrillDown {
    /// Report 1: clients with entries recorded more than five working days after the event,
    /// of one official (or all officials) of the query's organisation.
    LateEntries { official: Option<UserId> },
    /// Report 2: clients whose job search's initial interview has this status.
    Interviews(InterviewStatus),
    /// Report 3a: clients whose initial interview was held without a contact method agreed.
    ContactMissing,
    /// Report 3b: clients with a follow-up date of this status.
    FollowUps(FollowUpStatus),
}

impl DrillDown {
    /// The resource named in the access-log row of each client listed.
    pub fn resource(self) -> &'static str {
        match self {
            DrillDown::LateEntries { .. } => "report_timeliness",
            DrillDown::Interviews(_) => "report_interviews",
            DrillDown::ContactMissing => "report_contact_methods",
            DrillDown::FollowUps(_) => "report_follow_ups",
        }
    }
}

/// A client of a drill-down and how many rows of the report concern them.
#[derive(Debug, Clone)]
pub struct DrillDownClient {
    pub client: Client,
    pub count: i64,
}

/// The working-day calendar a report's SQL carries (see the module documentation).
struct Calendar {
    first: NaiveDate,
    last: NaiveDate,
}

impl Calendar {
    /// A calendar from `first` to `last`, inclusive.
    fn new(first: NaiveDate, last: NaiveDate) -> Self {
        Calendar { first, last }
    }

    fn days(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.first.iter_days().take_while(move |d| *d <= self.last)
    }

    /// `cal(d, n)`: each date and the working days in `(first, d]`.
    fn cte(&self) -> String {
        let mut n: i64 = 0;
        let rows: Vec<String> = self
            .days()
            .map(|d| {
                if d > self.first && time::is_working_day(d) {
                    n += 1;
                }
                format!("('{d}', {n})")
            })
            .collect();
        format!("cal(d, n) AS (VALUES {})", rows.join(", "))
    }

    /// `dl(d, deadline)`: each date and the initial-interview deadline of a job search
    /// starting on it (dates whose deadline the calendar cannot represent are left out).
    fn deadlines_cte(&self) -> String {
        let rows: Vec<String> = self
            .days()
            .filter_map(|d| {
                time::initial_interview_deadline(d).map(|dl| format!("('{d}', '{dl}')"))
            })
            .collect();
        format!("dl(d, deadline) AS (VALUES {})", rows.join(", "))
    }

    /// `grace(d, until)`: each date and the last day a follow-up on it counts as on time.
    fn grace_cte(&self) -> String {
        let rows: Vec<String> = self
            .days()
            .filter_map(|d| {
                time::add_working_days(d, FOLLOW_UP_GRACE_WORKING_DAYS)
                    .map(|u| format!("('{d}', '{u}')"))
            })
            .collect();
        format!("grace(d, until) AS (VALUES {})", rows.join(", "))
    }
}

/// The start of a Finnish date as an instant (midnight always exists in Helsinki: the clocks
/// change at 03:00 and 04:00).
pub fn helsinki_start(date: NaiveDate) -> DateTime<Utc> {
    let midnight = date.and_time(chrono::NaiveTime::MIN);
    HELSINKI
        .from_local_datetime(&midnight)
        .earliest()
        .map_or_else(
            || Utc.from_utc_datetime(&midnight),
            |t| t.with_timezone(&Utc),
        )
}

/// The last Sunday of a month of a year.
fn last_sunday(year: i32, month: u32) -> Option<NaiveDate> {
    let first_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }?;
    let mut d = first_next.pred_opt()?;
    while d.weekday() != Weekday::Sun {
        d = d.pred_opt()?;
    }
    Some(d)
}

impl Store {
    /// The SQL of the Finnish date (`YYYY-MM-DD` text) of the instant in column `col`, for
    /// dates between `first` and `last`.
    fn helsinki_date_sql(&self, col: &str, first: NaiveDate, last: NaiveDate) -> String {
        match self.backend() {
            Backend::Postgres => format!(
                "to_char(CAST({col} AS timestamptz) AT TIME ZONE 'Europe/Helsinki', 'YYYY-MM-DD')"
            ),
            Backend::Sqlite => {
                // Summer time (UTC+3) from the last Sunday of March 01:00 UTC to the last
                // Sunday of October 01:00 UTC (the EU rule, Finland since 1996); else UTC+2.
                let summer: Vec<String> = (first.year() - 1..=last.year() + 1)
                    .filter_map(|y| {
                        let start = last_sunday(y, 3)?;
                        let end = last_sunday(y, 10)?;
                        Some(format!(
                            "({col} >= '{start}T01:00:00' AND {col} < '{end}T01:00:00')"
                        ))
                    })
                    .collect();
                let summer = if summer.is_empty() {
                    "0".to_owned()
                } else {
                    summer.join(" OR ")
                };
                format!("date({col}, CASE WHEN {summer} THEN '+3 hours' ELSE '+2 hours' END)")
            }
        }
    }

    /// The SQL of the day before the date (`YYYY-MM-DD` text) in column `col`: a lower bound
    /// of the instants on that Finnish date, whatever the offset.
    fn day_before_sql(&self, col: &str) -> String {
        match self.backend() {
            Backend::Postgres => format!("to_char(CAST({col} AS date) - 1, 'YYYY-MM-DD')"),
            Backend::Sqlite => format!("date({col}, '-1 day')"),
        }
    }

    /// The organisation condition of a report on clients `c` (`$1` when asked).
    fn org_condition(q: &ReportQuery) -> &'static str {
        if q.org.is_some() {
            "c.org_id = $1"
        } else {
            "($1 IS NULL OR c.org_id = $1)"
        }
    }

    /// The late-entries FROM/WHERE of report 1 (the lag condition added by the caller):
    /// `$1` org, `$2`/`$3` event bounds, `$4` as-of.
    fn lag_sql(&self, q: &ReportQuery) -> (String, String) {
        // Recordings of the period's events fall between its first day and the as-of day; a
        // month before gives room to an event recorded before its own date.
        let first = q.from - Duration::days(31);
        let last = q.judged_on.max(q.to) + Duration::days(1);
        let cal = Calendar::new(first, last);
        let event = self.helsinki_date_sql("e.event_at", first, last);
        let recorded = self.helsinki_date_sql("e.recorded_at", first, last);
        let lag = "CASE WHEN cr.n > ce.n THEN cr.n - ce.n ELSE 0 END".to_owned();
        let from = format!(
            "WITH {} SELECT {{cols}} FROM entries e
             JOIN clients c ON c.id = e.client_id
             JOIN cal ce ON ce.d = {event}
             JOIN cal cr ON cr.d = {recorded}
             WHERE {} AND e.event_at >= $2 AND e.event_at < $3 AND e.recorded_at < $4
               AND e.corrects_id IS NULL",
            cal.cte(),
            Self::org_condition(q),
        );
        (from, lag)
    }

    fn bind_org(q: &ReportQuery) -> Option<String> {
        q.org.map(|o| o.to_string())
    }

    /// Report 1 (A6): entries per organisation, official and recording lag in working days,
    /// for the events of the period recorded before `as_of`. A correction is not a recording
    /// of its event (it keeps the original's event time), so it is not counted; the original
    /// is, as recorded. Counts only: not logged.
    pub async fn report_recording_lags(
        &self,
        q: &ReportQuery,
    ) -> Result<Vec<LagCount>, StoreError> {
        let (from, lag) = self.lag_sql(q);
        let sql = from.replace(
            "{cols}",
            &format!("c.org_id, e.author_id, u.display_name, {lag} AS lag, COUNT(*) AS k"),
        );
        let sql = sql.replace(
            "JOIN cal ce",
            "JOIN users u ON u.id = e.author_id JOIN cal ce",
        ) + &format!(" GROUP BY c.org_id, e.author_id, u.display_name, {lag}");
        let rows = sqlx::query(&sql)
            .bind(Self::bind_org(q))
            .bind(ts(helsinki_start(q.from)))
            .bind(ts(helsinki_start(q.to + Duration::days(1))))
            .bind(ts(q.as_of))
            .fetch_all(&self.read)
            .await?;
        use sqlx::Row;
        rows.iter()
            .map(|r| {
                Ok(LagCount {
                    org: parse_id(r.try_get::<String, _>(0)?)?,
                    official: parse_id(r.try_get::<String, _>(1)?)?,
                    official_name: r.try_get(2)?,
                    lag_working_days: r.try_get(3)?,
                    entries: r.try_get(4)?,
                })
            })
            .collect()
    }

    /// The job searches of reports 2 and 3a: started in the period, recorded before `as_of`,
    /// each with its deadline and the Finnish date of its first initial interview on or after
    /// its start (recorded before `as_of`), as `js(org_id, client_id, start_date, deadline,
    /// end_date, interview)`. `$1` org, `$2`/`$3` start dates, `$4` as-of.
    fn job_searches_cte(&self, q: &ReportQuery) -> String {
        let cal = Calendar::new(q.from, q.to);
        let (first, last) = (
            q.from - Duration::days(1),
            q.judged_on.max(q.to) + Duration::days(400),
        );
        let interview = self.helsinki_date_sql("i.event_at", first, last);
        let day_before = self.day_before_sql("j.start_date");
        format!(
            "{dl}, js AS (
               SELECT c.org_id, j.client_id, j.start_date, dl.deadline,
                      (SELECT x.end_date FROM job_search_ends x
                       WHERE x.job_search_id = j.id AND x.recorded_at < $4) AS end_date,
                      (SELECT MIN({interview}) FROM entries i
                       WHERE i.client_id = j.client_id AND i.kind = 'initial_interview'
                         AND i.event_at >= {day_before} AND i.recorded_at < $4
                         AND {interview} >= j.start_date
                         AND NOT EXISTS (SELECT 1 FROM entries x
                                         WHERE x.corrects_id = i.id AND x.recorded_at < $4)) AS interview
               FROM job_searches j
               JOIN clients c ON c.id = j.client_id
               JOIN dl ON dl.d = j.start_date
               WHERE {org} AND j.start_date >= $2 AND j.start_date <= $3 AND j.recorded_at < $4)",
            dl = cal.deadlines_cte(),
            org = Self::org_condition(q),
        )
    }

    /// The status of a row of `js` as SQL (`$5`: the day deadlines are judged on).
    const INTERVIEW_STATUS: &'static str = "CASE
        WHEN interview IS NOT NULL AND interview <= deadline THEN 'on_time'
        WHEN interview IS NOT NULL THEN 'late'
        WHEN end_date IS NOT NULL AND end_date <= deadline THEN 'ended'
        WHEN deadline < $5 THEN 'overdue'
        ELSE 'pending' END";

    fn bind_period<'q>(
        q: &ReportQuery,
        query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        query
            .bind(Self::bind_org(q))
            .bind(q.from.to_string())
            .bind(q.to.to_string())
            .bind(ts(q.as_of))
            .bind(q.judged_on.to_string())
    }

    /// Report 2 (JTYPL 31 §): job searches started in the period per organisation and status of
    /// the initial interview. Counts only: not logged.
    pub async fn report_initial_interviews(
        &self,
        q: &ReportQuery,
    ) -> Result<Vec<StatusCount<InterviewStatus>>, StoreError> {
        let sql = format!(
            "WITH {} SELECT org_id, {} AS status, COUNT(*) FROM js GROUP BY org_id, {}",
            self.job_searches_cte(q),
            Self::INTERVIEW_STATUS,
            Self::INTERVIEW_STATUS
        );
        let rows = Self::bind_period(q, sqlx::query(&sql))
            .fetch_all(&self.read)
            .await?;
        use sqlx::Row;
        rows.iter()
            .map(|r| {
                let status: String = r.try_get(1)?;
                Ok(StatusCount {
                    org: parse_id(r.try_get::<String, _>(0)?)?,
                    status: InterviewStatus::parse(&status)
                        .ok_or_else(|| StoreError::Corrupt(format!("interview status {status}")))?,
                    count: r.try_get(2)?,
                })
            })
            .collect()
    }

    /// Whether a contact method was agreed on or after a job search's start and recorded
    /// before `as_of` (A9).
    const CONTACT_AGREED: &'static str = "EXISTS (SELECT 1 FROM contact_methods m
        WHERE m.client_id = js.client_id AND m.agreed_on >= js.start_date AND m.recorded_at < $4)";

    /// Report 3a (A9): job searches started in the period whose initial interview was held,
    /// with and without a contact method agreed since the start. Counts only: not logged.
    pub async fn report_contact_methods(
        &self,
        q: &ReportQuery,
    ) -> Result<Vec<ContactCount>, StoreError> {
        let sql = format!(
            "WITH {} SELECT org_id,
                    SUM(CASE WHEN {agreed} THEN 1 ELSE 0 END),
                    SUM(CASE WHEN {agreed} THEN 0 ELSE 1 END)
             FROM js WHERE interview IS NOT NULL AND $5 IS NOT NULL GROUP BY org_id",
            self.job_searches_cte(q),
            agreed = Self::CONTACT_AGREED,
        );
        let rows = Self::bind_period(q, sqlx::query(&sql))
            .fetch_all(&self.read)
            .await?;
        use sqlx::Row;
        rows.iter()
            .map(|r| {
                Ok(ContactCount {
                    org: parse_id(r.try_get::<String, _>(0)?)?,
                    agreed: r.try_get(1)?,
                    missing: r.try_get(2)?,
                })
            })
            .collect()
    }

    /// The follow-up dates of report 3b as `fu(org_id, client_id, d, held, until)`: each date
    /// in the period, before the day judged on, of each client's employment plan in force as
    /// things stood (`$4`), with the Finnish date of the first follow-up entry in force on or
    /// after it (`held`) and the last day it counts as on time (`until`). `$1` org, `$2`/`$3`
    /// period, `$5` the day judged on.
    fn follow_ups_cte(&self, q: &ReportQuery) -> String {
        let cal = Calendar::new(q.from, q.to);
        let (first, last) = (
            q.from - Duration::days(1),
            q.judged_on.max(q.to) + Duration::days(400),
        );
        let held_date = self.helsinki_date_sql("f.event_at", first, last);
        let kinds = FOLLOW_UP_KINDS
            .iter()
            .map(|k| format!("'{}'", k.code()))
            .collect::<Vec<_>>()
            .join(", ");
        let in_force = |alias: &str| {
            format!(
                "NOT EXISTS (SELECT 1 FROM entries x WHERE x.corrects_id = {alias}.id AND x.recorded_at < $4)"
            )
        };
        let dates = match self.backend() {
            Backend::Postgres => {
                "SELECT p.org_id, p.client_id, d.value AS d FROM plan p
                 CROSS JOIN LATERAL jsonb_array_elements_text(CAST(p.details AS jsonb) -> 'follow_up_dates') AS d(value)"
            }
            Backend::Sqlite => {
                "SELECT p.org_id, p.client_id, d.value AS d FROM plan p, json_each(p.details, '$.follow_up_dates') d"
            }
        };
        let day_before = self.day_before_sql("pd.d");
        let plan_in_force = in_force("e");
        let better_in_force = in_force("b");
        let f_in_force = in_force("f");
        format!(
            "{grace},
             plan AS (
               SELECT c.org_id, e.client_id, e.details FROM entries e
               JOIN clients c ON c.id = e.client_id
               WHERE {org} AND e.kind = 'employment_plan' AND e.recorded_at < $4 AND {plan_in_force}
                 AND NOT EXISTS (SELECT 1 FROM entries b
                   WHERE b.client_id = e.client_id AND b.kind = 'employment_plan'
                     AND b.recorded_at < $4 AND {better_in_force}
                     AND (b.event_at > e.event_at OR (b.event_at = e.event_at AND b.seq > e.seq)))),
             pd AS ({dates}),
             fu AS (
               SELECT pd.org_id, pd.client_id, pd.d, grace.until,
                      (SELECT MIN({held_date}) FROM entries f
                       WHERE f.client_id = pd.client_id AND f.kind IN ({kinds})
                         AND f.recorded_at < $4 AND {f_in_force}
                         AND f.event_at >= {day_before} AND {held_date} >= pd.d) AS held
               FROM pd JOIN grace ON grace.d = pd.d
               WHERE pd.d >= $2 AND pd.d <= $3 AND pd.d < $5)",
            grace = cal.grace_cte(),
            org = Self::org_condition(q),
        )
    }

    const FOLLOW_UP_STATUS: &'static str = "CASE
        WHEN held IS NOT NULL AND held <= until THEN 'on_time'
        WHEN held IS NOT NULL THEN 'late'
        ELSE 'overdue' END";

    /// Report 3b (A7): follow-up dates of the plans in force in the period per organisation
    /// and status. Counts only: not logged.
    pub async fn report_follow_ups(
        &self,
        q: &ReportQuery,
    ) -> Result<Vec<StatusCount<FollowUpStatus>>, StoreError> {
        let sql = format!(
            "WITH {} SELECT org_id, {s} AS status, COUNT(*) FROM fu GROUP BY org_id, {s}",
            self.follow_ups_cte(q),
            s = Self::FOLLOW_UP_STATUS,
        );
        let rows = Self::bind_period(q, sqlx::query(&sql))
            .fetch_all(&self.read)
            .await?;
        use sqlx::Row;
        rows.iter()
            .map(|r| {
                let status: String = r.try_get(1)?;
                Ok(StatusCount {
                    org: parse_id(r.try_get::<String, _>(0)?)?,
                    status: FollowUpStatus::parse(&status)
                        .ok_or_else(|| StoreError::Corrupt(format!("follow-up status {status}")))?,
                    count: r.try_get(2)?,
                })
            })
            .collect()
    }

    /// The clients behind a row of a report, the most concerned first (at most
    /// [`DRILL_DOWN_MAX`]); one logged read per client listed, under `by`, in one write.
    pub async fn report_drill_down(
        &self,
        q: &ReportQuery,
        what: DrillDown,
        by: &Access,
    ) -> Result<Vec<DrillDownClient>, StoreError> {
        let counts_sql = match what {
            DrillDown::LateEntries { official } => {
                let (from, lag) = self.lag_sql(q);
                let mut sql = from.replace("{cols}", "e.client_id AS client_id, COUNT(*) AS k");
                sql.push_str(&format!(" AND {lag} > {RECORDING_LAG_WORKING_DAYS}"));
                sql.push_str(if official.is_some() {
                    " AND e.author_id = $5"
                } else {
                    " AND $5 IS NULL"
                });
                sql.push_str(" GROUP BY e.client_id");
                sql
            }
            DrillDown::Interviews(status) => format!(
                "WITH {} SELECT client_id, COUNT(*) AS k FROM js
                 WHERE {} = '{}' GROUP BY client_id",
                self.job_searches_cte(q),
                Self::INTERVIEW_STATUS,
                status.code()
            ),
            DrillDown::ContactMissing => format!(
                "WITH {} SELECT client_id, COUNT(*) AS k FROM js
                 WHERE interview IS NOT NULL AND NOT {} AND $5 IS NOT NULL
                 GROUP BY client_id",
                self.job_searches_cte(q),
                Self::CONTACT_AGREED,
            ),
            DrillDown::FollowUps(status) => format!(
                "WITH {} SELECT client_id, COUNT(*) AS k FROM fu
                 WHERE {} = '{}' GROUP BY client_id",
                self.follow_ups_cte(q),
                Self::FOLLOW_UP_STATUS,
                status.code()
            ),
        };
        // The CTEs must lead the statement: wrap the counts as a derived table.
        let (with, select) = split_with(&counts_sql);
        let sql = format!(
            "{with} SELECT {cols}, k.k FROM ({select}) k JOIN clients cl ON cl.id = k.client_id
             ORDER BY k.k DESC, cl.last_name, cl.first_name, cl.id LIMIT {DRILL_DOWN_MAX}",
            cols = CLIENT_COLS
                .split(", ")
                .map(|c| format!("cl.{c}"))
                .collect::<Vec<_>>()
                .join(", "),
        );
        let rows = match what {
            DrillDown::LateEntries { official } => {
                sqlx::query(&sql)
                    .bind(Self::bind_org(q))
                    .bind(ts(helsinki_start(q.from)))
                    .bind(ts(helsinki_start(q.to + Duration::days(1))))
                    .bind(ts(q.as_of))
                    .bind(official.map(|o| o.to_string()))
                    .fetch_all(&self.read)
                    .await?
            }
            _ => {
                Self::bind_period(q, sqlx::query(&sql))
                    .fetch_all(&self.read)
                    .await?
            }
        };
        use sqlx::Row;
        let out = rows
            .iter()
            .map(|r| {
                Ok(DrillDownClient {
                    client: client_from_row(r)?,
                    count: r.try_get("k")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let logs = out
            .iter()
            .map(|c| self.logged(by, c.client.id))
            .collect::<Result<Vec<_>, _>>()?;
        if !logs.is_empty() {
            let now = self.now();
            let resource = what.resource();
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
                .await?;
        }
        Ok(out)
    }
}

/// Splits `WITH a AS (…), b AS (…) SELECT …` into the `WITH …` part and the final `SELECT`:
/// the last top-level `SELECT` (outside every parenthesis).
fn split_with(sql: &str) -> (String, String) {
    let trimmed = sql.trim_start();
    if !trimmed.starts_with("WITH") {
        return (String::new(), trimmed.to_owned());
    }
    let mut depth: i32 = 0;
    let mut at = None;
    let bytes = trimmed.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b'\'' => {
                // Skip a string literal.
                i += 1;
                while i < bytes.len() && bytes[i] != b'\'' {
                    i += 1;
                }
            }
            b'S' if depth == 0 && trimmed[i..].starts_with("SELECT") => at = Some(i),
            _ => {}
        }
        i += 1;
    }
    match at {
        Some(i) => (trimmed[..i].to_owned(), trimmed[i..].to_owned()),
        None => (String::new(), trimmed.to_owned()),
    }
}

fn parse_id<T: std::str::FromStr>(s: String) -> Result<T, StoreError> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("an id in a report: {s}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_with_finds_the_final_select() {
        let (w, s) = split_with("WITH a AS (SELECT 1), b AS (VALUES ('SELECT')) SELECT x FROM a");
        assert_eq!(w.trim(), "WITH a AS (SELECT 1), b AS (VALUES ('SELECT'))");
        assert_eq!(s, "SELECT x FROM a");
    }

    #[test]
    fn helsinki_start_is_local_midnight() {
        let d = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        assert_eq!(ts(helsinki_start(d)), "2026-06-30T21:00:00.000000Z");
        let d = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        assert_eq!(ts(helsinki_start(d)), "2025-12-31T22:00:00.000000Z");
    }
}

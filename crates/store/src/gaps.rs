//! The validity query (A11): the clients who apply for benefit and, on a date, have no
//! statement in force, or whose service ended after their latest statement ([`gap_on`],
//! [`Store::statement_gaps`]).

use chrono::{DateTime, NaiveDate, Utc};
use kirjuri_domain::{
    Client, ClientId, DecisionId, JobSearch, JobSearchId, OrgId, PayerId, HELSINKI,
};
use sqlx::Row;

use crate::access::AccessAction;
use crate::applications::{application_from_row, APPLICATION_COLS};
use crate::rows::{
    client_from_row, job_search_from_row, parse_date, parse_id, parse_ts, TextRow, CLIENT_COLS,
    JOB_SEARCH_SELECT,
};
use crate::{Access, Store, StoreError};

/// Why a client who applies for benefit has no statement in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GapReason {
    /// No job search has started on or before the date.
    NoJobSearch,
    /// The job search in progress has no statement (no decision was made).
    NoStatement,
    /// The job search's statement was routed to an official and is not resolved.
    RoutedUnresolved,
    /// The job search has ended and no end statement was issued.
    EndWithoutStatement,
    /// A service or training ended after the latest statement, and no new statement followed.
    ServiceEnded,
}

impl GapReason {
    pub fn code(self) -> &'static str {
        match self {
            GapReason::NoJobSearch => "no_job_search",
            GapReason::NoStatement => "no_statement",
            GapReason::RoutedUnresolved => "routed_unresolved",
            GapReason::EndWithoutStatement => "end_without_statement",
            GapReason::ServiceEnded => "service_ended",
        }
    }
    /// The reason in Finnish and Swedish.
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            GapReason::NoJobSearch => (
                "Asiakas hakee etuutta, mutta hänen työnhakunsa ei ole voimassa.",
                "Kunden ansöker om förmån, men hens arbetssökande är inte i kraft.",
            ),
            GapReason::NoStatement => (
                "Työnhaku on voimassa, mutta työvoimapoliittista lausuntoa ei ole annettu.",
                "Arbetssökandet är i kraft, men inget arbetskraftspolitiskt utlåtande har getts.",
            ),
            GapReason::RoutedUnresolved => (
                "Lausuntoasia on virkailijan käsiteltävänä, eikä lausuntoa ole vielä annettu.",
                "Utlåtandeärendet behandlas av en tjänsteman och utlåtandet har ännu inte getts.",
            ),
            GapReason::EndWithoutStatement => (
                "Työnhaku on päättynyt, mutta päättymisestä ei ole annettu lausuntoa.",
                "Arbetssökandet har upphört, men inget utlåtande om att det upphört har getts.",
            ),
            GapReason::ServiceEnded => (
                "Palvelu tai koulutus on päättynyt viimeisimmän lausunnon jälkeen, eikä uutta lausuntoa ole annettu.",
                "En tjänst eller utbildning har upphört efter det senaste utlåtandet, och inget nytt utlåtande har getts.",
            ),
        }
    }
}

/// One row of the validity query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementGap {
    pub client: Client,
    pub reason: GapReason,
    /// The date the situation began (job-search start or end, routed decision, service end).
    pub since: Option<NaiveDate>,
    pub job_search_id: Option<JobSearchId>,
    pub decision_id: Option<DecisionId>,
    /// The payers the client has applied to (in force on the date).
    pub payers: Vec<PayerId>,
    /// The earliest application in force on the date.
    pub applied_from: NaiveDate,
}

/// Which clients the validity query covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GapScope {
    /// The clients of one employment authority.
    Organisation(OrgId),
    /// Every client (the supervisor).
    All,
}

/// What the validity query needs of one decision (the columns [`gap_on`] reads; the inputs,
/// trace and document are not read, so the history of many clients stays small).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionBrief {
    pub id: DecisionId,
    pub job_search_id: JobSearchId,
    /// `job_search_start` or `job_search_end`.
    pub kind: String,
    /// `auto_positive`, `auto_end` or `routed`.
    pub outcome: String,
    pub decision_date: NaiveDate,
    pub recorded_at: DateTime<Utc>,
}

/// The columns of `decisions` a [`DecisionBrief`] is read from.
pub(crate) const DECISION_BRIEF_COLS: &str =
    "id, client_id, job_search_id, kind, outcome, decision_date, recorded_at";
/// [`DECISION_BRIEF_COLS`] one by one (a packed read names them).
pub(crate) const DECISION_BRIEF_COL_NAMES: &[&str] = &[
    "id",
    "client_id",
    "job_search_id",
    "kind",
    "outcome",
    "decision_date",
    "recorded_at",
];

pub(crate) fn decision_brief_from_row<R: TextRow + ?Sized>(
    r: &R,
) -> Result<DecisionBrief, StoreError> {
    Ok(DecisionBrief {
        id: parse_id(r, "id")?,
        job_search_id: parse_id(r, "job_search_id")?,
        kind: r.text_value("kind")?,
        outcome: r.text_value("outcome")?,
        decision_date: parse_date(&r.text_value("decision_date")?)?,
        recorded_at: parse_ts(&r.text_value("recorded_at")?)?,
    })
}

/// What the validity query reads about one client.
#[derive(Debug, Clone, Default)]
pub struct ClientHistory {
    pub job_searches: Vec<JobSearch>,
    pub decisions: Vec<DecisionBrief>,
    /// Statements issued by officials on decisions: resolutions of routed decisions and
    /// resolutions of requests for reconsideration (B7): decision, when.
    pub resolutions: Vec<(DecisionId, DateTime<Utc>)>,
    /// When the client's services or trainings ended (`service_end` entries in force).
    pub service_ends: Vec<DateTime<Utc>>,
}

pub(crate) fn local_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&HELSINKI).date_naive()
}

/// What [`gap_on`] finds: why, since when, and the job search and decision concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    pub reason: GapReason,
    pub since: Option<NaiveDate>,
    pub job_search_id: Option<JobSearchId>,
    pub decision_id: Option<DecisionId>,
}

/// Why the client has no statement in force on `date`, if so. Only what was issued and
/// happened on or before `date` counts, so a past date is answered as it stood then.
///
/// The job search that matters is the latest one started on or before the date. While it is
/// in progress its start statement must exist (automatic, or an official's resolution of the
/// routed case), and no service may have ended after that statement; once it has ended (on or
/// before the date) its end statement must exist.
pub fn gap_on(h: &ClientHistory, date: NaiveDate) -> Option<Gap> {
    let gap = |reason, since, job_search_id, decision_id| Gap {
        reason,
        since,
        job_search_id,
        decision_id,
    };
    let Some(js) = h
        .job_searches
        .iter()
        .filter(|j| j.start_date <= date)
        .max_by_key(|j| (j.start_date, j.recorded_at))
    else {
        return Some(gap(GapReason::NoJobSearch, None, None, None));
    };
    let ended = js.end.as_ref().filter(|e| e.date <= date);
    let kind = if ended.is_some() {
        "job_search_end"
    } else {
        "job_search_start"
    };
    let mut latest: Option<DateTime<Utc>> = None;
    let mut pending: Option<&DecisionBrief> = None;
    for d in h
        .decisions
        .iter()
        .filter(|d| d.job_search_id == js.id && d.kind == kind && local_date(d.recorded_at) <= date)
    {
        // An official's resolution, and a statement given on reconsideration, issue a
        // statement for the decision: the latest of them counts.
        let resolved = h
            .resolutions
            .iter()
            .filter(|(id, at)| *id == d.id && local_date(*at) <= date)
            .map(|(_, at)| *at)
            .max();
        let issued = if d.outcome == "routed" {
            resolved
        } else {
            Some(d.recorded_at).max(resolved)
        };
        match issued {
            Some(t) => latest = latest.max(Some(t)),
            None => pending = Some(d),
        }
    }
    let js_id = Some(js.id);
    match (latest, pending, ended) {
        (None, Some(d), _) => Some(gap(
            GapReason::RoutedUnresolved,
            Some(d.decision_date),
            js_id,
            Some(d.id),
        )),
        (None, None, Some(e)) => Some(gap(
            GapReason::EndWithoutStatement,
            Some(e.date),
            js_id,
            None,
        )),
        (None, None, None) => Some(gap(
            GapReason::NoStatement,
            Some(js.start_date),
            js_id,
            None,
        )),
        // Ended, with its end statement: in force (the payer knows the job search ended).
        (Some(_), _, Some(_)) => None,
        (Some(t), _, None) => h
            .service_ends
            .iter()
            .filter(|s| **s > t && local_date(**s) <= date)
            .min()
            .map(|s| gap(GapReason::ServiceEnded, Some(local_date(*s)), js_id, None)),
    }
}

/// Most clients one page of the validity query examines (each costs a few queries), so that
/// a page costs about the same wherever the gaps lie.
pub const GAP_SCAN: i64 = 2_000;
const GAP_SCAN_USIZE: usize = GAP_SCAN as usize;

impl Store {
    /// The validity query (A11): every client in `scope` with a benefit application in force
    /// on `date` and no statement in force then (see [`gap_on`]), by name. Every client
    /// listed is a logged read (`statement_gaps`). The whole list at once, for tools and
    /// tests: the API reads it a page at a time ([`Store::statement_gaps_page`]).
    pub async fn statement_gaps(
        &self,
        scope: GapScope,
        date: NaiveDate,
        by: &Access,
    ) -> Result<Vec<StatementGap>, StoreError> {
        let mut all = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let (gaps, next) = self
                .statement_gaps_page(scope, date, after.as_deref(), GAP_SCAN, by)
                .await?;
            all.extend(gaps);
            match next {
                Some(key) => after = Some(key),
                None => return Ok(all),
            }
        }
    }

    /// One page of the validity query (issue 16): the clients in `scope` who applied for
    /// benefit on or before `date`, by name, after the client `after` (an id, so a cursor
    /// carries no name), are examined until `limit` gaps are found or [`GAP_SCAN`] clients
    /// were examined. Returns the gaps found and, when more clients may follow, the id of the
    /// last client examined to continue after (a page may thus hold fewer than `limit` gaps,
    /// even none, and still have a next one). Every client listed is a logged read
    /// (`statement_gaps`); a client examined and not listed is not.
    pub async fn statement_gaps_page(
        &self,
        scope: GapScope,
        date: NaiveDate,
        after: Option<&str>,
        limit: i64,
        by: &Access,
    ) -> Result<(Vec<StatementGap>, Option<String>), StoreError> {
        let org = match scope {
            GapScope::Organisation(o) => Some(o.to_string()),
            GapScope::All => None,
        };
        let limit = usize::try_from(limit.max(1)).unwrap_or(1);
        let chunk = limit.clamp(50, 500);
        let mut cursor = after.map(str::to_owned);
        let mut examined = 0usize;
        let mut gaps = Vec::new();
        let next = 'scan: loop {
            let clients = sqlx::query(&format!(
                "SELECT {CLIENT_COLS} FROM clients
                 WHERE id IN (SELECT client_id FROM benefit_applications WHERE from_date <= $1)
                   AND ($2 IS NULL OR org_id = $2)
                   AND ($3 IS NULL OR (last_name, first_name, id) >
                       (SELECT last_name, first_name, id FROM clients
                         WHERE id = $3 AND ($2 IS NULL OR org_id = $2)))
                 ORDER BY last_name, first_name, id LIMIT $4"
            ))
            .bind(date.to_string())
            .bind(org.clone())
            .bind(cursor.clone())
            .bind(i64::try_from(chunk).unwrap_or(500))
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(client_from_row)
            .collect::<Result<Vec<_>, _>>()?;
            let full = clients.len() == chunk;
            let n = clients.len();
            for (i, client) in clients.into_iter().enumerate() {
                cursor = Some(client.id.to_string());
                examined += 1;
                if let Some(gap) = self.gap_of(client, date).await? {
                    gaps.push(gap);
                }
                if gaps.len() >= limit || examined >= GAP_SCAN_USIZE {
                    let more = i + 1 < n || full;
                    break 'scan if more { cursor } else { None };
                }
            }
            if !full {
                break None;
            }
        };
        let logs = gaps
            .iter()
            .map(|g| self.logged(by, g.client.id))
            .collect::<Result<Vec<_>, _>>()?;
        if !logs.is_empty() {
            let now = self.now();
            self.writer
                .write(move |tx, leaves| {
                    Box::pin(async move {
                        for logged in logs {
                            logged
                                .record(tx, leaves, now, AccessAction::Read, "statement_gaps")
                                .await?;
                        }
                        Ok(())
                    })
                })
                .await?;
        }
        Ok((gaps, next))
    }

    /// The client's gap on `date`, if it has one, with the payers of its applications.
    async fn gap_of(
        &self,
        client: Client,
        date: NaiveDate,
    ) -> Result<Option<StatementGap>, StoreError> {
        let h = self.history(client.id).await?;
        let Some(Gap {
            reason,
            since,
            job_search_id,
            decision_id,
        }) = gap_on(&h, date)
        else {
            return Ok(None);
        };
        let apps = sqlx::query(&format!(
            "SELECT {APPLICATION_COLS} FROM benefit_applications
             WHERE client_id = $1 AND from_date <= $2 ORDER BY from_date, seq"
        ))
        .bind(client.id.to_string())
        .bind(date.to_string())
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(application_from_row)
        .collect::<Result<Vec<_>, _>>()?;
        let Some(first) = apps.first() else {
            return Ok(None);
        };
        let applied_from = first.from_date;
        let mut payers: Vec<PayerId> = Vec::new();
        for a in &apps {
            if !payers.contains(&a.payer_id) {
                payers.push(a.payer_id);
            }
        }
        Ok(Some(StatementGap {
            client,
            reason,
            since,
            job_search_id,
            decision_id,
            payers,
            applied_from,
        }))
    }

    /// What [`gap_on`] needs about a client (unlogged: the caller logs what it shows).
    async fn history(&self, client: ClientId) -> Result<ClientHistory, StoreError> {
        let id = client.to_string();
        let job_searches = sqlx::query(&format!("{JOB_SEARCH_SELECT} WHERE j.client_id = $1"))
            .bind(id.clone())
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(job_search_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let decisions = sqlx::query(&format!(
            "SELECT {DECISION_BRIEF_COLS} FROM decisions WHERE client_id = $1"
        ))
        .bind(id.clone())
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(decision_brief_from_row)
        .collect::<Result<Vec<_>, _>>()?;
        let resolutions = sqlx::query(
            "SELECT decision_id, at FROM official_steps WHERE client_id = $1 AND step = 'resolved'
             UNION ALL
             SELECT r.decision_id, s.at FROM reconsideration_steps s
               JOIN reconsideration_requests r ON r.id = s.request_id
              WHERE s.client_id = $1 AND s.step = 'resolved'",
        )
        .bind(id.clone())
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|r| {
            Ok((
                parse_id(r, "decision_id")?,
                parse_ts(&r.try_get::<String, _>("at")?)?,
            ))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        // A corrected entry is replaced by its correction.
        let service_ends = sqlx::query(
            "SELECT e.event_at FROM entries e WHERE e.client_id = $1 AND e.kind = 'service_end'
               AND NOT EXISTS (SELECT 1 FROM entries c WHERE c.corrects_id = e.id)",
        )
        .bind(id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|r| parse_ts(&r.try_get::<String, _>("event_at")?))
        .collect::<Result<Vec<_>, _>>()?;
        Ok(ClientHistory {
            job_searches,
            decisions,
            resolutions,
            service_ends,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_packed_column_names_are_the_brief_columns() {
        assert_eq!(DECISION_BRIEF_COL_NAMES.join(", "), DECISION_BRIEF_COLS);
    }
}

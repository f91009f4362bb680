//! The quality figures of the automated statement procedure per rule-set version (B11):
//! decisions, automated and routed ones, routed ones by reason code, and the requests for
//! reconsideration of their statements. Counts only: nothing identifies a client, so nothing is
//! access-logged.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use kirjuri_domain::OrgId;
use sqlx::Row;

use crate::rows::{corrupt, ts};
use crate::{Store, StoreError};

/// Routed decisions of one reason code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutedCount {
    pub code: String,
    pub count: i64,
}

/// The quality figures of one rule-set version (B11). Counts only: nothing identifies a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualityFigures {
    pub rule_set_name: String,
    pub rule_set_version: String,
    pub rule_set_hash: String,
    /// The adoption decisions under which its decisions were made (none: only routed cases
    /// that no adoption decision covered).
    pub adoption_decisions: Vec<String>,
    pub decisions: i64,
    pub automated: i64,
    pub routed: i64,
    /// Routed decisions by reason code (a decision routed for two reasons counts under both),
    /// by code.
    pub routed_by_reason: Vec<RoutedCount>,
    /// Requests for reconsideration of statements on its decisions.
    pub reconsiderations_requested: i64,
    /// Of those, of automated statements.
    pub reconsiderations_of_automated: i64,
    pub reconsiderations_resolved: i64,
    /// Resolved with a different outcome or effective date.
    pub reconsiderations_changed: i64,
}

/// Which decisions the quality figures count (issue 14, report 5): all of them by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QualityScope {
    /// Decisions recorded at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Decisions recorded before this instant.
    pub to: Option<DateTime<Utc>>,
    /// Only rows recorded before this instant count — decisions, requests for reconsideration
    /// and their resolutions — so the figures read as things stood then.
    pub recorded_before: Option<DateTime<Utc>>,
    /// Decisions about the clients of this organisation.
    pub org: Option<OrgId>,
}

type Key = (String, String, String);

fn empty(key: &Key) -> QualityFigures {
    QualityFigures {
        rule_set_name: key.0.clone(),
        rule_set_version: key.1.clone(),
        rule_set_hash: key.2.clone(),
        adoption_decisions: Vec::new(),
        decisions: 0,
        automated: 0,
        routed: 0,
        routed_by_reason: Vec::new(),
        reconsiderations_requested: 0,
        reconsiderations_of_automated: 0,
        reconsiderations_resolved: 0,
        reconsiderations_changed: 0,
    }
}

fn key_of(row: &sqlx::any::AnyRow) -> Result<Key, StoreError> {
    Ok((
        row.try_get("rule_set_name")?,
        row.try_get("rule_set_version")?,
        row.try_get("rule_set_hash")?,
    ))
}

/// The reason codes of a routed decision's stored reasons, each once.
pub(crate) fn reason_codes(reasons: &str) -> Result<Vec<String>, StoreError> {
    let reasons: Vec<serde_json::Value> =
        serde_json::from_str(reasons).map_err(|e| corrupt("decision reasons", e))?;
    let mut seen: Vec<String> = Vec::new();
    for r in &reasons {
        let code = r["code"]
            .as_str()
            .ok_or_else(|| corrupt("decision reasons", "a reason without a code"))?
            .to_owned();
        if !seen.contains(&code) {
            seen.push(code);
        }
    }
    Ok(seen)
}

/// The condition on `decisions d` of a [`QualityScope`], its parameters from `$1` to `$4`.
const SCOPE_WHERE: &str =
    "($1 IS NULL OR d.recorded_at >= $1) AND ($2 IS NULL OR d.recorded_at < $2)
       AND ($3 IS NULL OR d.recorded_at < $3)
       AND ($4 IS NULL OR d.client_id IN (SELECT id FROM clients WHERE org_id = $4))";

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

fn bind_scope<'q>(q: AnyQuery<'q>, scope: &QualityScope) -> AnyQuery<'q> {
    q.bind(scope.from.map(ts))
        .bind(scope.to.map(ts))
        .bind(scope.recorded_before.map(ts))
        .bind(scope.org.map(|o| o.to_string()))
}

impl Store {
    /// The quality figures of every rule-set version that has decided (B11), by name and
    /// version. Aggregates only: no client is read, so nothing is logged.
    pub async fn statement_quality(&self) -> Result<Vec<QualityFigures>, StoreError> {
        self.statement_quality_in(&QualityScope::default()).await
    }

    /// [`Store::statement_quality`] over the decisions of a scope (a period, an organisation's
    /// clients, as things stood at an instant). Counted in the database, grouped by version,
    /// outcome and adoption decision, and the routed ones by their stored reasons (few
    /// distinct texts), so the rows read do not grow with the decisions.
    pub async fn statement_quality_in(
        &self,
        scope: &QualityScope,
    ) -> Result<Vec<QualityFigures>, StoreError> {
        let mut figures: BTreeMap<Key, QualityFigures> = BTreeMap::new();
        let sql = format!(
            "SELECT d.rule_set_name, d.rule_set_version, d.rule_set_hash, d.adoption_number,
                    d.outcome, COUNT(*) AS n
             FROM decisions d WHERE {SCOPE_WHERE}
             GROUP BY d.rule_set_name, d.rule_set_version, d.rule_set_hash, d.adoption_number,
                      d.outcome"
        );
        for row in &bind_scope(sqlx::query(&sql), scope)
            .fetch_all(&self.read)
            .await?
        {
            let key = key_of(row)?;
            let n: i64 = row.try_get("n")?;
            let f = figures.entry(key.clone()).or_insert_with(|| empty(&key));
            f.decisions += n;
            if let Some(a) = row.try_get::<Option<String>, _>("adoption_number")? {
                if !f.adoption_decisions.contains(&a) {
                    f.adoption_decisions.push(a);
                    f.adoption_decisions.sort();
                }
            }
            if row.try_get::<String, _>("outcome")? == "routed" {
                f.routed += n;
            } else {
                f.automated += n;
            }
        }
        let mut codes: BTreeMap<Key, BTreeMap<String, i64>> = BTreeMap::new();
        let sql = format!(
            "SELECT d.rule_set_name, d.rule_set_version, d.rule_set_hash, d.reasons, COUNT(*) AS n
             FROM decisions d WHERE d.outcome = 'routed' AND {SCOPE_WHERE}
             GROUP BY d.rule_set_name, d.rule_set_version, d.rule_set_hash, d.reasons"
        );
        for row in &bind_scope(sqlx::query(&sql), scope)
            .fetch_all(&self.read)
            .await?
        {
            let key = key_of(row)?;
            let n: i64 = row.try_get("n")?;
            // A decision routed for two reasons counts once under each.
            for code in reason_codes(&row.try_get::<String, _>("reasons")?)? {
                *codes
                    .entry(key.clone())
                    .or_default()
                    .entry(code)
                    .or_default() += n;
            }
        }
        let sql = format!(
            "SELECT d.rule_set_name, d.rule_set_version, d.rule_set_hash, r.statement,
                    s.outcome_changed, COUNT(*) AS n
             FROM reconsideration_requests r
             JOIN decisions d ON d.id = r.decision_id
             LEFT JOIN reconsideration_steps s ON s.request_id = r.id AND s.step = 'resolved'
                  AND ($3 IS NULL OR s.at < $3)
             WHERE ($3 IS NULL OR r.requested_at < $3) AND {SCOPE_WHERE}
             GROUP BY d.rule_set_name, d.rule_set_version, d.rule_set_hash, r.statement,
                      s.outcome_changed"
        );
        for row in &bind_scope(sqlx::query(&sql), scope)
            .fetch_all(&self.read)
            .await?
        {
            let key = key_of(row)?;
            let n: i64 = row.try_get("n")?;
            let f = figures
                .get_mut(&key)
                .ok_or_else(|| corrupt("reconsideration", "a request without its decision"))?;
            f.reconsiderations_requested += n;
            if row.try_get::<String, _>("statement")? == "automated" {
                f.reconsiderations_of_automated += n;
            }
            if let Some(changed) = row.try_get::<Option<i64>, _>("outcome_changed")? {
                f.reconsiderations_resolved += n;
                if changed != 0 {
                    f.reconsiderations_changed += n;
                }
            }
        }
        Ok(figures
            .into_iter()
            .map(|(key, mut f)| {
                f.routed_by_reason = codes
                    .remove(&key)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(code, count)| RoutedCount { code, count })
                    .collect();
                f
            })
            .collect())
    }
}

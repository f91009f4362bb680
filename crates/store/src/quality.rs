//! The quality figures of the automated statement procedure per rule-set version (B11):
//! decisions, automated and routed ones, routed ones by reason code, and the requests for
//! reconsideration of their statements. Counts only: nothing identifies a client, so nothing is
//! access-logged.

use std::collections::BTreeMap;

use sqlx::Row;

use crate::rows::corrupt;
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

impl Store {
    /// The quality figures of every rule-set version that has decided (B11), by name and
    /// version. Aggregates only: no client is read, so nothing is logged.
    pub async fn statement_quality(&self) -> Result<Vec<QualityFigures>, StoreError> {
        type Key = (String, String, String);
        let mut figures: BTreeMap<Key, QualityFigures> = BTreeMap::new();
        let rows = sqlx::query(
            "SELECT rule_set_name, rule_set_version, rule_set_hash, adoption_number, outcome, reasons
             FROM decisions",
        )
        .fetch_all(&self.read)
        .await?;
        let mut codes: BTreeMap<Key, BTreeMap<String, i64>> = BTreeMap::new();
        for row in &rows {
            let key: Key = (
                row.try_get("rule_set_name")?,
                row.try_get("rule_set_version")?,
                row.try_get("rule_set_hash")?,
            );
            let f = figures
                .entry(key.clone())
                .or_insert_with(|| QualityFigures {
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
                });
            f.decisions += 1;
            if let Some(n) = row.try_get::<Option<String>, _>("adoption_number")? {
                if !f.adoption_decisions.contains(&n) {
                    f.adoption_decisions.push(n);
                    f.adoption_decisions.sort();
                }
            }
            if row.try_get::<String, _>("outcome")? == "routed" {
                f.routed += 1;
                let reasons: Vec<serde_json::Value> =
                    serde_json::from_str(&row.try_get::<String, _>("reasons")?)
                        .map_err(|e| corrupt("decision reasons", e))?;
                let mut seen: Vec<String> = Vec::new();
                for r in &reasons {
                    let code = r["code"]
                        .as_str()
                        .ok_or_else(|| corrupt("decision reasons", "a reason without a code"))?
                        .to_owned();
                    if !seen.contains(&code) {
                        *codes
                            .entry(key.clone())
                            .or_default()
                            .entry(code.clone())
                            .or_default() += 1;
                        seen.push(code);
                    }
                }
            } else {
                f.automated += 1;
            }
        }
        let rows = sqlx::query(
            "SELECT d.rule_set_name, d.rule_set_version, d.rule_set_hash, r.statement,
                    s.outcome_changed
             FROM reconsideration_requests r
             JOIN decisions d ON d.id = r.decision_id
             LEFT JOIN reconsideration_steps s ON s.request_id = r.id AND s.step = 'resolved'",
        )
        .fetch_all(&self.read)
        .await?;
        for row in &rows {
            let key: Key = (
                row.try_get("rule_set_name")?,
                row.try_get("rule_set_version")?,
                row.try_get("rule_set_hash")?,
            );
            let f = figures
                .get_mut(&key)
                .ok_or_else(|| corrupt("reconsideration", "a request without its decision"))?;
            f.reconsiderations_requested += 1;
            if row.try_get::<String, _>("statement")? == "automated" {
                f.reconsiderations_of_automated += 1;
            }
            if let Some(changed) = row.try_get::<Option<i64>, _>("outcome_changed")? {
                f.reconsiderations_resolved += 1;
                if changed != 0 {
                    f.reconsiderations_changed += 1;
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

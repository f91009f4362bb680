//! Automated labour-policy statements (KEHA/73792/2024; B1, B2, B10, B13, B17): adoption
//! decisions, the register facts a statement request is built from, and the decisions of the
//! procedure, written in the same transaction as the job-search start or end that triggers
//! them (migration 5).
//!
//! The store does not know the processing rules: the caller passes a [`Decide`] function that
//! gets everything read inside the write's transaction (a [`StatementContext`]) and returns the
//! [`NewDecision`] to record. So the job search and its decision are committed together or not
//! at all, and the inputs the rules saw are exactly what the transaction saw. An automatic
//! statement goes to the client's benefit payers in that transaction too: the decision is
//! handed to the outbox as the [`IssuedStatement`] that [`issued_from_decision`] builds.

use chrono::{DateTime, NaiveDate, Utc};
use kirjuri_domain::{Client, ClientId, DecisionId, EndReason, JobSearch, JobSearchId, UserId};
use kirjuri_ledger::EventType;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::clients::require_client;
use crate::job_searches::{end_job_search_in, start_job_search_in};
use crate::ledger::{self, LeafParams};
use crate::outbox::{enqueue_statement_in, IssuedStatement};
use crate::rows::{client_from_row, corrupt, parse_date, parse_id, parse_ts, ts, CLIENT_COLS};
use crate::{Access, AccessAction, Store, StoreError};

/// A deployment (adoption) decision of the automated procedure (B13, B17).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdoptionDecision {
    /// Register number, e.g. `KEHA/73792/2024`.
    pub number: String,
    pub decided_on: NaiveDate,
    /// SHA-256 hashes (hex) of the rule sets it adopts.
    pub rule_set_hashes: Vec<String>,
    /// Named person responsible for quality (B11).
    pub quality_owner: String,
    /// Named person responsible for correcting errors (B11).
    pub error_owner: String,
    /// Where it is published.
    pub url: String,
    pub retired_on: Option<NaiveDate>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: UserId,
}

impl AdoptionDecision {
    /// Whether this decision lets the rule set `hash` decide on `date`: decided on or before
    /// it, not retired on or before it, and the hash adopted.
    pub fn covers(&self, hash: &str, date: NaiveDate) -> bool {
        self.decided_on <= date
            && self.retired_on.is_none_or(|r| date < r)
            && self.rule_set_hashes.iter().any(|h| h == hash)
    }
}

/// An adoption decision to register (validated by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAdoptionDecision {
    pub number: String,
    pub decided_on: NaiveDate,
    pub rule_set_hashes: Vec<String>,
    pub quality_owner: String,
    pub error_owner: String,
    pub url: String,
}

/// What the authority's registers say about a client (B4) and the person facts the rules
/// read, as recorded by an official. Right to work in the contract's spelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterFacts {
    pub employment_continues: bool,
    pub active_degree_studies: bool,
    pub active_business: bool,
    pub resides_in_finland: bool,
    pub right_to_work: String,
    pub vocational_qualification: bool,
    pub partial_disability_pension: bool,
}

/// Register facts as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRegisterFacts {
    pub facts: RegisterFacts,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: UserId,
    /// The recorder's display name, for pages.
    pub recorded_by_name: String,
}

/// What a [`Decide`] function sees, read inside the write's transaction.
#[derive(Debug, Clone)]
pub struct StatementContext {
    pub client: Client,
    /// The job search as written in this transaction (with its end, for an end).
    pub job_search: JobSearch,
    /// The register facts in force, if any were recorded.
    pub facts: Option<RegisterFacts>,
    /// Every adoption decision (the caller checks which covers its rule set).
    pub adoptions: Vec<AdoptionDecision>,
    /// Today in Finland (Europe/Helsinki) by the store's clock: the decision date.
    pub today: NaiveDate,
}

/// A decision to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDecision {
    /// `job_search_start` or `job_search_end`.
    pub kind: String,
    pub decision_date: NaiveDate,
    /// The statement request as JSON.
    pub inputs: String,
    pub rule_set_name: String,
    pub rule_set_version: String,
    pub rule_set_hash: String,
    pub adoption_number: Option<String>,
    /// `auto_positive`, `auto_end` or `routed`.
    pub outcome: String,
    /// JSON array of reasons.
    pub reasons: String,
    pub target: Option<String>,
    pub effective_date: Option<NaiveDate>,
    /// JSON of the trace.
    pub trace: String,
    pub document: Option<String>,
    pub document_language: Option<String>,
    pub notice_acknowledged: bool,
}

/// A recorded decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDecision {
    pub id: DecisionId,
    pub client_id: ClientId,
    pub job_search_id: JobSearchId,
    pub decision: NewDecision,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: UserId,
}

/// Forms the decision from what the transaction read; an error rolls the whole write back.
pub type Decide = Box<dyn FnOnce(&StatementContext) -> Result<NewDecision, StoreError> + Send>;

const ADOPTION_COLS: &str = "number, decided_on, rule_set_hashes, quality_owner, error_owner, url,
     retired_on, recorded_at, recorded_by";
const FACT_COLS: &str = "employment_continues, active_degree_studies, active_business,
     resides_in_finland, right_to_work, vocational_qualification, partial_disability_pension,
     recorded_at, recorded_by,
     (SELECT u.display_name FROM users u WHERE u.id = register_facts.recorded_by)
         AS recorded_by_name";
pub(crate) const DECISION_COLS: &str = "id, client_id, job_search_id, kind, decision_date, inputs,
     rule_set_name, rule_set_version, rule_set_hash, adoption_number, outcome, reasons, target,
     effective_date, trace, document, document_language, notice_acknowledged, recorded_at,
     recorded_by";

fn adoption_from_row(row: &AnyRow) -> Result<AdoptionDecision, StoreError> {
    let hashes: String = row.try_get("rule_set_hashes")?;
    Ok(AdoptionDecision {
        number: row.try_get("number")?,
        decided_on: parse_date(&row.try_get::<String, _>("decided_on")?)?,
        rule_set_hashes: serde_json::from_str(&hashes)
            .map_err(|e| corrupt("rule_set_hashes", e))?,
        quality_owner: row.try_get("quality_owner")?,
        error_owner: row.try_get("error_owner")?,
        url: row.try_get("url")?,
        retired_on: row
            .try_get::<Option<String>, _>("retired_on")?
            .map(|d| parse_date(&d))
            .transpose()?,
        recorded_at: parse_ts(&row.try_get::<String, _>("recorded_at")?)?,
        recorded_by: parse_id(row, "recorded_by")?,
    })
}

fn flag(row: &AnyRow, col: &str) -> Result<bool, StoreError> {
    Ok(row.try_get::<i64, _>(col)? != 0)
}

fn facts_from_row(row: &AnyRow) -> Result<RecordedRegisterFacts, StoreError> {
    Ok(RecordedRegisterFacts {
        facts: RegisterFacts {
            employment_continues: flag(row, "employment_continues")?,
            active_degree_studies: flag(row, "active_degree_studies")?,
            active_business: flag(row, "active_business")?,
            resides_in_finland: flag(row, "resides_in_finland")?,
            right_to_work: row.try_get("right_to_work")?,
            vocational_qualification: flag(row, "vocational_qualification")?,
            partial_disability_pension: flag(row, "partial_disability_pension")?,
        },
        recorded_at: parse_ts(&row.try_get::<String, _>("recorded_at")?)?,
        recorded_by: parse_id(row, "recorded_by")?,
        recorded_by_name: row.try_get("recorded_by_name")?,
    })
}

fn opt_date(row: &AnyRow, col: &str) -> Result<Option<NaiveDate>, StoreError> {
    row.try_get::<Option<String>, _>(col)?
        .map(|d| parse_date(&d))
        .transpose()
}

pub(crate) fn decision_from_row(row: &AnyRow) -> Result<StoredDecision, StoreError> {
    Ok(StoredDecision {
        id: parse_id(row, "id")?,
        client_id: parse_id(row, "client_id")?,
        job_search_id: parse_id(row, "job_search_id")?,
        decision: NewDecision {
            kind: row.try_get("kind")?,
            decision_date: parse_date(&row.try_get::<String, _>("decision_date")?)?,
            inputs: row.try_get("inputs")?,
            rule_set_name: row.try_get("rule_set_name")?,
            rule_set_version: row.try_get("rule_set_version")?,
            rule_set_hash: row.try_get("rule_set_hash")?,
            adoption_number: row.try_get("adoption_number")?,
            outcome: row.try_get("outcome")?,
            reasons: row.try_get("reasons")?,
            target: row.try_get("target")?,
            effective_date: opt_date(row, "effective_date")?,
            trace: row.try_get("trace")?,
            document: row.try_get("document")?,
            document_language: row.try_get("document_language")?,
            notice_acknowledged: flag(row, "notice_acknowledged")?,
        },
        recorded_at: parse_ts(&row.try_get::<String, _>("recorded_at")?)?,
        recorded_by: parse_id(row, "recorded_by")?,
    })
}

/// Reads what a decision needs inside the write, asks `decide`, inserts the decision and owes
/// its ledger leaf.
#[allow(clippy::too_many_arguments)] // the write's prepared values
async fn decide_in(
    tx: &mut sqlx::AnyConnection,
    leaves: &mut ledger::Pending,
    client: ClientId,
    job_search: JobSearch,
    id: DecisionId,
    by: UserId,
    now: DateTime<Utc>,
    leaf: LeafParams,
    decide: Decide,
) -> Result<StoredDecision, StoreError> {
    let row = sqlx::query(&format!("SELECT {CLIENT_COLS} FROM clients WHERE id = $1"))
        .bind(client.to_string())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound("client"))?;
    let client_row = client_from_row(&row)?;
    let facts = sqlx::query(&format!(
        "SELECT {FACT_COLS} FROM register_facts WHERE client_id = $1 ORDER BY seq DESC LIMIT 1"
    ))
    .bind(client.to_string())
    .fetch_optional(&mut *tx)
    .await?
    .map(|r| facts_from_row(&r).map(|f| f.facts))
    .transpose()?;
    let adoptions = sqlx::query(&format!(
        "SELECT {ADOPTION_COLS} FROM adoption_decisions ORDER BY decided_on, number"
    ))
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(adoption_from_row)
    .collect::<Result<Vec<_>, _>>()?;
    let ctx = StatementContext {
        client: client_row,
        job_search: job_search.clone(),
        facts,
        adoptions,
        today: now
            .with_timezone(&kirjuri_domain::time::HELSINKI)
            .date_naive(),
    };
    let d = decide(&ctx)?;
    sqlx::query(&format!(
        "INSERT INTO decisions ({DECISION_COLS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)"
    ))
    .bind(id.to_string())
    .bind(client.to_string())
    .bind(job_search.id.to_string())
    .bind(d.kind.clone())
    .bind(d.decision_date.to_string())
    .bind(d.inputs.clone())
    .bind(d.rule_set_name.clone())
    .bind(d.rule_set_version.clone())
    .bind(d.rule_set_hash.clone())
    .bind(d.adoption_number.clone())
    .bind(d.outcome.clone())
    .bind(d.reasons.clone())
    .bind(d.target.clone())
    .bind(d.effective_date.map(|e| e.to_string()))
    .bind(d.trace.clone())
    .bind(d.document.clone())
    .bind(d.document_language.clone())
    .bind(i64::from(d.notice_acknowledged))
    .bind(ts(now))
    .bind(by.to_string())
    .execute(&mut *tx)
    .await?;
    leaf.defer(
        leaves,
        &ledger::DECISIONS,
        &id.to_string(),
        EventType::Decision,
        now,
    );
    let row = sqlx::query(&format!(
        "SELECT {DECISION_COLS} FROM decisions WHERE id = $1"
    ))
    .bind(id.to_string())
    .fetch_one(&mut *tx)
    .await?;
    decision_from_row(&row)
}

impl Store {
    // ---- adoption decisions (not client data) ----------------------------------------------

    /// Registers an adoption decision (B13). The number is unique.
    pub async fn register_adoption_decision(
        &self,
        new: NewAdoptionDecision,
        by: UserId,
    ) -> Result<AdoptionDecision, StoreError> {
        let now = self.now();
        let hashes = serde_json::to_string(&new.rule_set_hashes)
            .map_err(|e| corrupt("rule_set_hashes", e))?;
        self.writer
            .write(move |tx, _| {
                Box::pin(async move {
                    let exists = sqlx::query("SELECT 1 FROM adoption_decisions WHERE number = $1")
                        .bind(new.number.clone())
                        .fetch_optional(&mut *tx)
                        .await?;
                    if exists.is_some() {
                        return Err(StoreError::DuplicateAdoptionDecision(new.number.clone()));
                    }
                    sqlx::query(&format!(
                        "INSERT INTO adoption_decisions ({ADOPTION_COLS})
                         VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8)"
                    ))
                    .bind(new.number.clone())
                    .bind(new.decided_on.to_string())
                    .bind(hashes)
                    .bind(new.quality_owner.clone())
                    .bind(new.error_owner.clone())
                    .bind(new.url.clone())
                    .bind(ts(now))
                    .bind(by.to_string())
                    .execute(&mut *tx)
                    .await?;
                    let row = sqlx::query(&format!(
                        "SELECT {ADOPTION_COLS} FROM adoption_decisions WHERE number = $1"
                    ))
                    .bind(new.number.clone())
                    .fetch_one(&mut *tx)
                    .await?;
                    adoption_from_row(&row)
                })
            })
            .await
    }

    /// Every adoption decision, oldest first (public: B13).
    pub async fn adoption_decisions(&self) -> Result<Vec<AdoptionDecision>, StoreError> {
        sqlx::query(&format!(
            "SELECT {ADOPTION_COLS} FROM adoption_decisions ORDER BY decided_on, number"
        ))
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(adoption_from_row)
        .collect()
    }

    /// Sets the retirement date of an adoption decision, once (B17: the row is kept).
    pub async fn retire_adoption_decision(
        &self,
        number: &str,
        on: NaiveDate,
    ) -> Result<(), StoreError> {
        let number = number.to_owned();
        self.writer
            .write(move |tx, _| {
                Box::pin(async move {
                    let done = sqlx::query(
                        "UPDATE adoption_decisions SET retired_on = $1
                         WHERE number = $2 AND retired_on IS NULL",
                    )
                    .bind(on.to_string())
                    .bind(number)
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() != 1 {
                        return Err(StoreError::NotFound("adoption decision in force"));
                    }
                    Ok(())
                })
            })
            .await
    }

    // ---- register facts (client data) ------------------------------------------------------

    /// Records the register facts of a client (B4); the latest in force.
    pub async fn set_register_facts(
        &self,
        client: ClientId,
        facts: RegisterFacts,
        by: &Access,
    ) -> Result<RecordedRegisterFacts, StoreError> {
        let leaf = self.leaf_params(client)?;
        let logged = self.logged(by, client)?;
        let by = by.user;
        let now = self.now();
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    require_client(tx, client).await?;
                    let f = &facts;
                    let seq: i64 = sqlx::query_scalar(
                        "INSERT INTO register_facts (client_id, employment_continues,
                             active_degree_studies, active_business, resides_in_finland,
                             right_to_work, vocational_qualification, partial_disability_pension,
                             recorded_at, recorded_by)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING seq",
                    )
                    .bind(client.to_string())
                    .bind(i64::from(f.employment_continues))
                    .bind(i64::from(f.active_degree_studies))
                    .bind(i64::from(f.active_business))
                    .bind(i64::from(f.resides_in_finland))
                    .bind(f.right_to_work.clone())
                    .bind(i64::from(f.vocational_qualification))
                    .bind(i64::from(f.partial_disability_pension))
                    .bind(ts(now))
                    .bind(by.to_string())
                    .fetch_one(&mut *tx)
                    .await?;
                    leaf.defer(
                        leaves,
                        &ledger::REGISTER_FACTS,
                        &seq.to_string(),
                        EventType::OfficialAction,
                        now,
                    );
                    logged
                        .record(tx, leaves, now, AccessAction::Write, "register_facts")
                        .await?;
                    let row = sqlx::query(&format!(
                        "SELECT {FACT_COLS} FROM register_facts WHERE seq = $1"
                    ))
                    .bind(seq)
                    .fetch_one(&mut *tx)
                    .await?;
                    facts_from_row(&row)
                })
            })
            .await
    }

    /// The register facts in force, if any.
    pub async fn register_facts(
        &self,
        client: ClientId,
        by: &Access,
    ) -> Result<Option<RecordedRegisterFacts>, StoreError> {
        self.log(by, client, AccessAction::Read, "register_facts")
            .await?;
        sqlx::query(&format!(
            "SELECT {FACT_COLS} FROM register_facts WHERE client_id = $1 ORDER BY seq DESC LIMIT 1"
        ))
        .bind(client.to_string())
        .fetch_optional(&self.read)
        .await?
        .map(|r| facts_from_row(&r))
        .transpose()
    }

    // ---- job searches with their decision --------------------------------------------------

    /// Registers a job search and records the decision of the automated procedure in the same
    /// transaction (B1): both are committed or neither is.
    pub async fn start_job_search_deciding(
        &self,
        client: ClientId,
        start_date: NaiveDate,
        by: &Access,
        decide: Decide,
    ) -> Result<(JobSearch, StoredDecision), StoreError> {
        let leaf = self.leaf_params(client)?;
        let dleaf = self.leaf_params(client)?;
        let logged = self.logged(by, client)?;
        let outbox = self.outbox(client)?;
        let by = by.user;
        let (id, did, now) = (
            JobSearchId::from_uuid(self.ids.next()),
            DecisionId::from_uuid(self.ids.next()),
            self.now(),
        );
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    let js = start_job_search_in(tx, leaves, client, start_date, by, id, now, leaf)
                        .await?;
                    let d = decide_in(tx, leaves, client, js.clone(), did, by, now, dleaf, decide)
                        .await?;
                    // An automatic statement goes to the client's benefit payers.
                    if let Some(st) = issued_from_decision(&d) {
                        enqueue_statement_in(tx, leaves, &outbox, &st, now).await?;
                    }
                    logged
                        .record(tx, leaves, now, AccessAction::Write, "job_searches")
                        .await?;
                    Ok((js, d))
                })
            })
            .await
    }

    /// Ends a job search and records the decision of the automated procedure in the same
    /// transaction (B1).
    pub async fn end_job_search_deciding(
        &self,
        client: ClientId,
        id: JobSearchId,
        end_date: NaiveDate,
        reason: EndReason,
        by: &Access,
        decide: Decide,
    ) -> Result<(JobSearch, StoredDecision), StoreError> {
        let leaf = self.leaf_params(client)?;
        let dleaf = self.leaf_params(client)?;
        let logged = self.logged(by, client)?;
        let outbox = self.outbox(client)?;
        let by = by.user;
        let (did, now) = (DecisionId::from_uuid(self.ids.next()), self.now());
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    let js =
                        end_job_search_in(tx, leaves, client, id, end_date, reason, by, now, leaf)
                            .await?;
                    let d = decide_in(tx, leaves, client, js.clone(), did, by, now, dleaf, decide)
                        .await?;
                    // An automatic statement goes to the client's benefit payers.
                    if let Some(st) = issued_from_decision(&d) {
                        enqueue_statement_in(tx, leaves, &outbox, &st, now).await?;
                    }
                    logged
                        .record(tx, leaves, now, AccessAction::Write, "job_searches")
                        .await?;
                    Ok((js, d))
                })
            })
            .await
    }

    // ---- decisions (client data) -----------------------------------------------------------

    /// A client's decisions, oldest first.
    pub async fn decisions(
        &self,
        client: ClientId,
        by: &Access,
    ) -> Result<Vec<StoredDecision>, StoreError> {
        self.log(by, client, AccessAction::Read, "decisions")
            .await?;
        sqlx::query(&format!(
            "SELECT {DECISION_COLS} FROM decisions WHERE client_id = $1 ORDER BY recorded_at, id"
        ))
        .bind(client.to_string())
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(decision_from_row)
        .collect()
    }

    /// The client a decision is about, for the authorisation decision only: not logged, and
    /// returns nothing to a user.
    pub async fn decision_client(&self, id: DecisionId) -> Result<ClientId, StoreError> {
        let c: String = sqlx::query_scalar("SELECT client_id FROM decisions WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound("decision"))?;
        c.parse().map_err(|e| corrupt("client_id", e))
    }

    /// One decision of `client` (another client's is "not found").
    pub async fn decision(
        &self,
        client: ClientId,
        id: DecisionId,
        by: &Access,
    ) -> Result<StoredDecision, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {DECISION_COLS} FROM decisions WHERE id = $1 AND client_id = $2"
        ))
        .bind(id.to_string())
        .bind(client.to_string())
        .fetch_optional(&self.read)
        .await?
        .ok_or(StoreError::NotFound("decision"))?;
        let d = decision_from_row(&row)?;
        self.log(by, client, AccessAction::Read, "decisions")
            .await?;
        Ok(d)
    }
}

// ---- the statement a decision issues ---------------------------------------------------------

/// The statement of an automated decision; `None` for a routed one (an official issues it).
pub fn issued_from_decision(d: &StoredDecision) -> Option<IssuedStatement> {
    if d.decision.outcome == "routed" {
        return None;
    }
    Some(IssuedStatement {
        source: "decision".into(),
        reference: d.id.to_string(),
        client: d.client_id,
        subject: d.decision.kind.clone(),
        outcome: d.decision.outcome.clone(),
        effective_date: d.decision.effective_date,
        issued_at: d.recorded_at,
        issuer: None,
        automated: true,
        adoption_number: d.decision.adoption_number.clone(),
        document: d.decision.document.clone().unwrap_or_default(),
        document_language: d.decision.document_language.clone().unwrap_or_default(),
        replaces: None,
    })
}

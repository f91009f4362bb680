//! The procedure that decides a job search's start or end statement (B1–B6): the
//! [`Decide`] function the store runs inside the job search's write transaction. It forms the
//! statement request (the `shared/cases` contract) from the client's answers, the register
//! facts and the client record, evaluates the shipped rule set of its kind, checks that an
//! adoption decision covers that rule set on the decision date (otherwise the case goes to an
//! official), and renders the statement of an automatic outcome.

use std::sync::Arc;

use chrono::NaiveDate;
use kirjuri_domain::Organisation;
use kirjuri_rules::{Kind, Outcome, Person, Registers, Reported, Request, RuleSets, Sex, Target};
use kirjuri_store::{Decide, NewDecision, StatementContext, StoreError};
use serde_json::{json, Value};

use crate::documents::{document, Document};

/// What the job-search request adds to the statement request.
#[derive(Debug, Clone)]
pub enum Step {
    Start,
    End {
        date: NaiveDate,
        reason: kirjuri_domain::EndReason,
    },
}

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("statement request: {e}"))
}

/// The [`Decide`] function for a job-search start or end: the automated procedure as the API
/// runs it (also used by the demo, so its statements are made the same way).
pub fn decide(
    rules: Arc<RuleSets>,
    step: Step,
    answers: Option<Reported>,
    acknowledged: bool,
    org: Organisation,
) -> Decide {
    Box::new(move |ctx: &StatementContext| {
        let kind = match step {
            Step::Start => Kind::JobSearchStart,
            Step::End { .. } => Kind::JobSearchEnd,
        };
        let rule_set = rules.for_kind(kind);
        let today = ctx.today;
        let adoption = ctx
            .adoptions
            .iter()
            .find(|a| a.covers(rule_set.hash(), today))
            .cloned();
        let base = |outcome: &str,
                    inputs: Value,
                    reasons: Value,
                    target: Option<&str>,
                    effective: Option<NaiveDate>,
                    trace: Value,
                    document: Option<(String, &str)>|
         -> Result<NewDecision, StoreError> {
            Ok(NewDecision {
                kind: kind.as_str().to_owned(),
                decision_date: today,
                inputs: serde_json::to_string(&inputs).map_err(json_err)?,
                rule_set_name: rule_set.name().to_owned(),
                rule_set_version: rule_set.version().to_owned(),
                rule_set_hash: rule_set.hash().to_owned(),
                adoption_number: adoption.as_ref().map(|a| a.number.clone()),
                outcome: outcome.to_owned(),
                reasons: serde_json::to_string(&reasons).map_err(json_err)?,
                target: target.map(str::to_owned),
                effective_date: effective,
                trace: serde_json::to_string(&trace).map_err(json_err)?,
                document_language: document.as_ref().map(|(_, l)| (*l).to_owned()),
                document: document.map(|(d, _)| d),
                notice_acknowledged: acknowledged,
            })
        };
        // The start statement needs the client's answers and the register facts; without
        // either nothing can be assessed automatically (B2): an official decides.
        let mut missing = Vec::new();
        if matches!(step, Step::Start) {
            if answers.is_none() {
                missing.push("answers");
            }
            if ctx.facts.is_none() {
                missing.push("register_facts");
            }
        }
        if !missing.is_empty() {
            let reasons = json!([{
                "code": "MISSING_INPUTS",
                "target": "employment_authority",
                "basis": "HL 53 e §; KEHA/73792/2024",
                "rule": null,
                "missing": missing,
            }]);
            let inputs = json!({"missing": missing, "job_search_start": ctx.job_search.start_date});
            return base(
                "routed",
                inputs,
                reasons,
                Some("employment_authority"),
                None,
                json!([]),
                None,
            );
        }
        let request = build_request(kind, ctx, &step, answers.clone())?;
        let decision = rules.evaluate(&request, true);
        let mut reasons = serde_json::to_value(decision.reasons()).map_err(json_err)?;
        let mut outcome = decision.outcome;
        let mut target = decision.target.map(Target::as_str);
        if outcome != Outcome::Routed && adoption.is_none() {
            // B13, B17: a rule-set version decides only while an adoption decision covers it.
            outcome = Outcome::Routed;
            target = Some(Target::EmploymentAuthority.as_str());
            if let Value::Array(list) = &mut reasons {
                list.push(json!({
                    "code": "NOT_ADOPTED",
                    "target": "employment_authority",
                    "basis": "HL 53 e §",
                    "rule": null,
                    "note": format!(
                        "no adoption decision covers rule set {} version {} ({}) on {today}; \
                         the rules would have given {}",
                        rule_set.name(), rule_set.version(), rule_set.hash(),
                        decision.outcome.as_str()
                    ),
                }));
            }
        }
        let mut inputs = serde_json::to_value(&request).map_err(json_err)?;
        // The evaluator's contract requires `person.sex`, but no rule may read it (B16, checked
        // when the rule set loads) and Kirjuri does not collect it: the request carries a fixed
        // placeholder, and the stored inputs leave it out.
        if let Some(person) = inputs.get_mut("person").and_then(Value::as_object_mut) {
            person.remove("sex");
        }
        if matches!(step, Step::End { .. }) {
            // The end rule set reads only the end date, reason and free text; what was not
            // given is stored as null rather than as the placeholders the contract needs.
            if answers.is_none() {
                inputs["reported"] = Value::Null;
            }
            if ctx.facts.is_none() {
                inputs["person"] = Value::Null;
                inputs["registers"] = Value::Null;
            }
        }
        let trace = serde_json::to_value(&decision.trace).map_err(json_err)?;
        let doc = match (outcome, adoption.as_ref()) {
            (Outcome::AutoPositive | Outcome::AutoEnd, Some(a)) => {
                let lang = ctx.client.language;
                let d = Document {
                    org: &org,
                    client: &ctx.client,
                    kind,
                    outcome,
                    date: today,
                    effective: decision.effective_date,
                    end_reason: request.end_reason,
                    adoption: a,
                    rule_title: decision
                        .decided_by()
                        .map(|r| (r.title_fi.clone(), r.title_sv.clone(), r.basis.clone())),
                    seeks_full_time: request.reported.seeks_full_time_work,
                };
                Some((
                    document(&d),
                    if lang == kirjuri_domain::Language::Sv {
                        "sv"
                    } else {
                        "fi"
                    },
                ))
            }
            _ => None,
        };
        base(
            outcome.as_str(),
            inputs,
            reasons,
            target,
            if outcome == Outcome::Routed {
                None
            } else {
                decision.effective_date
            },
            trace,
            doc,
        )
    })
}

fn build_request(
    kind: Kind,
    ctx: &StatementContext,
    step: &Step,
    answers: Option<Reported>,
) -> Result<Request, StoreError> {
    let language = serde_json::from_value(json!(ctx.client.language.code())).map_err(json_err)?;
    let (person, registers) = match &ctx.facts {
        Some(f) => (
            Person {
                birth_date: ctx.client.hetu.birth_date(),
                sex: Sex::Female,
                language,
                resides_in_finland: f.resides_in_finland,
                right_to_work: serde_json::from_value(json!(f.right_to_work)).map_err(json_err)?,
                vocational_qualification: f.vocational_qualification,
                partial_disability_pension: f.partial_disability_pension,
            },
            Registers {
                employment_continues: f.employment_continues,
                active_degree_studies: f.active_degree_studies,
                active_business: f.active_business,
            },
        ),
        // Only at the end, whose rules read none of these (see `decide`).
        None => (
            Person {
                birth_date: ctx.client.hetu.birth_date(),
                sex: Sex::Female,
                language,
                resides_in_finland: true,
                right_to_work: kirjuri_rules::RightToWork::Citizen,
                vocational_qualification: false,
                partial_disability_pension: false,
            },
            Registers {
                employment_continues: false,
                active_degree_studies: false,
                active_business: false,
            },
        ),
    };
    let reported = answers.unwrap_or(Reported {
        employment: kirjuri_rules::Employment::None,
        seeks_full_time_work: true,
        previous_employment_end: None,
        studies: kirjuri_rules::Studies::None,
        business: kirjuri_rules::Business::None,
        business_started_while_unemployed_on: None,
        in_service: None,
        free_text: None,
    });
    let (job_search_end, end_reason) = match step {
        Step::Start => (None, None),
        Step::End { date, reason } => (
            Some(*date),
            Some(serde_json::from_value(json!(reason.code())).map_err(json_err)?),
        ),
    };
    Ok(Request {
        id: None,
        kind,
        decision_date: ctx.today,
        job_search_start: ctx.job_search.start_date,
        job_search_end,
        end_reason,
        person,
        reported,
        registers,
    })
}

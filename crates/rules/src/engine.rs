//! The compiled form of a rule set and the evaluator.
//!
//! Inputs are mapped to slots of a flat array of `Copy` [`Value`]s; expressions are a compact
//! tree over slots, constants and parameters. With trace off, [`evaluate`] performs no heap
//! allocation: the decision refers to the rule set's metadata through an `Arc` and records the
//! fired rules as a bit set.

use crate::contract::{
    Base, Value, BIRTH_DATE, DECISION_DATE, FIELDS, JOB_SEARCH_END, JOB_SEARCH_START, N_FIELDS,
    VOCATIONAL_QUALIFICATION,
};
use crate::diag::Diagnostics;
pub use crate::outcome::{Outcome, ReasonCode, Target};
use crate::request::{Kind, Request};
use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;
use std::sync::Arc;

/// Comparison operator (compiled).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Built-in functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Func {
    AgeOn,
    AddMonths,
    AddYears,
    AddDays,
    EndOfMonth,
    MonthsBetween,
    Blank,
}

/// Compiled expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CExpr {
    Const(Value<'static>),
    Slot(u8),
    Param(u16),
    Not(Box<CExpr>),
    And(Box<CExpr>, Box<CExpr>),
    Or(Box<CExpr>, Box<CExpr>),
    Cmp(CmpOp, Box<CExpr>, Box<CExpr>),
    Add(Box<CExpr>, Box<CExpr>),
    Sub(Box<CExpr>, Box<CExpr>),
    InSet(Box<CExpr>, u64),
    Is(Box<CExpr>, bool),
    Call1(Func, Box<CExpr>),
    Call2(Func, Box<CExpr>, Box<CExpr>),
}

/// A parameter's effective-dated values (sorted, gap-free, non-overlapping: checked).
#[derive(Debug, Clone)]
pub(crate) struct ParamC {
    pub name: String,
    pub base: Base,
    pub periods: Vec<(NaiveDate, Option<NaiveDate>, Value<'static>)>,
}

impl ParamC {
    pub(crate) fn at(&self, d: NaiveDate) -> Value<'static> {
        for (from, to, v) in &self.periods {
            if d >= *from && to.is_none_or(|t| d <= t) {
                return *v;
            }
        }
        Value::None
    }
    pub(crate) fn single(&self) -> Option<Value<'static>> {
        let first = self.periods.first()?.2;
        self.periods.iter().all(|p| p.2 == first).then_some(first)
    }
}

/// What a rule does.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CEffect {
    Route(ReasonCode, Target),
    Outcome(Outcome, CExpr),
}

/// Role of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Selection condition: routes to an official when it holds.
    Route,
    /// Outcome rule: decides automatically when it holds and nothing routed.
    Outcome,
    /// Applies when nothing else decided.
    Fallback,
}

/// Metadata of one rule (titles, basis, what it reads).
#[derive(Debug, Clone, Serialize)]
pub struct RuleMeta {
    /// Rule id.
    pub id: String,
    /// Role.
    pub role: Role,
    /// Finnish title.
    pub title_fi: String,
    /// Swedish title.
    pub title_sv: String,
    /// English title (optional in the file; the id is used if missing).
    pub title_en: Option<String>,
    /// Legal basis.
    pub basis: String,
    /// Condition as canonical text.
    pub condition: String,
    /// Effect as canonical text.
    pub effect: String,
    /// Reason code (route rules, fallback).
    pub code: Option<ReasonCode>,
    /// Target (route rules, fallback).
    pub target: Option<Target>,
    #[serde(skip)]
    pub(crate) reads: Vec<u8>,
    #[serde(skip)]
    pub(crate) params: Vec<u16>,
}

#[derive(Debug)]
pub(crate) struct Meta {
    pub name: String,
    pub version: String,
    pub hash: String,
    pub kind: Kind,
    pub rules: Vec<RuleMeta>,
    pub params: Vec<ParamC>,
}

#[derive(Debug, Clone)]
pub(crate) struct CRule {
    pub idx: u16,
    pub cond: CExpr,
    pub effect: CEffect,
}

/// A checked and compiled rule set. Build it with [`crate::check`].
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub(crate) meta: Arc<Meta>,
    pub(crate) valid_from: NaiveDate,
    pub(crate) load: Vec<u8>,
    pub(crate) routes: Vec<CRule>,
    pub(crate) outcomes: Vec<CRule>,
    pub(crate) fallback: CRule,
    pub(crate) warnings: Diagnostics,
    pub(crate) canonical: String,
}

impl RuleSet {
    /// SHA-256 of the canonical text, lowercase hex: the rule set's identity (B10).
    pub fn hash(&self) -> &str {
        &self.meta.hash
    }
    /// Version label from the header.
    pub fn version(&self) -> &str {
        &self.meta.version
    }
    /// Rule set name from the header.
    pub fn name(&self) -> &str {
        &self.meta.name
    }
    /// Which requests it decides.
    pub fn kind(&self) -> Kind {
        self.meta.kind
    }
    /// First decision date the rule set (and all its parameters) covers.
    pub fn valid_from(&self) -> NaiveDate {
        self.valid_from
    }
    /// The canonical text that is hashed.
    pub fn canonical_text(&self) -> &str {
        &self.canonical
    }
    /// Warnings of the static checks (the rule set loaded despite them).
    pub fn warnings(&self) -> &Diagnostics {
        &self.warnings
    }
    /// Rules in file order.
    pub fn rules(&self) -> &[RuleMeta] {
        &self.meta.rules
    }
    /// Value of parameter `name` in force on `date`, rendered as text.
    pub fn param_at(&self, name: &str, date: NaiveDate) -> Option<String> {
        let p = self.meta.params.iter().find(|p| p.name == name)?;
        match p.at(date) {
            Value::None => None,
            v => Some(v.render(Some(p.base))),
        }
    }
}

/// Status of one rule in a trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleStatus {
    /// The condition held.
    Fired,
    /// The condition did not hold.
    NotFired,
    /// The condition could not be evaluated (e.g. date arithmetic out of range): the case
    /// goes to the fallback rule.
    Unknown,
    /// Not evaluated (a routing reason already fired, or an earlier outcome rule decided).
    Skipped,
}

/// An input or parameter value read by a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TraceRead {
    /// Input path or `param NAME`.
    pub name: String,
    /// Value as text.
    pub value: String,
}

/// One rule considered, in a trace.
#[derive(Debug, Clone, Serialize)]
pub struct TraceStep {
    /// Rule id.
    pub rule: String,
    /// Role.
    pub role: Role,
    /// Did it fire.
    pub status: RuleStatus,
    /// Legal basis.
    pub basis: String,
    /// Condition (canonical text).
    pub condition: String,
    /// Effect (canonical text).
    pub effect: String,
    /// Inputs and parameters the condition reads, with their values.
    pub reads: Vec<TraceRead>,
}

/// One routing reason of a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// Code.
    pub code: ReasonCode,
    /// Target.
    pub target: Target,
    /// Legal basis.
    pub basis: String,
    /// Rule that gave it.
    pub rule: String,
}

/// Result of evaluating a request. Serialises to JSON (see README.md for the shape).
#[derive(Debug, Clone)]
pub struct Decision {
    pub(crate) meta: Arc<Meta>,
    /// Kind of the request.
    pub kind: Kind,
    /// Decision date of the request.
    pub decision_date: NaiveDate,
    /// Outcome.
    pub outcome: Outcome,
    /// Target when routed.
    pub target: Option<Target>,
    /// Effective date of an automatic statement.
    pub effective_date: Option<NaiveDate>,
    pub(crate) fired: u128,
    pub(crate) decided_by: Option<u16>,
    /// Every rule considered (only when evaluated with trace on).
    pub trace: Option<Vec<TraceStep>>,
    /// The request's facts the explanation derives from (age, dates); not serialised.
    pub(crate) facts: Facts,
}

/// The facts of a request that [`crate::explain`] states in words with what it derives from
/// them (the person's age on the decision date, how far the start of job search lies from the
/// decision date), so that an explanation without a trace says them too (issue 14). Copied
/// from the request at evaluation, without allocating; only the facts a rule of the rule set
/// reads are kept (a rule set that reads no birth date keeps none: B16).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Facts {
    pub birth_date: Option<NaiveDate>,
    pub vocational_qualification: Option<bool>,
    pub job_search_start: Option<NaiveDate>,
    pub job_search_end: Option<NaiveDate>,
}

impl Decision {
    /// Routing reasons in rule order (empty unless routed).
    pub fn reasons(&self) -> Vec<Reason> {
        self.fired_rules()
            .filter_map(|r| {
                Some(Reason {
                    code: r.code?,
                    target: r.target?,
                    basis: r.basis.clone(),
                    rule: r.id.clone(),
                })
            })
            .collect()
    }
    /// Reason codes in rule order.
    pub fn reason_codes(&self) -> Vec<ReasonCode> {
        self.fired_rules().filter_map(|r| r.code).collect()
    }
    /// Has this reason code.
    pub fn has_reason(&self, code: ReasonCode) -> bool {
        self.fired_rules().any(|r| r.code == Some(code))
    }
    fn fired_rules(&self) -> impl Iterator<Item = &RuleMeta> {
        let fired = self.fired;
        self.meta
            .rules
            .iter()
            .enumerate()
            .filter(move |(i, _)| fired & (1u128 << i) != 0)
            .map(|(_, r)| r)
    }
    /// Rule that decided the outcome (an outcome rule or the fallback), if any.
    pub fn decided_by(&self) -> Option<&RuleMeta> {
        self.decided_by
            .and_then(|i| self.meta.rules.get(i as usize))
    }
    /// Hash of the rule set that decided (B10).
    pub fn rule_set_hash(&self) -> &str {
        &self.meta.hash
    }
    /// Version label of the rule set that decided.
    pub fn rule_set_version(&self) -> &str {
        &self.meta.version
    }
    /// Name of the rule set that decided.
    pub fn rule_set_name(&self) -> &str {
        &self.meta.name
    }
    pub(crate) fn rule(&self, id: &str) -> Option<&RuleMeta> {
        self.meta.rules.iter().find(|r| r.id == id)
    }
    /// The person's age in whole years on the decision date, when the rule set reads the
    /// birth date (its age limits, B16).
    pub fn age_on_decision_date(&self) -> Option<i64> {
        age_on(self.facts.birth_date?, self.decision_date)
    }
    /// Value of the deciding rule set's parameter `name` on the decision date.
    pub(crate) fn param(&self, name: &str) -> Option<Value<'static>> {
        let p = self.meta.params.iter().find(|p| p.name == name)?;
        match p.at(self.decision_date) {
            Value::None => None,
            v => Some(v),
        }
    }
}

#[derive(Serialize)]
struct RuleSetRef<'a> {
    name: &'a str,
    version: &'a str,
    hash: &'a str,
}

#[derive(Serialize)]
struct DecisionJson<'a> {
    kind: Kind,
    decision_date: NaiveDate,
    outcome: Outcome,
    reasons: Vec<Reason>,
    to: Option<Target>,
    effective_date: Option<NaiveDate>,
    decided_by: Option<&'a str>,
    automated: bool,
    rule_set: RuleSetRef<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    trace: Option<&'a Vec<TraceStep>>,
}

impl Serialize for Decision {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        DecisionJson {
            kind: self.kind,
            decision_date: self.decision_date,
            outcome: self.outcome,
            reasons: self.reasons(),
            to: self.target,
            effective_date: self.effective_date,
            decided_by: self.decided_by().map(|r| r.id.as_str()),
            automated: self.outcome != Outcome::Routed,
            rule_set: RuleSetRef {
                name: &self.meta.name,
                version: &self.meta.version,
                hash: &self.meta.hash,
            },
            trace: self.trace.as_ref(),
        }
        .serialize(s)
    }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

struct Ctx<'a, 'r> {
    slots: [Value<'a>; N_FIELDS],
    params: &'r [ParamC],
    date: NaiveDate,
}

fn add_months(d: NaiveDate, n: i64) -> Option<NaiveDate> {
    let m = Months::new(u32::try_from(n.unsigned_abs()).ok()?);
    if n >= 0 {
        d.checked_add_months(m)
    } else {
        d.checked_sub_months(m)
    }
}

/// Whole years from `birth` to `on`; the anniversary of 29 February is 28 February in
/// common years (the last day of the month, as in the Act on computing time limits).
pub(crate) fn age_on(birth: NaiveDate, on: NaiveDate) -> Option<i64> {
    let mut years = i64::from(on.year()) - i64::from(birth.year());
    // the anniversary in `on`'s year, clamped to the month's last day (29 Feb -> 28 Feb)
    let last = days_in_month(on.year(), birth.month())?;
    let anniversary = (birth.month(), birth.day().min(last));
    if (on.month(), on.day()) < anniversary {
        years -= 1;
    }
    Some(years)
}

fn days_in_month(year: i32, month: u32) -> Option<u32> {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => Some(31),
        4 | 6 | 9 | 11 => Some(30),
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => Some(29),
        2 => Some(28),
        _ => None,
    }
}

/// Whole months from `a` to `b` (the largest n with add_months(a, n) <= b; negative if b < a).
pub(crate) fn months_between(a: NaiveDate, b: NaiveDate) -> Option<i64> {
    let mut n = (i64::from(b.year()) - i64::from(a.year())) * 12 + i64::from(b.month0())
        - i64::from(a.month0());
    // adjust by at most one step each way
    while add_months(a, n)? > b {
        n -= 1;
    }
    while add_months(a, n + 1)? <= b {
        n += 1;
    }
    Some(n)
}

fn end_of_month(d: NaiveDate) -> Option<NaiveDate> {
    d.with_day(days_in_month(d.year(), d.month())?)
}

impl CExpr {
    #[inline]
    fn eval<'a>(&self, c: &Ctx<'a, '_>) -> Value<'a> {
        use Value as V;
        match self {
            CExpr::Const(v) => *v,
            CExpr::Slot(s) => c.slots[*s as usize],
            CExpr::Param(p) => c.params.get(*p as usize).map_or(V::None, |p| p.at(c.date)),
            CExpr::Not(e) => match e.eval(c) {
                V::Bool(b) => V::Bool(!b),
                _ => V::None,
            },
            CExpr::And(a, b) => match a.eval(c) {
                V::Bool(false) => V::Bool(false),
                V::Bool(true) => match b.eval(c) {
                    V::Bool(x) => V::Bool(x),
                    _ => V::None,
                },
                _ => match b.eval(c) {
                    V::Bool(false) => V::Bool(false),
                    _ => V::None,
                },
            },
            CExpr::Or(a, b) => match a.eval(c) {
                V::Bool(true) => V::Bool(true),
                V::Bool(false) => match b.eval(c) {
                    V::Bool(x) => V::Bool(x),
                    _ => V::None,
                },
                _ => match b.eval(c) {
                    V::Bool(true) => V::Bool(true),
                    _ => V::None,
                },
            },
            CExpr::Cmp(op, a, b) => {
                let (x, y) = (a.eval(c), b.eval(c));
                let ord = match (x, y) {
                    (V::Int(x), V::Int(y)) => x.cmp(&y),
                    (V::Date(x), V::Date(y)) => x.cmp(&y),
                    (V::Enum(x), V::Enum(y)) => x.cmp(&y),
                    (V::Bool(x), V::Bool(y)) => x.cmp(&y),
                    _ => return V::None,
                };
                V::Bool(match op {
                    CmpOp::Eq => ord.is_eq(),
                    CmpOp::Ne => ord.is_ne(),
                    CmpOp::Lt => ord.is_lt(),
                    CmpOp::Le => ord.is_le(),
                    CmpOp::Gt => ord.is_gt(),
                    CmpOp::Ge => ord.is_ge(),
                })
            }
            CExpr::Add(a, b) => match (a.eval(c), b.eval(c)) {
                (V::Int(x), V::Int(y)) => x.checked_add(y).map_or(V::None, V::Int),
                _ => V::None,
            },
            CExpr::Sub(a, b) => match (a.eval(c), b.eval(c)) {
                (V::Int(x), V::Int(y)) => x.checked_sub(y).map_or(V::None, V::Int),
                _ => V::None,
            },
            CExpr::InSet(e, mask) => match e.eval(c) {
                V::Enum(i) => V::Bool(i < 64 && mask & (1u64 << i) != 0),
                _ => V::Bool(false),
            },
            CExpr::Is(e, some) => V::Bool(matches!(e.eval(c), V::None) != *some),
            CExpr::Call1(f, a) => match (f, a.eval(c)) {
                (Func::Blank, V::None) => V::Bool(true),
                (Func::Blank, V::Text(t)) => V::Bool(t.trim().is_empty()),
                (Func::EndOfMonth, V::Date(d)) => end_of_month(d).map_or(V::None, V::Date),
                _ => V::None,
            },
            CExpr::Call2(f, a, b) => match (f, a.eval(c), b.eval(c)) {
                (Func::AgeOn, V::Date(x), V::Date(y)) => age_on(x, y).map_or(V::None, V::Int),
                (Func::MonthsBetween, V::Date(x), V::Date(y)) => {
                    months_between(x, y).map_or(V::None, V::Int)
                }
                (Func::AddMonths, V::Date(d), V::Int(n)) => {
                    add_months(d, n).map_or(V::None, V::Date)
                }
                (Func::AddYears, V::Date(d), V::Int(n)) => n
                    .checked_mul(12)
                    .and_then(|m| add_months(d, m))
                    .map_or(V::None, V::Date),
                (Func::AddDays, V::Date(d), V::Int(n)) => chrono::TimeDelta::try_days(n)
                    .and_then(|t| d.checked_add_signed(t))
                    .map_or(V::None, V::Date),
                _ => V::None,
            },
        }
    }

    #[inline]
    fn holds(&self, c: &Ctx<'_, '_>) -> RuleStatus {
        match self.eval(c) {
            Value::Bool(true) => RuleStatus::Fired,
            Value::Bool(false) => RuleStatus::NotFired,
            _ => RuleStatus::Unknown,
        }
    }
}

fn trace_step(rs: &RuleSet, c: &Ctx<'_, '_>, idx: u16, status: RuleStatus) -> TraceStep {
    let m = &rs.meta.rules[idx as usize];
    let mut reads: Vec<TraceRead> = m
        .reads
        .iter()
        .map(|&s| {
            let f = &FIELDS[s as usize];
            TraceRead {
                name: f.path.to_string(),
                value: c.slots[s as usize].render(Some(f.ty.base)),
            }
        })
        .collect();
    for &p in &m.params {
        if let Some(pc) = rs.meta.params.get(p as usize) {
            reads.push(TraceRead {
                name: format!("param {}", pc.name),
                value: pc.at(c.date).render(Some(pc.base)),
            });
        }
    }
    TraceStep {
        rule: m.id.clone(),
        role: m.role,
        status,
        basis: m.basis.clone(),
        condition: m.condition.clone(),
        effect: m.effect.clone(),
        reads,
    }
}

/// Evaluate `request` against `rules`.
///
/// Semantics (documented in README.md): if the request's kind or decision date is outside the
/// rule set (wrong kind, or decision date before `valid from`), only the fallback rule applies.
/// Otherwise every route rule is evaluated; if any fires the outcome is `routed` with all its
/// reasons, to KEHA-keskus if any reason targets `keha`, else to the employment authority. If
/// none fires, the outcome rules are tried in file order; the first that holds (with an
/// effective date) decides. If no outcome rule decides, or any condition could not be
/// evaluated, the fallback rule routes the case to an official.
pub fn evaluate(rules: &RuleSet, request: &Request, trace: bool) -> Decision {
    let mut c = Ctx {
        slots: [Value::None; N_FIELDS],
        params: &rules.meta.params,
        date: request.decision_date,
    };
    for &s in &rules.load {
        if let Some(f) = FIELDS.get(s as usize) {
            c.slots[s as usize] = (f.get)(request);
        }
    }
    c.slots[DECISION_DATE] = Value::Date(request.decision_date);
    let mut steps: Option<Vec<TraceStep>> = trace.then(Vec::new);
    let mut d = Decision {
        meta: Arc::clone(&rules.meta),
        kind: request.kind,
        decision_date: request.decision_date,
        outcome: Outcome::Routed,
        target: None,
        effective_date: None,
        fired: 0,
        decided_by: None,
        trace: None,
        facts: Facts::default(),
    };
    // Only what the rule set loads (B16: no birth date unless a rule reads it).
    let date = |slot: usize| match c.slots[slot] {
        Value::Date(x) => Some(x),
        _ => None,
    };
    d.facts = Facts {
        birth_date: date(BIRTH_DATE),
        vocational_qualification: match c.slots[VOCATIONAL_QUALIFICATION] {
            Value::Bool(b) => Some(b),
            _ => None,
        },
        job_search_start: date(JOB_SEARCH_START),
        job_search_end: date(JOB_SEARCH_END),
    };
    let in_scope = request.kind == rules.meta.kind && request.decision_date >= rules.valid_from;
    let mut unknown = !in_scope;
    let mut target = None;
    for r in &rules.routes {
        let st = if in_scope {
            r.cond.holds(&c)
        } else {
            RuleStatus::Skipped
        };
        match st {
            RuleStatus::Fired => {
                d.fired |= 1u128 << r.idx;
                if let CEffect::Route(_, t) = r.effect {
                    target = target.max(Some(t));
                }
            }
            RuleStatus::Unknown => unknown = true,
            _ => {}
        }
        if let Some(s) = steps.as_mut() {
            s.push(trace_step(rules, &c, r.idx, st));
        }
    }
    let mut decided = d.fired != 0 || unknown;
    for r in &rules.outcomes {
        let mut st = RuleStatus::Skipped;
        if !decided {
            st = r.cond.holds(&c);
            match st {
                RuleStatus::Fired => {
                    if let CEffect::Outcome(o, eff) = &r.effect {
                        if let Value::Date(e) = eff.eval(&c) {
                            d.outcome = *o;
                            d.effective_date = Some(e);
                            d.decided_by = Some(r.idx);
                            decided = true;
                        } else {
                            st = RuleStatus::Unknown;
                        }
                    }
                }
                RuleStatus::Unknown => {
                    unknown = true;
                    decided = true;
                }
                _ => {}
            }
        }
        if let Some(s) = steps.as_mut() {
            s.push(trace_step(rules, &c, r.idx, st));
        }
    }
    let fb = &rules.fallback;
    let fallback_applies = unknown || (!decided);
    if fallback_applies {
        d.fired |= 1u128 << fb.idx;
        d.decided_by = Some(fb.idx);
        d.outcome = Outcome::Routed;
        d.effective_date = None;
        if let CEffect::Route(_, t) = fb.effect {
            target = target.max(Some(t));
        }
    }
    if d.outcome == Outcome::Routed {
        d.target = target;
    }
    if let Some(mut s) = steps {
        let st = if fallback_applies {
            RuleStatus::Fired
        } else {
            RuleStatus::Skipped
        };
        s.push(trace_step(rules, &c, fb.idx, st));
        d.trace = Some(s);
    }
    d
}

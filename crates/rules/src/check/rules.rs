//! Rules: every `rule` is checked (unique id, Finnish and Swedish titles, legal basis, exactly
//! one `when` and one `then`), its condition and effect are compiled, and it is filed by role
//! (selection condition, outcome rule, fallback) with its metadata for traces and explanations.
//!
//! A rule with an error is left out of the compiled set but checking goes on, so one run of the
//! checker reports every problem of a file, not only the first.

use super::sat::satisfiable;
use super::state::{Checker, MAX_RULES};
use crate::ast::{Clause, Effect, Expr, File, Item, RuleDecl, Span};
use crate::contract::{Base, Value};
use crate::diag::Diagnostics;
use crate::engine::{CEffect, CExpr, CRule, Outcome, ParamC, ReasonCode, Role, RuleMeta, Target};
use crate::request::Kind;
use std::collections::HashSet;

/// The compiled rules of a file, by role; `metas` holds every compiled rule in file order and
/// a [`CRule`]'s `idx` points into it.
pub(super) struct Compiled<'f> {
    pub(super) metas: Vec<RuleMeta>,
    pub(super) routes: Vec<CRule>,
    /// Outcome rules with their declaration and effective-date text, kept for the pairwise
    /// overlap check (W003, E014).
    pub(super) outcomes: Vec<(CRule, &'f RuleDecl, String)>,
    pub(super) fallback: Option<CRule>,
}

/// The clauses of one rule, each taken once (a repeat is E017).
struct Clauses<'f> {
    fi: Option<String>,
    sv: Option<String>,
    en: Option<String>,
    basis: Option<String>,
    when: Option<&'f Expr>,
    then: Option<(&'f Effect, Span)>,
}

impl Checker<'_> {
    /// Check and compile every rule of `file` (E005–E009, E013, E015, E017, E018, W001 and,
    /// through the expressions, E002–E004, E010, E019). `kind` is `None` when the header's
    /// kind was unknown; outcomes are then refused (E015).
    pub(super) fn compile_rules<'f>(
        &mut self,
        file: &'f File,
        kind: Option<Kind>,
        params: &[ParamC],
    ) -> Compiled<'f> {
        let mut out = Compiled {
            metas: Vec::new(),
            routes: Vec::new(),
            outcomes: Vec::new(),
            fallback: None,
        };
        let mut ids: HashSet<&str> = HashSet::new();
        let rules: Vec<&RuleDecl> = file
            .items
            .iter()
            .filter_map(|i| if let Item::Rule(r) = i { Some(r) } else { None })
            .collect();
        if rules.len() > MAX_RULES {
            self.diags.error(
                "E018",
                rules[MAX_RULES].id.span.clone(),
                format!("too many rules: at most {MAX_RULES} per rule set"),
                "rule over the limit",
                "split the rule set",
            );
        }
        for r in rules.into_iter().take(MAX_RULES) {
            if !ids.insert(r.id.text.as_str()) {
                self.diags.error(
                    "E007",
                    r.id.span.clone(),
                    format!("duplicate rule id `{}`", r.id.text),
                    "defined again",
                    "give each rule a unique id",
                );
                continue;
            }
            let head = r.span.start..r.id.span.end;
            let clauses = read_clauses(self.diags, r, &head);
            // what the condition and the effective date read, for traces and slot loading
            self.reads.clear();
            self.param_reads.clear();
            let cond = self.compile_condition(r, &head, clauses.when);
            let effect = self.compile_effect(r, &head, clauses.then.clone(), kind, &file.kind.text);
            let (Some(cond), Some(effect)) = (cond, effect) else {
                continue;
            };
            self.file_rule(&mut out, r, clauses, cond, effect, params);
        }
        out
    }

    /// The rule's condition: a bool expression, or for the fallback none at all (it applies
    /// exactly when nothing else decides).
    fn compile_condition(
        &mut self,
        r: &RuleDecl,
        head: &Span,
        when: Option<&Expr>,
    ) -> Option<CExpr> {
        match (r.fallback, when) {
            (true, Some(w)) => {
                self.diags.error(
                    "E013",
                    w.span.clone(),
                    "a fallback rule has no condition",
                    "remove this `when`",
                    "the fallback applies exactly when no other rule decides",
                );
                None
            }
            (true, None) => Some(CExpr::Const(Value::Bool(true))),
            (false, None) => {
                self.diags.error(
                    "E017",
                    head.clone(),
                    format!("rule `{}` has no `when` condition", r.id.text),
                    "missing `when`",
                    "add `when <condition>`; write `when true` for an unconditional rule",
                );
                None
            }
            (false, Some(w)) => {
                let got = self.expr(w, &[]);
                self.need(w, got, Base::Bool, "a condition")
            }
        }
    }

    /// The rule's effect: a routing with a known reason code and target, or an outcome the
    /// rule set's kind allows with a date-valued effective date. The fallback must route: a
    /// case no rule decides goes to an official.
    fn compile_effect(
        &mut self,
        r: &RuleDecl,
        head: &Span,
        then: Option<(&Effect, Span)>,
        kind: Option<Kind>,
        kind_text: &str,
    ) -> Option<CEffect> {
        match then {
            None => {
                self.diags.error(
                    "E017",
                    head.clone(),
                    format!("rule `{}` has no `then` effect", r.id.text),
                    "missing `then`",
                    "add `then route CODE to TARGET` or `then outcome OUTCOME effective DATE`",
                );
                None
            }
            Some((Effect::Route { code, target }, _)) => {
                let c = ReasonCode::parse(&code.text);
                if c.is_none() {
                    let all: Vec<&str> = ReasonCode::ALL.iter().map(|c| c.as_str()).collect();
                    self.diags.error(
                        "E008",
                        code.span.clone(),
                        format!("unknown reason code `{}`", code.text),
                        "unknown code",
                        format!("reason codes: {}", all.join(", ")),
                    );
                }
                let t = Target::parse(&target.text);
                if t.is_none() {
                    self.diags.error(
                        "E009",
                        target.span.clone(),
                        format!("unknown routing target `{}`", target.text),
                        "unknown target",
                        "targets: employment_authority, keha",
                    );
                }
                match (c, t) {
                    (Some(c), Some(t)) => Some(CEffect::Route(c, t)),
                    _ => None,
                }
            }
            Some((Effect::Outcome { outcome, effective }, sp)) => {
                if r.fallback {
                    self.diags.error(
                        "E013",
                        sp,
                        "a fallback rule must route to an official",
                        "not a routing",
                        "write `then route UNDECIDED to employment_authority`",
                    );
                    return None;
                }
                let o = match (outcome.text.as_str(), kind) {
                    ("auto_positive", Some(Kind::JobSearchStart)) => Some(Outcome::AutoPositive),
                    ("auto_end", Some(Kind::JobSearchEnd)) => Some(Outcome::AutoEnd),
                    (o, _) => {
                        self.diags.error("E015", outcome.span.clone(), format!("outcome `{o}` is not available for kind `{kind_text}`"), "wrong outcome", "job_search_start rules decide `auto_positive`; job_search_end rules decide `auto_end`; routing is `route CODE to TARGET`");
                        None
                    }
                };
                let eff = match self.expr(effective, &[]) {
                    Some((t, c)) if t.base == Base::Date => Some(c),
                    Some((t, _)) => {
                        self.diags.error(
                            "E003",
                            effective.span.clone(),
                            format!(
                                "type mismatch: effective date must be a date, found {}",
                                t.base
                            ),
                            "not a date",
                            "e.g. `effective job_search_start`",
                        );
                        None
                    }
                    None => None,
                };
                match (o, eff) {
                    (Some(o), Some(e)) => Some(CEffect::Outcome(o, e)),
                    _ => None,
                }
            }
        }
    }

    /// Record a compiled rule: its metadata (titles, basis, canonical condition and effect,
    /// what it reads) and its place by role. A route or outcome rule whose condition is
    /// provably false is kept but warned about (W001); a second fallback is an error (E013).
    fn file_rule<'f>(
        &mut self,
        out: &mut Compiled<'f>,
        r: &'f RuleDecl,
        clauses: Clauses<'f>,
        cond: CExpr,
        effect: CEffect,
        params: &[ParamC],
    ) {
        let Clauses {
            fi,
            sv,
            en,
            basis,
            when,
            then,
        } = clauses;
        let role = match (&effect, r.fallback) {
            (_, true) => Role::Fallback,
            (CEffect::Route(..), _) => Role::Route,
            (CEffect::Outcome(..), _) => Role::Outcome,
        };
        let effect_text = match then {
            Some((Effect::Route { code, target }, _)) => {
                format!("route {} to {}", code.text, target.text)
            }
            Some((Effect::Outcome { outcome, effective }, _)) => {
                format!("outcome {} effective {effective}", outcome.text)
            }
            None => String::new(),
        };
        let idx = out.metas.len() as u16;
        let (code, target) = match effect {
            CEffect::Route(c, t) => (Some(c), Some(t)),
            _ => (None, None),
        };
        out.metas.push(RuleMeta {
            id: r.id.text.clone(),
            role,
            title_fi: fi.unwrap_or_default(),
            title_sv: sv.unwrap_or_default(),
            title_en: en,
            basis: basis.unwrap_or_default(),
            condition: when.map_or_else(|| "(nothing else decided)".to_string(), |w| w.to_string()),
            effect: effect_text,
            code,
            target,
            reads: self.reads.iter().copied().collect(),
            params: self.param_reads.iter().copied().collect(),
        });
        let cr = CRule { idx, cond, effect };
        match role {
            Role::Route => {
                self.warn_if_unreachable(r, when, &cr.cond, params);
                out.routes.push(cr)
            }
            Role::Outcome => {
                self.warn_if_unreachable(r, when, &cr.cond, params);
                let eff_text = match then {
                    Some((Effect::Outcome { effective, .. }, _)) => effective.to_string(),
                    _ => String::new(),
                };
                out.outcomes.push((cr, r, eff_text))
            }
            Role::Fallback => {
                if out.fallback.is_some() {
                    self.diags.error(
                        "E013",
                        r.id.span.clone(),
                        "more than one fallback rule",
                        "second fallback",
                        "keep exactly one `fallback rule`",
                    );
                } else {
                    out.fallback = Some(cr);
                }
            }
        }
    }

    /// W001: a rule that can never fire is almost always a mistake in its bounds, but it does
    /// no harm to a decision, so it warns rather than stops loading.
    fn warn_if_unreachable(
        &mut self,
        r: &RuleDecl,
        when: Option<&Expr>,
        cond: &CExpr,
        params: &[ParamC],
    ) {
        if satisfiable(cond, params) {
            return;
        }
        if let Some(w) = when {
            self.diags.warning(
                "W001",
                w.span.clone(),
                format!(
                    "rule `{}` can never fire: its condition is always false",
                    r.id.text
                ),
                "statically false",
                "check the comparison bounds; e.g. `x < 17 and x > 65` holds for no x",
            );
        }
    }
}

/// Take each clause of `r` once and check titles and basis: Finnish and Swedish titles are
/// required (Language Act 423/2003) and every rule cites its legal basis (B3, B9), because a
/// routing or statement shows both to the client and the official.
fn read_clauses<'f>(diags: &mut Diagnostics, r: &'f RuleDecl, head: &Span) -> Clauses<'f> {
    let (mut fi, mut sv, mut en, mut basis, mut when, mut then) =
        (None, None, None, None, None, None);
    for c in &r.clauses {
        let dup = |d: &mut Diagnostics, span: Span, what: &str| {
            d.error(
                "E017",
                span,
                format!("rule `{}` has more than one {what}", r.id.text),
                "repeated clause",
                format!("give exactly one {what}"),
            )
        };
        match c {
            Clause::Title(l, t) => {
                let slot = match l.text.as_str() {
                    "fi" => &mut fi,
                    "sv" => &mut sv,
                    "en" => &mut en,
                    _ => {
                        diags.error("E005", l.span.clone(), format!("unknown title language `{}`", l.text), "unknown language", "titles are `title fi`, `title sv` (required) and `title en` (optional)");
                        continue;
                    }
                };
                if slot.is_some() {
                    dup(diags, l.span.clone(), &format!("`title {}`", l.text));
                } else if t.text.trim().is_empty() {
                    diags.error(
                        "E005",
                        t.span.clone(),
                        format!("rule `{}`: empty `title {}`", r.id.text, l.text),
                        "empty title",
                        "write the title in plain language",
                    );
                } else {
                    *slot = Some(t.text.clone());
                }
            }
            Clause::Basis(b) => {
                if basis.is_some() {
                    dup(diags, b.span.clone(), "`basis`");
                } else if b.text.trim().is_empty() {
                    diags.error(
                        "E006",
                        b.span.clone(),
                        format!("rule `{}`: empty legal basis", r.id.text),
                        "empty basis",
                        "cite the section of law, e.g. `basis \"TTL 2a:1\"`",
                    );
                } else {
                    basis = Some(b.text.clone());
                }
            }
            Clause::When(e) => {
                if when.is_some() {
                    dup(diags, e.span.clone(), "`when`");
                } else {
                    when = Some(e);
                }
            }
            Clause::Then(eff, sp) => {
                if then.is_some() {
                    dup(diags, sp.clone(), "`then`");
                } else {
                    then = Some((eff, sp.clone()));
                }
            }
        }
    }
    for (v, lang) in [(&fi, "fi"), (&sv, "sv")] {
        if v.is_none()
            && !r
                .clauses
                .iter()
                .any(|c| matches!(c, Clause::Title(l, _) if l.text == lang))
        {
            diags.error(
                "E005",
                head.clone(),
                format!("rule `{}` has no `title {lang}`", r.id.text),
                format!("missing `title {lang}`"),
                "every rule needs a Finnish and a Swedish title (Language Act 423/2003)",
            );
        }
    }
    if basis.is_none() && !r.clauses.iter().any(|c| matches!(c, Clause::Basis(_))) {
        diags.error(
            "E006",
            head.clone(),
            format!("rule `{}` has no legal basis", r.id.text),
            "missing `basis`",
            "cite the section of law, e.g. `basis \"TTL 2a:1\"` (B3, B9)",
        );
    }
    Clauses {
        fi,
        sv,
        en,
        basis,
        when,
        then,
    }
}

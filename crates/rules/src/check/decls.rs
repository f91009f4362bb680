//! Declarations: the inputs and effective-dated parameters a rule file names, checked against
//! the request contract (E002, E007, E016) and for gap-free coverage (E003, E011, E012).
//!
//! These run before any rule is read so that name resolution in conditions sees every
//! declaration, whatever its position in the file.

use super::state::{Checker, DeclInput};
use crate::ast::{ExprKind, File, Item, ParamDecl, Span, TypeExpr};
use crate::contract::{self, Base, Value, FIELDS};
use crate::diag::Diagnostics;
use crate::engine::ParamC;
use chrono::NaiveDate;

/// A checked period of a parameter: from, to (inclusive), value, and where it is written.
type PeriodC = (NaiveDate, Option<NaiveDate>, Value<'static>, Span);

fn base_of(t: &TypeExpr) -> Option<Base> {
    match t {
        TypeExpr::Bool => Some(Base::Bool),
        TypeExpr::Int => Some(Base::Int),
        TypeExpr::Date => Some(Base::Date),
        TypeExpr::Text => Some(Base::Text),
        TypeExpr::Enum(_) => None,
    }
}

impl Checker<'_> {
    /// Resolve every `input` against the request contract: each gets the evaluator slot of its
    /// contract field and the contract's type, so a rule can only read what a request carries,
    /// typed as the request types it. Protected fields stay protected whatever the file says
    /// (B16).
    pub(super) fn declare_inputs(&mut self, file: &File) {
        for item in &file.items {
            let Item::Input(i) = item else { continue };
            let Some(slot) = contract::field(&i.path.text) else {
                self.diags.error(
                    "E002",
                    i.path.span.clone(),
                    format!("unknown input `{}`: not a field of the request contract", i.path.text),
                    "unknown field",
                    "inputs mirror shared/cases/README.md, e.g. `person.birth_date`, `reported.studies`",
                );
                continue;
            };
            if self.inputs.contains_key(&i.path.text) {
                self.diags.error(
                    "E007",
                    i.path.span.clone(),
                    format!("duplicate input `{}`", i.path.text),
                    "declared again",
                    "declare each input once",
                );
                continue;
            }
            let f = &FIELDS[slot];
            let ty_ok = i.optional == f.ty.optional
                && match (&i.ty, f.ty.base) {
                    (TypeExpr::Enum(vs), Base::Enum(names)) => {
                        vs.len() == names.len()
                            && vs.iter().all(|v| names.contains(&v.text.as_str()))
                    }
                    (t, b) => base_of(t) == Some(b),
                };
            if !ty_ok {
                self.diags.error(
                    "E016",
                    i.ty_span.clone(),
                    format!(
                        "input `{}` is declared as {}{}, but the request contract has {}",
                        i.path.text,
                        if i.optional { "optional " } else { "" },
                        i.ty,
                        f.ty
                    ),
                    "does not match the contract",
                    format!("declare it as `input {}: {}`", i.path.text, f.ty),
                );
            }
            self.inputs.insert(
                i.path.text.clone(),
                DeclInput {
                    slot,
                    ty: f.ty,
                    protected: i.protected || f.protected,
                    used: false,
                    span: i.path.span.clone(),
                },
            );
        }
    }

    /// Check every `param` (unique name, int/date/bool type, values of that type, periods
    /// covering every date from `valid from` on exactly once) and number it for the engine:
    /// a parameter must have exactly one value on any decision date the rule set accepts.
    pub(super) fn declare_params(&mut self, file: &File, valid_from: NaiveDate) -> Vec<ParamC> {
        let mut params: Vec<ParamC> = Vec::new();
        for item in &file.items {
            let Item::Param(p) = item else { continue };
            if self.params.contains_key(&p.name.text) || self.inputs.contains_key(&p.name.text) {
                self.diags.error(
                    "E007",
                    p.name.span.clone(),
                    format!("duplicate name `{}`", p.name.text),
                    "declared again",
                    "give each parameter a unique name",
                );
                continue;
            }
            let base = match &p.ty {
                TypeExpr::Int => Base::Int,
                TypeExpr::Date => Base::Date,
                TypeExpr::Bool => Base::Bool,
                t => {
                    self.diags.error(
                        "E003",
                        p.ty_span.clone(),
                        format!("type mismatch: parameters are int, date or bool, found {t}"),
                        "unsupported parameter type",
                        "use int, date or bool",
                    );
                    continue;
                }
            };
            let mut periods = period_values(self.diags, p, base);
            periods.sort_by_key(|p| p.0);
            check_coverage(self.diags, p, &periods, valid_from);
            let idx = params.len() as u16;
            self.params.insert(p.name.text.clone(), (idx, base));
            params.push(ParamC {
                name: p.name.text.clone(),
                base,
                periods: periods.into_iter().map(|(f, t, v, _)| (f, t, v)).collect(),
            });
        }
        params
    }
}

/// The typed values of `p`'s periods; a value of the wrong type (E003) or a period that ends
/// before it starts (E012) is reported and left out.
fn period_values(diags: &mut Diagnostics, p: &ParamDecl, base: Base) -> Vec<PeriodC> {
    let mut periods = Vec::new();
    for per in &p.periods {
        let v = match (&per.value.kind, base) {
            (ExprKind::Int(i), Base::Int) => Value::Int(*i),
            (ExprKind::Date(d), Base::Date) => Value::Date(*d),
            (ExprKind::Bool(b), Base::Bool) => Value::Bool(*b),
            _ => {
                diags.error(
                    "E003",
                    per.value.span.clone(),
                    format!(
                        "type mismatch: parameter `{}` is {base}, value `{}` is not",
                        p.name.text, per.value
                    ),
                    "wrong type",
                    format!("give a {base} value"),
                );
                continue;
            }
        };
        if per.to.is_some_and(|t| t < per.from) {
            diags.error(
                "E012",
                per.span.clone(),
                format!("parameter `{}`: period ends before it starts", p.name.text),
                "empty period",
                "the `to` date is inclusive and must not precede `from`",
            );
            continue;
        }
        periods.push((per.from, per.to, v, per.span.clone()));
    }
    periods
}

/// Periods sorted by start must cover every date from `valid from` on without gaps or
/// overlaps, the last one open-ended (E011, E012).
fn check_coverage(
    diags: &mut Diagnostics,
    p: &ParamDecl,
    periods: &[PeriodC],
    valid_from: NaiveDate,
) {
    let gap_hint = "periods must cover every date from `valid from` onwards without gaps; the last one open-ended (no `to`)";
    match periods.first() {
        None => diags.error(
            "E011",
            p.name.span.clone(),
            format!(
                "parameter `{}` has no value in force on any date",
                p.name.text
            ),
            "no periods",
            gap_hint,
        ),
        Some(first) if first.0 > valid_from => diags.error(
            "E011",
            first.3.clone(),
            format!(
                "parameter `{}` has no value in force from {} to {}",
                p.name.text,
                valid_from,
                first.0.pred_opt().unwrap_or(first.0)
            ),
            "first period starts after `valid from`",
            gap_hint,
        ),
        _ => {}
    }
    for w in periods.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        match a.1 {
            None => diags.error(
                "E012",
                b.3.clone(),
                format!("parameter `{}`: periods overlap from {}", p.name.text, b.0),
                "overlaps the open-ended period before it",
                "end the earlier period with `to DATE` the day before",
            ),
            Some(end) if b.0 <= end => diags.error(
                "E012",
                b.3.clone(),
                format!(
                    "parameter `{}`: periods overlap from {} to {}",
                    p.name.text,
                    b.0,
                    end.min(b.1.unwrap_or(end))
                ),
                "overlaps the period before it",
                "make each period start the day after the previous one ends",
            ),
            Some(end) if end.succ_opt() != Some(b.0) => diags.error(
                "E011",
                b.3.clone(),
                format!(
                    "parameter `{}` has no value in force from {} to {}",
                    p.name.text,
                    end.succ_opt().unwrap_or(end),
                    b.0.pred_opt().unwrap_or(b.0)
                ),
                "gap before this period",
                gap_hint,
            ),
            _ => {}
        }
    }
    if let Some(last) = periods.last() {
        if let Some(end) = last.1 {
            diags.error(
                "E011",
                last.3.clone(),
                format!(
                    "parameter `{}` has no value in force after {end}",
                    p.name.text
                ),
                "last period ends",
                gap_hint,
            );
        }
    }
}

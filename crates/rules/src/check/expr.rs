//! Name resolution, typing and compilation of expressions (E002, E003, E004, E010, E019).
//!
//! Every condition and effective date goes through [`Checker::expr`], which resolves each name
//! (declared input, then parameter, then an enum value of the other side of a comparison),
//! refuses protected inputs (B16), checks types and optional values (with the guards that
//! `is some` / `is none` prove), and emits the compact slot-based [`CExpr`] the engine evaluates.

use super::state::Checker;
use crate::ast::{BinOp, Expr, ExprKind, Name, Span};
use crate::contract::{self, Base, Ty, Value, FIELDS};
use crate::engine::{CExpr, CmpOp, Func};

const FUNCS: &str = "age_on(date, date), add_months(date, int), add_years(date, int), \
add_days(date, int), end_of_month(date), months_between(date, date), blank(text)";

fn same_base(a: Base, b: Base) -> bool {
    match (a, b) {
        (Base::Enum(x), Base::Enum(y)) => std::ptr::eq(x, y) || x == y,
        _ => a == b,
    }
}

pub(super) fn bx(e: CExpr) -> Box<CExpr> {
    Box::new(e)
}

/// Inputs that `e` being true proves present (`x is some`, conjunctions of those).
fn proves_some(e: &Expr, when_true: bool, out: &mut Vec<String>) {
    match (&e.kind, when_true) {
        (ExprKind::Is(inner, some), _) if *some == when_true => {
            if let ExprKind::Name(n) = &inner.kind {
                out.push(n.clone());
            }
        }
        (ExprKind::Bin(BinOp::And, a, b), true) | (ExprKind::Bin(BinOp::Or, a, b), false) => {
            proves_some(a, when_true, out);
            proves_some(b, when_true, out);
        }
        (ExprKind::Not(inner), _) => proves_some(inner, !when_true, out),
        _ => {}
    }
}

impl Checker<'_> {
    fn is_literal_candidate(&self, e: &Expr) -> bool {
        matches!(&e.kind, ExprKind::Name(n) if !n.contains('.') && !self.inputs.contains_key(n)
            && !self.params.contains_key(n) && contract::field(n).is_none())
    }

    fn enum_literal(
        &mut self,
        e: &Expr,
        values: &'static [&'static str],
        other: &str,
    ) -> Option<(Ty, CExpr)> {
        let ExprKind::Name(n) = &e.kind else {
            return None;
        };
        match values.iter().position(|v| v == n) {
            Some(i) => Some((
                Ty::req(Base::Enum(values)),
                CExpr::Const(Value::Enum(i as u8)),
            )),
            None => {
                self.diags.error(
                    "E004",
                    e.span.clone(),
                    format!("unknown value `{n}` for `{other}`"),
                    "not a value of this input",
                    format!("expected one of: {}", values.join(", ")),
                );
                None
            }
        }
    }

    fn name(&mut self, n: &str, span: &Span, guarded: &[String]) -> Option<(Ty, CExpr)> {
        if let Some(d) = self.inputs.get_mut(n) {
            if d.protected {
                let msg = format!("rule reads protected input `{n}` (B16)");
                self.diags.error(
                    "E010",
                    span.clone(),
                    msg,
                    "protected characteristic",
                    "no rule may depend on sex, origin, language or health; remove this reference",
                );
                return None;
            }
            d.used = true;
            self.reads.insert(d.slot as u8);
            let mut ty = d.ty;
            if guarded.iter().any(|g| g == n) {
                ty.optional = false;
            }
            return Some((ty, CExpr::Slot(d.slot as u8)));
        }
        if let Some(&(idx, base)) = self.params.get(n) {
            self.param_reads.insert(idx);
            return Some((Ty::req(base), CExpr::Param(idx)));
        }
        if let Some(i) = contract::field(n) {
            if FIELDS[i].protected {
                self.diags.error(
                    "E010",
                    span.clone(),
                    format!("rule reads protected input `{n}` (B16)"),
                    "protected characteristic",
                    "no rule may depend on sex, origin, language or health; remove this reference",
                );
            } else {
                self.diags.error(
                    "E002",
                    span.clone(),
                    format!("unknown input `{n}`: it is not declared in this file"),
                    "undeclared",
                    format!("declare it: `input {n}: {}`", FIELDS[i].ty),
                );
            }
            return None;
        }
        self.diags.error(
            "E002",
            span.clone(),
            format!("unknown input or parameter `{n}`"),
            "not declared",
            "declare it with `input` (a field of the request contract) or `param`",
        );
        None
    }

    /// Require a compiled operand of base type `want` that cannot be none (E003 otherwise).
    pub(super) fn need(
        &mut self,
        e: &Expr,
        got: Option<(Ty, CExpr)>,
        want: Base,
        what: &str,
    ) -> Option<CExpr> {
        let (ty, c) = got?;
        if !same_base(ty.base, want) {
            self.diags.error(
                "E003",
                e.span.clone(),
                format!("type mismatch: {what} must be {want}, found {}", ty.base),
                format!("this is {}", ty.base),
                "compare values of the same type; dates with dates, integers with integers",
            );
            return None;
        }
        if ty.optional {
            self.optional_err(e);
            return None;
        }
        Some(c)
    }

    fn optional_err(&mut self, e: &Expr) {
        self.diags.error(
            "E003",
            e.span.clone(),
            format!("type mismatch: `{e}` may be none here"),
            "optional value",
            format!("guard it: `{e} is some and …`, or use `in [..]`, `is none`, `blank(..)`"),
        );
    }

    /// Type-check and compile `e`; `g` lists the optional inputs proved present here.
    /// `None` means a diagnostic was emitted.
    pub(super) fn expr(&mut self, e: &Expr, g: &[String]) -> Option<(Ty, CExpr)> {
        match &e.kind {
            ExprKind::Int(i) => Some((Ty::req(Base::Int), CExpr::Const(Value::Int(*i)))),
            ExprKind::Date(d) => Some((Ty::req(Base::Date), CExpr::Const(Value::Date(*d)))),
            ExprKind::Bool(b) => Some((Ty::req(Base::Bool), CExpr::Const(Value::Bool(*b)))),
            ExprKind::Name(n) => self.name(n, &e.span, g),
            ExprKind::Not(a) => {
                let x = self.expr(a, g);
                let c = self.need(a, x, Base::Bool, "the operand of `not`")?;
                Some((Ty::req(Base::Bool), CExpr::Not(bx(c))))
            }
            ExprKind::Bin(op @ (BinOp::And | BinOp::Or), a, b) => {
                let x = self.expr(a, g);
                let ca = self.need(a, x, Base::Bool, "an operand of `and`/`or`");
                let mut g2 = g.to_vec();
                proves_some(a, *op == BinOp::And, &mut g2);
                let y = self.expr(b, &g2);
                let cb = self.need(b, y, Base::Bool, "an operand of `and`/`or`");
                let (ca, cb) = (ca?, cb?);
                Some((
                    Ty::req(Base::Bool),
                    if *op == BinOp::And {
                        CExpr::And(bx(ca), bx(cb))
                    } else {
                        CExpr::Or(bx(ca), bx(cb))
                    },
                ))
            }
            ExprKind::Bin(op @ (BinOp::Add | BinOp::Sub), a, b) => {
                let x = self.expr(a, g);
                let ca = self.need(a, x, Base::Int, "an operand of `+`/`-`");
                let y = self.expr(b, g);
                let cb = self.need(b, y, Base::Int, "an operand of `+`/`-`");
                let (ca, cb) = (ca?, cb?);
                Some((
                    Ty::req(Base::Int),
                    if *op == BinOp::Add {
                        CExpr::Add(bx(ca), bx(cb))
                    } else {
                        CExpr::Sub(bx(ca), bx(cb))
                    },
                ))
            }
            ExprKind::Bin(op, a, b) => {
                // comparison; a bare unknown name on one side is an enum value of the other
                let (ta, ca, tb, cb) =
                    if self.is_literal_candidate(a) && !self.is_literal_candidate(b) {
                        let (tb, cb) = self.expr(b, g)?;
                        let Base::Enum(vals) = tb.base else {
                            return self.name(&a.to_string(), &a.span, g);
                        };
                        let (ta, ca) = self.enum_literal(a, vals, &b.to_string())?;
                        (ta, ca, tb, cb)
                    } else {
                        let (ta, ca) = self.expr(a, g)?;
                        let (tb, cb) = match ta.base {
                            Base::Enum(vals) if self.is_literal_candidate(b) => {
                                self.enum_literal(b, vals, &a.to_string())?
                            }
                            _ => self.expr(b, g)?,
                        };
                        (ta, ca, tb, cb)
                    };
                if !same_base(ta.base, tb.base) {
                    self.diags.error(
                        "E003",
                        e.span.clone(),
                        format!("type mismatch: cannot compare {} with {}", ta.base, tb.base),
                        format!("{} {} {}", ta.base, op.as_str(), tb.base),
                        "compare values of the same type; dates with dates, integers with integers",
                    );
                    return None;
                }
                if ta.optional || tb.optional {
                    self.optional_err(if ta.optional { a } else { b });
                    return None;
                }
                let ordered = matches!(op, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge);
                if matches!(ta.base, Base::Text)
                    || (ordered && !matches!(ta.base, Base::Int | Base::Date))
                {
                    self.diags.error(
                        "E003",
                        e.span.clone(),
                        format!(
                            "type mismatch: `{}` is not defined for {}",
                            op.as_str(),
                            ta.base
                        ),
                        "unsupported comparison",
                        "order comparisons work on int and date; use `blank(..)` for text",
                    );
                    return None;
                }
                let cop = match op {
                    BinOp::Eq => CmpOp::Eq,
                    BinOp::Ne => CmpOp::Ne,
                    BinOp::Lt => CmpOp::Lt,
                    BinOp::Le => CmpOp::Le,
                    BinOp::Gt => CmpOp::Gt,
                    _ => CmpOp::Ge,
                };
                Some((Ty::req(Base::Bool), CExpr::Cmp(cop, bx(ca), bx(cb))))
            }
            ExprKind::In(a, vals) => {
                let (ta, ca) = self.expr(a, g)?;
                let Base::Enum(names) = ta.base else {
                    self.diags.error(
                        "E003",
                        a.span.clone(),
                        format!(
                            "type mismatch: `in [..]` needs an enum value, found {}",
                            ta.base
                        ),
                        format!("this is {}", ta.base),
                        "use `in` with enum inputs only",
                    );
                    return None;
                };
                let mut mask = 0u64;
                let mut ok = true;
                for v in vals {
                    match names.iter().position(|n| *n == v.text) {
                        Some(i) => mask |= 1u64 << i,
                        None => {
                            ok = false;
                            self.diags.error(
                                "E004",
                                v.span.clone(),
                                format!("unknown value `{}` for `{a}`", v.text),
                                "not a value of this input",
                                format!("expected one of: {}", names.join(", ")),
                            );
                        }
                    }
                }
                ok.then(|| (Ty::req(Base::Bool), CExpr::InSet(bx(ca), mask)))
            }
            ExprKind::Is(a, some) => {
                let (ta, ca) = self.expr(a, &[])?;
                if !ta.optional {
                    self.diags.error(
                        "E003",
                        e.span.clone(),
                        format!("type mismatch: `{a}` is never none"),
                        "not optional",
                        "`is none` / `is some` apply to optional inputs only",
                    );
                    return None;
                }
                Some((Ty::req(Base::Bool), CExpr::Is(bx(ca), *some)))
            }
            ExprKind::Call(f, args) => self.call(e, f, args, g),
        }
    }

    fn call(&mut self, e: &Expr, f: &Name, args: &[Expr], g: &[String]) -> Option<(Ty, CExpr)> {
        use Base::*;
        let (func, params, ret): (Func, &[Base], Base) = match f.text.as_str() {
            "age_on" => (Func::AgeOn, &[Date, Date], Int),
            "months_between" => (Func::MonthsBetween, &[Date, Date], Int),
            "add_months" => (Func::AddMonths, &[Date, Int], Date),
            "add_years" => (Func::AddYears, &[Date, Int], Date),
            "add_days" => (Func::AddDays, &[Date, Int], Date),
            "end_of_month" => (Func::EndOfMonth, &[Date], Date),
            "blank" => (Func::Blank, &[Text], Bool),
            _ => {
                self.diags.error(
                    "E019",
                    f.span.clone(),
                    format!("unknown function `{}`", f.text),
                    "not a built-in function",
                    format!("functions: {FUNCS}"),
                );
                return None;
            }
        };
        if args.len() != params.len() {
            self.diags.error(
                "E019",
                e.span.clone(),
                format!(
                    "`{}` takes {} argument(s), found {}",
                    f.text,
                    params.len(),
                    args.len()
                ),
                "wrong number of arguments",
                format!("functions: {FUNCS}"),
            );
            return None;
        }
        let mut cs = Vec::new();
        for (a, want) in args.iter().zip(params) {
            let got = self.expr(a, g);
            if func == Func::Blank {
                // blank() accepts optional text: none counts as blank (B5)
                let (t, c) = got?;
                cs.push(self.need(
                    a,
                    Some((
                        Ty {
                            optional: false,
                            ..t
                        },
                        c,
                    )),
                    Text,
                    "the argument of `blank`",
                )?);
            } else {
                cs.push(self.need(a, got, *want, &format!("argument of `{}`", f.text))?);
            }
        }
        let mut it = cs.into_iter();
        let c = match (it.next(), it.next()) {
            (Some(a), None) => CExpr::Call1(func, bx(a)),
            (Some(a), Some(b)) => CExpr::Call2(func, bx(a), bx(b)),
            _ => return None,
        };
        Some((Ty::req(ret), c))
    }
}

//! Static checks and compilation of a parsed rule file (see README.md, "Static checks").

use crate::ast::*;
use crate::contract::{self, Base, Ty, Value, DECISION_DATE, FIELDS};
use crate::diag::Diagnostics;
use crate::engine::*;
use crate::request::Kind;
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

const MAX_RULES: usize = 128;
const FUNCS: &str = "age_on(date, date), add_months(date, int), add_years(date, int), \
add_days(date, int), end_of_month(date), months_between(date, date), blank(text)";

struct DeclInput {
    slot: usize,
    ty: Ty,
    protected: bool,
    used: bool,
    span: Span,
}

struct Checker<'d> {
    diags: &'d mut Diagnostics,
    inputs: HashMap<String, DeclInput>,
    params: HashMap<String, (u16, Base)>,
    reads: BTreeSet<u8>,
    param_reads: BTreeSet<u16>,
}

fn base_of(t: &TypeExpr) -> Option<Base> {
    match t {
        TypeExpr::Bool => Some(Base::Bool),
        TypeExpr::Int => Some(Base::Int),
        TypeExpr::Date => Some(Base::Date),
        TypeExpr::Text => Some(Base::Text),
        TypeExpr::Enum(_) => None,
    }
}

fn same_base(a: Base, b: Base) -> bool {
    match (a, b) {
        (Base::Enum(x), Base::Enum(y)) => std::ptr::eq(x, y) || x == y,
        _ => a == b,
    }
}

fn bx(e: CExpr) -> Box<CExpr> {
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

    fn need(
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

    fn expr(&mut self, e: &Expr, g: &[String]) -> Option<(Ty, CExpr)> {
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

// ---------------------------------------------------------------------------------------------
// Satisfiability (for unreachable and contradictory rules): DNF over simple constraints.

#[derive(Debug, Clone)]
enum Lit {
    False,
    True,
    Range(String, i64, i64),
    Ne(String, i64),
    Mask(String, u64),
    Is(String, bool),
    Opaque,
}

const DNF_CAP: usize = 256;

fn const_of(e: &CExpr, params: &[ParamC]) -> Option<i64> {
    let v = match e {
        CExpr::Const(v) => *v,
        CExpr::Param(p) => params.get(*p as usize)?.single()?,
        _ => return None,
    };
    match v {
        Value::Int(i) => Some(i),
        Value::Date(d) => Some(i64::from(chrono::Datelike::num_days_from_ce(&d))),
        Value::Bool(b) => Some(i64::from(b)),
        Value::Enum(i) => Some(-1 - i64::from(i)),
        _ => None,
    }
}

fn key(e: &CExpr) -> String {
    format!("{e:?}")
}

fn dnf(e: &CExpr, neg: bool, ps: &[ParamC]) -> Option<Vec<Vec<Lit>>> {
    let one = |l: Lit| Some(vec![vec![l]]);
    match e {
        CExpr::Const(Value::Bool(b)) => one(if *b != neg { Lit::True } else { Lit::False }),
        CExpr::Not(a) => dnf(a, !neg, ps),
        CExpr::And(a, b) | CExpr::Or(a, b) => {
            let is_and = matches!(e, CExpr::And(..)) != neg;
            let (x, y) = (dnf(a, neg, ps)?, dnf(b, neg, ps)?);
            if is_and {
                if x.len() * y.len() > DNF_CAP {
                    return None;
                }
                Some(
                    x.iter()
                        .flat_map(|cx| y.iter().map(move |cy| [cx.clone(), cy.clone()].concat()))
                        .collect(),
                )
            } else {
                if x.len() + y.len() > DNF_CAP {
                    return None;
                }
                Some([x, y].concat())
            }
        }
        CExpr::Cmp(op, a, b) => {
            let (k, c, op) = match (const_of(a, ps), const_of(b, ps)) {
                (None, Some(c)) => (key(a), c, *op),
                (Some(c), None) => {
                    let flipped = match op {
                        CmpOp::Lt => CmpOp::Gt,
                        CmpOp::Le => CmpOp::Ge,
                        CmpOp::Gt => CmpOp::Lt,
                        CmpOp::Ge => CmpOp::Le,
                        o => *o,
                    };
                    (key(b), c, flipped)
                }
                (Some(x), Some(y)) => {
                    let r = match op {
                        CmpOp::Eq => x == y,
                        CmpOp::Ne => x != y,
                        CmpOp::Lt => x < y,
                        CmpOp::Le => x <= y,
                        CmpOp::Gt => x > y,
                        CmpOp::Ge => x >= y,
                    };
                    return one(if r != neg { Lit::True } else { Lit::False });
                }
                _ => return one(Lit::Opaque),
            };
            let op = if neg {
                match op {
                    CmpOp::Eq => CmpOp::Ne,
                    CmpOp::Ne => CmpOp::Eq,
                    CmpOp::Lt => CmpOp::Ge,
                    CmpOp::Le => CmpOp::Gt,
                    CmpOp::Gt => CmpOp::Le,
                    CmpOp::Ge => CmpOp::Lt,
                }
            } else {
                op
            };
            one(match op {
                CmpOp::Eq => Lit::Range(k, c, c),
                CmpOp::Ne => Lit::Ne(k, c),
                CmpOp::Lt => Lit::Range(k, i64::MIN, c.saturating_sub(1)),
                CmpOp::Le => Lit::Range(k, i64::MIN, c),
                CmpOp::Gt => Lit::Range(k, c.saturating_add(1), i64::MAX),
                CmpOp::Ge => Lit::Range(k, c, i64::MAX),
            })
        }
        CExpr::InSet(a, m) => one(Lit::Mask(key(a), if neg { !m } else { *m })),
        CExpr::Is(a, some) => one(Lit::Is(key(a), *some != neg)),
        CExpr::Slot(_) | CExpr::Call1(Func::Blank, _) => {
            one(Lit::Range(key(e), i64::from(!neg), i64::from(!neg)))
        }
        _ => one(Lit::Opaque),
    }
}

fn conj_sat(c: &[Lit]) -> bool {
    let mut ranges: HashMap<&str, (i64, i64)> = HashMap::new();
    let mut masks: HashMap<&str, u64> = HashMap::new();
    let mut is: HashMap<&str, bool> = HashMap::new();
    for l in c {
        match l {
            Lit::False => return false,
            Lit::Range(k, lo, hi) => {
                let r = ranges.entry(k).or_insert((i64::MIN, i64::MAX));
                r.0 = r.0.max(*lo);
                r.1 = r.1.min(*hi);
            }
            Lit::Mask(k, m) => *masks.entry(k).or_insert(u64::MAX) &= m,
            Lit::Is(k, s) if *is.entry(k).or_insert(*s) != *s => return false,
            _ => {}
        }
    }
    for l in c {
        if let Lit::Ne(k, v) = l {
            if ranges.get(k.as_str()) == Some(&(*v, *v)) {
                return false;
            }
        }
    }
    ranges.values().all(|(lo, hi)| lo <= hi) && masks.values().all(|m| *m != 0)
}

fn satisfiable(e: &CExpr, ps: &[ParamC]) -> bool {
    dnf(e, false, ps).is_none_or(|d| d.iter().any(|c| conj_sat(c)))
}

// ---------------------------------------------------------------------------------------------

const MAX_DEPTH: usize = 256;

fn file_exprs(f: &File) -> Vec<&Expr> {
    let mut v = Vec::new();
    for item in &f.items {
        if let Item::Rule(r) = item {
            for c in &r.clauses {
                match c {
                    Clause::When(e) => v.push(e),
                    Clause::Then(Effect::Outcome { effective, .. }, _) => v.push(effective),
                    _ => {}
                }
            }
        }
    }
    v
}

/// Iterative depth check (no recursion): the span of a node deeper than [`MAX_DEPTH`].
fn too_deep(e: &Expr) -> Option<Span> {
    let mut stack = vec![(e, 1usize)];
    while let Some((e, d)) = stack.pop() {
        if d > MAX_DEPTH {
            return Some(e.span.clone());
        }
        match &e.kind {
            ExprKind::Not(a) | ExprKind::In(a, _) | ExprKind::Is(a, _) => stack.push((a, d + 1)),
            ExprKind::Bin(_, a, b) => {
                stack.push((a, d + 1));
                stack.push((b, d + 1));
            }
            ExprKind::Call(_, args) => stack.extend(args.iter().map(|a| (a, d + 1))),
            _ => {}
        }
    }
    None
}

fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Parse and check a rule file, and compile it. Errors stop loading; warnings are kept in
/// [`RuleSet::warnings`].
pub fn check(source: &str, filename: &str) -> Result<RuleSet, Diagnostics> {
    let mut diags = Diagnostics::new(filename, source);
    let file = match crate::parser::parse(source) {
        Ok(f) => f,
        Err(e) => {
            let len = source
                .get(e.offset..)
                .and_then(|r| r.chars().next())
                .filter(|c| *c != '\n' && *c != '\r')
                .map_or(0, char::len_utf8);
            diags.error("E001", e.offset..e.offset + len, e.message, "here", e.hint);
            return Err(diags);
        }
    };
    // Long `and`/`or`/`+` chains are parsed iteratively but checked recursively: bound depth.
    for e in file_exprs(&file) {
        if let Some(deep) = too_deep(e) {
            diags.error(
                "E020",
                deep,
                format!("expression nested more than {MAX_DEPTH} levels deep"),
                "too deep",
                "split the condition into several rules or simpler parts",
            );
            return Err(diags);
        }
    }
    let kind = match file.kind.text.as_str() {
        "job_search_start" => Some(Kind::JobSearchStart),
        "job_search_end" => Some(Kind::JobSearchEnd),
        _ => {
            diags.error(
                "E015",
                file.kind.span.clone(),
                format!("unknown kind `{}`", file.kind.text),
                "unknown kind",
                "use `kind job_search_start` or `kind job_search_end`",
            );
            None
        }
    };
    let valid_from = file.valid_from.0;
    let mut ck = Checker {
        diags: &mut diags,
        inputs: HashMap::new(),
        params: HashMap::new(),
        reads: BTreeSet::new(),
        param_reads: BTreeSet::new(),
    };

    // inputs
    for item in &file.items {
        let Item::Input(i) = item else { continue };
        let Some(slot) = contract::field(&i.path.text) else {
            ck.diags.error(
                "E002",
                i.path.span.clone(),
                format!("unknown input `{}`: not a field of the request contract", i.path.text),
                "unknown field",
                "inputs mirror shared/cases/README.md, e.g. `person.birth_date`, `reported.studies`",
            );
            continue;
        };
        if ck.inputs.contains_key(&i.path.text) {
            ck.diags.error(
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
                    vs.len() == names.len() && vs.iter().all(|v| names.contains(&v.text.as_str()))
                }
                (t, b) => base_of(t) == Some(b),
            };
        if !ty_ok {
            ck.diags.error(
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
        ck.inputs.insert(
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

    // params
    let mut params: Vec<ParamC> = Vec::new();
    for item in &file.items {
        let Item::Param(p) = item else { continue };
        if ck.params.contains_key(&p.name.text) || ck.inputs.contains_key(&p.name.text) {
            ck.diags.error(
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
                ck.diags.error(
                    "E003",
                    p.ty_span.clone(),
                    format!("type mismatch: parameters are int, date or bool, found {t}"),
                    "unsupported parameter type",
                    "use int, date or bool",
                );
                continue;
            }
        };
        let mut periods = Vec::new();
        for per in &p.periods {
            let v = match (&per.value.kind, base) {
                (ExprKind::Int(i), Base::Int) => Value::Int(*i),
                (ExprKind::Date(d), Base::Date) => Value::Date(*d),
                (ExprKind::Bool(b), Base::Bool) => Value::Bool(*b),
                _ => {
                    ck.diags.error(
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
                ck.diags.error(
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
        periods.sort_by_key(|p| p.0);
        let gap_hint = "periods must cover every date from `valid from` onwards without gaps; the last one open-ended (no `to`)";
        match periods.first() {
            None => ck.diags.error(
                "E011",
                p.name.span.clone(),
                format!(
                    "parameter `{}` has no value in force on any date",
                    p.name.text
                ),
                "no periods",
                gap_hint,
            ),
            Some(first) if first.0 > valid_from => ck.diags.error(
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
                None => ck.diags.error(
                    "E012",
                    b.3.clone(),
                    format!("parameter `{}`: periods overlap from {}", p.name.text, b.0),
                    "overlaps the open-ended period before it",
                    "end the earlier period with `to DATE` the day before",
                ),
                Some(end) if b.0 <= end => ck.diags.error(
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
                Some(end) if end.succ_opt() != Some(b.0) => ck.diags.error(
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
                ck.diags.error(
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
        let idx = params.len() as u16;
        ck.params.insert(p.name.text.clone(), (idx, base));
        params.push(ParamC {
            name: p.name.text.clone(),
            base,
            periods: periods.into_iter().map(|(f, t, v, _)| (f, t, v)).collect(),
        });
    }

    // rules
    let mut metas: Vec<RuleMeta> = Vec::new();
    let mut routes = Vec::new();
    let mut outcomes: Vec<(CRule, &RuleDecl, String)> = Vec::new();
    let mut fallback: Option<CRule> = None;
    let mut ids: HashMap<String, Span> = HashMap::new();
    let rules: Vec<&RuleDecl> = file
        .items
        .iter()
        .filter_map(|i| if let Item::Rule(r) = i { Some(r) } else { None })
        .collect();
    if rules.len() > MAX_RULES {
        ck.diags.error(
            "E018",
            rules[MAX_RULES].id.span.clone(),
            format!("too many rules: at most {MAX_RULES} per rule set"),
            "rule over the limit",
            "split the rule set",
        );
    }
    for r in rules.iter().take(MAX_RULES) {
        if let Some(prev) = ids.get(&r.id.text) {
            let _ = prev;
            ck.diags.error(
                "E007",
                r.id.span.clone(),
                format!("duplicate rule id `{}`", r.id.text),
                "defined again",
                "give each rule a unique id",
            );
            continue;
        }
        ids.insert(r.id.text.clone(), r.id.span.clone());
        let (mut fi, mut sv, mut en, mut basis, mut when, mut then) =
            (None, None, None, None, None, None);
        let head = r.span.start..r.id.span.end;
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
                            ck.diags.error("E005", l.span.clone(), format!("unknown title language `{}`", l.text), "unknown language", "titles are `title fi`, `title sv` (required) and `title en` (optional)");
                            continue;
                        }
                    };
                    if slot.is_some() {
                        dup(ck.diags, l.span.clone(), &format!("`title {}`", l.text));
                    } else if t.text.trim().is_empty() {
                        ck.diags.error(
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
                        dup(ck.diags, b.span.clone(), "`basis`");
                    } else if b.text.trim().is_empty() {
                        ck.diags.error(
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
                        dup(ck.diags, e.span.clone(), "`when`");
                    } else {
                        when = Some(e);
                    }
                }
                Clause::Then(eff, sp) => {
                    if then.is_some() {
                        dup(ck.diags, sp.clone(), "`then`");
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
                ck.diags.error(
                    "E005",
                    head.clone(),
                    format!("rule `{}` has no `title {lang}`", r.id.text),
                    format!("missing `title {lang}`"),
                    "every rule needs a Finnish and a Swedish title (Language Act 423/2003)",
                );
            }
        }
        if basis.is_none() && !r.clauses.iter().any(|c| matches!(c, Clause::Basis(_))) {
            ck.diags.error(
                "E006",
                head.clone(),
                format!("rule `{}` has no legal basis", r.id.text),
                "missing `basis`",
                "cite the section of law, e.g. `basis \"TTL 2a:1\"` (B3, B9)",
            );
        }
        // condition
        ck.reads.clear();
        ck.param_reads.clear();
        let cond = match (r.fallback, when) {
            (true, Some(w)) => {
                ck.diags.error(
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
                ck.diags.error(
                    "E017",
                    head.clone(),
                    format!("rule `{}` has no `when` condition", r.id.text),
                    "missing `when`",
                    "add `when <condition>`; write `when true` for an unconditional rule",
                );
                None
            }
            (false, Some(w)) => {
                let got = ck.expr(w, &[]);
                ck.need(w, got, Base::Bool, "a condition")
            }
        };
        // effect
        let effect = match then.clone() {
            None => {
                ck.diags.error(
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
                    ck.diags.error(
                        "E008",
                        code.span.clone(),
                        format!("unknown reason code `{}`", code.text),
                        "unknown code",
                        format!("reason codes: {}", all.join(", ")),
                    );
                }
                let t = Target::parse(&target.text);
                if t.is_none() {
                    ck.diags.error(
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
                    ck.diags.error(
                        "E013",
                        sp,
                        "a fallback rule must route to an official",
                        "not a routing",
                        "write `then route UNDECIDED to employment_authority`",
                    );
                    None
                } else {
                    let o = match (outcome.text.as_str(), kind) {
                        ("auto_positive", Some(Kind::JobSearchStart)) => {
                            Some(Outcome::AutoPositive)
                        }
                        ("auto_end", Some(Kind::JobSearchEnd)) => Some(Outcome::AutoEnd),
                        (o, _) => {
                            ck.diags.error("E015", outcome.span.clone(), format!("outcome `{o}` is not available for kind `{}`", file.kind.text), "wrong outcome", "job_search_start rules decide `auto_positive`; job_search_end rules decide `auto_end`; routing is `route CODE to TARGET`");
                            None
                        }
                    };
                    let eff = match ck.expr(effective, &[]) {
                        Some((t, c)) if t.base == Base::Date => Some(c),
                        Some((t, _)) => {
                            ck.diags.error(
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
        };
        let (Some(cond), Some(effect)) = (cond, effect) else {
            continue;
        };
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
        let idx = metas.len() as u16;
        let (code, target) = match effect {
            CEffect::Route(c, t) => (Some(c), Some(t)),
            _ => (None, None),
        };
        metas.push(RuleMeta {
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
            reads: ck.reads.iter().copied().collect(),
            params: ck.param_reads.iter().copied().collect(),
        });
        let cr = CRule { idx, cond, effect };
        match role {
            Role::Route => {
                if !satisfiable(&cr.cond, &params) {
                    if let Some(w) = when {
                        ck.diags.warning(
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
                routes.push(cr)
            }
            Role::Outcome => {
                if !satisfiable(&cr.cond, &params) {
                    if let Some(w) = when {
                        ck.diags.warning(
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
                let eff_text = match then {
                    Some((Effect::Outcome { effective, .. }, _)) => effective.to_string(),
                    _ => String::new(),
                };
                outcomes.push((cr, r, eff_text))
            }
            Role::Fallback => {
                if fallback.is_some() {
                    ck.diags.error(
                        "E013",
                        r.id.span.clone(),
                        "more than one fallback rule",
                        "second fallback",
                        "keep exactly one `fallback rule`",
                    );
                } else {
                    fallback = Some(cr);
                }
            }
        }
    }
    // contradictory outcome rules
    for (i, (a, ra, ea)) in outcomes.iter().enumerate() {
        for (b, rb, eb) in outcomes.iter().skip(i + 1) {
            let both = CExpr::And(bx(a.cond.clone()), bx(b.cond.clone()));
            if ea == eb && satisfiable(&both, &params) {
                ck.diags.warning(
                    "W003",
                    rb.id.span.clone(),
                    format!(
                        "rules `{}` and `{}` can both fire; `{}` (first in file order) decides",
                        ra.id.text, rb.id.text, ra.id.text
                    ),
                    format!("overlaps `{}`", ra.id.text),
                    "make the conditions mutually exclusive, or merge the rules",
                );
            }
            if ea != eb && satisfiable(&both, &params) {
                ck.diags.error(
                    "E014",
                    rb.id.span.clone(),
                    format!("contradictory rules `{}` and `{}`: both can fire for the same case with different effective dates", ra.id.text, rb.id.text),
                    format!("conflicts with `{}`", ra.id.text),
                    "make the conditions mutually exclusive, or give the same effective date",
                );
            }
        }
    }
    let has_fallback_decl = rules.iter().any(|r| r.fallback);
    if !has_fallback_decl {
        ck.diags.error("E013", file.name.span.clone(), "the rule set has no fallback rule", "no `fallback rule`", "a case that no rule decides must go to an official: add `fallback rule undecided { title fi \"…\" title sv \"…\" basis \"…\" then route UNDECIDED to employment_authority }`");
    }
    // unused inputs
    let mut unused: Vec<(&String, &DeclInput)> = ck
        .inputs
        .iter()
        .filter(|(_, d)| !d.used && !d.protected && d.slot != DECISION_DATE)
        .collect();
    unused.sort_by_key(|(_, d)| d.span.start);
    let unused: Vec<(String, Span)> = unused
        .into_iter()
        .map(|(n, d)| (n.clone(), d.span.clone()))
        .collect();
    let load: Vec<u8> = {
        let mut s: BTreeSet<u8> = metas.iter().flat_map(|m| m.reads.iter().copied()).collect();
        for (_, d) in ck.inputs.iter().filter(|(_, d)| d.used) {
            s.insert(d.slot as u8);
        }
        s.into_iter().collect()
    };
    for (n, span) in unused {
        diags.warning(
            "W002",
            span,
            format!("input `{n}` is declared but no rule reads it"),
            "unused input",
            "remove the declaration, or use it in a rule",
        );
    }
    diags.sort();
    if diags.has_errors() {
        return Err(diags);
    }
    let (Some(kind), Some(fallback)) = (kind, fallback) else {
        return Err(diags);
    };
    let canonical = file.canonical();
    let meta = Meta {
        name: file.name.text.clone(),
        version: file.version.text.clone(),
        hash: sha256_hex(&canonical),
        kind,
        rules: metas,
        params,
    };
    Ok(RuleSet {
        meta: Arc::new(meta),
        valid_from,
        load,
        routes,
        outcomes: outcomes.into_iter().map(|(c, _, _)| c).collect(),
        fallback,
        warnings: diags,
        canonical,
    })
}

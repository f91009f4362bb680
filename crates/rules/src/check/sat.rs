//! Satisfiability of compiled conditions, for the reachability and contradiction checks (W001,
//! W003, E014): a condition is rewritten as a disjunction of conjunctions (DNF) over simple
//! interval, set and presence constraints. Sound but incomplete: when it cannot prove a
//! condition empty (too many terms, opaque sub-expressions), it says "satisfiable", so the
//! checker stays silent rather than reporting a rule that may fire.

use crate::contract::Value;
use crate::engine::{CExpr, CmpOp, Func, ParamC};
use std::collections::HashMap;

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

/// Can `e` hold for some request? `true` unless every conjunction of its DNF is provably
/// empty (or the DNF exceeds [`DNF_CAP`] terms, when it gives up and says `true`).
pub(super) fn satisfiable(e: &CExpr, ps: &[ParamC]) -> bool {
    dnf(e, false, ps).is_none_or(|d| d.iter().any(|c| conj_sat(c)))
}

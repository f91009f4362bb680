//! Static checks and compilation of a parsed rule file (see README.md, "Static checks").
//!
//! [`check`] runs in phases, each a function named after what it establishes:
//!
//! 1. [`parse`]: the text becomes an AST (E001);
//! 2. [`bound_depth`]: no expression is too deep to check recursively (E020);
//! 3. [`resolve_kind`]: which statement the file decides (E015);
//! 4. declarations ([`decls`]): inputs against the request contract, parameters and their
//!    periods;
//! 5. rules ([`rules`]): titles, basis, clauses, and through [`expr`] the names, types and
//!    protected inputs (B16) of every condition, compiled into slot-based expressions;
//! 6. [`check_outcome_overlaps`] and [`require_fallback`]: how the rules relate to each other
//!    (W003, E014, E013), with the satisfiability analysis of [`sat`];
//! 7. [`load_slots`] and [`warn_unused_inputs`]: which request fields evaluation loads (W002);
//! 8. [`assemble`]: diagnostics in source order; on success the canonical text, its hash (B10)
//!    and the compiled [`RuleSet`].
//!
//! Every phase reports into one [`Diagnostics`] and checking goes on after an error where the
//! later phases still make sense, so an author sees every problem of a file at once.

mod decls;
mod expr;
mod rules;
mod sat;
mod state;

use crate::ast::*;
use crate::contract::DECISION_DATE;
use crate::diag::Diagnostics;
use crate::engine::*;
use crate::request::Kind;
use rules::Compiled;
use sha2::{Digest, Sha256};
use state::{Checker, DeclInput};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

const MAX_DEPTH: usize = 256;

/// Parse and check a rule file, and compile it. Errors stop loading; warnings are kept in
/// [`RuleSet::warnings`].
pub fn check(source: &str, filename: &str) -> Result<RuleSet, Diagnostics> {
    let mut diags = Diagnostics::new(filename, source);
    let Some(file) = parse(source, &mut diags) else {
        return Err(diags);
    };
    if !bound_depth(&file, &mut diags) {
        return Err(diags);
    }
    let kind = resolve_kind(&file, &mut diags);
    let valid_from = file.valid_from.0;
    let mut ck = Checker {
        diags: &mut diags,
        inputs: HashMap::new(),
        params: HashMap::new(),
        reads: BTreeSet::new(),
        param_reads: BTreeSet::new(),
    };
    ck.declare_inputs(&file);
    let params = ck.declare_params(&file, valid_from);
    let compiled = ck.compile_rules(&file, kind, &params);
    check_outcome_overlaps(ck.diags, &compiled, &params);
    require_fallback(ck.diags, &file);
    let load = load_slots(&ck.inputs, &compiled.metas);
    let unused = unused_inputs(&ck.inputs);
    warn_unused_inputs(&mut diags, unused);
    assemble(diags, &file, kind, params, compiled, load)
}

/// Phase 1: parse. A syntax error stops everything: nothing after it can be trusted.
fn parse(source: &str, diags: &mut Diagnostics) -> Option<File> {
    match crate::parser::parse(source) {
        Ok(f) => Some(f),
        Err(e) => {
            let len = source
                .get(e.offset..)
                .and_then(|r| r.chars().next())
                .filter(|c| *c != '\n' && *c != '\r')
                .map_or(0, char::len_utf8);
            diags.error("E001", e.offset..e.offset + len, e.message, "here", e.hint);
            None
        }
    }
}

/// Phase 2: long `and`/`or`/`+` chains are parsed iteratively but checked and evaluated
/// recursively, so a hostile file could overflow the stack: bound the depth first (E020).
/// Returns false (and stops checking) on the first expression too deep.
fn bound_depth(file: &File, diags: &mut Diagnostics) -> bool {
    for e in file_exprs(file) {
        if let Some(deep) = too_deep(e) {
            diags.error(
                "E020",
                deep,
                format!("expression nested more than {MAX_DEPTH} levels deep"),
                "too deep",
                "split the condition into several rules or simpler parts",
            );
            return false;
        }
    }
    true
}

/// Every expression of a file: rule conditions and effective dates.
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

/// Phase 3: the header's kind decides which outcome a rule may give. An unknown kind is
/// reported (E015) but the rest of the file is still checked.
fn resolve_kind(file: &File, diags: &mut Diagnostics) -> Option<Kind> {
    match file.kind.text.as_str() {
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
    }
}

/// Phase 6a: outcome rules are tried in file order and the first that holds decides, so two
/// that can hold for the same case are either redundant (same effective date: W003) or a
/// contradiction the file order would silently settle (different dates: E014).
fn check_outcome_overlaps(diags: &mut Diagnostics, compiled: &Compiled<'_>, params: &[ParamC]) {
    let outcomes = &compiled.outcomes;
    for (i, (a, ra, ea)) in outcomes.iter().enumerate() {
        for (b, rb, eb) in outcomes.iter().skip(i + 1) {
            let both = CExpr::And(expr::bx(a.cond.clone()), expr::bx(b.cond.clone()));
            if ea == eb && sat::satisfiable(&both, params) {
                diags.warning(
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
            if ea != eb && sat::satisfiable(&both, params) {
                diags.error(
                    "E014",
                    rb.id.span.clone(),
                    format!("contradictory rules `{}` and `{}`: both can fire for the same case with different effective dates", ra.id.text, rb.id.text),
                    format!("conflicts with `{}`", ra.id.text),
                    "make the conditions mutually exclusive, or give the same effective date",
                );
            }
        }
    }
}

/// Phase 6b: a case that no rule decides must go to an official, and the file must say so
/// with an explicit `fallback rule` (E013), not leave it to code outside the rules (B3).
fn require_fallback(diags: &mut Diagnostics, file: &File) {
    let has_fallback_decl = file
        .items
        .iter()
        .any(|i| matches!(i, Item::Rule(r) if r.fallback));
    if !has_fallback_decl {
        diags.error("E013", file.name.span.clone(), "the rule set has no fallback rule", "no `fallback rule`", "a case that no rule decides must go to an official: add `fallback rule undecided { title fi \"…\" title sv \"…\" basis \"…\" then route UNDECIDED to employment_authority }`");
    }
}

/// Phase 7a: the request fields evaluation copies into slots, and only those: what any
/// compiled rule reads, plus every input a condition resolved (so a trace can show it).
fn load_slots(inputs: &HashMap<String, DeclInput>, metas: &[RuleMeta]) -> Vec<u8> {
    let mut s: BTreeSet<u8> = metas.iter().flat_map(|m| m.reads.iter().copied()).collect();
    for (_, d) in inputs.iter().filter(|(_, d)| d.used) {
        s.insert(d.slot as u8);
    }
    s.into_iter().collect()
}

/// Declared inputs no rule reads, in file order. Protected inputs are declared on purpose (to
/// document that they exist and are not read, B16); `decision_date` is always loaded.
fn unused_inputs(inputs: &HashMap<String, DeclInput>) -> Vec<(String, Span)> {
    let mut unused: Vec<(&String, &DeclInput)> = inputs
        .iter()
        .filter(|(_, d)| !d.used && !d.protected && d.slot != DECISION_DATE)
        .collect();
    unused.sort_by_key(|(_, d)| d.span.start);
    unused
        .into_iter()
        .map(|(n, d)| (n.clone(), d.span.clone()))
        .collect()
}

/// Phase 7b: an unused input is harmless to a decision but misleads a reader about what the
/// rules depend on (W002).
fn warn_unused_inputs(diags: &mut Diagnostics, unused: Vec<(String, Span)>) {
    for (n, span) in unused {
        diags.warning(
            "W002",
            span,
            format!("input `{n}` is declared but no rule reads it"),
            "unused input",
            "remove the declaration, or use it in a rule",
        );
    }
}

/// Phase 8: diagnostics in source order; any error refuses the file. Otherwise the rule set
/// is identified by the SHA-256 of its canonical text (B10), so formatting and comments do not
/// change its identity but any change of meaning does.
fn assemble(
    mut diags: Diagnostics,
    file: &File,
    kind: Option<Kind>,
    params: Vec<ParamC>,
    compiled: Compiled<'_>,
    load: Vec<u8>,
) -> Result<RuleSet, Diagnostics> {
    diags.sort();
    if diags.has_errors() {
        return Err(diags);
    }
    let Compiled {
        metas,
        routes,
        outcomes,
        fallback,
    } = compiled;
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
        valid_from: file.valid_from.0,
        load,
        routes,
        outcomes: outcomes.into_iter().map(|(c, _, _)| c).collect(),
        fallback,
        warnings: diags,
        canonical,
    })
}

fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

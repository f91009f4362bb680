//! The rule-file grammar, written with `winnow` (see README.md for the grammar summary).

use crate::ast::*;
use chrono::NaiveDate;
use winnow::ascii::{digit1, multispace1, till_line_ending};
use winnow::combinator::{alt, cut_err, opt, repeat};
use winnow::error::{ContextError, ErrMode, StrContext, StrContextValue};
use winnow::stream::{Location, Stream};
use winnow::token::{literal, take_till, take_while};
use winnow::{LocatingSlice, ModalResult, Parser};

type In<'a> = LocatingSlice<&'a str>;

/// A syntax error: where, what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte offset.
    pub offset: usize,
    /// Message.
    pub message: String,
    /// Hint.
    pub hint: String,
}

fn expected(what: &'static str) -> StrContext {
    StrContext::Expected(StrContextValue::Description(what))
}

fn cut_fail<T>(what: &'static str) -> ModalResult<T> {
    let mut e = ContextError::new();
    e.push(expected(what));
    Err(ErrMode::Cut(e))
}

/// Skip whitespace and `#` comments.
fn ws(i: &mut In<'_>) -> ModalResult<()> {
    repeat(
        0..,
        alt((multispace1.void(), ('#', till_line_ending).void())),
    )
    .parse_next(i)
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Raw identifier (after whitespace), with span.
fn ident(i: &mut In<'_>) -> ModalResult<Name> {
    ws(i)?;
    let (text, span) = (
        take_while(1, |c: char| c.is_ascii_alphabetic() || c == '_'),
        take_while(0.., is_ident_char),
    )
        .take()
        .with_span()
        .parse_next(i)?;
    Ok(Name {
        text: text.to_string(),
        span,
    })
}

/// A keyword: an identifier equal to `word`.
fn kw<'a>(word: &'static str) -> impl Parser<In<'a>, Span, ErrMode<ContextError>> {
    move |i: &mut In<'a>| -> ModalResult<Span> {
        ws(i)?;
        let start = i.checkpoint();
        let n = ident.parse_next(i)?;
        if n.text == word {
            Ok(n.span)
        } else {
            // leave the input at the token so errors point at it
            i.reset(&start);
            Err(ErrMode::Backtrack(ContextError::new()))
        }
    }
}

/// A required keyword (error names it).
fn kw_ctx<'a>(word: &'static str) -> impl Parser<In<'a>, Span, ErrMode<ContextError>> {
    cut_err(kw(word)).context(StrContext::Expected(StrContextValue::StringLiteral(word)))
}

/// Punctuation.
fn sym<'a>(s: &'static str) -> impl Parser<In<'a>, Span, ErrMode<ContextError>> {
    (move |i: &mut In<'a>| -> ModalResult<Span> {
        ws(i)?;
        literal(s).span().parse_next(i)
    })
    .context(StrContext::Expected(StrContextValue::StringLiteral(s)))
}

fn path(i: &mut In<'_>) -> ModalResult<Name> {
    let first = ident(i)?;
    let mut text = first.text;
    let start = first.span.start;
    let mut end = first.span.end;
    while i.starts_with('.') {
        let _ = '.'.parse_next(i)?;
        let (seg, span) = (
            take_while(1, |c: char| c.is_ascii_alphabetic() || c == '_'),
            take_while(0.., is_ident_char),
        )
            .take()
            .with_span()
            .context(expected("a field name after `.`"))
            .parse_next(i)
            .map_err(ErrMode::cut)?;
        text.push('.');
        text.push_str(seg);
        end = span.end;
    }
    Ok(Name {
        text,
        span: start..end,
    })
}

fn string(i: &mut In<'_>) -> ModalResult<Name> {
    ws(i)?;
    let start = i.current_token_start();
    '"'.context(expected("a quoted string")).parse_next(i)?;
    let text = take_till(0.., ['"', '\n', '\r']).parse_next(i)?;
    cut_err('"')
        .context(expected("closing `\"` on the same line"))
        .parse_next(i)?;
    Ok(Name {
        text: text.to_string(),
        span: start..i.previous_token_end(),
    })
}

fn date(i: &mut In<'_>) -> ModalResult<(NaiveDate, Span)> {
    ws(i)?;
    let (text, span) = (
        take_while(4, |c: char| c.is_ascii_digit()),
        '-',
        take_while(2, |c: char| c.is_ascii_digit()),
        '-',
        take_while(2, |c: char| c.is_ascii_digit()),
    )
        .take()
        .with_span()
        .context(expected("a date YYYY-MM-DD"))
        .parse_next(i)?;
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(d) => Ok((d, span)),
        Err(_) => cut_fail("an existing calendar date"),
    }
}

fn int(i: &mut In<'_>) -> ModalResult<(i64, Span)> {
    ws(i)?;
    let (text, span) = (opt('-'), digit1).take().with_span().parse_next(i)?;
    match text.parse::<i64>() {
        Ok(v) => Ok((v, span)),
        Err(_) => cut_fail("an integer that fits in 64 bits"),
    }
}

fn literal_expr(i: &mut In<'_>) -> ModalResult<Expr> {
    alt((
        date.map(|(d, span)| Expr {
            kind: ExprKind::Date(d),
            span,
        }),
        int.map(|(v, span)| Expr {
            kind: ExprKind::Int(v),
            span,
        }),
        kw("true").map(|span| Expr {
            kind: ExprKind::Bool(true),
            span,
        }),
        kw("false").map(|span| Expr {
            kind: ExprKind::Bool(false),
            span,
        }),
    ))
    .parse_next(i)
}

fn atom(i: &mut In<'_>) -> ModalResult<Expr> {
    ws(i)?;
    if i.starts_with('(') {
        let start = sym("(").parse_next(i)?.start;
        let mut e = cut_err(expr).parse_next(i)?;
        let end = cut_err(sym(")")).parse_next(i)?.end;
        e.span = start..end;
        return Ok(e);
    }
    if let Some(e) = opt(literal_expr).parse_next(i)? {
        return Ok(e);
    }
    let name = path
        .context(expected("a value, input, parameter or function call"))
        .parse_next(i)?;
    if i.starts_with('(') {
        let _ = sym("(").parse_next(i)?;
        let mut args = Vec::new();
        ws(i)?;
        if !i.starts_with(')') {
            loop {
                args.push(cut_err(expr).parse_next(i)?);
                if opt(sym(",")).parse_next(i)?.is_none() {
                    break;
                }
            }
        }
        let end = cut_err(sym(")")).parse_next(i)?.end;
        let span = name.span.start..end;
        return Ok(Expr {
            kind: ExprKind::Call(name, args),
            span,
        });
    }
    Ok(Expr {
        span: name.span.clone(),
        kind: ExprKind::Name(name.text),
    })
}

fn bin(op: BinOp, l: Expr, r: Expr) -> Expr {
    let span = l.span.start..r.span.end;
    Expr {
        kind: ExprKind::Bin(op, Box::new(l), Box::new(r)),
        span,
    }
}

fn additive(i: &mut In<'_>) -> ModalResult<Expr> {
    let mut lhs = atom(i)?;
    loop {
        ws(i)?;
        let op = if i.starts_with('+') {
            BinOp::Add
        } else if i.starts_with('-') {
            BinOp::Sub
        } else {
            break;
        };
        let _ = sym(op.as_str()).parse_next(i)?;
        let rhs = cut_err(atom).parse_next(i)?;
        lhs = bin(op, lhs, rhs);
    }
    Ok(lhs)
}

fn cmp_op(i: &mut In<'_>) -> ModalResult<BinOp> {
    alt((
        sym("==").value(BinOp::Eq),
        sym("!=").value(BinOp::Ne),
        sym("<=").value(BinOp::Le),
        sym(">=").value(BinOp::Ge),
        sym("<").value(BinOp::Lt),
        sym(">").value(BinOp::Gt),
    ))
    .parse_next(i)
}

fn comparison(i: &mut In<'_>) -> ModalResult<Expr> {
    let lhs = additive(i)?;
    if let Some(op) = opt(cmp_op).parse_next(i)? {
        let rhs = cut_err(additive).parse_next(i)?;
        return Ok(bin(op, lhs, rhs));
    }
    if opt(kw("in")).parse_next(i)?.is_some() {
        cut_err(sym("[")).parse_next(i)?;
        let mut vals = Vec::new();
        loop {
            vals.push(
                cut_err(ident)
                    .context(expected("a value name"))
                    .parse_next(i)?,
            );
            if opt(sym(",")).parse_next(i)?.is_none() {
                break;
            }
        }
        let end = cut_err(sym("]"))
            .context(expected("`,` or `]`"))
            .parse_next(i)?
            .end;
        let span = lhs.span.start..end;
        return Ok(Expr {
            kind: ExprKind::In(Box::new(lhs), vals),
            span,
        });
    }
    if opt(kw("is")).parse_next(i)?.is_some() {
        let (some, sp) = cut_err(alt((
            kw("none").map(|s| (false, s)),
            kw("some").map(|s| (true, s)),
        )))
        .parse_next(i)?;
        let span = lhs.span.start..sp.end;
        return Ok(Expr {
            kind: ExprKind::Is(Box::new(lhs), some),
            span,
        });
    }
    Ok(lhs)
}

fn not_expr(i: &mut In<'_>) -> ModalResult<Expr> {
    if let Some(sp) = opt(kw("not")).parse_next(i)? {
        let e = cut_err(not_expr).parse_next(i)?;
        let span = sp.start..e.span.end;
        return Ok(Expr {
            kind: ExprKind::Not(Box::new(e)),
            span,
        });
    }
    comparison(i)
}

fn and_expr(i: &mut In<'_>) -> ModalResult<Expr> {
    let mut lhs = not_expr(i)?;
    while opt(kw("and")).parse_next(i)?.is_some() {
        let rhs = cut_err(not_expr).parse_next(i)?;
        lhs = bin(BinOp::And, lhs, rhs);
    }
    Ok(lhs)
}

/// Expression (lowest precedence: `or`).
pub(crate) fn expr(i: &mut In<'_>) -> ModalResult<Expr> {
    let mut lhs = and_expr(i)?;
    while opt(kw("or")).parse_next(i)?.is_some() {
        let rhs = cut_err(and_expr).parse_next(i)?;
        lhs = bin(BinOp::Or, lhs, rhs);
    }
    Ok(lhs)
}

fn type_expr(i: &mut In<'_>) -> ModalResult<(TypeExpr, Span)> {
    let n = ident
        .context(expected("a type: bool, int, date, text or enum(..)"))
        .parse_next(i)?;
    let ty = match n.text.as_str() {
        "bool" => TypeExpr::Bool,
        "int" => TypeExpr::Int,
        "date" => TypeExpr::Date,
        "text" => TypeExpr::Text,
        "enum" => {
            cut_err(sym("(")).parse_next(i)?;
            let mut vals = Vec::new();
            loop {
                vals.push(
                    cut_err(ident)
                        .context(expected("a value name"))
                        .parse_next(i)?,
                );
                if opt(sym(",")).parse_next(i)?.is_none() {
                    break;
                }
            }
            let end = cut_err(sym(")"))
                .context(expected("`,` or `)`"))
                .parse_next(i)?
                .end;
            return Ok((TypeExpr::Enum(vals), n.span.start..end));
        }
        _ => return cut_fail("a type: bool, int, date, text or enum(..)"),
    };
    Ok((ty, n.span))
}

fn input_decl(i: &mut In<'_>) -> ModalResult<Item> {
    let start = kw("input").parse_next(i)?.start;
    let p = cut_err(path)
        .context(expected("an input path like person.birth_date"))
        .parse_next(i)?;
    cut_err(sym(":")).parse_next(i)?;
    let optional = opt(kw("optional")).parse_next(i)?.is_some();
    let (ty, ty_span) = cut_err(type_expr).parse_next(i)?;
    let protected = opt(kw("protected")).parse_next(i)?.is_some();
    let span = start..i.previous_token_end();
    Ok(Item::Input(InputDecl {
        path: p,
        optional,
        ty,
        ty_span,
        protected,
        span,
    }))
}

fn param_decl(i: &mut In<'_>) -> ModalResult<Item> {
    let start = kw("param").parse_next(i)?.start;
    let name = cut_err(ident)
        .context(expected("a parameter name"))
        .parse_next(i)?;
    cut_err(sym(":")).parse_next(i)?;
    let (ty, ty_span) = cut_err(type_expr).parse_next(i)?;
    cut_err(sym("{")).parse_next(i)?;
    let mut periods = Vec::new();
    while let Some(sp) = opt(kw("from")).parse_next(i)? {
        let (from, _) = cut_err(date).parse_next(i)?;
        let to = match opt(kw("to")).parse_next(i)? {
            Some(_) => Some(cut_err(date).parse_next(i)?.0),
            None => None,
        };
        cut_err(sym(":")).parse_next(i)?;
        let value = cut_err(literal_expr)
            .context(expected("a literal value"))
            .parse_next(i)?;
        let end = cut_err(sym(";")).parse_next(i)?.end;
        periods.push(Period {
            from,
            to,
            value,
            span: sp.start..end,
        });
    }
    let end = cut_err(sym("}"))
        .context(expected("`from DATE: value;` or `}`"))
        .parse_next(i)?
        .end;
    Ok(Item::Param(ParamDecl {
        name,
        ty,
        ty_span,
        periods,
        span: start..end,
    }))
}

fn clause(i: &mut In<'_>) -> ModalResult<Clause> {
    let n = ident.parse_next(i)?;
    match n.text.as_str() {
        "title" => {
            let lang = cut_err(ident)
                .context(expected("a language: fi, sv or en"))
                .parse_next(i)?;
            let text = cut_err(string).parse_next(i)?;
            Ok(Clause::Title(lang, text))
        }
        "basis" => Ok(Clause::Basis(cut_err(string).parse_next(i)?)),
        "when" => Ok(Clause::When(cut_err(expr).parse_next(i)?)),
        "then" => {
            let is_route = cut_err(alt((kw("route").value(true), kw("outcome").value(false))))
                .context(expected("`route` or `outcome`"))
                .parse_next(i)?;
            let effect = if is_route {
                let code = cut_err(ident)
                    .context(expected("a reason code"))
                    .parse_next(i)?;
                kw_ctx("to").parse_next(i)?;
                let target = cut_err(ident)
                    .context(expected("a target: employment_authority or keha"))
                    .parse_next(i)?;
                Effect::Route { code, target }
            } else {
                let outcome = cut_err(ident)
                    .context(expected("an outcome: auto_positive or auto_end"))
                    .parse_next(i)?;
                kw_ctx("effective").parse_next(i)?;
                let effective = cut_err(expr).parse_next(i)?;
                Effect::Outcome { outcome, effective }
            };
            Ok(Clause::Then(effect, n.span.start..i.previous_token_end()))
        }
        _ => Err(ErrMode::Backtrack(ContextError::new())),
    }
}

fn rule_decl(i: &mut In<'_>) -> ModalResult<Item> {
    ws(i)?;
    let start = i.current_token_start();
    let fallback = opt(kw("fallback")).parse_next(i)?.is_some();
    if fallback {
        kw_ctx("rule").parse_next(i)?;
    } else {
        kw("rule").parse_next(i)?;
    }
    let id = cut_err(ident)
        .context(expected("a rule id"))
        .parse_next(i)?;
    cut_err(sym("{")).parse_next(i)?;
    let mut clauses = Vec::new();
    while let Some(c) = opt(clause).parse_next(i)? {
        clauses.push(c);
    }
    let end = cut_err(sym("}"))
        .context(expected("`title`, `basis`, `when`, `then` or `}`"))
        .parse_next(i)?
        .end;
    Ok(Item::Rule(RuleDecl {
        fallback,
        id,
        clauses,
        span: start..end,
    }))
}

fn file(i: &mut In<'_>) -> ModalResult<File> {
    kw_ctx("ruleset").parse_next(i)?;
    let name = cut_err(string).parse_next(i)?;
    kw_ctx("version").parse_next(i)?;
    let version = cut_err(string).parse_next(i)?;
    kw_ctx("kind").parse_next(i)?;
    let kind = cut_err(ident)
        .context(expected("job_search_start or job_search_end"))
        .parse_next(i)?;
    kw_ctx("valid").parse_next(i)?;
    kw_ctx("from").parse_next(i)?;
    let valid_from = cut_err(date).parse_next(i)?;
    let mut items = Vec::new();
    loop {
        ws(i)?;
        if i.eof_offset() == 0 {
            break;
        }
        let item = alt((input_decl, param_decl, rule_decl, |i: &mut In<'_>| {
            ws(i)?;
            cut_fail("`input`, `param`, `rule` or `fallback rule`")
        }))
        .parse_next(i)?;
        items.push(item);
    }
    Ok(File {
        name,
        version,
        kind,
        valid_from,
        items,
    })
}

/// Deepest bracket nesting and longest `not not …` run the recursive-descent parser accepts;
/// deeper input is refused before parsing (no stack overflow on hostile input).
pub const MAX_NESTING: usize = 64;

fn nesting_guard(source: &str) -> Result<(), SyntaxError> {
    let (mut depth, mut nots) = (0usize, 0usize);
    let (mut in_str, mut in_comment) = (false, false);
    let mut word = String::new();
    for (off, c) in source.char_indices() {
        if c == '\n' {
            in_str = false;
            in_comment = false;
        }
        if in_comment || (in_str && c != '"') {
            continue;
        }
        if is_ident_char(c) {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            nots = if word == "not" { nots + 1 } else { 0 };
            word.clear();
        }
        match c {
            '"' => in_str = !in_str,
            '#' => in_comment = true,
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > MAX_NESTING || nots > MAX_NESTING {
            return Err(SyntaxError {
                offset: off,
                message: format!(
                    "syntax error: expression nested more than {MAX_NESTING} levels deep"
                ),
                hint: "split the condition into simpler parts".into(),
            });
        }
    }
    Ok(())
}

/// Parse a rule file.
pub fn parse(source: &str) -> Result<File, SyntaxError> {
    nesting_guard(source)?;
    file.parse(LocatingSlice::new(source)).map_err(|e| {
        let mut expected: Vec<String> = Vec::new();
        for c in e.inner().context() {
            if let StrContext::Expected(v) = c {
                let s = v.to_string();
                if !expected.contains(&s) {
                    expected.push(s);
                }
            }
        }
        // Point at the next non-blank character, not at the whitespace before it.
        let mut offset = e.offset();
        if !expected.iter().any(|x| x.contains("same line")) {
            let rest = source.get(offset..).unwrap_or("");
            offset += rest.len() - rest.trim_start().len();
        }
        let found = source
            .get(offset..)
            .and_then(|r| r.split_whitespace().next())
            .map(|w| format!("found `{}`", w.chars().take(20).collect::<String>()))
            .unwrap_or_else(|| "found end of file".to_string());
        let message = if expected.is_empty() {
            format!("syntax error: unexpected input ({found})")
        } else {
            format!("syntax error: expected {} ({found})", expected.join(" or "))
        };
        SyntaxError {
            offset,
            message,
            hint: "see the grammar summary in the kirjuri-rules README.md".into(),
        }
    })
}

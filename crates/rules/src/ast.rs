//! Syntax tree of a rule file, and its canonical pretty-printed form (the text that is hashed).

use chrono::NaiveDate;
use std::fmt::Write as _;
use std::ops::Range;

/// Byte range in the source.
pub type Span = Range<usize>;

/// A name with its source span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// Text.
    pub text: String,
    /// Where.
    pub span: Span,
}

/// A whole rule file.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    /// `ruleset "name"`.
    pub name: Name,
    /// `version "label"`.
    pub version: Name,
    /// `kind job_search_start|job_search_end`.
    pub kind: Name,
    /// `valid from DATE`.
    pub valid_from: (NaiveDate, Span),
    /// Declarations in file order.
    pub items: Vec<Item>,
}

/// A declaration.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// `input path: [optional] type [protected]`
    Input(InputDecl),
    /// `param name: type { from D [to D]: v; .. }`
    Param(ParamDecl),
    /// `rule id { .. }` or `fallback rule id { .. }`
    Rule(RuleDecl),
}

/// Type as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeExpr {
    /// bool
    Bool,
    /// int
    Int,
    /// date
    Date,
    /// text
    Text,
    /// enum(a, b)
    Enum(Vec<Name>),
}

/// `input` declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct InputDecl {
    /// Dotted path.
    pub path: Name,
    /// `optional` marker.
    pub optional: bool,
    /// Type.
    pub ty: TypeExpr,
    /// Span of the type.
    pub ty_span: Span,
    /// `protected` marker.
    pub protected: bool,
    /// Whole declaration.
    pub span: Span,
}

/// `param` declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamDecl {
    /// Name.
    pub name: Name,
    /// Type.
    pub ty: TypeExpr,
    /// Span of the type.
    pub ty_span: Span,
    /// Periods in file order.
    pub periods: Vec<Period>,
    /// Whole declaration.
    pub span: Span,
}

/// One effective-dated value.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    /// In force from (inclusive).
    pub from: NaiveDate,
    /// In force to (inclusive); open-ended if none.
    pub to: Option<NaiveDate>,
    /// Value (a literal).
    pub value: Expr,
    /// Span.
    pub span: Span,
}

/// A rule.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleDecl {
    /// `fallback rule`: applies when nothing else decides.
    pub fallback: bool,
    /// Rule id.
    pub id: Name,
    /// Clauses in file order.
    pub clauses: Vec<Clause>,
    /// Whole rule.
    pub span: Span,
}

/// Clause of a rule.
#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    /// `title fi "…"`
    Title(Name, Name),
    /// `basis "…"`
    Basis(Name),
    /// `when expr`
    When(Expr),
    /// `then effect`
    Then(Effect, Span),
}

/// Effect of a rule.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// `route CODE to target`
    Route {
        /// Reason code.
        code: Name,
        /// Target.
        target: Name,
    },
    /// `outcome auto_positive effective expr`
    Outcome {
        /// Outcome name.
        outcome: Name,
        /// Effective date.
        effective: Expr,
    },
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// or
    Or,
    /// and
    And,
    /// ==
    Eq,
    /// !=
    Ne,
    /// <
    Lt,
    /// <=
    Le,
    /// >
    Gt,
    /// >=
    Ge,
    /// +
    Add,
    /// -
    Sub,
}

impl BinOp {
    /// Source spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
        }
    }
    fn prec(self) -> u8 {
        match self {
            BinOp::Or => 1,
            BinOp::And => 2,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => 4,
            BinOp::Add | BinOp::Sub => 5,
        }
    }
    /// Is a comparison.
    pub fn is_cmp(self) -> bool {
        self.prec() == 4
    }
}

/// Expression with span.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// Node.
    pub kind: ExprKind,
    /// Where.
    pub span: Span,
}

/// Expression node.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// Integer literal.
    Int(i64),
    /// Date literal.
    Date(NaiveDate),
    /// `true` / `false`.
    Bool(bool),
    /// Input path, parameter or enum value (resolved by the checker).
    Name(String),
    /// Function call.
    Call(Name, Vec<Expr>),
    /// `not e`
    Not(Box<Expr>),
    /// Binary operation.
    Bin(BinOp, Box<Expr>, Box<Expr>),
    /// `e in [a, b]`
    In(Box<Expr>, Vec<Name>),
    /// `e is none` (false) / `e is some` (true).
    Is(Box<Expr>, bool),
}

fn prec(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Bin(op, ..) => op.prec(),
        ExprKind::Not(_) => 3,
        ExprKind::In(..) | ExprKind::Is(..) => 4,
        _ => 9,
    }
}

impl std::fmt::Display for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sub = |f: &mut std::fmt::Formatter<'_>, e: &Expr, min: u8| {
            if prec(e) < min {
                write!(f, "({e})")
            } else {
                write!(f, "{e}")
            }
        };
        match &self.kind {
            ExprKind::Int(i) => write!(f, "{i}"),
            ExprKind::Date(d) => write!(f, "{d}"),
            ExprKind::Bool(b) => write!(f, "{b}"),
            ExprKind::Name(n) => f.write_str(n),
            ExprKind::Call(n, args) => {
                write!(f, "{}(", n.text)?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{a}")?;
                }
                f.write_str(")")
            }
            ExprKind::Not(e) => {
                f.write_str("not ")?;
                sub(f, e, 3)
            }
            ExprKind::Bin(op, l, r) => {
                let p = op.prec();
                // comparisons do not chain; left-assoc for the rest
                let (lmin, rmin) = if op.is_cmp() {
                    (p + 1, p + 1)
                } else {
                    (p, p + 1)
                };
                sub(f, l, lmin)?;
                write!(f, " {} ", op.as_str())?;
                sub(f, r, rmin)
            }
            ExprKind::In(e, vals) => {
                sub(f, e, 5)?;
                f.write_str(" in [")?;
                for (i, v) in vals.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(&v.text)?;
                }
                f.write_str("]")
            }
            ExprKind::Is(e, some) => {
                sub(f, e, 5)?;
                f.write_str(if *some { " is some" } else { " is none" })
            }
        }
    }
}

impl std::fmt::Display for TypeExpr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TypeExpr::Bool => f.write_str("bool"),
            TypeExpr::Int => f.write_str("int"),
            TypeExpr::Date => f.write_str("date"),
            TypeExpr::Text => f.write_str("text"),
            TypeExpr::Enum(v) => {
                let names: Vec<&str> = v.iter().map(|n| n.text.as_str()).collect();
                write!(f, "enum({})", names.join(", "))
            }
        }
    }
}

impl File {
    /// The canonical text: the parsed file pretty-printed in one fixed layout, without
    /// comments. Whitespace, line endings, comments and redundant parentheses do not change
    /// it; any change to a name, type, value, title, basis, condition or effect does. The rule
    /// set's identity is the SHA-256 of this text. Strings are written as they were read: a
    /// string cannot hold `"` or a line break, so the quotes delimit it, and checking the
    /// canonical text gives the same canonical text (escaping them, as Rust's `{:?}` did, made
    /// a backslash or a tab in a title a different title on every round; issue 17).
    pub fn canonical(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "ruleset \"{}\" version \"{}\"\nkind {}\nvalid from {}",
            self.name.text, self.version.text, self.kind.text, self.valid_from.0
        );
        for item in &self.items {
            s.push('\n');
            match item {
                Item::Input(i) => {
                    let _ = write!(
                        s,
                        "input {}: {}{}{}",
                        i.path.text,
                        if i.optional { "optional " } else { "" },
                        i.ty,
                        if i.protected { " protected" } else { "" }
                    );
                }
                Item::Param(p) => {
                    let _ = write!(s, "param {}: {} {{", p.name.text, p.ty);
                    for per in &p.periods {
                        let _ = write!(s, "\n  from {}", per.from);
                        if let Some(t) = per.to {
                            let _ = write!(s, " to {t}");
                        }
                        let _ = write!(s, ": {};", per.value);
                    }
                    s.push_str("\n}");
                }
                Item::Rule(r) => {
                    let _ = write!(
                        s,
                        "{}rule {} {{",
                        if r.fallback { "fallback " } else { "" },
                        r.id.text
                    );
                    for c in &r.clauses {
                        match c {
                            Clause::Title(l, t) => {
                                let _ = write!(s, "\n  title {} \"{}\"", l.text, t.text);
                            }
                            Clause::Basis(b) => {
                                let _ = write!(s, "\n  basis \"{}\"", b.text);
                            }
                            Clause::When(e) => {
                                let _ = write!(s, "\n  when {e}");
                            }
                            Clause::Then(Effect::Route { code, target }, _) => {
                                let _ =
                                    write!(s, "\n  then route {} to {}", code.text, target.text);
                            }
                            Clause::Then(Effect::Outcome { outcome, effective }, _) => {
                                let _ = write!(
                                    s,
                                    "\n  then outcome {} effective {effective}",
                                    outcome.text
                                );
                            }
                        }
                    }
                    s.push_str("\n}");
                }
            }
        }
        s.push('\n');
        s
    }
}

impl Drop for Expr {
    /// Iterative drop: a hostile file can build a very long `a and b and …` chain (a deep
    /// left-nested tree); dropping it recursively could overflow the stack.
    fn drop(&mut self) {
        fn take(e: &mut Expr, stack: &mut Vec<Expr>) {
            match std::mem::replace(&mut e.kind, ExprKind::Bool(false)) {
                ExprKind::Not(a) | ExprKind::In(a, _) | ExprKind::Is(a, _) => stack.push(*a),
                ExprKind::Bin(_, a, b) => {
                    stack.push(*a);
                    stack.push(*b);
                }
                ExprKind::Call(_, args) => stack.extend(args),
                _ => {}
            }
        }
        let mut stack = Vec::new();
        take(self, &mut stack);
        while let Some(mut e) = stack.pop() {
            take(&mut e, &mut stack);
        }
    }
}

//! The state the checker's phases share: what the file declares, and what the rule being
//! compiled reads. Kept apart from the phases so that they depend on it and not on each other.

use std::collections::{BTreeSet, HashMap};

use crate::ast::Span;
use crate::contract::Ty;
use crate::diag::Diagnostics;

pub(super) const MAX_RULES: usize = 128;

/// A declared input: its evaluator slot and contract type, and whether any rule reads it.
pub(super) struct DeclInput {
    pub(super) slot: usize,
    pub(super) ty: Ty,
    pub(super) protected: bool,
    pub(super) used: bool,
    pub(super) span: Span,
}

/// State shared by the declaration and rule phases: what the file declares, and what the
/// rule being compiled reads.
pub(super) struct Checker<'d> {
    pub(super) diags: &'d mut Diagnostics,
    pub(super) inputs: HashMap<String, DeclInput>,
    pub(super) params: HashMap<String, (u16, crate::contract::Base)>,
    /// Input slots read by the rule being compiled.
    pub(super) reads: BTreeSet<u8>,
    /// Parameters read by the rule being compiled.
    pub(super) param_reads: BTreeSet<u16>,
}

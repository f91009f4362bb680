//! Replay a set of requests against an old and a new rule set (B11: what changes before
//! deploying).

use crate::engine::RuleSet;
use crate::engine::{evaluate, Outcome, ReasonCode, Target};
use crate::request::Request;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Outcome summary of one request under one rule set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutcomeSummary {
    /// Outcome.
    pub outcome: Outcome,
    /// Reason codes (sorted).
    pub reasons: Vec<ReasonCode>,
    /// Target.
    pub to: Option<Target>,
}

/// One request whose result changed.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// Case id (`id` of the request, or `#N` by position).
    pub id: String,
    /// Under the old rule set.
    pub old: OutcomeSummary,
    /// Under the new rule set.
    pub new: OutcomeSummary,
}

/// What a new rule set changes compared with the old one.
#[derive(Debug, Clone, Serialize)]
pub struct ImpactReport {
    /// Old rule set version and hash.
    pub old_version: String,
    /// Old hash.
    pub old_hash: String,
    /// New version.
    pub new_version: String,
    /// New hash.
    pub new_hash: String,
    /// Requests replayed.
    pub total: usize,
    /// Requests whose outcome, reasons or target changed.
    pub changed: usize,
    /// Requests whose outcome changed.
    pub outcome_changed: usize,
    /// Every change.
    pub changes: Vec<Change>,
    /// Case ids grouped by what changed: `+CODE` (reason added), `-CODE` (reason removed),
    /// `old_outcome -> new_outcome`, `target old -> new`.
    pub by_group: BTreeMap<String, Vec<String>>,
}

fn summary(rs: &RuleSet, r: &Request) -> OutcomeSummary {
    let d = evaluate(rs, r, false);
    let mut reasons = d.reason_codes();
    reasons.sort();
    OutcomeSummary {
        outcome: d.outcome,
        reasons,
        to: d.target,
    }
}

/// Evaluate every request with both rule sets and report the differences.
pub fn replay(old: &RuleSet, new: &RuleSet, requests: &[Request]) -> ImpactReport {
    let mut rep = ImpactReport {
        old_version: old.version().into(),
        old_hash: old.hash().into(),
        new_version: new.version().into(),
        new_hash: new.hash().into(),
        total: requests.len(),
        changed: 0,
        outcome_changed: 0,
        changes: Vec::new(),
        by_group: BTreeMap::new(),
    };
    for (i, r) in requests.iter().enumerate() {
        let (a, b) = (summary(old, r), summary(new, r));
        if a == b {
            continue;
        }
        let id = r.id.clone().unwrap_or_else(|| format!("#{}", i + 1));
        rep.changed += 1;
        let mut groups = Vec::new();
        if a.outcome != b.outcome {
            rep.outcome_changed += 1;
            groups.push(format!("{} -> {}", a.outcome.as_str(), b.outcome.as_str()));
        }
        for c in &b.reasons {
            if !a.reasons.contains(c) {
                groups.push(format!("+{}", c.as_str()));
            }
        }
        for c in &a.reasons {
            if !b.reasons.contains(c) {
                groups.push(format!("-{}", c.as_str()));
            }
        }
        if a.to != b.to {
            let t = |t: Option<Target>| t.map_or("none", |t| t.as_str());
            groups.push(format!("target {} -> {}", t(a.to), t(b.to)));
        }
        for g in groups {
            rep.by_group.entry(g).or_default().push(id.clone());
        }
        rep.changes.push(Change { id, old: a, new: b });
    }
    rep
}

impl ImpactReport {
    /// Plain-text report for the quality owner.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "replay: {} {} -> {} {}",
            self.old_version,
            short(&self.old_hash),
            self.new_version,
            short(&self.new_hash)
        );
        let _ = writeln!(
            s,
            "requests: {}, changed: {} (outcome changed: {})",
            self.total, self.changed, self.outcome_changed
        );
        for (g, ids) in &self.by_group {
            let _ = writeln!(s, "  {g}: {} — {}", ids.len(), ids.join(", "));
        }
        s
    }
}

fn short(h: &str) -> &str {
    h.get(..12).unwrap_or(h)
}

//! Plain-text explanation of a decision, in Finnish, Swedish or English, with legal bases.

use crate::engine::{Decision, Outcome, Role, RuleMeta, RuleStatus, Target};
use std::fmt::Write as _;

/// Language of an explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Finnish.
    Fi,
    /// Swedish.
    Sv,
    /// English.
    En,
}

struct Words {
    outcome: &'static str,
    positive: &'static str,
    end: &'static str,
    routed: &'static str,
    effective: &'static str,
    reasons: &'static str,
    rules: &'static str,
    ruleset: &'static str,
    reads: &'static str,
    basis: &'static str,
    decided: &'static str,
    no_trace: &'static str,
    automated: &'static str,
    status: [&'static str; 4],
    ea: &'static str,
    keha: &'static str,
}

const FI: Words = Words {
    outcome: "Ratkaisu",
    positive:
        "työvoimapoliittinen lausunto annettu automaattisesti: ei työvoimapoliittista estettä",
    end: "työvoimapoliittinen lausunto annettu automaattisesti: työnhaku päättynyt",
    routed: "siirretty virkailijan ratkaistavaksi",
    effective: "Voimassa alkaen",
    reasons: "Siirron perusteet",
    rules: "Käsitellyt säännöt",
    ruleset: "Käsittelysäännöt",
    reads: "luetut tiedot",
    basis: "peruste",
    decided: "Peruste",
    no_trace: "(sääntökohtaista jäljitystä ei tallennettu)",
    automated: "Lausunto on annettu automaattisesti (KEHA-keskuksen päätös KEHA/73792/2024).",
    status: [
        "toteutui",
        "ei toteutunut",
        "ei voitu arvioida",
        "ei arvioitu",
    ],
    ea: "työvoimaviranomainen",
    keha: "KEHA-keskus, työttömyysturvan vastuualue",
};

const SV: Words = Words {
    outcome: "Avgörande",
    positive:
        "arbetskraftspolitiskt utlåtande givet automatiskt: inget arbetskraftspolitiskt hinder",
    end: "arbetskraftspolitiskt utlåtande givet automatiskt: arbetssökandet har upphört",
    routed: "överfört till en tjänsteman för avgörande",
    effective: "Gäller från",
    reasons: "Grunder för överföringen",
    rules: "Behandlade regler",
    ruleset: "Behandlingsregler",
    reads: "lästa uppgifter",
    basis: "grund",
    decided: "Grund",
    no_trace: "(ingen spårning per regel sparades)",
    automated: "Utlåtandet har getts automatiskt (KEHA-centralens beslut KEHA/73792/2024).",
    status: [
        "uppfylld",
        "inte uppfylld",
        "kunde inte bedömas",
        "inte bedömd",
    ],
    ea: "arbetskraftsmyndigheten",
    keha: "KEHA-centralen, enheten för utkomstskydd för arbetslösa",
};

const EN: Words = Words {
    outcome: "Decision",
    positive: "labour-policy statement issued automatically: no labour-policy obstacle",
    end: "labour-policy statement issued automatically: job search has ended",
    routed: "routed to an official for decision",
    effective: "Effective from",
    reasons: "Reasons for routing",
    rules: "Rules considered",
    ruleset: "Processing rules",
    reads: "data read",
    basis: "basis",
    decided: "Basis",
    no_trace: "(no per-rule trace was recorded)",
    automated: "The statement was issued automatically (KEHA Centre decision KEHA/73792/2024).",
    status: [
        "fired",
        "did not fire",
        "could not be evaluated",
        "not evaluated",
    ],
    ea: "the employment authority",
    keha: "KEHA Centre, unemployment security unit",
};

fn title(r: &RuleMeta, lang: Lang) -> &str {
    match lang {
        Lang::Fi => &r.title_fi,
        Lang::Sv => &r.title_sv,
        Lang::En => r.title_en.as_deref().unwrap_or(&r.id),
    }
}

/// Explain a decision as plain text: outcome, target, reasons with their legal bases and rule
/// titles, the rule set version and hash, and (if traced) every rule considered with the data
/// it read.
pub fn explain(d: &Decision, lang: Lang) -> String {
    let w = match lang {
        Lang::Fi => &FI,
        Lang::Sv => &SV,
        Lang::En => &EN,
    };
    let target = |t: Target| match t {
        Target::EmploymentAuthority => w.ea,
        Target::Keha => w.keha,
    };
    let mut s = String::new();
    let what = match d.outcome {
        Outcome::AutoPositive => w.positive,
        Outcome::AutoEnd => w.end,
        Outcome::Routed => w.routed,
    };
    let _ = write!(s, "{}: {what}", w.outcome);
    if let Some(t) = d.target {
        let _ = write!(s, " ({})", target(t));
    }
    s.push('\n');
    if let Some(e) = d.effective_date {
        let _ = writeln!(s, "{}: {e}", w.effective);
    }
    if let Some(r) = d.decided_by() {
        if r.role == Role::Outcome {
            let _ = writeln!(s, "{}: {} — {}", w.decided, title(r, lang), r.basis);
        }
    }
    let reasons = d.reasons();
    if !reasons.is_empty() {
        let _ = writeln!(s, "{}:", w.reasons);
        for r in &reasons {
            let t = d.rule(&r.rule).map_or(r.rule.as_str(), |m| title(m, lang));
            let _ = writeln!(
                s,
                "- {} {t} ({}: {}) → {}",
                r.code.as_str(),
                w.basis,
                r.basis,
                target(r.target)
            );
        }
    }
    let _ = writeln!(
        s,
        "{}: {} {} (sha256 {})",
        w.ruleset,
        d.rule_set_name(),
        d.rule_set_version(),
        d.rule_set_hash()
    );
    match &d.trace {
        None => {
            let _ = writeln!(s, "{}", w.no_trace);
        }
        Some(steps) => {
            let _ = writeln!(s, "{}:", w.rules);
            for st in steps {
                let t = d
                    .rule(&st.rule)
                    .map_or(st.rule.as_str(), |m| title(m, lang));
                let mark = match st.status {
                    RuleStatus::Fired => "[x]",
                    RuleStatus::NotFired => "[ ]",
                    RuleStatus::Unknown => "[?]",
                    RuleStatus::Skipped => "[-]",
                };
                let status = w.status[st.status as usize];
                let _ = writeln!(
                    s,
                    "{mark} {} — {t} ({}: {}) — {status}",
                    st.rule, w.basis, st.basis
                );
                if !st.reads.is_empty() {
                    let reads: Vec<String> = st
                        .reads
                        .iter()
                        .map(|r| format!("{} = {}", r.name, r.value))
                        .collect();
                    let _ = writeln!(s, "    {}: {}", w.reads, reads.join(", "));
                }
            }
        }
    }
    if d.outcome != Outcome::Routed {
        let _ = writeln!(s, "{}", w.automated);
    }
    s
}

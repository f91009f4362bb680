//! The vocabulary of a decision — its [`Outcome`], who handles a routed case ([`Target`]) and
//! why ([`ReasonCode`]) — shared by the request contract, the case files and the engine, and
//! depending on none of them.

use serde::{Deserialize, Serialize};

/// Outcome of a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Positive statement at the start of job search (no labour-policy obstacle).
    AutoPositive,
    /// Statement that job search ended.
    AutoEnd,
    /// Routed to an official.
    Routed,
}

impl Outcome {
    /// Contract spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::AutoPositive => "auto_positive",
            Outcome::AutoEnd => "auto_end",
            Outcome::Routed => "routed",
        }
    }
}

/// Who handles a routed case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// The employment authority (municipality or group of municipalities).
    EmploymentAuthority,
    /// KEHA-keskus, unemployment-security unit.
    Keha,
}

impl Target {
    /// Contract spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Target::EmploymentAuthority => "employment_authority",
            Target::Keha => "keha",
        }
    }
    pub(crate) fn parse(s: &str) -> Option<Target> {
        match s {
            "employment_authority" => Some(Target::EmploymentAuthority),
            "keha" => Some(Target::Keha),
            _ => None,
        }
    }
}

macro_rules! reason_codes {
    ($($(#[$m:meta])* $v:ident = $s:literal),+ $(,)?) => {
        /// Reason code of a routing (`shared/cases/README.md`), plus the additions the rules
        /// make to that contract: `START_DATE` and `END_DATE` (dates outside what may be
        /// decided automatically) and `UNDECIDED` for the explicit fallback rule (no rule
        /// decided the case).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum ReasonCode { $($(#[$m])* #[serde(rename = $s)] $v),+ }
        impl ReasonCode {
            /// All codes.
            pub const ALL: &'static [ReasonCode] = &[$(ReasonCode::$v),+];
            /// Contract spelling.
            pub fn as_str(self) -> &'static str { match self { $(ReasonCode::$v => $s),+ } }
            /// Parse the contract spelling.
            pub fn parse(s: &str) -> Option<ReasonCode> { match s { $($s => Some(ReasonCode::$v),)+ _ => None } }
        }
    };
}

reason_codes! {
    /// Free-form explanation (B5).
    FreeText = "FREE_TEXT",
    /// Own resignation or dismissal for own conduct (TTL 2a:1).
    Resignation = "RESIGNATION",
    /// Studies (TTL 2:10–11).
    Studies = "STUDIES",
    /// Business (TTL 2:4–9).
    Business = "BUSINESS",
    /// Youth education duty (TTL 2:13–16).
    YouthEducation = "YOUTH_EDUCATION",
    /// Does not seek full-time work.
    NotFullTime = "NOT_FULL_TIME",
    /// Employed.
    Employed = "EMPLOYED",
    /// Age limits.
    Age = "AGE",
    /// Not living in Finland.
    Residence = "RESIDENCE",
    /// No unrestricted right to work.
    RightToWork = "RIGHT_TO_WORK",
    /// Conscript service, prison, institutional care.
    InService = "IN_SERVICE",
    /// Job search ended by the authority.
    EndNeedsHearing = "END_NEEDS_HEARING",
    /// Ended for full-time studies.
    EndStudies = "END_STUDIES",
    /// Job search start after the decision date, or further back than the rule set's
    /// `max_retroactive_days` (JTYPL 27 §; issue 15). An addition to the case contract.
    StartDate = "START_DATE",
    /// Job search end after the decision date, before the start, or further back than the
    /// rule set's `max_retroactive_days` (JTYPL 28 §; issue 15). An addition to the case
    /// contract.
    EndDate = "END_DATE",
    /// No rule decided the case (fallback).
    Undecided = "UNDECIDED",
}

//! The statement-request JSON contract (`shared/cases/README.md`), parsed strictly.
//!
//! Every field of the contract must be present; `null` is accepted only where the contract
//! allows it; unknown fields and unknown enum values are errors that name the field path.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Which statement the request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Statement at the start of job search.
    JobSearchStart,
    /// Statement at the end of job search.
    JobSearchEnd,
}

impl Kind {
    /// The contract spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::JobSearchStart => "job_search_start",
            Kind::JobSearchEnd => "job_search_end",
        }
    }
}

macro_rules! contract_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $($(#[$vm])* #[serde(rename = $s)] $variant),+ }
        impl $name {
            /// All values in contract order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Contract spellings in contract order.
            pub const NAMES: &'static [&'static str] = &[$($s),+];
            /// The contract spelling.
            pub fn as_str(self) -> &'static str { Self::NAMES[self as usize] }
        }
    };
}

contract_enum!(
    /// Why job search ended (`end_reason`).
    EndReason {
        /// Employed.
        Employed = "employed",
        /// Ended by the job seeker.
        OwnRequest = "own_request",
        /// Not renewed.
        NotRenewed = "not_renewed",
        /// No contact.
        NoContact = "no_contact",
        /// Information not given.
        InfoNotGiven = "info_not_given",
        /// Right to work ended.
        RightToWorkEnded = "right_to_work_ended",
        /// Full-time studies.
        FullTimeStudies = "full_time_studies",
    }
);
contract_enum!(
    /// Protected (B16): sex.
    Sex {
        /// Female.
        Female = "female",
        /// Male.
        Male = "male",
    }
);
contract_enum!(
    /// Protected for rules (B16); used for the document language.
    Language {
        /// Finnish.
        Fi = "fi",
        /// Swedish.
        Sv = "sv",
        /// Northern Sámi.
        Se = "se",
        /// English.
        En = "en",
    }
);
contract_enum!(
    /// Right to work.
    RightToWork {
        /// Finnish citizen.
        Citizen = "citizen",
        /// EU/EEA citizen.
        EuEea = "eu_eea",
        /// Permit with unrestricted right to work.
        PermitUnrestricted = "permit_unrestricted",
        /// Permit with restricted right to work.
        PermitRestricted = "permit_restricted",
        /// Temporary permit.
        PermitTemporary = "permit_temporary",
        /// No right to work.
        None = "none",
    }
);
contract_enum!(
    /// Reported employment.
    Employment {
        /// No employment.
        None = "none",
        /// Fully laid off.
        LaidOffFull = "laid_off_full",
        /// Under 4 hours a week.
        Under4hWeek = "under_4h_week",
        /// Part-time.
        PartTime = "part_time",
        /// Full-time.
        FullTime = "full_time",
    }
);
contract_enum!(
    /// Why the previous employment ended.
    PreviousEndReason {
        /// Fixed term ended.
        FixedTermEnded = "fixed_term_ended",
        /// Dismissed for production reasons.
        EmployerProductionReasons = "employer_production_reasons",
        /// Laid off.
        LaidOff = "laid_off",
        /// Own resignation.
        OwnResignation = "own_resignation",
        /// Dismissed for own conduct.
        DismissedOwnConduct = "dismissed_own_conduct",
    }
);
contract_enum!(
    /// Reported studies.
    Studies {
        /// None.
        None = "none",
        /// Full-time degree studies.
        FullTimeDegree = "full_time_degree",
        /// Part-time studies.
        PartTime = "part_time",
        /// Other studies.
        Other = "other",
    }
);
contract_enum!(
    /// Reported business.
    Business {
        /// None.
        None = "none",
        /// Part-time.
        PartTime = "part_time",
        /// Full-time.
        FullTime = "full_time",
    }
);
contract_enum!(
    /// Conscript service, prison or institutional care.
    InService {
        /// Conscript service.
        Conscript = "conscript",
        /// Prison.
        Prison = "prison",
        /// Institutional care.
        InstitutionalCare = "institutional_care",
    }
);

/// Nullable field that must nevertheless be present (`null` allowed, missing is an error).
fn required_nullable<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d)
}

/// A statement request (the evaluator's input contract).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// Case id (optional in the contract).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Which statement.
    pub kind: Kind,
    /// The day the procedure runs.
    pub decision_date: NaiveDate,
    /// Registration date.
    pub job_search_start: NaiveDate,
    /// End of job search (kind = job_search_end).
    #[serde(deserialize_with = "required_nullable")]
    pub job_search_end: Option<NaiveDate>,
    /// Why job search ended.
    #[serde(deserialize_with = "required_nullable")]
    pub end_reason: Option<EndReason>,
    /// Person data.
    pub person: Person,
    /// The client's own answers on the form.
    pub reported: Reported,
    /// What the authority's registers say (B4).
    pub registers: Registers,
}

/// Person data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Birth date.
    pub birth_date: NaiveDate,
    /// Protected: no rule may read it (B16).
    pub sex: Sex,
    /// Protected for rules; used for the document language.
    pub language: Language,
    /// Lives in Finland.
    pub resides_in_finland: bool,
    /// Right to work.
    pub right_to_work: RightToWork,
    /// Has a vocational qualification.
    pub vocational_qualification: bool,
    /// Receives a partial disability pension.
    pub partial_disability_pension: bool,
}

/// Previous employment end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviousEmploymentEnd {
    /// Date employment ended.
    pub date: NaiveDate,
    /// Why.
    pub reason: PreviousEndReason,
}

/// The client's own answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reported {
    /// Employment now.
    pub employment: Employment,
    /// Seeks full-time work.
    pub seeks_full_time_work: bool,
    /// Previous employment end.
    #[serde(deserialize_with = "required_nullable")]
    pub previous_employment_end: Option<PreviousEmploymentEnd>,
    /// Studies.
    pub studies: Studies,
    /// Business.
    pub business: Business,
    /// Business started while unemployed on.
    #[serde(deserialize_with = "required_nullable")]
    pub business_started_while_unemployed_on: Option<NaiveDate>,
    /// In service.
    #[serde(deserialize_with = "required_nullable")]
    pub in_service: Option<InService>,
    /// Free-form explanation (B5).
    #[serde(deserialize_with = "required_nullable")]
    pub free_text: Option<String>,
}

/// Register data (B4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registers {
    /// Income register shows pay after the reported end.
    pub employment_continues: bool,
    /// Study registers.
    pub active_degree_studies: bool,
    /// Trade register.
    pub active_business: bool,
}

/// Expected outcome in a case file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// `auto_positive` | `auto_end` | `routed`.
    pub outcome: crate::outcome::Outcome,
    /// Reason codes, any order.
    #[serde(deserialize_with = "required_nullable")]
    pub route: Option<Vec<crate::outcome::ReasonCode>>,
    /// Target.
    #[serde(deserialize_with = "required_nullable")]
    pub to: Option<crate::outcome::Target>,
}

/// A case line: a request plus optional expectation.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// The request.
    pub request: Request,
    /// What the rules must reach.
    pub expect: Option<Expect>,
}

/// A request that could not be parsed; names the field path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid request at `{path}`: {message}")]
pub struct RequestError {
    /// Field path, e.g. `person.right_to_work` (`.` for the whole document).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

fn from_value<T: serde::de::DeserializeOwned>(
    v: serde_json::Value,
    prefix: &str,
) -> Result<T, RequestError> {
    serde_path_to_error::deserialize(v).map_err(|e| {
        let p = render_path(e.path());
        let path = match (prefix.is_empty(), p.as_str()) {
            (true, _) => p.clone(),
            (false, ".") => prefix.to_string(),
            (false, _) => format!("{prefix}.{p}"),
        };
        RequestError {
            path,
            message: e.into_inner().to_string(),
        }
    })
}

/// The path as `serde_path_to_error` writes it (`a.b[0].c`, `.` for the whole document), except
/// that a key which is empty or holds `.`, `[`, `]` or `"` is written quoted: the key `""` is
/// otherwise written as nothing, and an error at it named no field (found by the request
/// fuzzer, issue 17; `fuzz/regressions/request/`).
fn render_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        let key = match segment {
            Segment::Seq { index } => {
                out.push_str(&format!("[{index}]"));
                continue;
            }
            Segment::Map { key } | Segment::Enum { variant: key } => key.as_str(),
            Segment::Unknown => "?",
        };
        if !out.is_empty() {
            out.push('.');
        }
        if key.is_empty() || key.contains(['.', '[', ']', '"']) {
            out.push_str(&format!("{key:?}"));
        } else {
            out.push_str(key);
        }
    }
    if out.is_empty() {
        ".".to_owned()
    } else {
        out
    }
}

fn parse_value(json: &str) -> Result<serde_json::Value, RequestError> {
    serde_json::from_str(json).map_err(|e| RequestError {
        path: ".".into(),
        message: format!("malformed JSON: {e}"),
    })
}

impl Request {
    /// Parse one request strictly. `expect` is not allowed here (use [`Case::from_json`]).
    pub fn from_json(json: &str) -> Result<Request, RequestError> {
        from_value(parse_value(json)?, "")
    }
}

impl Case {
    /// Parse one case line: a request with optional `id` and `expect`.
    pub fn from_json(json: &str) -> Result<Case, RequestError> {
        let mut v = parse_value(json)?;
        let expect = match v.as_object_mut().and_then(|o| o.remove("expect")) {
            Some(e) => Some(from_value::<Expect>(e, "expect")?),
            None => None,
        };
        Ok(Case {
            request: from_value(v, "")?,
            expect,
        })
    }

    /// Parse a JSON-lines file (blank lines skipped). Errors carry the 1-based line number.
    pub fn parse_jsonl(text: &str) -> Result<Vec<Case>, (usize, RequestError)> {
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| Case::from_json(l).map_err(|e| (i + 1, e)))
            .collect()
    }
}

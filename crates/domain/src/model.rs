//! Organisations, users, clients and the facts recorded about a client's service.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::hetu::Hetu;
use crate::ids::{ClientId, JobSearchId, OrgId, UserId};
use crate::text::{PersonName, ShortText, Username};

/// A value outside a closed list (an unknown enum value in a form or API body).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown value {value:?}; expected one of: {expected}")]
pub struct UnknownValue {
    pub value: String,
    pub expected: &'static str,
}

/// Closed lists with stable snake_case codes (the same codes in the database, the API and the
/// rules contract).
macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* #[serde(rename = $code)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const CODES: &'static str = concat!($($code, " "),+);
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
        }
        impl std::str::FromStr for $name {
            type Err = $crate::model::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($code => Ok($name::$variant),)+
                    _ => Err($crate::model::UnknownValue {
                        value: s.to_owned(),
                        expected: Self::CODES.trim_ascii_end(),
                    }),
                }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}
pub(crate) use code_enum;

code_enum!(
    /// What kind of organisation.
    OrgKind {
        /// Työvoimaviranomainen: a municipality or group of municipalities.
        EmploymentAuthority = "employment_authority",
        /// KEHA-keskus, unemployment-security unit.
        Keha = "keha",
        /// Aluehallintovirasto: supervision.
        Supervisor = "supervisor",
    }
);

code_enum!(
    /// A user's role. One account has one role (A1: personal accounts only).
    Role {
        JobSeeker = "job_seeker",
        Official = "official",
        KehaOfficial = "keha_official",
        RulesAuthor = "rules_author",
        Supervisor = "supervisor",
        Administrator = "administrator",
    }
);

code_enum!(
    /// Language of service (A13): Finnish, Swedish, Sámi, English.
    Language { Fi = "fi", Sv = "sv", Se = "se", En = "en" }
);

code_enum!(
    /// Agreed contact method (*asiointitapa*, A9).
    ContactMethodKind {
        Online = "online",
        Phone = "phone",
        Video = "video",
        Visit = "visit",
        Letter = "letter",
    }
);

code_enum!(
    /// Why a job search ended; the same codes as the statement contract's `end_reason`.
    EndReason {
        Employed = "employed",
        OwnRequest = "own_request",
        NotRenewed = "not_renewed",
        NoContact = "no_contact",
        InfoNotGiven = "info_not_given",
        RightToWorkEnded = "right_to_work_ended",
        FullTimeStudies = "full_time_studies",
    }
);

/// An organisation, always named in full to clients (brief: no "TTV", no "KEHA" alone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: OrgId,
    pub kind: OrgKind,
    pub name_fi: PersonName,
    pub name_sv: PersonName,
}

/// A personal user account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub username: Username,
    pub display_name: PersonName,
    pub role: Role,
    /// The organisation an official works for; `None` for job seekers.
    pub org_id: Option<OrgId>,
    /// The client record of a job seeker's own account.
    pub client_id: Option<ClientId>,
}

/// A job seeker as registered by an employment authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Client {
    pub id: ClientId,
    pub hetu: Hetu,
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub language: Language,
    /// The employment authority responsible for the client.
    pub org_id: OrgId,
    pub created_at: DateTime<Utc>,
}

/// A client to be registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClient {
    pub hetu: Hetu,
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub language: Language,
    pub org_id: OrgId,
}

/// The contact method agreed with the client, usually in the initial interview (A9). Agreements
/// are never overwritten: a new one supersedes the old, and the history stays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactMethod {
    pub method: ContactMethodKind,
    pub agreed_on: NaiveDate,
    pub note: Option<ShortText>,
    /// Where notices go (issue 13, A18: "log in to read it", nothing more); none: no notices.
    pub email: Option<crate::EmailAddress>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: UserId,
}

/// One assignment of a responsible expert (*vastuuasiantuntija*); the latest is in force and the
/// history shows every handover (A8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponsibleExpert {
    pub official_id: UserId,
    pub official_name: PersonName,
    pub from: NaiveDate,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: UserId,
}

/// A job-search period. It starts on registration and may end once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobSearch {
    pub id: JobSearchId,
    pub client_id: ClientId,
    pub start_date: NaiveDate,
    pub end: Option<JobSearchEnd>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: UserId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobSearchEnd {
    pub date: NaiveDate,
    pub reason: EndReason,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: UserId,
}

impl JobSearch {
    /// Whether the period covers `date`.
    pub fn is_active_on(&self, date: NaiveDate) -> bool {
        self.start_date <= date && self.end.as_ref().is_none_or(|e| date <= e.date)
    }
}

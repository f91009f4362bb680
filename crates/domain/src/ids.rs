//! Typed identifiers. Each wraps a UUID so that a `ClientId` can never be passed where an
//! `EntryId` is expected.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A string that is not a UUID where an identifier was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid identifier (expected a UUID): {0:?}")]
pub struct IdError(pub String);

macro_rules! id_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps a UUID (from the database or from a generator the caller owns).
            pub const fn from_uuid(u: Uuid) -> Self {
                Self(u)
            }
            /// A fresh identifier from the caller's randomness.
            pub fn random(rng: &mut impl FnMut() -> u128) -> Self {
                Self(uuid::Builder::from_random_bytes(rng().to_le_bytes()).into_uuid())
            }
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self).map_err(|_| IdError(s.to_owned()))
            }
        }
    };
}

id_type!(
    /// An organisation (employment authority, KEHA-keskus, supervisor).
    OrgId
);
id_type!(
    /// A personal user account (A1: no shared accounts).
    UserId
);
id_type!(
    /// A job seeker known to the service.
    ClientId
);
id_type!(
    /// A journal entry; entries are immutable, so an id names one fixed text forever.
    EntryId
);
id_type!(
    /// A job-search period.
    JobSearchId
);
id_type!(
    /// An appointment.
    AppointmentId
);
id_type!(
    /// A decision of the automated statement procedure (B10).
    DecisionId
);
id_type!(
    /// A client's request for reconsideration of a statement (B7).
    ReconsiderationId
);
id_type!(
    /// A benefit payer (Kela or an unemployment fund) that statements are delivered to.
    PayerId
);
id_type!(
    /// One statement's delivery to one benefit payer (the outbox).
    DeliveryId
);
id_type!(
    /// A secure message between a client and their organisation (A18); never changed.
    MessageId
);

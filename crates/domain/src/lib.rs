//! Kirjuri's domain model: the vocabulary every other crate speaks.
//!
//! Main types: [`Hetu`] (validated identity code, masked by default), the typed ids
//! ([`ClientId`], [`EntryId`], …), [`Organisation`], [`User`] and [`Role`], [`Client`],
//! [`JobSearch`], [`ContactMethod`], [`ResponsibleExpert`], journal entries ([`NewEntry`],
//! [`Entry`], [`EntryKind`], [`Correction`]), appointments ([`NewAppointment`],
//! [`AppointmentMode`]), and time: [`Clock`], the Finnish working-day calendar and
//! [`EffectiveDated`] parameters.
//!
//! Values are built only through constructors that return `Result` (parse, don't validate);
//! this crate does no I/O and never reads the wall clock except in [`SystemClock`].
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod appointment;
pub mod clock;
pub mod email;
pub mod entry;
pub mod hetu;
pub mod ids;
pub mod message;
pub mod model;
pub mod payer;
pub mod retention;
pub mod text;
pub mod time;

pub use appointment::{Appointment, AppointmentError, AppointmentMode, NewAppointment};
pub use clock::{Clock, FixedClock, SystemClock};
pub use email::{EmailAddress, EmailError};
pub use entry::{
    follow_up_met, plan_follow_ups, Correction, Entry, EntryDetails, EntryError, EntryKind,
    NewEntry, PlanFollowUps, FOLLOW_UP_KINDS, RECORDING_LAG_WORKING_DAYS,
};
pub use hetu::{Hetu, HetuError};
pub use ids::{
    AppointmentId, ClientId, DecisionId, DeliveryId, EntryId, IdError, JobSearchId, MessageId,
    OrgId, PayerId, ReconsiderationId, UserId,
};
pub use message::{Message, MessageSender};
pub use model::{
    Client, ContactMethod, ContactMethodKind, EndReason, JobSearch, JobSearchEnd, Language,
    NewClient, OrgKind, Organisation, ResponsibleExpert, Role, UnknownValue, User,
};
pub use payer::{is_loopback_ip, is_public_ip, EndpointError, EndpointUrl};
pub use retention::{RecordKind, RetentionCutoffs, RetentionPeriod, RetentionPolicy};
pub use text::{
    is_bidi_control, is_format_char, Address, ClientReasons, EntryText, LegalBasis, MessageText,
    PersonName, Reasoning, ShortText, TextError, Username,
};
pub use time::{EffectiveDated, HELSINKI};

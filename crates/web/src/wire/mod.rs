//! Wire types: the JSON the API accepts and returns. Serialization is a boundary, so these live
//! here and nowhere else, one module per feature. Requests carry plain strings for every
//! validated value and are parsed into domain values by functions that name the field at fault
//! (`parse`); what a value must be is decided by the domain types and the application layer.
//! Responses are built from the application layer's results and never carry a full identity
//! code.
//!
//! The feature modules refer to each other's views but never to this module, so the wire has
//! no import cycle.

pub mod admin;
pub mod cases;
pub mod clients;
pub mod delivery;
pub mod ledger;
pub mod managers;
pub mod messages;
pub mod notices;
pub mod own;
pub mod parse;
pub mod quality;
pub mod record;
pub mod retention;
pub mod session;
pub mod statements;

pub use admin::*;
pub use cases::*;
pub use clients::*;
pub use delivery::*;
pub use ledger::*;
pub use managers::*;
pub use messages::*;
pub use notices::*;
pub use own::*;
pub use parse::{answers, date, field, instant, FieldError, Parsed};
pub use quality::*;
pub use record::*;
pub use retention::*;
pub use session::*;
pub use statements::*;

//! The JSON API's handlers, one module per feature. Each handler is thin: it takes the
//! [`crate::auth::Act`] (who acts, and why), parses the request into domain values with the
//! wire types, calls one use case of [`kirjuri_app::App`], and turns the result into a wire
//! view or the error into an [`crate::error::ApiError`]. No handler decides who may do what or
//! writes the access log: the application layer does both (a test over these sources keeps it
//! so: `web/tests/api/layering.rs`).

pub mod admin;
pub mod audit;
pub mod cases;
pub mod clients;
pub mod delivery;
pub mod ledger;
pub mod managers;
pub mod messages;
pub mod notices;
pub mod own;
pub mod quality;
pub mod record;
pub mod session;
pub mod statements;

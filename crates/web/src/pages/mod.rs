//! Pages for officials: server-rendered HTML that works without JavaScript (forms post and
//! redirect). Thin like the JSON API beside it: each handler calls use cases of
//! `kirjuri_app` only, so policy, access logging and content checks happen once, there.
//!
//! **Invariants:** HTML is written only by askama templates (`crates/web/templates/`, every
//! value escaped); UI text comes from Fluent (`crates/web/locales/`); every form carries a
//! CSRF token checked before anything else; every answer carries the security headers of
//! [`layout::page_headers`] and pages are never cached.
//!
//! Modules: [`layout`] (language, CSRF token, headers, dates), [`i18n`] (Fluent), [`error`]
//! (errors as pages), [`session`] (log-in, log-out, signed-in forms), [`today`] ("my work
//! today"), [`record`] (finding a client, the client record), [`entry`] (writing an entry), [`appointment`] (booking one), [`handover`] (the handover summary, A8), [`assign`] (the contact method and the responsible expert), [`facts`] (the client's register facts, B4), [`jobsearch`] (starting and ending a job search with the client's answers), [`queue`] (the work queue of routed cases and requests for reconsideration: take, preview, resolve), [`provenance`] (a decision's provenance), [`statement`] (the printable statements of a decision),
//! [`messages`] (the secure conversation between a client and their organisation, A18),
//! [`assets`] (the stylesheets, compiled in).

pub mod appointment;
pub mod assets;
pub mod assign;
pub mod entry;
pub mod error;
pub mod facts;
pub mod handover;
pub mod i18n;
pub mod jobsearch;
pub mod layout;
pub mod messages;
pub mod provenance;
pub mod queue;
pub mod record;
pub mod session;
pub mod statement;
pub mod today;

use axum::routing::{get, post};
use axum::Router;

use crate::AppState;

/// Every page route, with the page headers.
pub fn routes(state: AppState) -> Router {
    Router::new()
        .route("/", get(today::root))
        .route("/login", get(session::login_form).post(session::login))
        .route("/logout", post(session::logout))
        .route("/today", get(today::today))
        .route("/clients", get(record::find))
        .route("/clients/lookup", post(record::lookup))
        .route("/clients/{id}", get(record::record))
        .route("/clients/{id}/entries/new", get(entry::new_entry))
        .route("/clients/{id}/entries", post(entry::post_entry))
        .route(
            "/clients/{id}/job-search/new",
            get(jobsearch::new_job_search),
        )
        .route(
            "/clients/{id}/job-search",
            post(jobsearch::start_job_search),
        )
        .route(
            "/clients/{id}/job-search/end",
            get(jobsearch::end_form).post(jobsearch::end_job_search),
        )
        .route(
            "/clients/{id}/appointments/new",
            get(appointment::new_appointment),
        )
        .route("/clients/{id}/appointments", post(appointment::book))
        .route("/clients/{id}/handover", get(handover::handover))
        .route(
            "/clients/{id}/contact-method/new",
            get(assign::new_contact_method),
        )
        .route(
            "/clients/{id}/contact-method",
            post(assign::agree_contact_method),
        )
        .route(
            "/clients/{id}/responsible-expert/new",
            get(assign::new_expert),
        )
        .route(
            "/clients/{id}/responsible-expert",
            post(assign::assign_expert),
        )
        .route(
            "/clients/{id}/register-facts/new",
            get(facts::new_register_facts),
        )
        .route(
            "/clients/{id}/register-facts",
            post(facts::set_register_facts),
        )
        // Secure messages (issue 13, A18): the client's own page and the officials' page.
        .route(
            "/me/messages",
            get(messages::own_messages).post(messages::send_own_message),
        )
        .route(
            "/clients/{id}/messages",
            get(messages::client_messages).post(messages::send_client_message),
        )
        .route("/decisions/{id}/provenance", get(provenance::provenance))
        .route("/decisions/{id}/proof", get(provenance::proof))
        .route("/decisions/{id}/statement", get(statement::statement))
        .route("/queue", get(queue::queue))
        .route("/queue/{id}", get(queue::case).post(queue::resolve))
        .route("/queue/{id}/take", post(queue::take))
        .route(
            "/reconsiderations/{id}",
            get(queue::reconsideration).post(queue::resolve_reconsideration),
        )
        .route(
            "/reconsiderations/{id}/take",
            post(queue::take_reconsideration),
        )
        .route("/static/{file}", get(assets::file))
        .fallback(assets::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            layout::page_headers,
        ))
        .with_state(state)
}

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
//! [`reports`] (the supervisor's compliance reports with their [`chart`]s, [`csv`] downloads
//! and drill-downs, issue 14; reports 4–6 in [`oversight`]),
//! [`rules`] (the rules author's page: rule sets, adoption decisions with the forms to register
//! and retire one, quality figures per rule-set version; issue 14), [`rule_tests`] (its
//! planned test cases and the replay of a new version, by reason),
//! [`admin`] (the administrator's pages: accounts with the forms to create one and lift its
//! log-in delays, identity-provider links, benefit payers; issue 14),
//! [`assets`] (the stylesheets, compiled in).
//!
//! The job seeker's own pages (issue 13), under `/me`: [`own`] (start page, appointments,
//! record), [`own_jobsearch`] (the prior notice, then registering or ending the job search),
//! [`own_statements`] (statements with their safeguards, the request for reconsideration),
//! [`own_data`] (who has handled the data, the export).

pub mod admin;
pub mod appointment;
pub mod assets;
pub mod assign;
pub mod chart;
pub mod csv;
pub mod entry;
pub mod error;
pub mod facts;
pub mod handover;
pub mod i18n;
pub mod jobsearch;
pub mod layout;
pub mod messages;
pub mod oversight;
pub mod own;
pub mod own_data;
pub mod own_jobsearch;
pub mod own_statements;
pub mod provenance;
pub mod queue;
pub mod record;
pub mod reports;
pub mod rule_tests;
pub mod rules;
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
        // The rules author's page (issue 14): rule sets, adoption decisions, quality figures.
        .route("/rules", get(rules::rules))
        .route("/rules/adoption-decisions", post(rules::register))
        .route("/rules/adoption-decisions/retire", post(rules::retire))
        .route(
            "/rules/test",
            get(rule_tests::test_form).post(rule_tests::run),
        )
        // The administrator's pages (issue 14): accounts, identity-provider links, payers.
        .route("/admin", get(admin::accounts))
        .route("/admin/accounts", post(admin::create_account))
        .route("/admin/accounts/lift-delays", post(admin::lift_delays))
        .route("/admin/accounts/manager", post(admin::manager))
        .route(
            "/admin/identities",
            get(admin::identities).post(admin::link_identity),
        )
        .route(
            "/admin/payers",
            get(admin::payers).post(admin::register_payer),
        )
        .route("/me", get(own::home))
        .route("/me/appointments", get(own::appointments))
        .route("/me/record", get(own::record))
        .route(
            "/me/job-search",
            get(own_jobsearch::notice_first).post(own_jobsearch::register),
        )
        .route("/me/job-search/new", get(own_jobsearch::new_form))
        .route(
            "/me/job-search/end",
            get(own_jobsearch::end_form).post(own_jobsearch::end),
        )
        .route("/me/statements", get(own_statements::list))
        .route("/me/statements/{id}", get(own_statements::statement))
        .route(
            "/me/statements/{id}/reconsideration",
            post(own_statements::ask),
        )
        .route("/me/access-log", get(own_data::access_log))
        .route("/me/export", get(own_data::export_page))
        .route("/me/export.json", get(own_data::export_json))
        // The supervisor's compliance reports (issue 14): page, CSV, drill-down.
        .route("/reports", get(reports::index))
        .route("/reports/timeliness", get(reports::timeliness))
        .route("/reports/timeliness.csv", get(reports::timeliness_csv))
        .route(
            "/reports/timeliness/clients",
            get(reports::timeliness_clients),
        )
        .route("/reports/interviews", get(reports::interviews))
        .route("/reports/interviews.csv", get(reports::interviews_csv))
        .route(
            "/reports/interviews/clients",
            get(reports::interviews_clients),
        )
        .route("/reports/contact-methods", get(reports::contact_methods))
        .route(
            "/reports/contact-methods.csv",
            get(reports::contact_methods_csv),
        )
        .route(
            "/reports/contact-methods/clients",
            get(reports::contact_methods_clients),
        )
        // Reports 4–6 (issue 14): language quality, statements, access.
        .route("/reports/language", get(oversight::language))
        .route("/reports/language.csv", get(oversight::language_csv))
        .route(
            "/reports/language/clients",
            get(oversight::language_clients),
        )
        .route("/reports/statements", get(oversight::statements))
        .route("/reports/statements.csv", get(oversight::statements_csv))
        .route(
            "/reports/statements/clients",
            get(oversight::statements_clients),
        )
        .route("/reports/access", get(oversight::access))
        .route("/reports/access.csv", get(oversight::access_csv))
        .route("/reports/access/clients", get(oversight::access_clients))
        .route("/reports/follow-ups", get(reports::follow_ups))
        .route("/reports/follow-ups.csv", get(reports::follow_ups_csv))
        .route(
            "/reports/follow-ups/clients",
            get(reports::follow_ups_clients),
        )
        .route("/static/{file}", get(assets::file))
        .fallback(assets::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            layout::page_headers,
        ))
        .with_state(state)
}

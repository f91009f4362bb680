//! Kirjuri's HTTP transport: the JSON API, its OpenAPI document, sessions and graceful
//! shutdown. A thin adapter over the application layer (`kirjuri_app`): handlers turn
//! requests into use-case calls and results into JSON; they never decide who may do what or
//! write the access log themselves, and this crate does not depend on the store.
//!
//! Main types: [`AppState`] (the [`kirjuri_app::App`] and the transport's configuration),
//! [`Config`], [`router`] (every route, collected together with its OpenAPI description so the
//! document cannot drift from the routes), [`serve`], and [`error::ApiError`], the one error
//! type that maps failures to HTTP statuses without leaking internals.
//!
//! Modules: [`api`] (handlers, one module per feature), [`wire`] (request and response types,
//! one module per feature), [`auth`] (session cookie, the [`auth::Act`] extractor, log-in),
//! [`oidc`] (OpenID Connect), [`csrf`] (cross-site writes refused), [`tls`] (HTTPS with
//! rustls), [`extract`] (JSON bodies whose errors name the field).
//!
//! **Invariant:** every handler that touches client data authenticates through
//! [`auth::Act`] and calls one use case of the application layer, which asks the policy and
//! logs; no handler names a role or writes an access-log row.

pub mod api;
pub mod auth;
pub mod csrf;
pub mod error;
pub mod extract;
pub mod headers;
pub mod metrics;
pub mod oidc;
pub mod openapi;
pub mod pages;
pub mod paging;
pub mod tls;
pub mod wire;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::routing::get;
use axum::{Json, Router};
use kirjuri_app::App;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Settings of the HTTP transport (the application layer's are `kirjuri_app::AppConfig`).
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Mark the session cookie `Secure` (on whenever the server is reached over HTTPS).
    pub secure_cookies: bool,
    /// OpenID Connect identity providers (none: password log-in only).
    pub oidc: Vec<oidc::OidcProviderConfig>,
    /// Take the client address from the last `X-Forwarded-For` entry (a trusted proxy in
    /// front appends it); otherwise the connection's peer address counts.
    pub trust_forwarded_for: bool,
    /// The server's origin as browsers see it (`https://kirjuri.example.fi`), for the CSRF
    /// check; without it the `Host` header stands in.
    pub public_origin: Option<String>,
    /// The bearer token of `/metrics` on this listener (`KIRJURI_METRICS_TOKEN`); without
    /// one `/metrics` is not served here (see [`metrics`]).
    pub metrics_token: Option<String>,
    /// How long `/health` reuses its last probe of the database when it was healthy (`serve`
    /// sets a second; a failed probe is never reused, so recovery shows at once).
    /// `/health` needs no log-in, so without this every call would be a database write that
    /// anyone can make; callers arriving while a probe runs wait for it and share its answer.
    /// Zero (the default, and the tests') probes at every call.
    pub health_probe_interval: std::time::Duration,
}

/// Shared by every handler.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The application layer: every use case.
    pub app: App,
    pub config: Arc<Config>,
    /// Configured OpenID Connect providers.
    pub oidc: Arc<oidc::Oidc>,
    /// Request counts and latencies, and refused writes (for `/health`).
    pub metrics: Arc<metrics::Metrics>,
    /// The last probe of the database and when it was made (see
    /// [`Config::health_probe_interval`]).
    pub health_probe: Arc<
        tokio::sync::Mutex<Option<(std::time::Instant, kirjuri_app::operations::DatabaseHealth)>>,
    >,
}

impl AppState {
    pub fn new(app: App, config: Config) -> anyhow::Result<Self> {
        let oidc = oidc::Oidc::new(&config.oidc)?;
        let metrics = metrics::Metrics::new(config.metrics_token.clone());
        Ok(Self {
            app,
            config: Arc::new(config),
            oidc: Arc::new(oidc),
            metrics: Arc::new(metrics),
            health_probe: Arc::new(tokio::sync::Mutex::new(None)),
        })
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kirjuri API",
        description = "Client information system of the public employment services",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2")
    ),
    tags(
        (name = "session", description = "Log-in with a personal account (A1)"),
        (name = "clients", description = "Job seekers; identity codes are only ever shown masked"),
        (name = "entries", description = "Journal entries: immutable, corrections are new entries (A5)"),
        (name = "messages", description = "Secure messages between a client and their organisation, inside Kirjuri (A18)"),
        (name = "statements", description = "Automated labour-policy statements (KEHA/73792/2024): adoption decisions, register facts, decisions and their provenance"),
    )
)]
struct ApiDoc;

/// Every route and the OpenAPI document describing exactly those routes.
pub fn router(state: AppState) -> Router {
    let (router, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(api::session::health))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(oidc::oidc_login))
        .routes(routes!(oidc::oidc_callback))
        .routes(routes!(oidc::link_identity))
        .routes(routes!(api::session::me))
        .routes(routes!(api::own::my_record))
        .routes(routes!(api::own::my_entries))
        .routes(routes!(api::own::my_appointments))
        .routes(routes!(api::own::my_job_searches))
        .routes(routes!(api::own::my_access_log))
        .routes(routes!(api::own::my_export))
        // Secure messages (issue 13, A18).
        .routes(routes!(
            api::messages::my_messages,
            api::messages::send_my_message
        ))
        .routes(routes!(
            api::messages::list_messages,
            api::messages::send_message
        ))
        .routes(routes!(api::statements::my_statements))
        .routes(routes!(api::statements::get_notice))
        .routes(routes!(
            api::statements::list_adoption_decisions,
            api::statements::create_adoption_decision
        ))
        .routes(routes!(api::ledger::latest_checkpoint))
        .routes(routes!(api::statements::put_register_facts))
        .routes(routes!(api::statements::list_decisions))
        .routes(routes!(api::statements::decision_provenance))
        .routes(routes!(
            api::delivery::list_payers,
            api::delivery::create_payer
        ))
        .routes(routes!(
            api::delivery::list_applications,
            api::delivery::record_application
        ))
        .routes(routes!(api::delivery::list_deliveries))
        .routes(routes!(api::delivery::statement_gaps))
        .routes(routes!(api::cases::work_queue))
        .routes(routes!(api::cases::take_case))
        .routes(routes!(api::cases::resolve_case))
        .routes(routes!(api::cases::ask_reconsideration))
        .routes(routes!(api::cases::record_reconsideration))
        .routes(routes!(api::cases::reconsideration_queue))
        .routes(routes!(api::cases::take_reconsideration))
        .routes(routes!(api::cases::resolve_reconsideration))
        .routes(routes!(api::statements::statement_quality))
        .routes(routes!(api::audit::search_access_log))
        .routes(routes!(api::audit::retention_report))
        .routes(routes!(api::audit::security_log))
        .routes(routes!(api::audit::account_events))
        .routes(routes!(api::admin::lift_login_delays))
        .routes(routes!(
            api::managers::grant_manager,
            api::managers::revoke_manager
        ))
        .routes(routes!(api::notices::list_notices))
        .routes(routes!(api::quality::check_text))
        .routes(routes!(
            api::admin::list_accounts,
            api::admin::create_account
        ))
        .routes(routes!(api::session::organisations))
        .routes(routes!(
            api::clients::list_clients,
            api::clients::create_client
        ))
        .routes(routes!(api::clients::lookup_client))
        .routes(routes!(api::clients::get_client))
        .routes(routes!(
            api::clients::list_job_searches,
            api::clients::start_job_search
        ))
        .routes(routes!(api::clients::end_job_search))
        .routes(routes!(
            api::record::list_entries,
            api::record::create_entry
        ))
        .routes(routes!(api::record::entry_chain))
        .routes(routes!(
            api::record::list_appointments,
            api::record::create_appointment
        ))
        .routes(routes!(
            api::record::list_contact_methods,
            api::record::agree_contact_method
        ))
        .routes(routes!(
            api::record::list_responsible_experts,
            api::record::assign_responsible_expert
        ))
        .with_state(state.clone())
        .split_for_parts();
    let mut doc = doc;
    openapi::add_error_responses(&mut doc);
    let doc = Arc::new(doc);
    router
        .route(
            "/api/openapi.json",
            get(move || async move { Json(doc.as_ref().clone()) }),
        )
        // An unknown path under /api/ is a JSON 404 naming `path` (issue 15 item 14); any other
        // is the pages' not-found page in the user's language (their fallback).
        .route("/api/{*rest}", axum::routing::any(extract::no_route))
        .route(
            "/metrics",
            get(metrics::metrics_with_token).with_state(state.clone()),
        )
        .merge(pages::routes(state.clone()))
        .method_not_allowed_fallback(extract::no_method)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            csrf::check_origin,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        // Outermost, so refusals of the cross-site check carry the headers too.
        .layer(axum::middleware::from_fn_with_state(
            state,
            headers::security_headers,
        ))
}

/// The metrics listener's routes (`kirjuri serve --metrics-addr`): `/metrics` only, without a
/// token, for a network only the monitoring reaches.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(metrics::metrics_open))
        .with_state(state)
}

/// Serves [`metrics_router`] until `shutdown` completes.
pub async fn serve_metrics(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, metrics_router(state))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Serves plain HTTP until `shutdown` completes, then finishes the requests in flight. For
/// HTTPS see [`tls::serve_tls`].
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

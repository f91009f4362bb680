//! Kirjuri's HTTP server: the JSON API, its OpenAPI document, sessions and graceful shutdown.
//!
//! Main types: [`AppState`] (store and configuration shared by handlers), [`Config`],
//! [`router`] (every route, collected together with its OpenAPI description so the document
//! cannot drift from the routes), [`serve`], and [`error::ApiError`], the one error type that
//! maps failures to HTTP statuses without leaking internals.
//!
//! Log-in and transport: [`auth`] (passwords, sessions), [`oidc`] (OpenID Connect),
//! [`throttle`] (failed log-ins), [`csrf`] (cross-site writes refused) and [`tls`] (HTTPS with
//! rustls).
//!
//! **Invariant:** every handler that touches client data authenticates through
//! [`auth::CurrentUser`] and asks [`policy::require`] before it calls the store.

pub mod admin;
pub mod api;
pub mod audit;
pub mod auth;
pub mod csrf;
pub mod delivery;
pub mod error;
pub mod extract;
pub mod me;
pub mod oidc;
pub mod policy;
pub mod quality;
pub mod reconsideration;
pub mod statements;
pub mod throttle;
pub mod tls;
pub mod wire;
pub mod work_queue;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::routing::get;
use axum::{Json, Router};
use kirjuri_store::Store;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Server settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// How long a session lasts after log-in.
    pub session_ttl: chrono::Duration,
    /// Mark the session cookie `Secure` (on whenever the server is reached over HTTPS).
    pub secure_cookies: bool,
    /// OpenID Connect identity providers (none: password log-in only).
    pub oidc: Vec<oidc::OidcProviderConfig>,
    /// Limits of failed password log-ins.
    pub login_throttle: throttle::LoginThrottle,
    /// Take the client address from the last `X-Forwarded-For` entry (a trusted proxy in
    /// front appends it); otherwise the connection's peer address counts.
    pub trust_forwarded_for: bool,
    /// The server's origin as browsers see it (`https://kirjuri.example.fi`), for the CSRF
    /// check; without it the `Host` header stands in.
    pub public_origin: Option<String>,
    /// A directory of the entry-quality checker's word lists (an administrator extends them
    /// without a rebuild); files missing there come from the lists built in.
    pub quality_data: Option<std::path::PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            session_ttl: chrono::Duration::hours(8),
            secure_cookies: false,
            oidc: Vec::new(),
            login_throttle: throttle::LoginThrottle::default(),
            trust_forwarded_for: false,
            public_origin: None,
            quality_data: None,
        }
    }
}

/// Shared by every handler.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    /// An Argon2id hash to verify against for unknown usernames (equal timing).
    pub dummy_hash: Arc<String>,
    /// Configured OpenID Connect providers.
    pub oidc: Arc<oidc::Oidc>,
    /// Log-in attempts of one username run one at a time (striped by a hash of the name), so
    /// parallel guesses cannot all pass the throttle's count before any failure is recorded.
    pub login_locks: Arc<Vec<tokio::sync::Mutex<()>>>,
    /// The entry-quality checker (A13–A18), run on every entry before it is written.
    pub checker: Arc<kirjuri_quality::Checker>,
    /// The shipped processing rules of the automated statement procedure, checked once at
    /// start-up.
    pub rules: Arc<kirjuri_rules::RuleSets>,
}

impl AppState {
    pub fn new(store: Store, config: Config) -> anyhow::Result<Self> {
        let dummy = auth::hash_password("not a password of anyone")
            .map_err(|e| anyhow::anyhow!("hashing: {e}"))?;
        let oidc = oidc::Oidc::new(&config.oidc)?;
        let data = match &config.quality_data {
            Some(dir) => kirjuri_quality::Data::from_dir(dir),
            None => kirjuri_quality::Data::embedded(),
        }
        .map_err(|e| anyhow::anyhow!("entry-quality word lists: {e}"))?;
        let checker = kirjuri_quality::Checker::new(data, kirjuri_quality::MorphologyMode::Auto)
            .map_err(|e| anyhow::anyhow!("entry-quality checker: {e}"))?;
        tracing::info!(morphology = ?checker.morphology(), "entry-quality checker ready");
        let rules = kirjuri_rules::RuleSets::shipped()
            .map_err(|d| anyhow::anyhow!("shipped processing rules: {}", d.render()))?;
        Ok(Self {
            rules: Arc::new(rules),
            store,
            config: Arc::new(config),
            dummy_hash: Arc::new(dummy),
            oidc: Arc::new(oidc),
            login_locks: Arc::new((0..64).map(|_| tokio::sync::Mutex::new(())).collect()),
            checker: Arc::new(checker),
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
        (name = "statements", description = "Automated labour-policy statements (KEHA/73792/2024): adoption decisions, register facts, decisions and their provenance"),
    )
)]
struct ApiDoc;

/// Every route and the OpenAPI document describing exactly those routes.
pub fn router(state: AppState) -> Router {
    let (router, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(api::health))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(oidc::oidc_login))
        .routes(routes!(oidc::oidc_callback))
        .routes(routes!(oidc::link_identity))
        .routes(routes!(api::me))
        .routes(routes!(me::my_record))
        .routes(routes!(me::my_entries))
        .routes(routes!(me::my_appointments))
        .routes(routes!(me::my_job_searches))
        .routes(routes!(me::my_access_log))
        .routes(routes!(me::my_export))
        .routes(routes!(statements::my_statements))
        .routes(routes!(statements::get_notice))
        .routes(routes!(
            statements::list_adoption_decisions,
            statements::create_adoption_decision
        ))
        .routes(routes!(statements::put_register_facts))
        .routes(routes!(statements::list_decisions))
        .routes(routes!(statements::decision_provenance))
        .routes(routes!(delivery::list_payers, delivery::create_payer))
        .routes(routes!(
            delivery::list_applications,
            delivery::record_application
        ))
        .routes(routes!(delivery::list_deliveries))
        .routes(routes!(delivery::statement_gaps))
        .routes(routes!(work_queue::work_queue))
        .routes(routes!(work_queue::take_case))
        .routes(routes!(work_queue::resolve_case))
        .routes(routes!(reconsideration::ask_reconsideration))
        .routes(routes!(reconsideration::record_reconsideration))
        .routes(routes!(reconsideration::reconsideration_queue))
        .routes(routes!(reconsideration::take_reconsideration))
        .routes(routes!(reconsideration::resolve_reconsideration))
        .routes(routes!(reconsideration::statement_quality))
        .routes(routes!(audit::search_access_log))
        .routes(routes!(quality::check_text))
        .routes(routes!(admin::list_accounts, admin::create_account))
        .routes(routes!(api::organisations))
        .routes(routes!(api::list_clients, api::create_client))
        .routes(routes!(api::lookup_client))
        .routes(routes!(api::get_client))
        .routes(routes!(api::list_job_searches, api::start_job_search))
        .routes(routes!(api::end_job_search))
        .routes(routes!(api::list_entries, api::create_entry))
        .routes(routes!(api::entry_chain))
        .routes(routes!(api::list_appointments, api::create_appointment))
        .routes(routes!(
            api::list_contact_methods,
            api::agree_contact_method
        ))
        .routes(routes!(
            api::list_responsible_experts,
            api::assign_responsible_expert
        ))
        .with_state(state.clone())
        .split_for_parts();
    let doc = Arc::new(doc);
    router
        .route(
            "/api/openapi.json",
            get(move || async move { Json(doc.as_ref().clone()) }),
        )
        .layer(axum::middleware::from_fn_with_state(
            state,
            csrf::check_origin,
        ))
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

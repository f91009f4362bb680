//! Kirjuri's application layer: one home for every use case, whatever the transport. The JSON
//! API, the HTML pages and the command line translate their input into calls on [`App`] and
//! its results back; policy, access logging and content checks happen here once, never in a
//! handler (in the style of kanidm's server core).
//!
//! Main types: [`App`] (the store, the shipped processing rules, the entry-quality checker and
//! the configuration; one method per use case), [`Actor`] (who acts and why, filled by the
//! transport), [`AppError`] (the one error of every use case), [`policy`] (every role check:
//! [`policy::decide`] for a client's data, [`policy::permit`] for everything else), the guard
//! (`guard`: authorises and logs every refusal), [`documents`] (the statements Kirjuri issues,
//! in Finnish and Swedish), [`statements`] (the automated procedure), [`cases`] (routed cases
//! and requests for reconsideration, one path for both) and [`worker::DeliveryWorker`] (the
//! statement outbox).
//!
//! **Invariant:** every use case that touches a client's data goes through the guard before
//! the store: the policy decides, a refusal is logged (`denied`, flagged) before it is answered,
//! and an allowed access reaches the store with the [`kirjuri_store::Access`] the store logs
//! every read and write under.
//! **Invariant:** every text an official writes that reaches a client — an entry, the reasoning
//! and basis of a statement — passes the entry-quality checker here before it is written.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod actor;
pub mod admin;
mod audit;
pub mod cases;
pub mod checkpoints;
pub mod clients;
mod dates;
pub mod delivery;
pub mod documents;
mod error;
mod guard;
pub mod handover;
pub mod managers;
pub mod me;
pub mod messages;
pub mod my_work;
pub mod notify;
pub mod operations;
pub mod oversight;
pub mod own;
pub mod paged;
pub mod paging;
pub mod policy;
mod quality;
pub mod reports;
pub mod retention;
pub mod rule_tests;
pub mod session;
pub mod statements;
mod stored;
pub mod worker;

use std::path::PathBuf;
use std::sync::Arc;

use kirjuri_domain::Clock;
use kirjuri_quality::Checker;
use kirjuri_rules::RuleSets;
use kirjuri_store::Store;

pub use actor::Actor;
pub use error::{entry_error_field, field, AppError, AppResult};
pub use policy::{home, Home};
pub use quality::{blocks_document, stored_findings};
pub use session::{hash_password, LoginThrottle, Session};

/// The store's read models that use cases return as they are. Re-exported so that the
/// transports depend on this crate alone and never reach the store itself.
pub mod model {
    pub use kirjuri_store::{
        AccessAction, AccessLogEntry, AccessLogQuery, AccountEvent, AdoptionDecision,
        BenefitApplication, BenefitPayer, DeliveryFailure, DeliveryReceipt, DeliveryStatus,
        GapReason, NewBenefitPayer, NoticeKind, NoticeState, NoticeStatus, OfficialStep,
        PendingOidcLogin, QualityFigures, QueueCase, Reconsideration, ReconsiderationCase,
        ReconsiderationStep, RecordedRegisterFacts, RegisterFacts, Resolution, RetentionRun,
        RoutedCount, SecurityEvent, SecurityEventKind, StatementGap, StoredCheckpoint,
        StoredDecision,
    };
    /// The compliance reports' read models (issue 14, reports 4–6).
    pub use kirjuri_store::{
        AccessCount, AccessDrill, DrillClient, FindingKind, GapClient, OversightFilter,
        PurposeCount, VersionDrill, GAP_REASONS,
    };
}

/// What the application layer is configured with.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// How long a session lasts after log-in.
    pub session_ttl: chrono::Duration,
    /// Limits of failed password log-ins.
    pub login_throttle: LoginThrottle,
    /// A directory of the entry-quality checker's word lists (an administrator extends them
    /// without a rebuild); files missing there come from the lists built in.
    pub quality_data: Option<PathBuf>,
    /// The names of the configured OpenID Connect identity providers (identities are linked
    /// only to these).
    pub identity_providers: Vec<String>,
    /// Benefit payers on loopback (`http://127.0.0.1:…`) may be registered and sent to: a
    /// test configuration only (the tests, the demo, `scripts/crash-test`), never production
    /// (issue 15 item 5).
    pub loopback_payers: bool,
    /// Whether a mail server is configured for notices (issue 13): without one notices stay
    /// queued, and `/health` and the administrator's view say so.
    pub smtp_configured: bool,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            session_ttl: chrono::Duration::hours(8),
            login_throttle: LoginThrottle::default(),
            quality_data: None,
            identity_providers: Vec::new(),
            loopback_payers: false,
            smtp_configured: false,
        }
    }
}

/// Why an [`App`] could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("entry-quality word lists: {0}")]
    QualityData(String),
    #[error("entry-quality checker: {0}")]
    Checker(String),
    #[error("shipped processing rules: {0}")]
    Rules(String),
    #[error("hashing: {0}")]
    Hashing(String),
}

/// The application: every use case is a method. Cheap to clone.
#[derive(Clone)]
pub struct App {
    store: Store,
    rules: Arc<RuleSets>,
    checker: Arc<Checker>,
    config: Arc<AppConfig>,
    /// An Argon2id hash to verify against for unknown usernames (equal timing).
    dummy_hash: Arc<String>,
    /// The entry-quality checker's time per text (the metrics endpoint, issue 16).
    checker_times: Arc<operations::Histogram>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("store", &self.store)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl App {
    /// Builds the application on a store: loads the entry-quality checker (with libvoikko when
    /// it loads) and checks the shipped processing rules.
    pub fn new(store: Store, config: AppConfig) -> Result<Self, SetupError> {
        let dummy = hash_password("not a password of anyone")
            .map_err(|e| SetupError::Hashing(e.to_string()))?;
        let data = match &config.quality_data {
            Some(dir) => kirjuri_quality::Data::from_dir(dir),
            None => kirjuri_quality::Data::embedded(),
        }
        .map_err(|e| SetupError::QualityData(e.to_string()))?;
        let checker = Checker::new(data, kirjuri_quality::MorphologyMode::Auto)
            .map_err(|e| SetupError::Checker(e.to_string()))?;
        // Said once, at start: the checker is weaker with a fallback, and the pages say it too
        // (`App::morphology_status`).
        let status = checker.morphology_status();
        match status.notice() {
            None => tracing::info!(?status, "entry-quality checker ready"),
            Some(notice) => tracing::warn!(?status, "{}", notice.en),
        }
        let rules = RuleSets::shipped().map_err(|d| SetupError::Rules(d.render()))?;
        Ok(Self {
            store,
            rules: Arc::new(rules),
            checker: Arc::new(checker),
            config: Arc::new(config),
            dummy_hash: Arc::new(dummy),
            checker_times: Arc::new(operations::Histogram::new(operations::LATENCY_BOUNDS)),
        })
    }

    /// The shipped processing rules, checked at start-up.
    pub fn rules(&self) -> &RuleSets {
        &self.rules
    }

    /// The clock every use case reads time from (the store's).
    pub fn clock(&self) -> &Arc<dyn Clock> {
        self.store.clock()
    }

    /// Whether the database answers.
    pub async fn health(&self) -> AppResult<()> {
        Ok(self.store.ping().await?)
    }

    /// Closes the store (see `Store::close`).
    pub async fn close(&self) {
        self.store.close().await;
    }
}

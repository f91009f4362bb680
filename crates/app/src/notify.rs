//! Notices by e-mail (issue 13, A9, A18): [`NoticeWorker`] sends the notice outbox — "you have
//! a new message / a new appointment / a statement in Kirjuri, log in to read it", and nothing
//! else — to the address of the client's contact method in force.
//!
//! The pattern is the statement delivery worker's (`worker`): take the due notices, claim an
//! attempt (a lease, so two servers never send the same notice at once), send, record that it
//! was sent or a failure with the next try after an exponential backoff by the store's clock.
//! All state is in the database, so a restarted worker continues. A worker stopped between
//! sending and recording leaves an attempt without an outcome, sent again when the lease runs
//! out: at most one duplicate per crash, under the same `Message-ID` (derived from the notice's
//! id), so a mail client or a person sees it is the same notice.
//!
//! Every text passes the entry checker's outgoing-e-mail purpose (identity codes, health data,
//! benefit details block) and must not contain the client's name; a text that fails is not
//! sent and the notice is recorded as failed. Nothing is sent without TLS: STARTTLS is
//! required (or the connection is TLS from the start), with certificates checked against the
//! web PKI roots and an optional extra CA; a server that cannot set TLS up gets nothing and
//! the notice waits, its reason visible to an administrator (`App::notices`). No address and
//! no text is ever logged or kept with a failure.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use kirjuri_domain::{EmailAddress, Language, OrgId};
use kirjuri_quality::{Checker, Context};
use kirjuri_store::{DueNotice, NoticeKind, NoticeStatus, Store};
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::policy::{Capability, Scope};
use crate::{Actor, App, AppError, AppResult};

/// Why the notice worker could not start.
#[derive(Debug, thiserror::Error)]
pub enum NoticeError {
    #[error("the extra CA file of the mail server: {0}")]
    CaFile(String),
    #[error("setting up TLS for the mail server: {0}")]
    Tls(String),
    #[error("the sender address: {0}")]
    From(String),
}

/// How the connection to the mail server is secured; there is no plain mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpMode {
    /// Plain connection upgraded with STARTTLS, which is required (port 587).
    StartTls,
    /// TLS from the first byte (implicit TLS, port 465).
    Tls,
}

impl std::str::FromStr for SmtpMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "starttls" => Ok(Self::StartTls),
            "tls" => Ok(Self::Tls),
            other => Err(format!("{other}: the mode is starttls or tls")),
        }
    }
}

/// The mail server notices are sent through.
#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub mode: SmtpMode,
    /// The sender (`From:`); its domain is the right-hand side of every `Message-ID`.
    pub from: EmailAddress,
    /// User name and password, when the server asks for them.
    pub credentials: Option<(String, String)>,
    /// A PEM file of CA certificates trusted besides the web PKI roots (a private CA, or a
    /// test server's).
    pub extra_ca: Option<PathBuf>,
    /// How long to wait for the server.
    pub timeout: StdDuration,
}

impl std::fmt::Debug for SmtpConfig {
    // The password never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("mode", &self.mode)
            .field("from", &self.from)
            .field("credentials", &self.credentials.as_ref().map(|_| "…"))
            .field("extra_ca", &self.extra_ca)
            .finish()
    }
}

/// A fault to inject (tests): the crash between sending and recording.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum NoticeFault {
    #[default]
    None,
    /// After the first notice the server accepted, stop at once without recording it, as a
    /// process killed at that moment would.
    StopAfterSend,
}

/// How the notice worker runs.
#[derive(Debug, Clone)]
pub struct NoticeConfig {
    /// The name in each attempt (host and process, say).
    pub worker: String,
    /// How often to look for due notices (wall time between polls).
    pub poll: StdDuration,
    /// How long a claimed attempt is held before it counts as lost (by the store's clock);
    /// longer than the mail server's timeout.
    pub lease: chrono::Duration,
    /// The first retry comes this long after a failure; each next one twice as long.
    pub backoff: chrono::Duration,
    /// The longest wait between tries.
    pub max_backoff: chrono::Duration,
    /// Notices taken per poll.
    pub batch: i64,
    pub fault: NoticeFault,
}

impl Default for NoticeConfig {
    fn default() -> Self {
        Self {
            worker: format!("kirjuri-{}", std::process::id()),
            poll: StdDuration::from_secs(5),
            // Longer than the worst SMTP session (about ten commands of at most 30 s each), so
            // that another server does not take a notice over while it is still being sent.
            lease: chrono::Duration::minutes(15),
            backoff: chrono::Duration::minutes(1),
            max_backoff: chrono::Duration::hours(2),
            batch: 50,
            fault: NoticeFault::None,
        }
    }
}

impl NoticeConfig {
    /// The wait before the next try after `attempt` failed.
    pub fn backoff_after(&self, attempt: i64) -> chrono::Duration {
        let doublings = u32::try_from(attempt.saturating_sub(1).max(0))
            .unwrap_or(u32::MAX)
            .min(20);
        (self.backoff * 2i32.pow(doublings)).min(self.max_backoff)
    }
}

/// A notice's subject and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeText {
    pub subject: &'static str,
    pub body: &'static str,
}

/// The whole text of a notice of `kind` in `language` (Finnish for Sámi): fixed, with no
/// field of the record in it (A18).
pub fn notice_text(kind: NoticeKind, language: Language) -> NoticeText {
    use NoticeKind as K;
    let (subject, body) = match (language, kind) {
        (Language::Sv, K::NewMessage) => (
            "Nytt meddelande i Kirjuri",
            "Du har ett nytt meddelande i Kirjuri. Logga in i Kirjuri för att läsa det.",
        ),
        (Language::Sv, K::NewAppointment) => (
            "Ny tid i Kirjuri",
            "Du har fått en ny tid. Logga in i Kirjuri för att se uppgifterna.",
        ),
        (Language::Sv, K::AppointmentReminder) => (
            "Påminnelse om din tid",
            "Du har snart en bokad tid. Logga in i Kirjuri för att se uppgifterna.",
        ),
        (Language::Sv, K::NewStatement) => (
            "Nytt utlåtande i Kirjuri",
            "Du har ett nytt utlåtande i Kirjuri. Logga in i Kirjuri för att läsa det.",
        ),
        (Language::En, K::NewMessage) => (
            "New message in Kirjuri",
            "You have a new message in Kirjuri. Log in to Kirjuri to read it.",
        ),
        (Language::En, K::NewAppointment) => (
            "New appointment in Kirjuri",
            "You have a new appointment. Log in to Kirjuri to see it.",
        ),
        (Language::En, K::AppointmentReminder) => (
            "Reminder of your appointment",
            "You have an appointment soon. Log in to Kirjuri to see it.",
        ),
        (Language::En, K::NewStatement) => (
            "New statement in Kirjuri",
            "You have a new statement in Kirjuri. Log in to Kirjuri to read it.",
        ),
        (_, K::NewMessage) => (
            "Uusi viesti Kirjurissa",
            "Sinulle on uusi viesti Kirjurissa. Kirjaudu Kirjuriin ja lue se siellä.",
        ),
        (_, K::NewAppointment) => (
            "Uusi tapaaminen Kirjurissa",
            "Sinulle on varattu uusi tapaaminen. Kirjaudu Kirjuriin ja katso tiedot siellä.",
        ),
        (_, K::AppointmentReminder) => (
            "Muistutus tapaamisesta",
            "Sinulla on pian tapaaminen. Kirjaudu Kirjuriin ja katso tiedot siellä.",
        ),
        (_, K::NewStatement) => (
            "Uusi lausunto Kirjurissa",
            "Sinulle on uusi lausunto Kirjurissa. Kirjaudu Kirjuriin ja lue se siellä.",
        ),
    };
    NoticeText { subject, body }
}

/// The footer of every notice: why it says so little.
fn footer(language: Language) -> &'static str {
    match language {
        Language::Sv => {
            "Svara inte på det här meddelandet. Uppgifter om ditt ärende skickas inte per e-post."
        }
        Language::En => {
            "Do not reply to this message. Details of your matter are not sent by e-mail."
        }
        _ => "Älä vastaa tähän viestiin. Asiasi tietoja ei lähetetä sähköpostilla.",
    }
}

/// The `Message-ID` of a notice: derived from its id, so every attempt carries the same one.
pub fn message_id(notice: &str, from: &EmailAddress) -> String {
    let domain = from
        .as_str()
        .rsplit_once('@')
        .map_or("kirjuri.invalid", |(_, d)| d);
    format!("<notice-{notice}@{domain}>")
}

/// Why a text may not go out: a blocking finding of the outgoing-e-mail check, or the
/// client's name in it. `None`: it may go.
pub fn refused(checker: &Checker, due: &DueNotice, subject: &str, body: &str) -> Option<String> {
    let text = format!("{subject}\n\n{body}");
    match checker.check(&text, &Context::email(due.language)) {
        Ok(report) if report.blocks() => {
            let kinds: Vec<&str> = report
                .findings
                .iter()
                .filter(|f| f.severity == kirjuri_quality::Severity::Block)
                .map(|f| f.kind.code())
                .collect();
            return Some(format!(
                "not sent: the content check refused the text ({})",
                kinds.join(", ")
            ));
        }
        Ok(_) => {}
        Err(e) => return Some(format!("not sent: the content check failed: {e}")),
    }
    let lower = text.to_lowercase();
    let named = [&due.first_name, &due.last_name]
        .iter()
        .flat_map(|n| n.split([' ', '-']))
        .filter(|n| n.chars().count() >= 2)
        .any(|n| {
            let n = n.to_lowercase();
            lower
                .match_indices(&n)
                .any(|(i, m)| word_at(&lower, i, i + m.len()))
        });
    named.then(|| "not sent: the text contains the client's name".to_owned())
}

/// Whether `text[start..end]` is a whole word (names are matched as words, not inside one).
fn word_at(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// The running worker: [`NoticeWorker::stop`] finishes the notice in hand and stops;
/// dropping the handle or [`NoticeWorker::abort`] stops it at once.
#[derive(Debug)]
pub struct NoticeWorker {
    stop: Option<tokio::sync::watch::Sender<bool>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// What the loop does next.
enum Next {
    Continue,
    /// The injected crash ([`NoticeFault::StopAfterSend`]).
    Crash,
}

impl NoticeWorker {
    /// Starts the worker on the store, sending through `smtp`.
    pub fn spawn(app: &App, smtp: SmtpConfig, config: NoticeConfig) -> Result<Self, NoticeError> {
        let transport = transport(&smtp)?;
        let store = app.store.clone();
        let checker = app.checker.clone();
        let (tx, mut rx) = tokio::sync::watch::channel(false);
        let config = Arc::new(config);
        let smtp = Arc::new(smtp);
        let task = tokio::spawn(async move {
            tracing::info!(worker = %config.worker, host = %smtp.host, port = smtp.port, mode = ?smtp.mode, "notice worker started");
            loop {
                if *rx.borrow() {
                    break;
                }
                match run_once(&store, &checker, &transport, &smtp, &config, &rx).await {
                    Ok(Next::Continue) => {}
                    Ok(Next::Crash) => {
                        tracing::warn!(
                            "notice worker: injected stop between sending and recording"
                        );
                        return;
                    }
                    Err(e) => tracing::warn!("notices: {e}"),
                }
                tokio::select! {
                    _ = tokio::time::sleep(config.poll) => {}
                    _ = rx.changed() => {}
                }
            }
            tracing::info!(worker = %config.worker, "notice worker stopped");
        });
        Ok(Self {
            stop: Some(tx),
            task: Some(task),
        })
    }

    /// Stops after the notice in hand.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(true);
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Stops at once, wherever it is.
    pub async fn abort(mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }

    /// Whether the worker's task has ended (after an injected crash, say).
    pub fn is_finished(&self) -> bool {
        self.task.as_ref().is_none_or(|t| t.is_finished())
    }
}

impl Drop for NoticeWorker {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// The SMTP transport: TLS required either way (A18), rustls with the ring provider.
fn transport(smtp: &SmtpConfig) -> Result<AsyncSmtpTransport<Tokio1Executor>, NoticeError> {
    let mut params = TlsParameters::builder(smtp.host.clone());
    if let Some(path) = &smtp.extra_ca {
        let pem = std::fs::read(path)
            .map_err(|e| NoticeError::CaFile(format!("{}: {e}", path.display())))?;
        let ca = Certificate::from_pem(&pem)
            .map_err(|e| NoticeError::CaFile(format!("{}: {e}", path.display())))?;
        params = params.add_root_certificate(ca);
    }
    let params = params
        .build_rustls()
        .map_err(|e| NoticeError::Tls(e.to_string()))?;
    let tls = match smtp.mode {
        SmtpMode::StartTls => Tls::Required(params),
        SmtpMode::Tls => Tls::Wrapper(params),
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.host.clone())
        .port(smtp.port)
        .tls(tls)
        .timeout(Some(smtp.timeout));
    if let Some((user, password)) = &smtp.credentials {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    Ok(builder.build())
}

/// One pass over the due notices.
async fn run_once(
    store: &Store,
    checker: &Checker,
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    smtp: &SmtpConfig,
    config: &NoticeConfig,
    stop: &tokio::sync::watch::Receiver<bool>,
) -> Result<Next, kirjuri_store::StoreError> {
    for due in store.due_notices(config.batch).await? {
        if *stop.borrow() {
            break;
        }
        let Some(attempt) = store
            .claim_notice(&due.id, &config.worker, config.lease)
            .await?
        else {
            continue;
        };
        if let Next::Crash = send(store, checker, transport, smtp, config, &due, attempt).await? {
            return Ok(Next::Crash);
        }
    }
    Ok(Next::Continue)
}

/// The failure recorded when the contact method in force has no address any more.
pub const NO_ADDRESS: &str = "not sent: the contact method in force has no e-mail address";
/// The failure recorded when TLS could not be set up with the mail server.
pub const NO_TLS: &str =
    "not sent: TLS could not be set up with the mail server (no STARTTLS, or the certificate is not trusted)";

/// Sends one claimed attempt and records its outcome.
async fn send(
    store: &Store,
    checker: &Checker,
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    smtp: &SmtpConfig,
    config: &NoticeConfig,
    due: &DueNotice,
    attempt: i64,
) -> Result<Next, kirjuri_store::StoreError> {
    let Some(to) = &due.email else {
        store
            .record_notice_failure(&due.id, attempt, NO_ADDRESS, None)
            .await?;
        return Ok(Next::Continue);
    };
    let text = notice_text(due.kind, due.language);
    let body = format!("{}\n\n{}\n", text.body, footer(due.language));
    if let Some(why) = refused(checker, due, text.subject, &body) {
        tracing::warn!(notice = %due.id, "{why}");
        store
            .record_notice_failure(&due.id, attempt, &why, None)
            .await?;
        return Ok(Next::Continue);
    }
    let id = message_id(&due.id, &smtp.from);
    let now = store.clock().now();
    // An address the mail library refuses will not become sendable by waiting: the notice
    // fails for good, visible to an administrator, and the batch goes on.
    let Ok(to_mailbox) = to.as_str().parse() else {
        store
            .record_notice_failure(
                &due.id,
                attempt,
                "not sent: the mail library does not accept the e-mail address",
                None,
            )
            .await?;
        return Ok(Next::Continue);
    };
    let message = Message::builder()
        .from(smtp.from.as_str().parse().map_err(mailbox_error)?)
        .to(to_mailbox)
        .subject(text.subject)
        .message_id(Some(id.clone()))
        .date(std::time::SystemTime::from(now))
        .header(ContentType::TEXT_PLAIN)
        .body(body);
    let message = match message {
        Ok(m) => m,
        Err(e) => {
            let why = format!("not sent: the message could not be built: {e}");
            store
                .record_notice_failure(&due.id, attempt, &why, None)
                .await?;
            return Ok(Next::Continue);
        }
    };
    let backoff = config.backoff_after(attempt);
    match transport.send(message).await {
        Ok(_) => {
            if config.fault == NoticeFault::StopAfterSend {
                return Ok(Next::Crash);
            }
            tracing::info!(notice = %due.id, attempt, kind = due.kind.code(), "notice sent");
            match store
                .record_notice_sent(&due.id, attempt, &config.worker, &id)
                .await
            {
                Err(kirjuri_store::StoreError::DeliveryTaken) => Ok(Next::Continue),
                other => other.map(|()| Next::Continue),
            }
        }
        Err(e) => {
            // The server's answer may quote the address: only its class is kept.
            let why = if e.is_tls()
                || is_rustls(&e)
                || (e.is_client() && e.to_string().contains("STARTTLS"))
            {
                NO_TLS.to_owned()
            } else if e.is_timeout() {
                "not sent: the mail server did not answer in time".to_owned()
            } else if e.is_permanent() || e.is_transient() {
                match e.status() {
                    Some(code) => format!("not sent: the mail server refused (code {code})"),
                    None => "not sent: the mail server refused".to_owned(),
                }
            } else {
                "not sent: could not connect to the mail server".to_owned()
            };
            tracing::warn!(notice = %due.id, attempt, "{why} (next try in {} s)", backoff.num_seconds());
            store
                .record_notice_failure(&due.id, attempt, &why, Some(now + backoff))
                .await?;
            Ok(Next::Continue)
        }
    }
}

/// Whether a send failed in the TLS handshake (lettre reports it as a connection error): a
/// server that speaks no TLS where TLS was required, or a certificate that is not trusted.
fn is_rustls(e: &lettre::transport::smtp::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.is::<rustls::Error>() {
            return true;
        }
        if let Some(inner) = err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            if inner.is::<rustls::Error>() {
                return true;
            }
        }
        source = err.source();
    }
    false
}

fn mailbox_error(e: lettre::address::AddressError) -> kirjuri_store::StoreError {
    kirjuri_store::StoreError::Corrupt(format!("an e-mail address does not parse: {e}"))
}

/// What an administrator sees of the notices of their organisation's clients: whether a mail
/// server is configured, how many wait, and each notice's state (no client, address or text).
#[derive(Debug, Clone)]
pub struct NoticeOverview {
    pub smtp_configured: bool,
    pub waiting: usize,
    pub notices: Vec<NoticeStatus>,
}

impl App {
    /// The notices of the administrator's organisation's clients, newest first (at most 200).
    pub async fn notices(&self, actor: &Actor) -> AppResult<NoticeOverview> {
        let (grant, _) = self.permit(actor, Capability::ManageAccounts)?;
        let Scope::Organisation(org) = grant.scope else {
            return Err(AppError::forbidden(
                "only an administrator sees the notices, of their own organisation",
            ));
        };
        self.notices_of(org).await
    }

    async fn notices_of(&self, org: OrgId) -> AppResult<NoticeOverview> {
        let notices = self.store.notice_statuses(org, 200).await?;
        let waiting = notices
            .iter()
            .filter(|n| n.state == kirjuri_store::NoticeState::Waiting)
            .count();
        Ok(NoticeOverview {
            smtp_configured: self.config.smtp_configured,
            waiting,
            notices,
        })
    }

    /// Whether notices can go out, for `/health`: `None` when they can, otherwise why not.
    pub async fn notice_health(&self) -> AppResult<Option<String>> {
        if self.config.smtp_configured {
            return Ok(None);
        }
        let waiting = self.store.notices_waiting().await?;
        Ok(Some(format!(
            "no mail server configured: {waiting} notices wait"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_notice_text_passes_the_outgoing_email_check() {
        let checker = Checker::new(
            kirjuri_quality::Data::embedded().unwrap(),
            kirjuri_quality::MorphologyMode::Auto,
        )
        .unwrap();
        for lang in [Language::Fi, Language::Sv, Language::En, Language::Se] {
            for kind in [
                NoticeKind::NewMessage,
                NoticeKind::NewAppointment,
                NoticeKind::AppointmentReminder,
                NoticeKind::NewStatement,
            ] {
                let due = DueNotice {
                    id: "x".into(),
                    client_id: kirjuri_domain::ClientId::from_uuid(uuid::Uuid::nil()),
                    kind,
                    language: lang,
                    email: None,
                    first_name: "Maija".into(),
                    last_name: "Meikäläinen".into(),
                    attempts: 0,
                };
                let t = notice_text(kind, lang);
                let body = format!("{}\n\n{}\n", t.body, footer(lang));
                assert_eq!(
                    refused(&checker, &due, t.subject, &body),
                    None,
                    "{lang:?} {kind:?}"
                );
            }
        }
    }

    #[test]
    fn a_name_or_an_identity_code_in_the_text_refuses_it() {
        let checker = Checker::new(
            kirjuri_quality::Data::embedded().unwrap(),
            kirjuri_quality::MorphologyMode::Auto,
        )
        .unwrap();
        let due = DueNotice {
            id: "x".into(),
            client_id: kirjuri_domain::ClientId::from_uuid(uuid::Uuid::nil()),
            kind: NoticeKind::NewMessage,
            language: Language::Fi,
            email: None,
            first_name: "Maija".into(),
            last_name: "Meikäläinen".into(),
            attempts: 0,
        };
        assert!(refused(&checker, &due, "Hei Maija", "Uusi viesti.")
            .unwrap()
            .contains("name"));
        assert!(
            refused(&checker, &due, "Viesti", "Henkilötunnus 010594Y9032.")
                .unwrap()
                .contains("content check")
        );
        // A name inside another word is not the name.
        assert_eq!(
            refused(&checker, &due, "Viesti", "Maijanen kirjoitti."),
            None
        );
    }

    #[test]
    fn the_message_id_is_the_notice_s_and_the_sender_s_domain() {
        let from = EmailAddress::parse("ilmoitukset@kirjuri.example.fi").unwrap();
        assert_eq!(message_id("abc", &from), "<notice-abc@kirjuri.example.fi>");
    }
}

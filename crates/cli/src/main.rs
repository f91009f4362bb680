//! `kirjuri`: the one binary. `main` parses arguments and calls [`run`]; every subcommand lives
//! in its own module and returns an exit code.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use kirjuri_domain::SystemClock;
use kirjuri_store::{IdSource, Store};

mod backup_cmd;
mod bench_cmd;
mod demo;
mod init_cmd;
mod ledger_cmd;
mod natgen;
mod provenance_cmd;
mod retention_cmd;
mod rules_cmd;
mod stand_in_payer;
mod statements_cmd;

#[derive(Debug, Parser)]
#[command(name = "kirjuri", version, about = "Kirjuri client information system")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Initialise an empty database: organisations from a file and the first administrator.
    Init(init_cmd::InitArgs),
    /// Run the server against a database.
    Serve(ServeArgs),
    /// Create a SQLite database with generated demo data and run the server on it.
    Demo(DemoArgs),
    /// National-scale data (issue 14): generate a realistic dataset into an empty database
    /// with the bulk loader, every record a ledger leaf, and print the time it took.
    Generate(GenerateArgs),
    /// Processing rules: check, test, evaluate, explain and replay rule sets.
    #[command(subcommand)]
    Rules(rules_cmd::RulesCmd),
    /// Verifiable ledger: checkpoints and offline verification.
    #[command(subcommand)]
    Ledger(ledger_cmd::LedgerCmd),
    /// Automated statements: quality figures per rule-set version (B11).
    #[command(subcommand)]
    Statements(statements_cmd::StatementsCmd),
    /// Which rule-set version decided a statement, every step with who and when, and an
    /// offline-verifiable ledger proof (B10).
    Provenance(provenance_cmd::ProvenanceArgs),
    /// A consistent copy of the embedded (SQLite) database, taken while the server writes.
    Backup(backup_cmd::BackupArgs),
    /// Retention: erase what has expired, and the reports of what was erased.
    #[command(subcommand)]
    Retention(retention_cmd::RetentionCmd),
    /// Benchmarks on a database as it stands: the compliance reports' times (issue 14).
    #[command(subcommand)]
    Bench(bench_cmd::BenchCmd),
}

#[derive(Debug, Args)]
struct ListenArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Allow a non-loopback address without TLS because a TLS-terminating proxy is in front.
    /// Client addresses for log-in throttling are then taken from `X-Forwarded-For`.
    #[arg(long)]
    behind_tls_proxy: bool,
    /// Serve HTTPS with this PEM certificate chain (leaf first); needs --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// The server's origin as browsers see it (e.g. `https://kirjuri.example.fi`), for the
    /// cross-site request check when a proxy rewrites the Host header.
    #[arg(long, value_name = "URL")]
    public_origin: Option<String>,
    /// A directory of the entry-quality checker's word lists (`abbreviations.tsv`,
    /// `known-abbreviations.txt`, `offensive.tsv`, `health.tsv`, `benefits.tsv`); a file
    /// missing there comes from the lists built in.
    #[arg(long, value_name = "DIR", env = "KIRJURI_QUALITY_DATA")]
    quality_data: Option<PathBuf>,
    /// Serve Prometheus metrics at `/metrics` on a listener of its own at this address, for
    /// a network only the monitoring reaches (no token asked there). The metrics hold no
    /// personal data: counts and times by route template.
    #[arg(long, value_name = "ADDR")]
    metrics_addr: Option<SocketAddr>,
    /// Serve `/metrics` on the main listener to requests bearing this token
    /// (`Authorization: Bearer …`). Without it, `/metrics` is not served there.
    #[arg(
        long,
        env = "KIRJURI_METRICS_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    metrics_token: Option<String>,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Database URL: `sqlite:PATH` (embedded) or `postgres://USER@HOST:PORT/DB`.
    #[arg(
        long,
        env = "KIRJURI_DATABASE_URL",
        default_value = "sqlite:kirjuri.db"
    )]
    database: String,
    /// Ledger key file (`kirjuri ledger keygen`): every write of the record appends a signed
    /// log leaf, so the server does not run without it.
    #[arg(long, env = "KIRJURI_LEDGER_KEY")]
    ledger_key: PathBuf,
    /// OpenID Connect identity providers: a JSON file with a list of
    /// `{"name", "issuer", "client_id", "client_secret_env", "redirect_url"}`.
    #[arg(long, value_name = "FILE")]
    oidc_config: Option<PathBuf>,
    /// How long, in seconds, the delivery worker holds a claimed delivery before another try
    /// may send it again (a worker stopped between sending and recording resends after it).
    /// The payer's answer is awaited for at most half of it (30 s at most).
    #[arg(long, value_name = "SECONDS", default_value_t = 120,
          value_parser = clap::value_parser!(u32).range(2..=86_400))]
    delivery_lease: u32,
    /// Allow benefit payers on loopback (`http://127.0.0.1:…`): a test configuration only
    /// (`scripts/crash-test` serves a demo database whose payer is a local receiver). Without
    /// it a payer's address must be public (issue 15 item 5).
    #[arg(long)]
    allow_loopback_payers: bool,
    #[command(flatten)]
    smtp: SmtpArgs,
    #[command(flatten)]
    listen: ListenArgs,
}

/// The mail server for e-mail notices (issue 13). Without --smtp-host notices stay queued, and
/// `/health` and `GET /api/admin/notices` say so.
#[derive(Debug, Args)]
struct SmtpArgs {
    /// The mail server's host name (also the name its TLS certificate must carry).
    #[arg(
        long,
        env = "KIRJURI_SMTP_HOST",
        value_name = "HOST",
        requires = "smtp_from"
    )]
    smtp_host: Option<String>,
    /// Its port (default 587 with starttls, 465 with tls).
    #[arg(long, env = "KIRJURI_SMTP_PORT", value_name = "PORT")]
    smtp_port: Option<u16>,
    /// `starttls` (STARTTLS required) or `tls` (implicit TLS); there is no plain mode.
    #[arg(
        long,
        env = "KIRJURI_SMTP_MODE",
        value_name = "MODE",
        default_value = "starttls"
    )]
    smtp_mode: kirjuri_app::notify::SmtpMode,
    /// The sender address of the notices.
    #[arg(long, env = "KIRJURI_SMTP_FROM", value_name = "ADDRESS")]
    smtp_from: Option<String>,
    /// User name at the mail server, when it asks for one; the password is read from the
    /// environment variable named by --smtp-password-env.
    #[arg(
        long,
        env = "KIRJURI_SMTP_USER",
        value_name = "USER",
        requires = "smtp_password_env"
    )]
    smtp_user: Option<String>,
    /// The environment variable that holds the mail server password (never on the command line).
    #[arg(long, value_name = "VAR", requires = "smtp_user")]
    smtp_password_env: Option<String>,
    /// A PEM file of CA certificates trusted for the mail server besides the web PKI roots.
    #[arg(long, env = "KIRJURI_SMTP_CA_FILE", value_name = "FILE")]
    smtp_ca_file: Option<PathBuf>,
}

impl SmtpArgs {
    fn config(&self) -> anyhow::Result<Option<kirjuri_app::notify::SmtpConfig>> {
        use kirjuri_app::notify::{SmtpConfig, SmtpMode};
        let Some(host) = &self.smtp_host else {
            return Ok(None);
        };
        let from = self
            .smtp_from
            .as_deref()
            .ok_or_else(|| anyhow::anyhow!("--smtp-host needs --smtp-from"))?;
        let from = kirjuri_domain::EmailAddress::parse(from)
            .map_err(|e| anyhow::anyhow!("--smtp-from {e}"))?;
        let credentials = match (&self.smtp_user, &self.smtp_password_env) {
            (Some(user), Some(var)) => {
                let password = std::env::var(var)
                    .map_err(|_| anyhow::anyhow!("--smtp-password-env: {var} is not set"))?;
                Some((user.clone(), password))
            }
            _ => None,
        };
        let port = self.smtp_port.unwrap_or(match self.smtp_mode {
            SmtpMode::StartTls => 587,
            SmtpMode::Tls => 465,
        });
        Ok(Some(SmtpConfig {
            host: host.clone(),
            port,
            mode: self.smtp_mode,
            from,
            credentials,
            extra_ca: self.smtp_ca_file.clone(),
            timeout: std::time::Duration::from_secs(30),
        }))
    }
}

#[derive(Debug, Args)]
struct DemoArgs {
    /// Directory for the demo database (created if missing).
    #[arg(long, default_value = "kirjuri-demo")]
    dir: PathBuf,
    /// Throw away an existing demo database and generate a new one.
    #[arg(long)]
    fresh: bool,
    /// Seed of the generator: the same seed gives the same data.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// How many clients to generate (1–5000).
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=5000))]
    clients: u32,
    /// Generate the data and exit without serving.
    #[arg(long)]
    no_serve: bool,
    /// Use this database (`sqlite:PATH` or a PostgreSQL URL) instead of
    /// `DIR/kirjuri-demo.db`: an empty one is filled with demo data, one the demo filled
    /// before is served as it is, and one holding other data is refused. The ledger key stays
    /// in DIR. `scripts/crash-test` generates with it and `--no-serve`.
    #[arg(long, value_name = "URL", conflicts_with = "fresh")]
    database: Option<String>,
    /// The delivery address of the demo's benefit payer (https, or http to loopback). The
    /// default is the demo's stand-in receiver (--stand-in-payer), which the demo runs while
    /// it serves, so deliveries succeed.
    #[arg(long, value_name = "URL")]
    payer_endpoint: Option<String>,
    /// Where the demo's stand-in benefit payer listens (a local receiver that accepts every
    /// statement; no real payer). It runs while the demo serves data whose payer delivers to it.
    #[arg(long, value_name = "ADDR", default_value = stand_in_payer::ADDRESS)]
    stand_in_payer: SocketAddr,
    #[command(flatten)]
    listen: ListenArgs,
}

#[derive(Debug, Args)]
struct GenerateArgs {
    /// The database to fill (`sqlite:PATH`, created if missing, or a PostgreSQL URL); it must
    /// be empty (no organisation yet).
    #[arg(long, value_name = "URL")]
    database: String,
    /// Ledger key file; made (with the key name `kirjuri-generated`) if it does not exist.
    #[arg(long, default_value = "kirjuri-generated-key.txt")]
    key: PathBuf,
    /// How many clients.
    #[arg(long, default_value_t = 500_000, value_parser = clap::value_parser!(u32).range(1..=2_000_000))]
    clients: u32,
    /// How many employment authorities.
    #[arg(long, default_value_t = 45, value_parser = clap::value_parser!(u32).range(1..=400))]
    authorities: u32,
    /// How many officials of the employment authorities (in proportion to their size).
    #[arg(long, default_value_t = 5_000)]
    officials: u32,
    /// Years of history.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=20))]
    years: u32,
    /// Seed: the same seed (and key) gives the same data.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// The last day of the history.
    #[arg(long, default_value = "2026-11-20")]
    today: chrono::NaiveDate,
    /// No progress bar (the summary is printed still).
    #[arg(long)]
    quiet: bool,
}

async fn generate(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    if !args.key.exists() {
        ledger_cmd::write_key_file(&args.key, &ledger_cmd::generate_keys("kirjuri-generated")?)?;
    }
    let keys = ledger_cmd::load_keys(&args.key)?;
    let public_key = keys.verifier().to_key_string();
    let store = open_store(&args.database).await?.with_ledger(keys);
    if demo::database_state(&store).await? != demo::DatabaseState::Empty {
        anyhow::bail!(
            "{} is not empty: the generator fills an empty database only",
            redacted(&args.database)
        );
    }
    let params = natgen::Params {
        clients: args.clients,
        authorities: args.authorities,
        officials: args.officials,
        years: args.years,
        seed: args.seed,
        today: args.today,
        progress: !args.quiet,
    };
    let summary = natgen::generate(&store, &params).await?;
    store.close().await;
    natgen::print_summary(&summary, &public_key);
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Init(args) => init_cmd::run(args),
        Command::Serve(args) => runtime()?.block_on(serve(args)),
        Command::Demo(args) => runtime()?.block_on(demo(args)),
        Command::Generate(args) => runtime()?.block_on(generate(args)),
        Command::Rules(cmd) => rules_cmd::run(cmd),
        Command::Ledger(cmd) => ledger_cmd::run(cmd),
        Command::Statements(cmd) => statements_cmd::run(cmd),
        Command::Provenance(args) => provenance_cmd::run(args),
        Command::Backup(args) => backup_cmd::run(args),
        Command::Retention(cmd) => retention_cmd::run(cmd),
        Command::Bench(cmd) => bench_cmd::run(cmd),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// Refuses to expose plain HTTP beyond this machine (A18: confidential data never travel
/// unencrypted) unless the server itself speaks TLS or a TLS proxy is declared in front.
fn check_listen(listen: &ListenArgs) -> anyhow::Result<()> {
    let tls = listen.tls_cert.is_some() && listen.tls_key.is_some();
    if !listen.listen.ip().is_loopback() && !tls && !listen.behind_tls_proxy {
        anyhow::bail!(
            "refusing to listen on {} without TLS: client data must not travel unencrypted. \
             Give --tls-cert and --tls-key, listen on 127.0.0.1, or pass --behind-tls-proxy \
             if a TLS proxy terminates connections",
            listen.listen
        );
    }
    Ok(())
}

/// The TLS configuration when a certificate is given, loaded before anything else starts.
fn tls_config(listen: &ListenArgs) -> anyhow::Result<Option<Arc<rustls::ServerConfig>>> {
    match (&listen.tls_cert, &listen.tls_key) {
        (Some(cert), Some(key)) => Ok(Some(kirjuri_web::tls::server_config(cert, key)?)),
        _ => Ok(None),
    }
}

/// One identity provider in the `--oidc-config` file. The secret is named by an environment
/// variable so that the file itself holds none.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct OidcProviderFile {
    name: String,
    issuer: String,
    client_id: String,
    #[serde(default)]
    client_secret_env: Option<String>,
    redirect_url: String,
    /// The log-in page's button text for this provider.
    #[serde(default)]
    label: Option<String>,
}

fn oidc_config(
    path: Option<&PathBuf>,
) -> anyhow::Result<Vec<kirjuri_web::oidc::OidcProviderConfig>> {
    let Some(path) = path else {
        return Ok(Vec::new());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?;
    let entries: Vec<OidcProviderFile> =
        serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    entries
        .into_iter()
        .map(|p| {
            let client_secret = match &p.client_secret_env {
                Some(var) => Some(std::env::var(var).map_err(|_| {
                    anyhow::anyhow!(
                        "identity provider {}: environment variable {var} is not set",
                        p.name
                    )
                })?),
                None => None,
            };
            Ok(kirjuri_web::oidc::OidcProviderConfig {
                name: p.name,
                issuer: p.issuer,
                client_id: p.client_id,
                client_secret,
                redirect_url: p.redirect_url,
                label: p.label,
            })
        })
        .collect()
}

async fn open_store(url: &str) -> anyhow::Result<Store> {
    Store::connect(url, None, Arc::new(SystemClock), IdSource::from_entropy())
        .await
        .map_err(|e| anyhow::anyhow!("opening database {}: {e}", redacted(url)))
}

/// `url` without the password of its user part (`postgres://kirjuri:…@host/db`): it goes to
/// the terminal and the logs.
fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let user = &url[scheme + 3..at];
            match user.find(':') {
                Some(colon) => {
                    format!("{}{}:***{}", &url[..scheme + 3], &user[..colon], &url[at..])
                }
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

// One parameter per thing `serve` and `demo` configure differently; a struct would only rename
// them.
#[allow(clippy::too_many_arguments)]
async fn serve_on(
    store: Store,
    listen: &ListenArgs,
    tls: Option<Arc<rustls::ServerConfig>>,
    oidc: Vec<kirjuri_web::oidc::OidcProviderConfig>,
    delivery: kirjuri_app::worker::DeliveryConfig,
    loopback_payers: bool,
    smtp: Option<kirjuri_app::notify::SmtpConfig>,
    banner: impl FnOnce(SocketAddr, &str, Option<&kirjuri_quality::Message>),
) -> anyhow::Result<ExitCode> {
    let app = kirjuri_app::App::new(
        store.clone(),
        kirjuri_app::AppConfig {
            quality_data: listen.quality_data.clone(),
            identity_providers: oidc.iter().map(|p| p.name.clone()).collect(),
            loopback_payers,
            smtp_configured: smtp.is_some(),
            ..Default::default()
        },
    )?;
    let config = kirjuri_web::Config {
        secure_cookies: tls.is_some() || listen.behind_tls_proxy,
        trust_forwarded_for: listen.behind_tls_proxy,
        public_origin: listen.public_origin.clone(),
        metrics_token: listen.metrics_token.clone(),
        oidc,
        health_probe_interval: std::time::Duration::from_secs(1),
    };
    let state = kirjuri_web::AppState::new(app.clone(), config)?;
    let listener = tokio::net::TcpListener::bind(listen.listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", listen.listen))?;
    // Statements go to the benefit payers from the outbox; the worker continues whatever a
    // previous run left (all its state is in the database).
    let worker = kirjuri_app::worker::DeliveryWorker::spawn(&app, delivery)?;
    // E-mail notices (issue 13) go out from their outbox the same way; without a mail server
    // they wait, and /health says so.
    let notices = match smtp {
        Some(smtp) => Some(kirjuri_app::notify::NoticeWorker::spawn(
            &app,
            smtp,
            kirjuri_app::notify::NoticeConfig::default(),
        )?),
        None => {
            tracing::warn!("no mail server configured (--smtp-host): e-mail notices wait");
            None
        }
    };
    // The server signs a checkpoint of the ledger at least every minute while it grows, and
    // at shutdown (issue 16).
    let checkpointer = kirjuri_app::checkpoints::Checkpointer::spawn(
        &app,
        kirjuri_app::checkpoints::CheckpointConfig::default(),
    );
    // Metrics on a listener of their own, when asked for (issue 16).
    let metrics = match listen.metrics_addr {
        Some(at) => {
            let l = tokio::net::TcpListener::bind(at)
                .await
                .map_err(|e| anyhow::anyhow!("cannot listen for metrics on {at}: {e}"))?;
            tracing::info!("metrics at http://{}/metrics", l.local_addr()?);
            let state = state.clone();
            Some(tokio::spawn(async move {
                if let Err(e) =
                    kirjuri_web::serve_metrics(l, state, kirjuri_web::shutdown_signal()).await
                {
                    tracing::warn!("metrics listener: {e}");
                }
            }))
        }
        None => None,
    };
    let addr = listener.local_addr()?;
    // The checker is weaker without libvoikko or Hunspell: said once, here, and on the pages.
    let notice = app.morphology_status().notice();
    match tls {
        Some(tls) => {
            banner(addr, "https", notice.as_ref());
            kirjuri_web::tls::serve_tls(listener, tls, state, kirjuri_web::shutdown_signal())
                .await?;
        }
        None => {
            banner(addr, "http", notice.as_ref());
            kirjuri_web::serve(listener, state, kirjuri_web::shutdown_signal()).await?;
        }
    }
    if let Some(m) = metrics {
        m.abort();
    }
    worker.stop().await;
    if let Some(notices) = notices {
        notices.stop().await;
    }
    match checkpointer.stop().await {
        Ok(cp) => tracing::info!("ledger checkpoint at shutdown: {} leaves", cp.size),
        Err(e) => tracing::warn!("ledger checkpoint at shutdown: {e}"),
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    check_listen(&args.listen)?;
    let tls = tls_config(&args.listen)?;
    let oidc = oidc_config(args.oidc_config.as_ref())?;
    let keys = ledger_cmd::load_keys(&args.ledger_key)?;
    let store = open_store(&args.database).await?.with_ledger(keys);
    let lease = std::time::Duration::from_secs(u64::from(args.delivery_lease));
    let delivery = kirjuri_app::worker::DeliveryConfig {
        lease: chrono::Duration::from_std(lease)?,
        timeout: (lease / 2).min(std::time::Duration::from_secs(30)),
        ..Default::default()
    };
    serve_on(
        store,
        &args.listen,
        tls,
        oidc,
        delivery,
        args.allow_loopback_payers,
        args.smtp.config()?,
        |addr, scheme, notice| {
            if let Some(n) = notice {
                tracing::warn!("{}", n.en);
            }
            tracing::info!(
                "Kirjuri listening on {scheme}://{addr} ({:?})",
                args.database.split(':').next()
            );
        },
    )
    .await
}

async fn demo(args: DemoArgs) -> anyhow::Result<ExitCode> {
    check_listen(&args.listen)?;
    let tls = tls_config(&args.listen)?;
    std::fs::create_dir_all(&args.dir)
        .map_err(|e| anyhow::anyhow!("creating {}: {e}", args.dir.display()))?;
    // The demo's own ledger key, made once beside its database.
    let key_path = args.dir.join("ledger-key.txt");
    if !key_path.exists() {
        ledger_cmd::write_key_file(&key_path, &ledger_cmd::generate_keys("kirjuri-demo")?)?;
    }
    let keys = ledger_cmd::load_keys(&key_path)?;
    let public_key = keys.verifier().to_key_string();
    let url = match &args.database {
        Some(url) => {
            demo_in_database(&args, url, &keys).await?;
            url.clone()
        }
        None => demo_in_dir(&args, &keys).await?,
    };
    if args.no_serve {
        demo::print_public_key(&public_key);
        return Ok(ExitCode::SUCCESS);
    }
    let store = open_store(&url).await?.with_ledger(keys);
    let logins = demo::logins(&store).await?;
    // The stand-in payer runs when a payer of the demo's data delivers to it.
    let stand_in = if store
        .payers()
        .await?
        .iter()
        .any(|p| p.endpoint.as_str() == stand_in_payer::endpoint(args.stand_in_payer))
    {
        match stand_in_payer::start(args.stand_in_payer).await {
            Ok(s) => Some(s),
            Err(e) => {
                tracing::warn!(
                    "the demo's stand-in payer cannot listen on {}: {e}; deliveries wait in \
                     the outbox",
                    args.stand_in_payer
                );
                None
            }
        }
    } else {
        None
    };
    let stand_in_url = stand_in
        .as_ref()
        .map(|_| stand_in_payer::endpoint(args.stand_in_payer));
    let delivery = kirjuri_app::worker::DeliveryConfig::default();
    let served = serve_on(
        store,
        &args.listen,
        tls,
        Vec::new(),
        delivery,
        // The demo is a test configuration: its payer may be a local receiver.
        true,
        // The demo sends no e-mail: its notices wait in the outbox.
        None,
        |addr, scheme, notice| {
            demo::print_banner(
                addr,
                scheme,
                &logins,
                &public_key,
                stand_in_url.as_deref(),
                notice,
            )
        },
    )
    .await;
    drop(stand_in);
    served
}

/// The demo payer's delivery address: `--payer-endpoint`, or the stand-in's.
fn payer_endpoint(args: &DemoArgs) -> String {
    args.payer_endpoint
        .clone()
        .unwrap_or_else(|| stand_in_payer::endpoint(args.stand_in_payer))
}

/// `demo --database URL`: an empty database is filled, the demo's own is used as it is, any
/// other is refused.
async fn demo_in_database(
    args: &DemoArgs,
    url: &str,
    keys: &kirjuri_store::LedgerKeys,
) -> anyhow::Result<()> {
    let store = open_store(url).await?;
    let state = demo::database_state(&store).await;
    store.close().await;
    match state? {
        demo::DatabaseState::Empty => {
            eprintln!(
                "Generating demo data ({} clients) into {url} ...",
                args.clients
            );
            demo::generate(
                url,
                args.seed,
                args.clients,
                keys.clone(),
                &payer_endpoint(args),
            )
            .await
        }
        demo::DatabaseState::Demo => {
            eprintln!("Using the existing demo data in {url}.");
            Ok(())
        }
        demo::DatabaseState::Other => anyhow::bail!(
            "--database {url} holds data that is not the demo's: the demo uses an empty \
             database or one it filled before"
        ),
    }
}

/// The demo's SQLite database in `--dir`, generated when missing (or `--fresh`); its URL.
async fn demo_in_dir(args: &DemoArgs, keys: &kirjuri_store::LedgerKeys) -> anyhow::Result<String> {
    let path = args.dir.join("kirjuri-demo.db");
    if args.fresh {
        for suffix in ["", "-wal", "-shm"] {
            let p = PathBuf::from(format!("{}{suffix}", path.display()));
            if p.exists() {
                std::fs::remove_file(&p)?;
            }
        }
    }
    if path.exists() {
        eprintln!(
            "Using the existing demo database {} (--fresh makes a new one).",
            path.display()
        );
    } else {
        eprintln!(
            "Generating demo data ({} clients) into {} ...",
            args.clients,
            path.display()
        );
        // Generated beside the final name and renamed when complete, so an interrupted run
        // never leaves a half-made demo database behind.
        let partial = args.dir.join("kirjuri-demo.db.partial");
        let _ = std::fs::remove_file(&partial);
        demo::generate(
            &format!("sqlite:{}", partial.display()),
            args.seed,
            args.clients,
            keys.clone(),
            &payer_endpoint(args),
        )
        .await?;
        std::fs::rename(&partial, &path)?;
        // The store folded its write-ahead log into the file at close; what is left of the
        // log's files belongs to the partial name and must not meet the final one.
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", partial.display()));
        }
    }
    Ok(format!("sqlite:{}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listen(addr: &str, tls: bool, proxy: bool) -> ListenArgs {
        ListenArgs {
            listen: addr.parse().unwrap(),
            behind_tls_proxy: proxy,
            tls_cert: tls.then(|| PathBuf::from("cert.pem")),
            tls_key: tls.then(|| PathBuf::from("key.pem")),
            public_origin: None,
            quality_data: None,
            metrics_addr: None,
            metrics_token: None,
        }
    }

    /// Issue 16: a database URL printed at a failed start shows no password.
    #[test]
    fn a_printed_database_url_hides_its_password() {
        assert_eq!(
            redacted("postgres://kirjuri:s3cret@db.example:5432/kirjuri"),
            "postgres://kirjuri:***@db.example:5432/kirjuri"
        );
        assert_eq!(
            redacted("postgres://kirjuri@db.example/kirjuri"),
            "postgres://kirjuri@db.example/kirjuri"
        );
        assert_eq!(
            redacted("sqlite:/var/lib/kirjuri.db"),
            "sqlite:/var/lib/kirjuri.db"
        );
    }

    /// A18: plain HTTP only on loopback or behind a declared TLS proxy; with a certificate any
    /// address is fine. (The decision only: nothing is bound.)
    #[test]
    fn listening_beyond_loopback_needs_tls() {
        assert!(check_listen(&listen("127.0.0.1:8080", false, false)).is_ok());
        assert!(check_listen(&listen("[::1]:8080", false, false)).is_ok());
        assert!(check_listen(&listen("0.0.0.0:443", false, false)).is_err());
        assert!(check_listen(&listen("192.0.2.10:443", false, false)).is_err());
        assert!(check_listen(&listen("0.0.0.0:443", true, false)).is_ok());
        assert!(check_listen(&listen("192.0.2.10:443", true, false)).is_ok());
        assert!(check_listen(&listen("0.0.0.0:8080", false, true)).is_ok());
    }
}

//! `kirjuri`: the one binary. `main` parses arguments and calls [`run`]; every subcommand lives
//! in its own module and returns an exit code.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use kirjuri_domain::SystemClock;
use kirjuri_store::{IdSource, Store};

mod demo;
mod ledger_cmd;
mod rules_cmd;

#[derive(Debug, Parser)]
#[command(name = "kirjuri", version, about = "Kirjuri client information system")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server against a database.
    Serve(ServeArgs),
    /// Create a SQLite database with generated demo data and run the server on it.
    Demo(DemoArgs),
    /// Processing rules: check, test, evaluate, explain and replay rule sets.
    #[command(subcommand)]
    Rules(rules_cmd::RulesCmd),
    /// Verifiable ledger: checkpoints and offline verification.
    #[command(subcommand)]
    Ledger(ledger_cmd::LedgerCmd),
}

#[derive(Debug, Args)]
struct ListenArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Allow a non-loopback address without TLS because a TLS-terminating proxy is in front.
    #[arg(long)]
    behind_tls_proxy: bool,
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
    #[command(flatten)]
    listen: ListenArgs,
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
    #[command(flatten)]
    listen: ListenArgs,
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
        Command::Serve(args) => runtime()?.block_on(serve(args)),
        Command::Demo(args) => runtime()?.block_on(demo(args)),
        Command::Rules(cmd) => rules_cmd::run(cmd),
        Command::Ledger(cmd) => ledger_cmd::run(cmd),
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
/// unencrypted) unless a TLS proxy is declared in front.
fn check_listen(listen: &ListenArgs) -> anyhow::Result<()> {
    if !listen.listen.ip().is_loopback() && !listen.behind_tls_proxy {
        anyhow::bail!(
            "refusing to listen on {} without TLS: client data must not travel unencrypted. \
             Listen on 127.0.0.1, or pass --behind-tls-proxy if a TLS proxy terminates connections",
            listen.listen
        );
    }
    Ok(())
}

async fn open_store(url: &str) -> anyhow::Result<Store> {
    Store::connect(url, None, Arc::new(SystemClock), IdSource::from_entropy())
        .await
        .map_err(|e| anyhow::anyhow!("opening database {url}: {e}"))
}

async fn serve_on(
    store: Store,
    listen: &ListenArgs,
    banner: impl FnOnce(SocketAddr),
) -> anyhow::Result<ExitCode> {
    let config = kirjuri_web::Config {
        secure_cookies: listen.behind_tls_proxy,
        ..Default::default()
    };
    let state = kirjuri_web::AppState::new(store.clone(), config)?;
    let listener = tokio::net::TcpListener::bind(listen.listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", listen.listen))?;
    banner(listener.local_addr()?);
    kirjuri_web::serve(listener, state, kirjuri_web::shutdown_signal()).await?;
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    check_listen(&args.listen)?;
    let keys = ledger_cmd::load_keys(&args.ledger_key)?;
    let store = open_store(&args.database).await?.with_ledger(keys);
    serve_on(store, &args.listen, |addr| {
        tracing::info!(
            "Kirjuri listening on http://{addr} ({:?})",
            args.database.split(':').next()
        );
    })
    .await
}

async fn demo(args: DemoArgs) -> anyhow::Result<ExitCode> {
    check_listen(&args.listen)?;
    std::fs::create_dir_all(&args.dir)
        .map_err(|e| anyhow::anyhow!("creating {}: {e}", args.dir.display()))?;
    let path = args.dir.join("kirjuri-demo.db");
    if args.fresh {
        for suffix in ["", "-wal", "-shm"] {
            let p = PathBuf::from(format!("{}{suffix}", path.display()));
            if p.exists() {
                std::fs::remove_file(&p)?;
            }
        }
    }
    let url = format!("sqlite:{}", path.display());
    // The demo's own ledger key, made once beside its database.
    let key_path = args.dir.join("ledger-key.txt");
    if !key_path.exists() {
        ledger_cmd::write_key_file(&key_path, &ledger_cmd::generate_keys("kirjuri-demo")?)?;
    }
    let keys = ledger_cmd::load_keys(&key_path)?;
    let public_key = keys.verifier().to_key_string();
    let existed = path.exists();
    let logins = if existed {
        eprintln!(
            "Using the existing demo database {} (--fresh makes a new one).",
            path.display()
        );
        demo::LOGINS.to_vec()
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
        let logins = demo::generate(
            &format!("sqlite:{}", partial.display()),
            args.seed,
            args.clients,
            keys.clone(),
        )
        .await?;
        std::fs::rename(&partial, &path)?;
        logins
    };
    if args.no_serve {
        return Ok(ExitCode::SUCCESS);
    }
    let store = open_store(&url).await?.with_ledger(keys);
    serve_on(store, &args.listen, |addr| {
        demo::print_banner(addr, &logins, &public_key)
    })
    .await
}

//! `kirjuri ledger ...`: keys, signed checkpoints, proof bundles and verification of the
//! tamper-evident ledger (A4, A5, B10). Thin: the work is in `kirjuri-store` (reading the
//! log) and `kirjuri-ledger` (hashes, proofs, signatures).
#![allow(clippy::print_stdout)] // these commands' output is what they print

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context};
use clap::{ArgGroup, Args};
use kirjuri_domain::EntryId;
use kirjuri_ledger::{verify_consistency, Checkpoint, ProofBundle, Signer, Verifier};
use kirjuri_store::{LedgerKeys, Store};
use rand::RngCore;

#[derive(Debug, clap::Subcommand)]
pub enum LedgerCmd {
    /// Generate a key file (checkpoint signer and pseudonym key) and print the public key.
    Keygen(KeygenArgs),
    /// Sign and print a checkpoint of the ledger as it stands.
    Checkpoint(DbKeyArgs),
    /// Verify the whole ledger in a database, or one proof bundle offline.
    Verify(VerifyArgs),
    /// Print an offline proof bundle for one entry.
    Bundle(BundleArgs),
    /// Check that a newer checkpoint extends an older one (the log was only appended to).
    Consistency(ConsistencyArgs),
}

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Key name, shown on every signature (no spaces or '+'), e.g. `kirjuri-helsinki-2026`.
    #[arg(long)]
    name: String,
    /// Where to write the key file (refused if it exists). Keep it secret.
    #[arg(long)]
    out: PathBuf,
}

#[derive(Debug, Args)]
pub struct DbKeyArgs {
    /// Database URL: `sqlite:PATH` or `postgres://USER@HOST:PORT/DB`.
    #[arg(long, env = "KIRJURI_DATABASE_URL")]
    database: String,
    /// Ledger key file made by `kirjuri ledger keygen`.
    #[arg(long, env = "KIRJURI_LEDGER_KEY")]
    key: PathBuf,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("what").required(true).args(["database", "bundle"])))]
pub struct VerifyArgs {
    /// Verify the whole ledger in this database.
    #[arg(long)]
    database: Option<String>,
    /// Verify this proof bundle offline (no database).
    #[arg(long)]
    bundle: Option<PathBuf>,
    /// Public key (`name+hex8+base64`, as printed by keygen) or a file holding it. Repeatable.
    #[arg(long = "public-key", required = true)]
    public_keys: Vec<String>,
}

#[derive(Debug, Args)]
pub struct BundleArgs {
    /// Database URL.
    #[arg(long, env = "KIRJURI_DATABASE_URL")]
    database: String,
    /// Key file; needed only when no signed checkpoint covers the entry yet.
    #[arg(long, env = "KIRJURI_LEDGER_KEY")]
    key: Option<PathBuf>,
    /// The entry's id (UUID).
    #[arg(long)]
    entry: String,
}

#[derive(Debug, Args)]
pub struct ConsistencyArgs {
    /// Database URL (the proof comes from the database, the trust from the signatures).
    #[arg(long, env = "KIRJURI_DATABASE_URL")]
    database: String,
    /// The older signed checkpoint, as printed by `kirjuri ledger checkpoint`.
    #[arg(long)]
    old: PathBuf,
    /// The newer signed checkpoint; default: the newest one stored in the database.
    #[arg(long)]
    new: Option<PathBuf>,
    /// Public key or a file holding it. Repeatable.
    #[arg(long = "public-key", required = true)]
    public_keys: Vec<String>,
}

pub fn run(cmd: LedgerCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        LedgerCmd::Keygen(args) => keygen(&args),
        LedgerCmd::Verify(VerifyArgs {
            bundle: Some(path),
            public_keys,
            ..
        }) => verify_bundle(&path, &verifiers(&public_keys)?),
        LedgerCmd::Verify(args) => {
            let verifiers = verifiers(&args.public_keys)?;
            let url = args
                .database
                .ok_or_else(|| anyhow!("give --database URL or --bundle FILE"))?;
            crate::runtime()?.block_on(verify_db(&url, &verifiers))
        }
        LedgerCmd::Checkpoint(args) => crate::runtime()?.block_on(checkpoint(args)),
        LedgerCmd::Bundle(args) => crate::runtime()?.block_on(bundle(args)),
        LedgerCmd::Consistency(args) => crate::runtime()?.block_on(consistency(args)),
    }
}

/// New keys from the operating system's randomness (the only place keys are made).
pub fn generate_keys(name: &str) -> anyhow::Result<LedgerKeys> {
    let (mut seed, mut pseudonym_key) = ([0u8; 32], [0u8; 32]);
    rand::rngs::OsRng.fill_bytes(&mut seed);
    rand::rngs::OsRng.fill_bytes(&mut pseudonym_key);
    let signer = Signer::from_seed(name, &seed).map_err(|e| anyhow!("--name {name:?}: {e}"))?;
    Ok(LedgerKeys::new(signer, pseudonym_key))
}

/// Writes a new key file; refuses to overwrite one (that would orphan every checkpoint).
pub fn write_key_file(path: &Path, keys: &LedgerKeys) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => anyhow!(
            "{} already exists; a ledger's key is never replaced silently",
            path.display()
        ),
        _ => anyhow!("cannot create {}: {e}", path.display()),
    })?;
    std::io::Write::write_all(&mut file, keys.to_file_text().as_bytes())
        .with_context(|| format!("writing {}", path.display()))
}

/// Reads a key file made by `kirjuri ledger keygen`.
pub fn load_keys(path: &Path) -> anyhow::Result<LedgerKeys> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow!("cannot read ledger key file {}: {e}", path.display()))?;
    LedgerKeys::parse_file_text(&text).map_err(|e| anyhow!("{}: {e}", path.display()))
}

fn keygen(args: &KeygenArgs) -> anyhow::Result<ExitCode> {
    let keys = generate_keys(&args.name)?;
    write_key_file(&args.out, &keys)?;
    eprintln!(
        "Wrote the ledger keys to {} (keep it secret). Public key for auditors:",
        args.out.display()
    );
    println!("{}", keys.verifier().to_key_string());
    Ok(ExitCode::SUCCESS)
}

fn verifiers(keys: &[String]) -> anyhow::Result<Vec<Verifier>> {
    keys.iter()
        .map(|k| {
            if let Ok(v) = Verifier::parse(k.trim()) {
                return Ok(v);
            }
            let text = std::fs::read_to_string(k).map_err(|_| {
                anyhow!("--public-key {k:?} is neither a public key (name+hex8+base64) nor a readable file")
            })?;
            Verifier::parse(text.trim()).map_err(|e| anyhow!("--public-key file {k}: {e}"))
        })
        .collect()
}

fn read_file(path: &Path, what: &str) -> anyhow::Result<String> {
    std::fs::read_to_string(path).map_err(|e| anyhow!("cannot read {what} {}: {e}", path.display()))
}

fn verify_bundle(path: &Path, verifiers: &[Verifier]) -> anyhow::Result<ExitCode> {
    let text = read_file(path, "bundle")?;
    let bundle = ProofBundle::parse(&text).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    match bundle.verify(verifiers) {
        Ok(v) => {
            println!(
                "bundle verified: leaf {} ({}) is in the log {:?} of {} leaves signed by {}; {}",
                v.leaf_index,
                v.leaf.event_type,
                v.checkpoint.origin,
                v.checkpoint.size,
                v.signed_by.join(", "),
                match &v.record {
                    Some(r) => format!("the record ({} bytes) opens its commitment", r.len()),
                    None => "its record has been erased".to_owned(),
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!(
                "bundle verification FAILED for leaf {}: {e}",
                bundle.leaf_index
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

async fn open(url: &str, key: Option<&Path>) -> anyhow::Result<Store> {
    let store = crate::open_store(url).await?;
    Ok(match key {
        Some(path) => store.with_ledger(load_keys(path)?),
        None => store,
    })
}

async fn verify_db(url: &str, verifiers: &[Verifier]) -> anyhow::Result<ExitCode> {
    let store = open(url, None).await?;
    let report = store.verify_ledger(verifiers).await?;
    store.close().await;
    match &report.fault {
        None => {
            println!(
                "ledger verified: {} leaves ({} with their record, {} erased), {} record rows \
                 match their leaves, {} signed checkpoints, the newest covers {} leaves",
                report.leaves,
                report.opened,
                report.erased,
                report.records_checked,
                report.checkpoints,
                report.checkpoint_size
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(fault) => {
            println!("ledger verification FAILED");
            match fault.first_bad_leaf {
                Some(i) => println!("first bad leaf: {i}"),
                None => println!("first bad leaf: none named"),
            }
            println!("what is wrong: {}", fault.what);
            Ok(ExitCode::FAILURE)
        }
    }
}

async fn checkpoint(args: DbKeyArgs) -> anyhow::Result<ExitCode> {
    let store = open(&args.database, Some(&args.key)).await?;
    let cp = store.ledger_checkpoint().await?;
    store.close().await;
    print!("{}", cp.note);
    Ok(ExitCode::SUCCESS)
}

async fn bundle(args: BundleArgs) -> anyhow::Result<ExitCode> {
    let id: EntryId = args
        .entry
        .parse()
        .map_err(|_| anyhow!("--entry {:?} is not an entry id (a UUID)", args.entry))?;
    let store = open(&args.database, args.key.as_deref()).await?;
    let bundle = store
        .ledger_bundle_for_entry(id)
        .await
        .map_err(|e| match e {
            kirjuri_store::StoreError::LedgerNotConfigured => {
                anyhow!("no signed checkpoint covers this entry yet; give --key FILE to sign one")
            }
            e => anyhow!("entry {id}: {e}"),
        })?;
    store.close().await;
    print!("{}", bundle.to_text());
    Ok(ExitCode::SUCCESS)
}

async fn consistency(args: ConsistencyArgs) -> anyhow::Result<ExitCode> {
    let verifiers = verifiers(&args.public_keys)?;
    let open_cp = |text: &str, what: &str| {
        Checkpoint::open(text, &verifiers)
            .map(|(cp, _)| cp)
            .map_err(|e| anyhow!("{what} checkpoint: {e}"))
    };
    let old = open_cp(&read_file(&args.old, "checkpoint")?, "--old")?;
    let store = open(&args.database, None).await?;
    let new_text = match &args.new {
        Some(path) => read_file(path, "checkpoint")?,
        None => {
            store
                .ledger_latest_checkpoint()
                .await?
                .ok_or_else(|| anyhow!("the database holds no signed checkpoint"))?
                .note
        }
    };
    let new = open_cp(&new_text, "--new")?;
    if old.origin != new.origin {
        bail!(
            "the checkpoints are of different logs ({:?} and {:?})",
            old.origin,
            new.origin
        );
    }
    if old.size == 0 {
        bail!("the old checkpoint is of the empty log: every log extends it, nothing to prove");
    }
    if old.size > new.size {
        bail!(
            "the old checkpoint ({} leaves) is larger than the new one ({})",
            old.size,
            new.size
        );
    }
    let proof = store.ledger_consistency(old.size, new.size).await;
    store.close().await;
    let outcome = proof.map_err(|e| anyhow!("{e}")).and_then(|p| {
        verify_consistency(old.size, new.size, &p, &old.root, &new.root).map_err(|e| anyhow!("{e}"))
    });
    match outcome {
        Ok(()) => {
            println!(
                "consistent: the log of {} leaves extends the log of {} leaves ({:?})",
                new.size, old.size, old.origin
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!(
                "consistency FAILED from {} to {} leaves: {e} (the log was rewritten, or the \
                 database does not match the checkpoints)",
                old.size, new.size
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

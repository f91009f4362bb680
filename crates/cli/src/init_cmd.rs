//! `kirjuri init`: initialises an empty database (issue 16) with the organisations of a JSON
//! file and the first administrator. The file is read and checked completely before the
//! database is touched, and everything is written in one transaction, so a bad file or a
//! database that is already initialised changes nothing.
//!
//! The file (README, Production):
//!
//! ```json
//! {"organisations": [{"kind": "employment_authority", "name_fi": "...", "name_sv": "..."}],
//!  "administrator": {"username": "...", "display_name": "...", "organisation": "NAME_FI"}}
//! ```
//!
//! `kind` is `employment_authority`, `keha` or `supervisor`; the administrator's
//! `organisation` is the Finnish name of one of the organisations. The administrator's password
//! is read from `KIRJURI_ADMIN_PASSWORD` when it is set, and otherwise made here from OS
//! randomness and printed once.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use kirjuri_domain::{OrgKind, PersonName, Username};
use kirjuri_store::NewOrganisation;
use rand::Rng;

/// The environment variable the first administrator's password may be given in.
pub const PASSWORD_ENV: &str = "KIRJURI_ADMIN_PASSWORD";

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Database URL: `sqlite:PATH` or `postgres://USER@HOST:PORT/DB`. It must hold no
    /// organisations yet.
    #[arg(long, env = "KIRJURI_DATABASE_URL")]
    database: String,
    /// The organisations and the first administrator, a JSON file (README, Production).
    #[arg(long, value_name = "FILE")]
    organisations: PathBuf,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct InitFile {
    organisations: Vec<OrgEntry>,
    administrator: AdminEntry,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct OrgEntry {
    kind: String,
    name_fi: String,
    name_sv: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AdminEntry {
    username: String,
    display_name: String,
    organisation: String,
}

/// What a checked file holds.
#[derive(Debug)]
pub struct Bootstrap {
    pub organisations: Vec<NewOrganisation>,
    pub admin_username: Username,
    pub admin_display_name: PersonName,
    pub admin_organisation: usize,
}

/// Reads and checks the file; every error names the file and what is wrong where.
pub fn read_file(path: &Path) -> anyhow::Result<Bootstrap> {
    let shown = path.display();
    let text =
        std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("reading {shown}: {e}"))?;
    let file: InitFile =
        serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
    if file.organisations.is_empty() {
        anyhow::bail!("{shown}: organisations: at least one organisation is needed");
    }
    let mut names = HashSet::new();
    let mut organisations = Vec::new();
    for (i, o) in file.organisations.iter().enumerate() {
        let at = format!("{shown}: organisations[{i}]");
        let kind: OrgKind = o
            .kind
            .parse()
            .map_err(|e| anyhow::anyhow!("{at}.kind: {e}"))?;
        let name_fi =
            PersonName::parse(&o.name_fi).map_err(|e| anyhow::anyhow!("{at}.name_fi: {e}"))?;
        let name_sv =
            PersonName::parse(&o.name_sv).map_err(|e| anyhow::anyhow!("{at}.name_sv: {e}"))?;
        if !names.insert(name_fi.as_str().to_owned()) {
            anyhow::bail!("{at}.name_fi: {:?} is named twice", o.name_fi);
        }
        organisations.push(NewOrganisation {
            kind,
            name_fi,
            name_sv,
        });
    }
    let a = &file.administrator;
    let admin_username = Username::parse(&a.username)
        .map_err(|e| anyhow::anyhow!("{shown}: administrator.username: {e}"))?;
    let admin_display_name = PersonName::parse(&a.display_name)
        .map_err(|e| anyhow::anyhow!("{shown}: administrator.display_name: {e}"))?;
    let admin_organisation = organisations
        .iter()
        .position(|o| o.name_fi.as_str() == a.organisation)
        .ok_or_else(|| {
            anyhow::anyhow!(
                "{shown}: administrator.organisation: {:?} is not the name_fi of any organisation in the file",
                a.organisation
            )
        })?;
    Ok(Bootstrap {
        organisations,
        admin_username,
        admin_display_name,
        admin_organisation,
    })
}

/// A password of 20 characters from OS randomness, without characters easily mistaken for
/// each other.
fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..20)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

pub fn run(args: InitArgs) -> anyhow::Result<ExitCode> {
    // The file first: a bad file stops before the database is opened.
    let boot = read_file(&args.organisations)?;
    let (password, generated) = match std::env::var(PASSWORD_ENV) {
        Ok(p) => (p, false),
        Err(std::env::VarError::NotPresent) => (one_time_password(), true),
        Err(e) => anyhow::bail!("{PASSWORD_ENV}: {e}"),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let store = crate::open_store(&args.database).await?;
        let result = kirjuri_app::admin::initialise(
            &store,
            boot.organisations,
            kirjuri_app::admin::FirstAdministrator {
                username: boot.admin_username.clone(),
                display_name: boot.admin_display_name,
                organisation: boot.admin_organisation,
                password: password.clone(),
            },
        )
        .await;
        store.close().await;
        let (orgs, admin) = result.map_err(|e| match e {
            kirjuri_app::AppError::Invalid { message, .. } => {
                anyhow::anyhow!("{PASSWORD_ENV}: {message}")
            }
            other => anyhow::anyhow!("{other}"),
        })?;
        print_result(&orgs, &admin, generated.then_some(password.as_str()));
        anyhow::Ok(ExitCode::SUCCESS)
    })
}

#[allow(clippy::print_stdout)] // the command's output
fn print_result(
    orgs: &[kirjuri_domain::Organisation],
    admin: &kirjuri_domain::User,
    password: Option<&str>,
) {
    println!("Kirjuri initialised with {} organisations:", orgs.len());
    for o in orgs {
        println!("  {:<22} {}", o.kind.code(), o.name_fi.as_str());
    }
    println!("First administrator: {}", admin.username.as_str());
    match password {
        Some(p) => {
            println!("Administrator password (shown only this once; keep it safe): {p}");
        }
        None => println!("Administrator password: the one given in {PASSWORD_ENV}."),
    }
}

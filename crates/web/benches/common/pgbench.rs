//! PostgreSQL's own figure on this machine, for comparison (issue 16): `pgbench` inserting one
//! row per transaction into a table of its own at 32 clients, run against the database the
//! benchmarks use.

use std::process::Command;
use std::time::Duration;

/// What pgbench reported.
pub struct PgbenchFigures {
    pub clients: usize,
    pub tps: f64,
    pub latency_avg: Duration,
}

/// Runs `pgbench -c clients -j 2 -T seconds` with a one-row INSERT script on a table made
/// for it and dropped after. `None` (and a line saying why) when pgbench is not installed or
/// PostgreSQL cannot be reached.
pub fn run(url: &str, clients: usize, seconds: u64) -> Option<PgbenchFigures> {
    let Some(pgbench) = find() else {
        println!(
            "pgbench not found (Debian 12: apt-get install postgresql-15): no PostgreSQL baseline"
        );
        return None;
    };
    let table = format!("kirjuri_pgbench_{}", std::process::id());
    let psql = |sql: &str| {
        Command::new("psql")
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    };
    if !psql(&format!(
        "CREATE TABLE {table} (id BIGSERIAL PRIMARY KEY, client INTEGER NOT NULL, \
         written_at TIMESTAMPTZ NOT NULL DEFAULT now(), body TEXT NOT NULL)"
    )) {
        println!("pgbench: cannot create its table at {url} (is psql installed?)");
        return None;
    }
    let script = std::env::temp_dir().join(format!("{table}.sql"));
    std::fs::write(
        &script,
        format!(
            "INSERT INTO {table} (client, body) VALUES (:client_id, 'Puhelinsoitto: sovittiin \
             seuraavasta tapaamisesta.');\n"
        ),
    )
    .ok()?;
    let out = Command::new(&pgbench)
        .args(["-n", "-c", &clients.to_string(), "-j", "2"])
        .args(["-T", &seconds.to_string(), "-f"])
        .arg(&script)
        .arg(url)
        .output();
    let _ = std::fs::remove_file(&script);
    psql(&format!("DROP TABLE {table}"));
    let out = match out {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).into_owned(),
        Ok(out) => {
            println!("pgbench failed: {}", String::from_utf8_lossy(&out.stderr));
            return None;
        }
        Err(e) => {
            println!("pgbench could not run: {e}");
            return None;
        }
    };
    let number = |prefix: &str| {
        out.lines()
            .find_map(|l| l.trim().strip_prefix(prefix))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse::<f64>().ok())
    };
    Some(PgbenchFigures {
        clients,
        tps: number("tps = ")?,
        latency_avg: Duration::from_secs_f64(number("latency average = ")? / 1e3),
    })
}

fn find() -> Option<std::path::PathBuf> {
    let on_path = std::env::var_os("PATH").into_iter().flat_map(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("pgbench"))
            .collect::<Vec<_>>()
    });
    let debian = (13..=17)
        .rev()
        .map(|v| format!("/usr/lib/postgresql/{v}/bin/pgbench").into());
    on_path
        .chain(debian)
        .find(|p: &std::path::PathBuf| p.is_file())
}

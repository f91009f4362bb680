//! The client-record page (issue 12): an official opens the record of a client with a long
//! history over real HTTP, one request at a time; prints the server time (p50, p99, max) and
//! the bytes of a first load of that page (the HTML and every stylesheet or script it links),
//! and fails if the page links anything on another host.
//!
//! Run: `cargo bench -p kirjuri-web --bench record_page`. Knobs (environment):
//! `KIRJURI_BENCH_BACKENDS` (default `sqlite,postgres`), `KIRJURI_BENCH_ENTRIES` (default 2000
//! entries on the client's record), `KIRJURI_BENCH_LOADS` (default 300 page loads). Targets
//! (issue 12): p99 < 50 ms on SQLite, first load < 150 kB. Figures are printed, never asserted.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

mod common;

use chrono::{TimeZone, Utc};
use common::open;
use kirjuri_domain::*;
use kirjuri_store::testing::{acting, fixture};
use kirjuri_store::{Backend, NewUser};

const PASSWORD: &str = "bench password, not secret";

fn main() {
    let entries = common::env_usize("KIRJURI_BENCH_ENTRIES", 2_000);
    let loads = common::env_usize("KIRJURI_BENCH_LOADS", 300).max(1);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    println!("client-record page over HTTP: {entries} entries on the record, {loads} loads");
    for backend in common::backends() {
        rt.block_on(run(backend, entries, loads));
    }
}

fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    html[at..].split('"').next().unwrap().to_owned()
}

/// Every `href="…"` and `src="…"` of a page, except in-page anchors and `data:` addresses.
fn linked(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for (at, _) in html.match_indices(attr) {
            let v = html[at + attr.len()..].split('"').next().unwrap();
            if !v.starts_with('#') && !v.starts_with("data:") {
                out.push(v.replace("&#x2F;", "/").replace("&amp;", "&"));
            }
        }
    }
    out
}

async fn run(backend: Backend, entries: usize, loads: usize) {
    let (store, cleanup) = open(backend).await;
    let fx = fixture(&store).await;
    let by = acting(&fx.official_a);
    // A history of about eight years: an entry every working day or so, recorded when written.
    let first = Utc.with_ymd_and_hms(2018, 1, 8, 8, 0, 0).unwrap();
    for i in 0..entries {
        let new = NewEntry::new(
            fx.client_a.id,
            if i % 3 == 0 {
                EntryKind::Advice
            } else {
                EntryKind::Contact
            },
            EntryText::parse(&format!(
                "Puhelinsoitto {i}: asiakas kertoi hakeneensa kahta työpaikkaa ja \
                 sovittiin seuraavasta tapaamisesta kahden viikon päähän."
            ))
            .unwrap(),
            first + chrono::Duration::hours(34 * i as i64),
            EntryDetails::default(),
            None,
        )
        .unwrap();
        store.append_entry(&new, &by).await.unwrap();
    }
    store
        .create_user(NewUser {
            username: Username::parse("bench").unwrap(),
            display_name: PersonName::parse("Penkki Virkailija").unwrap(),
            role: Role::Official,
            org_id: Some(fx.org_a.id),
            client_id: None,
            password_hash: Some(kirjuri_app::hash_password(PASSWORD).unwrap()),
        })
        .await
        .unwrap();

    let server = common::Server::start(&store).await;
    let base = server.base.clone();
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = http
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let r = http
        .post(format!("{base}/login"))
        .header("origin", &base)
        .form(&[
            ("csrf", csrf_of(&login).as_str()),
            ("username", "bench"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303, "log-in failed");

    let url = format!("{base}/clients/{}", fx.client_a.id);
    // The first load: the page and what it links, each fetched once as a fresh browser would.
    let html = http.get(&url).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("Puhelinsoitto"),
        "the record shows no entries"
    );
    let mut first_load = html.len();
    let mut assets = 0;
    for link in linked(&html) {
        assert!(
            link.starts_with('/') && !link.starts_with("//"),
            "the record page links another host: {link}"
        );
        if link.starts_with("/static/") {
            let body = http
                .get(format!("{base}{link}"))
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            first_load += body.len();
            assets += 1;
        }
    }

    let mut latencies: Vec<Duration> = Vec::with_capacity(loads);
    for _ in 0..loads {
        let t = Instant::now();
        let r = http.get(&url).send().await.unwrap();
        let status = r.status();
        let _ = r.bytes().await.unwrap();
        latencies.push(t.elapsed());
        assert_eq!(status.as_u16(), 200, "record page failed");
    }
    server.stop().await;
    store.close().await;
    cleanup();

    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "{backend:?}: record page p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; first load {} bytes \
         (HTML {} + {assets} linked files), no other host",
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        latencies[latencies.len() - 1].as_secs_f64() * 1e3,
        first_load,
        html.len(),
    );
}

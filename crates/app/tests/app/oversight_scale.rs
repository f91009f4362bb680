//! Issue 14: the time of reports 4–6 on a generated PostgreSQL dataset (ignored; run by hand):
//!
//! ```text
//! OVERSIGHT_SCALE_CLIENTS=100000 cargo test -p kirjuri-app --test app --release \
//!     oversight_scale -- --ignored --nocapture
//! ```
//!
//! It loads, in a schema of its own (`kirjuri_oversight_scale_N`, kept for reruns; dropped with
//! `OVERSIGHT_SCALE_DROP=1`), N clients in 45 organisations with 5 000 officials' worth of
//! users (N / 100), 20 entries each over five years with a finding on one in ten, 40
//! access-log rows each (2 % flagged, 1 % refused), one job search and decision each, benefit
//! applications for 60 %, resolutions of half of the routed decisions — straight SQL
//! (`generate_series`), no ledger (the reports read no ledger). It prints the time of each
//! report over the last twelve months and over five years. Figures, not assertions.

use std::sync::Arc;
use std::time::Instant;

use chrono::{NaiveDate, TimeZone, Utc};
use kirjuri_app::reports::ReportFilter as Filter;
use kirjuri_app::{Actor, App};
use kirjuri_domain::*;
use kirjuri_store::testing::{postgres_url, raw_execute, raw_i64, test_ledger_keys};
use kirjuri_store::{IdSource, Store};

fn generator(n: i64) -> String {
    let users = (n / 100).max(90);
    format!(
        r#"
INSERT INTO organisations (id, kind, name_fi, name_sv)
SELECT '00000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'), 'employment_authority',
       'Työllisyysalue ' || g, 'Sysselsättningsområde ' || g
FROM generate_series(1, 45) g;
INSERT INTO organisations (id, kind, name_fi, name_sv) VALUES
  ('00000000-0000-4000-8000-000000000999', 'supervisor', 'Aluehallintovirasto', 'Regionförvaltningsverket');
INSERT INTO users (id, username, display_name, role, org_id, client_id, password_hash, created_at)
SELECT '00000001-0000-4000-8000-' || lpad(to_hex(g), 12, '0'), 'virkailija' || g, 'Virkailija ' || g,
       'official', '00000000-0000-4000-8000-' || lpad(to_hex(1 + g % 45), 12, '0'), NULL, NULL,
       '2021-01-01T00:00:00.000000Z'
FROM generate_series(1, {users}) g;
INSERT INTO users (id, username, display_name, role, org_id, client_id, password_hash, created_at)
VALUES ('00000001-0000-4000-8000-999999999999', 'valvoja', 'Valvoja', 'supervisor',
        '00000000-0000-4000-8000-000000000999', NULL, NULL, '2021-01-01T00:00:00.000000Z');
CREATE TEMP TABLE gen_c AS
SELECT g, '00000002-0000-4000-8000-' || lpad(to_hex(g), 12, '0') AS id,
       1 + g % 45 AS org, (date '1950-01-01' + (g / 100)) AS born, 900 + g % 100 AS ind
FROM generate_series(1, {n}) g;
INSERT INTO clients (id, hetu, first_name, last_name, language, org_id, created_at, created_by)
SELECT id,
       to_char(born, 'DDMMYY') || '-' || ind ||
       substr('0123456789ABCDEFHJKLMNPRSTUVWXY',
              ((to_char(born, 'DDMMYY')::bigint * 1000 + ind) % 31)::int + 1, 1),
       'Testi', 'Asiakas' || g, 'fi', '00000000-0000-4000-8000-' || lpad(to_hex(org), 12, '0'),
       '2021-01-01T00:00:00.000000Z', '00000001-0000-4000-8000-' || lpad(to_hex(45 * (1 + g % ({users} / 45 - 1)) + org - 1), 12, '0')
FROM gen_c;
-- Entries: 20 per client over five years, authors of the client's organisation.
INSERT INTO entries (id, client_id, kind, text, details, event_at, recorded_at, author_id)
SELECT '00000003-0000-4000-8000-' || lpad(to_hex(c.g * 20 + k), 12, '0'), c.id,
       (ARRAY['contact','initial_interview','employment_plan','advice','service_start',
              'service_end','work_capacity','safety','other'])[1 + (c.g * 7 + k * 13) % 9],
       'Asiakkaan tilanne käytiin läpi.', '{{}}', t, t,
       '00000001-0000-4000-8000-' || lpad(to_hex(45 * (1 + (c.g + k) % ({users} / 45 - 1)) + c.org - 1), 12, '0')
FROM gen_c c, generate_series(0, 19) k,
     LATERAL (SELECT to_char(timestamp '2021-12-01' + ((hashtext(c.id || 'e' || k)::bigint + 2147483648) % 157680000) * interval '1 second',
                     'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS t) tt;
INSERT INTO entry_findings (entry_id, ord, kind, severity, start_char, end_char, matched)
SELECT e.id, 0, (ARRAY['abbreviation','offensive','health','clarity','benefit','hetu'])[1 + e.seq % 6],
       'warn', 0, 1, 'x'
FROM entries e WHERE e.seq % 10 = 3;
-- Access log: 40 rows per client.
INSERT INTO access_log (at, user_id, role, org_id, client_id, action, resource, purpose, flagged)
SELECT to_char(timestamp '2021-12-01' + ((hashtext(c.id || 'a' || k)::bigint + 2147483648) % 157680000) * interval '1 second',
               'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       '00000001-0000-4000-8000-' || lpad(to_hex(45 * (1 + (c.g * 3 + k) % ({users} / 45 - 1)) + o - 1), 12, '0'),
       'official', '00000000-0000-4000-8000-' || lpad(to_hex(o), 12, '0'), c.id,
       CASE WHEN (c.g + k) % 100 = 7 THEN 'denied' ELSE 'read' END, 'client',
       CASE WHEN (c.g + k) % 50 = 3 THEN 'muutto' ELSE 'asiakaspalvelu' END,
       CASE WHEN (c.g + k) % 50 = 3 OR (c.g + k) % 100 = 7 THEN 1 ELSE 0 END
FROM gen_c c, generate_series(0, 39) k,
     LATERAL (SELECT CASE WHEN (c.g + k) % 50 = 3 THEN c.org % 45 + 1 ELSE c.org END AS o) oo;
-- One job search and decision per client; applications for 60 %.
INSERT INTO job_searches (id, client_id, start_date, recorded_at, recorded_by)
SELECT '00000004-0000-4000-8000-' || lpad(to_hex(g), 12, '0'), id,
       to_char(date '2022-01-01' + (g * 37) % 1700, 'YYYY-MM-DD'),
       to_char(date '2022-01-01' + (g * 37) % 1700, 'YYYY-MM-DD') || 'T09:00:00.000000Z',
       '00000001-0000-4000-8000-000000000001'
FROM gen_c;
INSERT INTO decisions (id, client_id, job_search_id, kind, decision_date, inputs, rule_set_name,
       rule_set_version, rule_set_hash, adoption_number, outcome, reasons, target,
       effective_date, trace, document, document_language, notice_acknowledged, recorded_at,
       recorded_by)
SELECT '00000005-0000-4000-8000-' || lpad(to_hex(g), 12, '0'), id,
       '00000004-0000-4000-8000-' || lpad(to_hex(g), 12, '0'), 'job_search_start',
       to_char(date '2022-01-01' + (g * 37) % 1700, 'YYYY-MM-DD'), '{{}}', 'statement-start',
       (1 + g % 3)::text, repeat(to_hex(10 + g % 3), 32), NULL,
       CASE WHEN g % 4 = 0 THEN 'routed' ELSE 'auto_positive' END,
       CASE WHEN g % 8 = 0 THEN '[{{"code":"MISSING_INPUTS"}}]'
            WHEN g % 4 = 0 THEN '[{{"code":"FREE_TEXT"}},{{"code":"STUDIES"}}]' ELSE '[]' END,
       CASE WHEN g % 4 = 0 THEN 'employment_authority' END,
       CASE WHEN g % 4 = 0 THEN NULL ELSE to_char(date '2022-01-01' + (g * 37) % 1700, 'YYYY-MM-DD') END,
       '[]', CASE WHEN g % 4 = 0 THEN NULL ELSE 'Lausunto.' END,
       CASE WHEN g % 4 = 0 THEN NULL ELSE 'fi' END, 1,
       to_char(date '2022-01-01' + (g * 37) % 1700, 'YYYY-MM-DD') || 'T09:00:00.000000Z',
       '00000001-0000-4000-8000-000000000001'
FROM gen_c;
INSERT INTO official_steps (decision_id, client_id, step, by_user, org_id, at, outcome,
       effective_date, reasoning, basis, document, document_language)
SELECT '00000005-0000-4000-8000-' || lpad(to_hex(g), 12, '0'), id, 'resolved',
       '00000001-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000001',
       to_char(date '2022-01-20' + (g * 37) % 1700, 'YYYY-MM-DD') || 'T09:00:00.000000Z',
       'no_obstacle', to_char(date '2022-01-01' + (g * 37) % 1700, 'YYYY-MM-DD'), 'x', 'y', 'z', 'fi'
FROM gen_c WHERE g % 8 = 4;
INSERT INTO benefit_payers (id, name_fi, name_sv, endpoint_url, registered_at, registered_by)
VALUES ('00000006-0000-4000-8000-000000000001', 'Kansaneläkelaitos', 'Folkpensionsanstalten',
        'https://kela.example.fi/', '2021-01-01T00:00:00.000000Z', '00000001-0000-4000-8000-000000000001');
INSERT INTO benefit_applications (client_id, payer_id, from_date, recorded_at, recorded_by)
SELECT id, '00000006-0000-4000-8000-000000000001',
       to_char(date '2022-01-01' + (g * 37) % 1700 + 3, 'YYYY-MM-DD'),
       to_char(date '2022-01-01' + (g * 37) % 1700 + 3, 'YYYY-MM-DD') || 'T09:00:00.000000Z',
       '00000001-0000-4000-8000-000000000001'
FROM gen_c WHERE g % 5 < 3;
"#
    )
}

#[tokio::test]
#[ignore = "a timing run on a generated PostgreSQL dataset; run by hand"]
async fn oversight_scale() {
    let n: i64 = std::env::var("OVERSIGHT_SCALE_CLIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let schema = format!("kirjuri_oversight_scale_{n}");
    let clock = Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0).unwrap(),
    ));
    let store = Store::connect(&postgres_url(), Some(&schema), clock, IdSource::seeded(1))
        .await
        .unwrap()
        .with_ledger(test_ledger_keys());
    if raw_i64(&store, "SELECT COUNT(*) FROM clients").await == 0 {
        let started = Instant::now();
        raw_execute(&store, &generator(n)).await.unwrap();
        // As autovacuum leaves a table that has lived a while: statistics and the visibility
        // map (without it no scan is index-only).
        raw_execute(&store, "VACUUM ANALYZE").await.unwrap();
        println!(
            "generated {n} clients in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    for t in ["entries", "entry_findings", "access_log", "decisions"] {
        println!(
            "{t}: {} rows",
            raw_i64(&store, &format!("SELECT COUNT(*) FROM {t}")).await
        );
    }
    let app = App::new(store.clone(), Default::default()).unwrap();
    let supervisor = Actor::new(
        store
            .user("00000001-0000-4000-8000-999999999999".parse().unwrap())
            .await
            .unwrap(),
    );
    let to = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let year = Filter {
        from: NaiveDate::from_ymd_opt(2025, 12, 1).unwrap(),
        to,
        org: None,
        as_of: None,
    };
    let five = Filter {
        from: NaiveDate::from_ymd_opt(2021, 12, 1).unwrap(),
        ..year
    };
    for (label, f) in [("12 months", &year), ("5 years", &five)] {
        let t = Instant::now();
        let r = app.language_report(&supervisor, f).await.unwrap();
        println!(
            "report 4 ({label}): {:.2} s ({} entries)",
            t.elapsed().as_secs_f64(),
            r.total.entries
        );
        let t = Instant::now();
        let r = app.statements_report(&supervisor, f).await.unwrap();
        println!(
            "report 5 ({label}): {:.2} s ({} dates, {} versions)",
            t.elapsed().as_secs_f64(),
            r.trend.len(),
            r.versions.len()
        );
        let t = Instant::now();
        let r = app.access_report(&supervisor, f).await.unwrap();
        println!(
            "report 6 ({label}): {:.2} s ({} organisations, {} standing out)",
            t.elapsed().as_secs_f64(),
            r.by_org.len(),
            r.standing_out.len()
        );
    }
    store.close().await;
    if std::env::var("OVERSIGHT_SCALE_DROP").is_ok() {
        kirjuri_store::testing::drop_schema(&schema).await;
    }
}

//! Issue 14: the time of the compliance reports 1–3 on a generated dataset on PostgreSQL
//! (`#[ignore]`: run by hand). `KIRJURI_REPORT_CLIENTS` clients (default 50 000) in 45
//! organisations, one official per 100 clients, 20 entries per client over five years (every
//! tenth an employment plan with two follow-up dates), a job search per client and a contact
//! method for every other one, loaded with `INSERT … SELECT generate_series`; then each report
//! over the last year, all organisations, is timed. Prints the figures; asserts nothing about
//! them.
//!
//! `KIRJURI_TEST_BACKENDS=postgres cargo test --release -p kirjuri-store --test store
//! reports_scale -- --ignored --nocapture`

use super::*;
use kirjuri_store::{Backend, ReportQuery};

#[tokio::test]
#[ignore]
async fn reports_scale_on_postgres() {
    let n: i64 = std::env::var("KIRJURI_REPORT_CLIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000);
    for backend in backends() {
        if backend != Backend::Postgres {
            continue;
        }
        let clock = clock();
        let ts = fresh_store(backend, clock.clone()).await;
        let fx = fixture(&ts.store).await;
        let s = &ts.store;
        let t = std::time::Instant::now();
        let uuid = |prefix: &str, col: &str| {
            format!("'{prefix}-0000-4000-8000-' || lpad(CAST({col} AS text), 12, '0')")
        };
        let ts_text = |expr: &str| {
            format!("to_char(({expr}) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
        };
        for sql in [
            format!(
                "INSERT INTO organisations (id, kind, name_fi, name_sv)
                 SELECT {}, 'employment_authority', 'Viranomainen ' || i, 'Myndighet ' || i
                 FROM generate_series(1, 45) i",
                uuid("00000000", "i")
            ),
            format!(
                "INSERT INTO users (id, username, display_name, role, org_id, created_at)
                 SELECT {}, 'virkailija' || i, 'Virkailija ' || i, 'official', {}, '2021-01-01T00:00:00.000000Z'
                 FROM generate_series(1, {}) i",
                uuid("10000000", "i"),
                uuid("00000000", "1 + i % 45"),
                n / 100 + 1
            ),
            format!(
                "INSERT INTO clients (id, hetu, first_name, last_name, language, org_id, created_at, created_by)
                 SELECT {}, 'x' || i, 'Testi', 'Asiakas' || i, 'fi', {}, '2021-01-01T00:00:00.000000Z', '{}'
                 FROM generate_series(1, {n}) i",
                uuid("20000000", "i"),
                uuid("00000000", "1 + (i / 100) % 45"),
                fx.official_a.id
            ),
            format!(
                "INSERT INTO entries (id, client_id, kind, text, details, event_at, recorded_at, author_id)
                 SELECT {}, {}, CASE WHEN j % 10 = 0 THEN 'employment_plan' WHEN j % 10 = 1 THEN 'initial_interview' WHEN j % 3 = 0 THEN 'contact' ELSE 'advice' END,
                        'x',
                        CASE WHEN j % 10 = 0 THEN '{{\"follow_up_dates\":[\"' || to_char(ev + interval '20 days', 'YYYY-MM-DD') || '\",\"' || to_char(ev + interval '50 days', 'YYYY-MM-DD') || '\"]}}' ELSE '{{}}' END,
                        {}, {}, {}
                 FROM (SELECT i, j, timestamptz '2021-03-01 08:00:00+00' + ((i * 7 + j * 91) % 1825) * interval '1 day' + (j % 12) * interval '1 hour' AS ev
                       FROM generate_series(1, {n}) i, generate_series(1, 20) j) g",
                uuid("30000000", "i * 20 + j"),
                uuid("20000000", "i"),
                ts_text("ev"),
                ts_text("ev + ((i + j) % 9) * interval '1 day'"),
                uuid("10000000", "1 + i / 100"),
            ),
            format!(
                "INSERT INTO job_searches (id, client_id, start_date, recorded_at, recorded_by)
                 SELECT {}, {}, to_char(date '2021-03-01' + (i * 13) % 1825, 'YYYY-MM-DD'), '2021-03-01T00:00:00.000000Z', {}
                 FROM generate_series(1, {n}) i",
                uuid("40000000", "i"),
                uuid("20000000", "i"),
                uuid("10000000", "1 + i / 100"),
            ),
            format!(
                "INSERT INTO contact_methods (client_id, method, agreed_on, recorded_at, recorded_by)
                 SELECT {}, 'phone', to_char(date '2021-03-01' + (i * 13) % 1825 + 3, 'YYYY-MM-DD'), '2021-03-01T00:00:00.000000Z', {}
                 FROM generate_series(1, {n}, 2) i",
                uuid("20000000", "i"),
                uuid("10000000", "1 + i / 100"),
            ),
            "ANALYZE".to_owned(),
        ] {
            raw_execute(s, &sql).await.unwrap();
        }
        eprintln!(
            "reports_scale: {n} clients, {} entries loaded in {:.1} s",
            n * 20,
            t.elapsed().as_secs_f64()
        );
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        let q = ReportQuery {
            from: d(2025, 3, 1),
            to: d(2026, 2, 28),
            org: None,
            as_of: now,
            judged_on: d(2026, 3, 2),
        };
        let mut one_org = q;
        one_org.org = Some(fx.org_a.id);
        for (name, q) in [("all organisations", q), ("one organisation", one_org)] {
            let t = std::time::Instant::now();
            let lags = s.report_recording_lags(&q).await.unwrap();
            let t1 = t.elapsed().as_secs_f64();
            let t = std::time::Instant::now();
            let i = s.report_initial_interviews(&q).await.unwrap();
            let t2 = t.elapsed().as_secs_f64();
            let t = std::time::Instant::now();
            let c = s.report_contact_methods(&q).await.unwrap();
            let t3 = t.elapsed().as_secs_f64();
            let t = std::time::Instant::now();
            let f = s.report_follow_ups(&q).await.unwrap();
            let t4 = t.elapsed().as_secs_f64();
            eprintln!(
                "reports_scale ({name}): timeliness {t1:.2} s ({} rows), interviews {t2:.2} s ({} rows), contact methods {t3:.2} s ({} rows), follow-ups {t4:.2} s ({} rows)",
                lags.len(),
                i.len(),
                c.len(),
                f.len()
            );
        }
        ts.cleanup().await;
    }
}

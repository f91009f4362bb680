//! Start and end dates outside what may be decided automatically (issue 15 item 2; B2, HL 53 e §):
//! job search takes effect from registration (JTYPL 27 §), so a start after the decision date or
//! further back than `max_retroactive_days` routes to the employment authority (`START_DATE`),
//! and likewise an end date in the future, before the start or too far back (`END_DATE`).

use super::*;
use chrono::NaiveDate;
use std::fmt::Write as _;

/// One row: name, changes to the base request, then the expected outcome, reasons and target.
type DateRow = (
    &'static str,
    Vec<(&'static str, Value)>,
    Outcome,
    Vec<ReasonCode>,
    Option<Target>,
);

/// Evaluate each row, assert its expectation, and render the table for a snapshot (dates,
/// outcome, reasons, target and effective date, one line a row).
fn run_rows(rs: &RuleSets, rows: Vec<DateRow>) -> String {
    let mut table = String::new();
    for (name, changes, outcome, codes, to) in rows {
        let q = request(&changes);
        let d = rs.evaluate(&q, true);
        assert_eq!(d.outcome, outcome, "{name}\n{}", explain(&d, Lang::En));
        assert_eq!(sorted(d.reason_codes()), sorted(codes), "{name}");
        assert_eq!(d.target, to, "{name}");
        match d.outcome {
            Outcome::AutoPositive => assert_eq!(d.effective_date, Some(q.job_search_start)),
            Outcome::AutoEnd => assert_eq!(d.effective_date, q.job_search_end),
            Outcome::Routed => assert_eq!(d.effective_date, None, "{name}"),
        }
        let codes: Vec<&str> = d.reason_codes().iter().map(|c| c.as_str()).collect();
        let _ = writeln!(
            table,
            "{name}: decision {} start {} end {} -> {} [{}] to {} effective {}",
            q.decision_date,
            q.job_search_start,
            q.job_search_end.map_or("-".into(), |e| e.to_string()),
            d.outcome.as_str(),
            codes.join(", "),
            d.target.map_or("-", Target::as_str),
            d.effective_date.map_or("-".into(), |e| e.to_string()),
        );
    }
    table
}

/// Issue 15 item 2: a start on the decision date or within the window is decided
/// automatically from the registration date; one day beyond the window, years back (the
/// probe's 2019-01-02) or after the decision date routes `START_DATE` to the employment
/// authority, next to any other reason.
#[test]
fn start_dates_outside_the_window_route_to_an_official() {
    let start = |d: &str| ("job_search_start", json!(d));
    let rows: Vec<DateRow> = vec![
        (
            "on the decision date",
            vec![start("2026-03-02")],
            AutoPositive,
            vec![],
            None,
        ),
        (
            "within the window (10 days back)",
            vec![start("2026-02-20")],
            AutoPositive,
            vec![],
            None,
        ),
        (
            "last day of the window (14 days back)",
            vec![start("2026-02-16")],
            AutoPositive,
            vec![],
            None,
        ),
        (
            "one day beyond the window (15 days back)",
            vec![start("2026-02-15")],
            Routed,
            vec![C::StartDate],
            EA,
        ),
        (
            "years back (issue 15 probe)",
            vec![start("2019-01-02")],
            Routed,
            vec![C::StartDate],
            EA,
        ),
        (
            "tomorrow",
            vec![start("2026-03-03")],
            Routed,
            vec![C::StartDate],
            EA,
        ),
        (
            "the far-future date of issue 15 item 1",
            vec![start("+262142-12-31")],
            Routed,
            vec![C::StartDate],
            EA,
        ),
        (
            "years back with a resignation: both reasons, to KEHA-keskus",
            vec![
                start("2019-01-02"),
                (
                    "reported.previous_employment_end.reason",
                    json!("own_resignation"),
                ),
            ],
            Routed,
            vec![C::StartDate, C::Resignation],
            KEHA,
        ),
    ];
    let table = run_rows(&rules(), rows);
    insta::assert_snapshot!("start_date_window", table);
}

/// Issue 15 item 2, end of job search: an end on the decision date or within the window is
/// decided automatically; an end one day beyond the window, years back, before the start or
/// after the decision date routes `END_DATE`. With no end date the end rule does not apply and
/// the fallback decides, as before.
#[test]
fn end_dates_outside_the_window_route_to_an_official() {
    let end = |date: Value, reason: &str| {
        vec![
            ("kind", json!("job_search_end")),
            ("decision_date", json!("2026-03-20")),
            ("job_search_start", json!("2026-03-02")),
            ("job_search_end", date),
            ("end_reason", json!(reason)),
        ]
    };
    let rows: Vec<DateRow> = vec![
        (
            "on the decision date",
            end(json!("2026-03-20"), "employed"),
            AutoEnd,
            vec![],
            None,
        ),
        (
            "last day of the window (14 days back)",
            end(json!("2026-03-06"), "own_request"),
            AutoEnd,
            vec![],
            None,
        ),
        (
            "one day beyond the window (15 days back)",
            end(json!("2026-03-05"), "employed"),
            Routed,
            vec![C::EndDate],
            EA,
        ),
        (
            "years back, before the start",
            end(json!("2019-01-02"), "employed"),
            Routed,
            vec![C::EndDate],
            EA,
        ),
        (
            "the day before the start",
            {
                let mut v = end(json!("2026-03-01"), "employed");
                v.push(("decision_date", json!("2026-03-02")));
                v
            },
            Routed,
            vec![C::EndDate],
            EA,
        ),
        (
            "tomorrow",
            end(json!("2026-03-21"), "employed"),
            Routed,
            vec![C::EndDate],
            EA,
        ),
        (
            "tomorrow, ended by the authority: both reasons",
            end(json!("2026-03-21"), "no_contact"),
            Routed,
            vec![C::EndDate, C::EndNeedsHearing],
            EA,
        ),
        (
            "no end date: the fallback, not END_DATE",
            end(Value::Null, "employed"),
            Routed,
            vec![C::Undecided],
            EA,
        ),
    ];
    let table = run_rows(&rules(), rows);
    insta::assert_snapshot!("end_date_window", table);
}

/// Issue 15 item 2: the window is an effective-dated parameter, read on the decision date.
/// The shipped value is 14 days in both rule sets; a new period changes the window from its
/// first day, and each boundary day falls on the right side.
#[test]
fn the_window_is_the_parameter_in_force_on_the_decision_date() {
    let r = rules();
    let day = |s: &str| s.parse::<NaiveDate>().unwrap();
    for rs in [&r.start, &r.end] {
        assert_eq!(
            rs.param_at("max_retroactive_days", day("2026-03-02"))
                .as_deref(),
            Some("14"),
            "{}",
            rs.name()
        );
        assert_eq!(
            rs.param_at("max_retroactive_days", rs.valid_from())
                .as_deref(),
            Some("14")
        );
    }
    let shipped_param = "param max_retroactive_days: int { from 2000-01-01: 14; }";
    assert!(START_RULES.contains(shipped_param));
    assert!(END_RULES.contains(shipped_param));
    let shortened = START_RULES.replace(
        shipped_param,
        "param max_retroactive_days: int { from 2000-01-01 to 2026-02-28: 14; from 2026-03-01: 7; }",
    );
    let rs = check(&shortened, "shortened.rules").unwrap_or_else(|d| panic!("{}", d.render()));
    assert_eq!(
        rs.param_at("max_retroactive_days", day("2026-02-28"))
            .as_deref(),
        Some("14")
    );
    assert_eq!(
        rs.param_at("max_retroactive_days", day("2026-03-01"))
            .as_deref(),
        Some("7")
    );
    let decide = |decision: &str, start: &str| {
        let d = evaluate(
            &rs,
            &request(&[
                ("decision_date", json!(decision)),
                ("job_search_start", json!(start)),
            ]),
            false,
        );
        (d.outcome, d.reason_codes())
    };
    let auto = (AutoPositive, vec![]);
    let routed = (Routed, vec![C::StartDate]);
    // the last day of the old period: 14 days back is in, 15 out
    assert_eq!(decide("2026-02-28", "2026-02-14"), auto);
    assert_eq!(decide("2026-02-28", "2026-02-13"), routed);
    // the first day of the new period: 7 days back is in, 8 out (10 was in the day before)
    assert_eq!(decide("2026-03-01", "2026-02-22"), auto);
    assert_eq!(decide("2026-03-01", "2026-02-21"), routed);
    assert_eq!(decide("2026-02-28", "2026-02-18"), auto);
    assert_eq!(decide("2026-03-01", "2026-02-19"), routed);
}

/// Issue 15 item 2: the reason is explained with its legal basis and the date it read, in
/// Finnish, Swedish and English, for the probe's job search started 2019-01-02; issue 14: in
/// words, with the law in full and how far back the start lies against the window.
#[test]
fn a_backdated_start_is_explained_with_its_basis() {
    let d = rules().evaluate(&request(&[("job_search_start", json!("2019-01-02"))]), true);
    let h = d.rule_set_hash().to_string();
    let mut all = String::new();
    for lang in [Lang::Fi, Lang::Sv, Lang::En] {
        all.push_str(&explain(&d, lang).replace(&h, "[hash]"));
        all.push('\n');
    }
    // issue 14: the reason, the law and the values in words, not as codes (A14)
    assert!(!all.contains("START_DATE"));
    assert!(all.contains("laki työvoimapalvelujen järjestämisestä (380/2023) 27 §"));
    assert!(all.contains("lagen om ordnande av arbetskraftsservice (380/2023) 27 §"));
    assert!(all.contains("työnhaun alkamispäivä: 2.1.2019"));
    assert!(all.contains("Työnhaun alkamispäivä 2.1.2019 on 2616 päivää ennen ratkaisupäivää"));
    assert!(all.contains("enintään 14 päivää taaksepäin"));
    insta::assert_snapshot!("explain_backdated_start", all);
}

/// Issue 15 item 2 as a property: whatever the dates, an automatic statement is never
/// effective from a date after the decision date or further back than the window, at the
/// start or at the end of job search.
#[test]
fn fuzz_no_automatic_statement_outside_the_window() {
    let r = rules();
    let dates = (2000i32..2040, 1u32..13, 1u32..29)
        .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap());
    // decision dates from `valid from` on (before it only the fallback applies); start and end
    // mostly near the decision date, so that both sides of each boundary are hit
    let offset = prop_oneof![-40i64..40, -20_000i64..20_000];
    let strategy = (dates, offset.clone(), offset, any::<bool>());
    fuzz(
        "evaluate(start and end dates around the decision date)",
        strategy,
        |(decision, a, b, end)| {
            let at = |n: i64| (decision + chrono::Duration::days(n)).to_string();
            let mut changes = vec![
                ("decision_date", json!(decision.to_string())),
                ("job_search_start", json!(at(a))),
            ];
            if end {
                changes.extend([
                    ("kind", json!("job_search_end")),
                    ("end_reason", json!("employed")),
                    ("job_search_end", json!(at(b))),
                ]);
            }
            let q = request(&changes);
            let d = r.evaluate(&q, false);
            let window = r
                .for_kind(q.kind)
                .param_at("max_retroactive_days", decision)
                .unwrap()
                .parse::<i64>()
                .unwrap();
            if let Some(eff) = d.effective_date {
                let back = (decision - eff).num_days();
                assert!(
                    (0..=window).contains(&back),
                    "{:?} effective {eff} on {decision}",
                    d.outcome
                );
            }
            if end && d.outcome == AutoEnd {
                assert!(q.job_search_end >= Some(q.job_search_start));
            }
            let date_reason = if end { C::EndDate } else { C::StartDate };
            let effective = if end {
                q.job_search_end
            } else {
                Some(q.job_search_start)
            };
            let outside = effective.is_some_and(|e| {
                e > decision
                    || (decision - e).num_days() > window
                    || (end && Some(q.job_search_start) > q.job_search_end)
            });
            assert_eq!(d.has_reason(date_reason), outside, "{q:?}");
        },
    );
}

//! Throughput of the start rule set: `cargo bench -p kirjuri-rules --bench evaluate`.
//!
//! Generates 1,000,000 varied requests deterministically (xorshift64* PRNG, fixed seed) and
//! evaluates them single-threaded, without and with trace. The library has no clock; only this
//! example measures time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use chrono::NaiveDate;
use kirjuri_rules::*;
use std::hint::black_box;
use std::time::Instant;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// true with probability p/1000
    fn chance(&mut self, p: u64) -> bool {
        self.below(1000) < p
    }
    fn pick<T: Copy>(&mut self, all: &[T], p_other: u64) -> T {
        if self.chance(p_other) {
            all[self.below(all.len() as u64) as usize]
        } else {
            all[0]
        }
    }
}

fn day(base: NaiveDate, n: u64) -> NaiveDate {
    base + chrono::Days::new(n)
}

fn generate(n: usize, seed: u64) -> Vec<Request> {
    let mut r = Rng(seed);
    let epoch = NaiveDate::from_ymd_opt(1955, 1, 1).unwrap();
    let d0 = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    (0..n)
        .map(|i| {
            let decision = day(d0, r.below(730));
            let start = decision - chrono::Days::new(r.below(20));
            Request {
                id: None,
                kind: Kind::JobSearchStart,
                decision_date: decision,
                job_search_start: start,
                job_search_end: None,
                end_reason: None,
                person: Person {
                    birth_date: day(epoch, r.below(57 * 365)),
                    sex: Sex::ALL[r.below(2) as usize],
                    language: Language::ALL[r.below(4) as usize],
                    resides_in_finland: !r.chance(20),
                    right_to_work: r.pick(RightToWork::ALL, 150),
                    vocational_qualification: !r.chance(200),
                    partial_disability_pension: r.chance(30),
                },
                reported: Reported {
                    employment: r.pick(Employment::ALL, 150),
                    seeks_full_time_work: !r.chance(50),
                    previous_employment_end: r.chance(700).then(|| PreviousEmploymentEnd {
                        date: start - chrono::Days::new(r.below(60)),
                        reason: r.pick(PreviousEndReason::ALL, 200),
                    }),
                    studies: r.pick(Studies::ALL, 100),
                    business: r.pick(Business::ALL, 60),
                    business_started_while_unemployed_on: r
                        .chance(40)
                        .then(|| decision - chrono::Days::new(r.below(240))),
                    in_service: r.chance(20).then(|| InService::ALL[r.below(3) as usize]),
                    free_text: match r.below(100) {
                        0..=2 => Some(format!("selvitys {i}")),
                        3 => Some("   ".to_string()),
                        _ => None,
                    },
                },
                registers: Registers {
                    employment_continues: r.chance(30),
                    active_degree_studies: r.chance(30),
                    active_business: r.chance(20),
                },
            }
        })
        .collect()
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let rules = RuleSets::shipped().expect("shipped rules load");
    let rs = &rules.start;
    let t = Instant::now();
    let reqs = generate(n, 0x5EED_2026);
    println!("generated {n} requests in {:.2?}", t.elapsed());

    // warm-up
    for r in reqs.iter().take(10_000) {
        black_box(evaluate(rs, r, false));
    }
    let mut counts = [0usize; 3];
    let t = Instant::now();
    for r in &reqs {
        let d = evaluate(rs, black_box(r), false);
        counts[d.outcome as usize] += 1;
    }
    let el = t.elapsed().as_secs_f64();
    println!(
        "no trace:   {n} decisions in {el:.3} s = {:.0} decisions/s (auto_positive {}, routed {})",
        n as f64 / el,
        counts[0],
        counts[2]
    );
    let t = Instant::now();
    let mut steps = 0usize;
    for r in &reqs {
        let d = evaluate(rs, black_box(r), true);
        steps += d.trace.as_ref().map_or(0, Vec::len);
    }
    let el = t.elapsed().as_secs_f64();
    println!(
        "with trace: {n} decisions in {el:.3} s = {:.0} decisions/s ({steps} trace steps)",
        n as f64 / el
    );
}

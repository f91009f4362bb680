//! The retention policy (issue 17): how long each kind of record is kept, from which event,
//! and on what basis, effective-dated so a change of law or policy applies from its date.
//! `docs/retention.md` is the same policy in words, with its sources.

use chrono::{Months, NaiveDate};

use crate::EffectiveDated;

/// The kinds of record the policy gives a period to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RecordKind {
    /// The client's record: entries and what the checker found in them, appointments,
    /// contact methods, responsible experts, register facts, benefit applications.
    ClientRecord,
    /// Decisions and their provenance: the job searches they were made in, the decisions,
    /// officials' steps, requests for reconsideration and their steps, the deliveries of the
    /// statements to the payers.
    Decisions,
    /// The access log: every read and write of the client's data, and every refusal.
    AccessLog,
}

impl RecordKind {
    pub const ALL: [RecordKind; 3] = [
        RecordKind::ClientRecord,
        RecordKind::Decisions,
        RecordKind::AccessLog,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RecordKind::ClientRecord => "client_record",
            RecordKind::Decisions => "decisions",
            RecordKind::AccessLog => "access_log",
        }
    }
}

/// One kind's period as in force from some date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionPeriod {
    /// Years the record is kept after `from`.
    pub years: u32,
    /// The event the period runs from, in words.
    pub from: &'static str,
    /// The legal basis, or the reason for the choice where the period is a policy choice.
    pub basis: &'static str,
    /// The sources name no period for this kind: the period is Kirjuri's policy choice.
    pub policy_choice: bool,
}

/// The dates on or before which a kind's starting event must lie for the record to have
/// expired on a given day (the day minus the period in force).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionCutoffs {
    /// The day the policy is applied on.
    pub as_of: NaiveDate,
    /// A client record whose service relationship ended on or before this date has expired.
    pub client_record: NaiveDate,
    /// Decisions whose last step was on or before this date have expired.
    pub decisions: NaiveDate,
    /// Access-log rows written on or before this date have expired.
    pub access_log: NaiveDate,
}

/// The retention policy: a period per kind of record, each effective-dated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionPolicy {
    /// A name that changes with the periods (reports say which policy erased what).
    pub version: &'static str,
    pub client_record: EffectiveDated<RetentionPeriod>,
    pub decisions: EffectiveDated<RetentionPeriod>,
    pub access_log: EffectiveDated<RetentionPeriod>,
}

fn since(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

impl RetentionPolicy {
    /// The policy Kirjuri ships (docs/retention.md), in force from 2025-01-01, when the
    /// Act on Organising Employment Services (380/2023) took effect.
    pub fn shipped() -> Self {
        let start = since(2025, 1, 1);
        Self {
            version: "kirjuri-retention-2025-01",
            client_record: EffectiveDated::from_date(
                start,
                RetentionPeriod {
                    years: 4,
                    from: "the end of the client relationship",
                    basis: "JTYPL (380/2023) 122 §: client data are removed 4 years after the client relationship ends",
                    policy_choice: false,
                },
            ),
            decisions: EffectiveDated::from_date(
                start,
                RetentionPeriod {
                    years: 5,
                    from: "the decision's last step (decision, official's step, reconsideration, delivery), and not before the client record expires",
                    basis: "KEHA/73792/2024 (adoption decision, tiedonhallintalaki 6 a luku): for at least 5 years after a matter is decided it can be shown under which processing rules it was decided and where an official took part (B10)",
                    policy_choice: false,
                },
            ),
            access_log: EffectiveDated::from_date(
                start,
                RetentionPeriod {
                    years: 5,
                    from: "the access, and not before the client's record and decisions are erased",
                    basis: "policy choice: tiedonhallintalaki 17 § requires the log but the sources name no period; kept as long as the decisions' provenance (5 years) and as long as any data of the client it documents",
                    policy_choice: true,
                },
            ),
        }
    }

    /// The period of `kind` in force on `date`.
    pub fn period(&self, kind: RecordKind, date: NaiveDate) -> Option<&RetentionPeriod> {
        match kind {
            RecordKind::ClientRecord => self.client_record.on(date),
            RecordKind::Decisions => self.decisions.on(date),
            RecordKind::AccessLog => self.access_log.on(date),
        }
    }

    /// The cutoffs on `as_of`; `None` before the policy is in force (nothing expires then).
    pub fn cutoffs(&self, as_of: NaiveDate) -> Option<RetentionCutoffs> {
        let cut = |kind| {
            let years = self.period(kind, as_of)?.years;
            as_of.checked_sub_months(Months::new(years.checked_mul(12)?))
        };
        Some(RetentionCutoffs {
            as_of,
            client_record: cut(RecordKind::ClientRecord)?,
            decisions: cut(RecordKind::Decisions)?,
            access_log: cut(RecordKind::AccessLog)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 17: a record expires the day its period has run, not a day before.
    #[test]
    fn cutoffs_are_the_day_minus_each_period() {
        let p = RetentionPolicy::shipped();
        let c = p.cutoffs(since(2031, 3, 2)).unwrap();
        assert_eq!(c.client_record, since(2027, 3, 2));
        assert_eq!(c.decisions, since(2026, 3, 2));
        assert_eq!(c.access_log, since(2026, 3, 2));
        assert_eq!(p.cutoffs(since(2024, 12, 31)), None);
        // 29 February moves to the 28th in a common year.
        assert_eq!(
            p.cutoffs(since(2032, 2, 29)).unwrap().client_record,
            since(2028, 2, 29)
        );
        assert_eq!(
            p.cutoffs(since(2033, 2, 28)).unwrap().client_record,
            since(2029, 2, 28)
        );
    }
}

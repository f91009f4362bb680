//! The table registry: every record table the ledger covers, the key that links a row to its
//! leaf (`ledger_links`), and the canonical record of a row, which is what the leaf commits
//! to and what verification recomputes.

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::StoreError;

/// A record table covered by the ledger: its name, the key used in `ledger_links`, and the
/// columns that make up the canonical record.
#[derive(Debug)]
pub(crate) struct RecordTable {
    pub(crate) name: &'static str,
    /// The key column, compared with `ledger_links.record_key` (text).
    pub(super) key: &'static str,
    /// The key column is an integer (`seq`), stored in the link as decimal text.
    pub(super) int_key: bool,
    /// Sorted, so the canonical JSON lists them in this order under any serde_json feature.
    pub(super) cols: &'static [&'static str],
}

pub(crate) const ENTRIES: RecordTable = RecordTable {
    name: "entries",
    key: "id",
    int_key: false,
    cols: &[
        "author_id",
        "client_id",
        "correction_reason",
        "corrects_id",
        "details",
        "event_at",
        "id",
        "kind",
        "recorded_at",
        "text",
    ],
};
pub(crate) const JOB_SEARCHES: RecordTable = RecordTable {
    name: "job_searches",
    key: "id",
    int_key: false,
    cols: &[
        "client_id",
        "id",
        "recorded_at",
        "recorded_by",
        "start_date",
    ],
};
pub(crate) const JOB_SEARCH_ENDS: RecordTable = RecordTable {
    name: "job_search_ends",
    key: "job_search_id",
    int_key: false,
    cols: &[
        "end_date",
        "job_search_id",
        "reason",
        "recorded_at",
        "recorded_by",
    ],
};
pub(crate) const APPOINTMENTS: RecordTable = RecordTable {
    name: "appointments",
    key: "id",
    int_key: false,
    cols: &[
        "address",
        "client_id",
        "duration_minutes",
        "id",
        "local_date",
        "local_time",
        "mode",
        "official_id",
        "phone_number",
        "recorded_at",
        "recorded_by",
        "starts_at",
        "time_zone",
        "video_link",
    ],
};
pub(crate) const CONTACT_METHODS: RecordTable = RecordTable {
    name: "contact_methods",
    key: "seq",
    int_key: true,
    cols: &[
        "agreed_on",
        "client_id",
        "method",
        "note",
        "recorded_at",
        "recorded_by",
        "seq",
    ],
};
/// Migration 17 (issue 13): the e-mail address agreed with a contact method, for notices.
pub(crate) const CONTACT_METHOD_EMAILS: RecordTable = RecordTable {
    name: "contact_method_emails",
    key: "contact_seq",
    int_key: true,
    cols: &["client_id", "contact_seq", "email", "recorded_at"],
};
pub(crate) const RESPONSIBLE_EXPERTS: RecordTable = RecordTable {
    name: "responsible_experts",
    key: "seq",
    int_key: true,
    cols: &[
        "client_id",
        "from_date",
        "official_id",
        "recorded_at",
        "recorded_by",
        "seq",
    ],
};

pub(crate) const ACCESS_LOG: RecordTable = RecordTable {
    name: "access_log",
    key: "seq",
    int_key: true,
    cols: &[
        "action",
        "at",
        "client_id",
        "flagged",
        "org_id",
        "purpose",
        "resource",
        "role",
        "seq",
        "user_id",
    ],
};

pub(crate) const REGISTER_FACTS: RecordTable = RecordTable {
    name: "register_facts",
    key: "seq",
    int_key: true,
    cols: &[
        "active_business",
        "active_degree_studies",
        "client_id",
        "employment_continues",
        "partial_disability_pension",
        "recorded_at",
        "recorded_by",
        "resides_in_finland",
        "right_to_work",
        "seq",
        "vocational_qualification",
    ],
};
pub(crate) const DECISIONS: RecordTable = RecordTable {
    name: "decisions",
    key: "id",
    int_key: false,
    cols: &[
        "adoption_number",
        "client_id",
        "decision_date",
        "document",
        "document_language",
        "effective_date",
        "id",
        "inputs",
        "job_search_id",
        "kind",
        "notice_acknowledged",
        "outcome",
        "reasons",
        "recorded_at",
        "recorded_by",
        "rule_set_hash",
        "rule_set_name",
        "rule_set_version",
        "target",
        "trace",
    ],
};

pub(crate) const OFFICIAL_STEPS: RecordTable = RecordTable {
    name: "official_steps",
    key: "seq",
    int_key: true,
    cols: &[
        "at",
        "basis",
        "by_user",
        "client_id",
        "decision_id",
        "document",
        "document_language",
        "effective_date",
        "org_id",
        "outcome",
        "reasoning",
        "seq",
        "step",
    ],
};

pub(crate) const RECONSIDERATION_REQUESTS: RecordTable = RecordTable {
    name: "reconsideration_requests",
    key: "id",
    int_key: false,
    cols: &[
        "client_id",
        "decision_id",
        "id",
        "official_step",
        "org_id",
        "reasons",
        "requested_as",
        "requested_at",
        "requested_by",
        "statement",
        "statement_effective_date",
        "statement_outcome",
        "target",
    ],
};

pub(crate) const RECONSIDERATION_STEPS: RecordTable = RecordTable {
    name: "reconsideration_steps",
    key: "seq",
    int_key: true,
    cols: &[
        "at",
        "basis",
        "by_user",
        "client_id",
        "document",
        "document_language",
        "effective_date",
        "org_id",
        "outcome",
        "outcome_changed",
        "reasoning",
        "request_id",
        "seq",
        "step",
    ],
};

/// A client's benefit application (migration 9).
pub(crate) const BENEFIT_APPLICATIONS: RecordTable = RecordTable {
    name: "benefit_applications",
    key: "seq",
    int_key: true,
    cols: &[
        "client_id",
        "from_date",
        "payer_id",
        "recorded_at",
        "recorded_by",
        "seq",
    ],
};
/// A statement enqueued for one payer (migration 9). Its state is in the rows that follow it,
/// never in this row, so the leaf holds.
pub(crate) const DELIVERIES: RecordTable = RecordTable {
    name: "deliveries",
    key: "id",
    int_key: false,
    cols: &[
        "body",
        "client_id",
        "enqueued_at",
        "id",
        "idempotency_key",
        "payer_id",
        "statement_kind",
        "statement_ref",
    ],
};
/// The payer's acceptance of a delivery (migration 9).
pub(crate) const DELIVERY_RECEIPTS: RecordTable = RecordTable {
    name: "delivery_receipts",
    key: "delivery_id",
    int_key: false,
    cols: &[
        "attempt_no",
        "delivered_at",
        "delivery_id",
        "endpoint_url",
        "http_status",
        "response_sha256",
        "worker",
    ],
};

/// Issue 15 item 6: who created which account with which role.
pub(crate) const ACCOUNT_EVENTS: RecordTable = RecordTable {
    name: "account_events",
    key: "seq",
    int_key: true,
    cols: &[
        "at",
        "by_user",
        "display_name",
        "event",
        "org_id",
        "role",
        "seq",
        "user_id",
        "username",
    ],
};

/// Issue 13, A18: a secure message between a client and their organisation.
pub(crate) const MESSAGES: RecordTable = RecordTable {
    name: "messages",
    key: "seq",
    int_key: true,
    cols: &[
        "author_id",
        "client_id",
        "id",
        "org_id",
        "sender",
        "sent_at",
        "seq",
        "text",
    ],
};

/// Issue 14: who gave or took away which account's manager grant.
pub(crate) const MANAGER_GRANT_EVENTS: RecordTable = RecordTable {
    name: "manager_grant_events",
    key: "seq",
    int_key: true,
    cols: &["at", "by_user", "event", "org_id", "seq", "user_id"],
};

pub(super) const RECORD_TABLES: [&RecordTable; 19] = [
    &ENTRIES,
    &JOB_SEARCHES,
    &JOB_SEARCH_ENDS,
    &APPOINTMENTS,
    &CONTACT_METHODS,
    &RESPONSIBLE_EXPERTS,
    &ACCESS_LOG,
    &REGISTER_FACTS,
    &DECISIONS,
    &OFFICIAL_STEPS,
    &RECONSIDERATION_REQUESTS,
    &RECONSIDERATION_STEPS,
    &BENEFIT_APPLICATIONS,
    &DELIVERIES,
    &DELIVERY_RECEIPTS,
    &ACCOUNT_EVENTS,
    &MESSAGES,
    &CONTACT_METHOD_EMAILS,
    &MANAGER_GRANT_EVENTS,
];

impl RecordTable {
    /// `CAST(c AS TEXT) AS c, ...` with a table alias: every value as text on both backends.
    pub(super) fn select_cols(&self, alias: &str) -> String {
        self.cols
            .iter()
            .map(|c| format!("CAST({alias}.{c} AS TEXT) AS {c}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The join condition between the table (alias `t`) and `ledger_links` (alias `k`).
    /// The row's key under `alias` as `ledger_links.record_key` holds it (text), so a
    /// lookup of the links of chosen rows goes through the links' unique index.
    pub(crate) fn key_as_text(&self, alias: &str) -> String {
        if self.int_key {
            format!("CAST({alias}.{} AS TEXT)", self.key)
        } else {
            format!("{alias}.{}", self.key)
        }
    }

    pub(crate) fn link_condition(&self) -> String {
        if self.int_key {
            format!("t.{} = CAST(k.record_key AS BIGINT)", self.key)
        } else {
            format!("t.{} = k.record_key", self.key)
        }
    }

    /// The canonical record of a row read with [`RecordTable::select_cols`]:
    /// `{"row":{col: text-or-null, ...},"table":NAME}` with keys sorted, no whitespace.
    ///
    /// Written straight into one buffer (values borrowed from the row, no map or JSON
    /// value per row): whole-log verification does this for every record row. The
    /// columns are listed in byte order and need no escaping (a test checks), so the bytes
    /// are those of serializing the sorted map.
    pub(super) fn canonical(&self, row: &AnyRow) -> Result<Vec<u8>, StoreError> {
        let mut out = Vec::with_capacity(64 + 48 * self.cols.len());
        let values = self
            .cols
            .iter()
            .map(|col| row.try_get::<Option<&str>, _>(*col));
        write_canonical(self.name, self.cols, values, &mut out)?;
        Ok(out)
    }
}

/// `{"row":{col: value-or-null, ...},"table":NAME}` for columns in byte order.
pub(super) fn write_canonical<'a, E>(
    name: &str,
    cols: &[&str],
    values: impl Iterator<Item = Result<Option<&'a str>, E>>,
    out: &mut Vec<u8>,
) -> Result<(), StoreError>
where
    StoreError: From<E>,
{
    out.extend_from_slice(b"{\"row\":{");
    for (i, (col, value)) in cols.iter().zip(values).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'"');
        out.extend_from_slice(col.as_bytes());
        out.extend_from_slice(b"\":");
        match value? {
            // Most values need no escaping (serde_json escapes only quotes, backslashes and
            // control characters): copied as they are, the bytes are serde_json's.
            Some(v) if v.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') => {
                out.push(b'"');
                out.extend_from_slice(v.as_bytes());
                out.push(b'"');
            }
            Some(v) => serde_json::to_writer(&mut *out, v).map_err(json_err)?,
            None => out.extend_from_slice(b"null"),
        }
    }
    out.extend_from_slice(b"},\"table\":");
    serde_json::to_writer(&mut *out, name).map_err(json_err)?;
    out.push(b'}');
    Ok(())
}

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("canonical record: {e}"))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// The canonical record as first defined: a sorted map serialized by serde_json.
    fn canonical_by_map(name: &str, cols: &[&str], values: &[Option<&str>]) -> Vec<u8> {
        let fields: BTreeMap<&str, Option<&str>> =
            cols.iter().copied().zip(values.iter().copied()).collect();
        let mut record = BTreeMap::new();
        record.insert("row", serde_json::to_value(fields).unwrap());
        record.insert("table", serde_json::Value::from(name));
        serde_json::to_vec(&record).unwrap()
    }

    #[test]
    fn issue4_canonical_records_are_byte_identical_to_the_sorted_map() {
        let tricky = [
            None,
            Some(""),
            Some("Merkintä \"lainattu\" \\ polku"),
            Some("rivi\nrivi\ttab\u{0}\u{1f}\u{7f}"),
            Some("åäö ÅÄÖ € 😀 \u{2028}\u{2029}"),
            Some("</script>&<>'"),
        ];
        for table in RECORD_TABLES {
            // Columns in byte order, none needing escaping: the writer relies on both.
            assert!(
                table
                    .cols
                    .windows(2)
                    .all(|w| w[0].as_bytes() < w[1].as_bytes()),
                "{} columns must be sorted",
                table.name
            );
            assert!(table
                .cols
                .iter()
                .all(|c| c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')));
            for shift in 0..tricky.len() {
                let values: Vec<Option<&str>> = (0..table.cols.len())
                    .map(|i| tricky[(i + shift) % tricky.len()])
                    .collect();
                let mut out = Vec::new();
                write_canonical::<StoreError>(
                    table.name,
                    table.cols,
                    values.iter().map(|v| Ok(*v)),
                    &mut out,
                )
                .unwrap();
                assert_eq!(
                    String::from_utf8(out).unwrap(),
                    String::from_utf8(canonical_by_map(table.name, table.cols, &values)).unwrap()
                );
            }
        }
    }
}

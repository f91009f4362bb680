//! What a new responsible expert reads first (A8, issue 12): the entries the employment-plan
//! follow-up rule reads (A7), the next appointment and the latest contacts. One logged read
//! (`handover`) for the whole summary; entries replaced by a correction are left out (the
//! correcting entry is the one in force).

use chrono::{DateTime, Utc};
use kirjuri_domain::{Appointment, ClientId, Entry, FOLLOW_UP_KINDS};

use crate::access::{Access, AccessAction};
use crate::rows::{appointment_from_row, entry_from_row, ts, APPOINTMENT_SELECT, ENTRY_SELECT};
use crate::{Store, StoreError};

/// The parts of a client's record a handover summary is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverParts {
    /// The entries the follow-up rule reads ([`kirjuri_domain::plan_follow_ups`]): those in
    /// force (not corrected) of the [`kirjuri_domain::FOLLOW_UP_KINDS`] types, in the order
    /// they were recorded.
    pub follow_up_entries: Vec<Entry>,
    /// The first appointment starting at or after the time asked.
    pub next_appointment: Option<Appointment>,
    /// The latest contact entries in force, the latest event first.
    pub recent_contacts: Vec<Entry>,
}

/// Entries in force: no later entry corrects them.
const IN_FORCE: &str = "NOT EXISTS (SELECT 1 FROM entries c WHERE c.corrects_id = e.id)";

/// The condition on `entries e` that picks what [`kirjuri_domain::plan_follow_ups`] needs: the
/// entries in force of the [`FOLLOW_UP_KINDS`] types. "My work today" and the handover summary
/// both read these, so that they agree (A7).
pub(crate) fn follow_up_entries_where() -> String {
    let kinds = FOLLOW_UP_KINDS
        .iter()
        .map(|k| format!("'{}'", k.code()))
        .collect::<Vec<_>>()
        .join(", ");
    format!("e.kind IN ({kinds}) AND {IN_FORCE}")
}

impl Store {
    /// The handover parts of `client` as of `now`, with at most `contacts` contact entries;
    /// one read logged as `handover`.
    pub async fn handover_parts(
        &self,
        client: ClientId,
        now: DateTime<Utc>,
        contacts: i64,
        by: &Access,
    ) -> Result<HandoverParts, StoreError> {
        self.log(by, client, AccessAction::Read, "handover").await?;
        let follow_up_entries = sqlx::query(&format!(
            "{ENTRY_SELECT} WHERE e.client_id = $1 AND {}
             ORDER BY e.seq",
            follow_up_entries_where()
        ))
        .bind(client.to_string())
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(entry_from_row)
        .collect::<Result<Vec<_>, _>>()?;
        let recent_contacts = sqlx::query(&format!(
            "{ENTRY_SELECT} WHERE e.client_id = $1 AND e.kind = 'contact' AND {IN_FORCE}
             ORDER BY e.event_at DESC, e.seq DESC LIMIT $2"
        ))
        .bind(client.to_string())
        .bind(contacts.max(0))
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(entry_from_row)
        .collect::<Result<Vec<_>, _>>()?;
        let next_appointment = sqlx::query(&format!(
            "{APPOINTMENT_SELECT} WHERE client_id = $1 AND starts_at >= $2
             ORDER BY starts_at, id LIMIT 1"
        ))
        .bind(client.to_string())
        .bind(ts(now))
        .fetch_optional(&self.read)
        .await?
        .map(|r| appointment_from_row(&r))
        .transpose()?;
        Ok(HandoverParts {
            follow_up_entries,
            next_appointment,
            recent_contacts,
        })
    }
}

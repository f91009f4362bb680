//! Appointments (A6): a local date and time in Europe/Helsinki with the instant it stands for,
//! and how the client meets the official (phone, video, visit).

use kirjuri_domain::{Appointment, AppointmentId, ClientId, NewAppointment};
use kirjuri_ledger::EventType;

use crate::access::{Access, AccessAction};
use crate::clients::require_client;
use crate::ledger;
use crate::rows::{appointment_from_row, ts, APPOINTMENT_SELECT};
use crate::users::require_official_of;
use crate::{Store, StoreError};

impl Store {
    pub async fn book_appointment(
        &self,
        new: &NewAppointment,
        by: &Access,
    ) -> Result<Appointment, StoreError> {
        use kirjuri_domain::AppointmentMode as M;
        let leaf = self.leaf_params(new.client_id)?;
        let logged = self.logged(by, new.client_id)?;
        let by = by.user;
        let (id, now) = (AppointmentId::from_uuid(self.ids.next()), self.now());
        let new = new.clone();
        let ids = self.ids.clone();
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    let client = require_client(tx, new.client_id).await?;
                    if let Some(official) = new.official_id {
                        require_official_of(tx, official, client.org_id).await?;
                    }
                    let (phone, video, address) = match &new.mode {
                        M::Phone { phone_number } => {
                            (phone_number.as_ref().map(|p| p.to_string()), None, None)
                        }
                        M::Video { link } => (None, link.as_ref().map(|l| l.to_string()), None),
                        M::Visit { address } => (None, None, Some(address.to_string())),
                    };
                    sqlx::query(
                        "INSERT INTO appointments (id, client_id, official_id, local_date, local_time, time_zone,
                             starts_at, duration_minutes, mode, phone_number, video_link, address,
                             recorded_at, recorded_by)
                         VALUES ($1, $2, $3, $4, $5, 'Europe/Helsinki', $6, $7, $8, $9, $10, $11, $12, $13)",
                    )
                    .bind(id.to_string())
                    .bind(new.client_id.to_string())
                    .bind(new.official_id.map(|o| o.to_string()))
                    .bind(new.date.to_string())
                    .bind(new.time.format("%H:%M").to_string())
                    .bind(ts(new.starts_at))
                    .bind(i64::from(new.duration_minutes))
                    .bind(new.mode.code())
                    .bind(phone)
                    .bind(video)
                    .bind(address)
                    .bind(ts(now))
                    .bind(by.to_string())
                    .execute(&mut *tx)
                    .await?;
                    leaf.defer(leaves, &ledger::APPOINTMENTS, &id.to_string(), EventType::OfficialAction, now);
                    logged.record(tx, leaves, now, AccessAction::Write, "appointments").await?;
                    // Issue 13: "a new appointment — log in to read it", and a reminder the
                    // day before; where the contact method has an e-mail address.
                    crate::notices::enqueue_appointment_in(
                        tx, &ids, new.client_id, &id.to_string(), new.date, now,
                    )
                    .await?;
                    let row = sqlx::query(&format!("{APPOINTMENT_SELECT} WHERE id = $1"))
                        .bind(id.to_string())
                        .fetch_one(&mut *tx)
                        .await?;
                    appointment_from_row(&row)
                })
            })
            .await
    }

    pub async fn appointments(
        &self,
        client: ClientId,
        by: &Access,
    ) -> Result<Vec<Appointment>, StoreError> {
        self.log(by, client, AccessAction::Read, "appointments")
            .await?;
        let rows = sqlx::query(&format!(
            "{APPOINTMENT_SELECT} WHERE client_id = $1 ORDER BY starts_at, id"
        ))
        .bind(client.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(appointment_from_row).collect()
    }

    /// A page of a client's appointments by start time: at most `limit` after the appointment
    /// `after` (its id: the page's key, so a cursor carries no time or other detail).
    pub async fn appointments_page(
        &self,
        client: ClientId,
        after: Option<&str>,
        limit: i64,
        by: &Access,
    ) -> Result<Vec<Appointment>, StoreError> {
        self.log(by, client, AccessAction::Read, "appointments")
            .await?;
        let rows = match after {
            None => {
                sqlx::query(&format!(
                    "{APPOINTMENT_SELECT} WHERE client_id = $1 ORDER BY starts_at, id LIMIT $2"
                ))
                .bind(client.to_string())
                .bind(limit)
                .fetch_all(&self.read)
                .await?
            }
            Some(after) => {
                sqlx::query(&format!(
                    "{APPOINTMENT_SELECT} WHERE client_id = $1 AND (starts_at, id) >
                         (SELECT starts_at, id FROM appointments WHERE id = $2 AND client_id = $1)
                     ORDER BY starts_at, id LIMIT $3"
                ))
                .bind(client.to_string())
                .bind(after)
                .bind(limit)
                .fetch_all(&self.read)
                .await?
            }
        };
        rows.iter().map(appointment_from_row).collect()
    }
}

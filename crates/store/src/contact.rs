//! The contact method agreed with a client (A9): the latest agreement is in force, earlier ones
//! stay as history.

use chrono::NaiveDate;
use kirjuri_domain::{ClientId, ContactMethod, ContactMethodKind, EmailAddress, ShortText};
use kirjuri_ledger::EventType;

use crate::access::{Access, AccessAction};
use crate::clients::require_client;
use crate::ledger;
use crate::rows::{contact_method_from_row, parse_ts, ts};
use crate::{Store, StoreError};

impl Store {
    /// Records the contact method agreed with the client (A9). Earlier agreements stay as
    /// history.
    pub async fn agree_contact_method(
        &self,
        client: ClientId,
        method: ContactMethodKind,
        agreed_on: NaiveDate,
        note: Option<ShortText>,
        by: &Access,
    ) -> Result<ContactMethod, StoreError> {
        self.agree_contact_method_with_email(client, method, agreed_on, note, None, by)
            .await
    }

    /// Records the contact method agreed with the client (A9) with the e-mail address the
    /// client gave for notices (issue 13): notices go only where the agreement in force has
    /// one. The address is a row of its own (`contact_method_emails`, a ledger leaf) written
    /// in the same transaction.
    pub async fn agree_contact_method_with_email(
        &self,
        client: ClientId,
        method: ContactMethodKind,
        agreed_on: NaiveDate,
        note: Option<ShortText>,
        email: Option<EmailAddress>,
        by: &Access,
    ) -> Result<ContactMethod, StoreError> {
        let leaf = self.leaf_params(client)?;
        let email_leaf = self.leaf_params(client)?;
        let stored_email = email.as_ref().map(|e| e.as_str().to_owned());
        let logged = self.logged(by, client)?;
        let by = by.user;
        let now = self.now();
        let stored_note = note.as_ref().map(|n| n.as_str().to_owned());
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    require_client(tx, client).await?;
                    let seq: i64 = sqlx::query_scalar(
                        "INSERT INTO contact_methods (client_id, method, agreed_on, note, recorded_at, recorded_by)
                         VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq",
                    )
                    .bind(client.to_string())
                    .bind(method.code())
                    .bind(agreed_on.to_string())
                    .bind(stored_note)
                    .bind(ts(now))
                    .bind(by.to_string())
                    .fetch_one(&mut *tx)
                    .await?;
                    leaf.defer(leaves, &ledger::CONTACT_METHODS, &seq.to_string(), EventType::OfficialAction, now);
                    if let Some(address) = stored_email {
                        sqlx::query(
                            "INSERT INTO contact_method_emails (contact_seq, client_id, email, recorded_at)
                             VALUES ($1, $2, $3, $4)",
                        )
                        .bind(seq)
                        .bind(client.to_string())
                        .bind(address)
                        .bind(ts(now))
                        .execute(&mut *tx)
                        .await?;
                        email_leaf.defer(leaves, &ledger::CONTACT_METHOD_EMAILS, &seq.to_string(), EventType::OfficialAction, now);
                    }
                    logged.record(tx, leaves, now, AccessAction::Write, "contact_methods").await
                })
            })
            .await?;
        Ok(ContactMethod {
            method,
            agreed_on,
            note,
            email,
            recorded_at: parse_ts(&ts(now))?,
            recorded_by: by,
        })
    }

    /// Contact-method agreements, latest (in force) first.
    pub async fn contact_methods(
        &self,
        client: ClientId,
        by: &Access,
    ) -> Result<Vec<ContactMethod>, StoreError> {
        self.log(by, client, AccessAction::Read, "contact_methods")
            .await?;
        let rows = sqlx::query(
            "SELECT c.method, c.agreed_on, c.note, c.recorded_at, c.recorded_by, e.email
             FROM contact_methods c LEFT JOIN contact_method_emails e ON e.contact_seq = c.seq
             WHERE c.client_id = $1 ORDER BY c.seq DESC",
        )
        .bind(client.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(contact_method_from_row).collect()
    }
}

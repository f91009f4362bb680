//! Entries of the client record (A2–A5): written once, corrected only by a later entry that
//! points at the latest one of its chain, each with a ledger leaf, and stored with what the
//! entry-quality checker found in the text.

use chrono::{DateTime, Utc};
use kirjuri_domain::{ClientId, Entry, EntryId, NewEntry, PersonName, UserId};
use kirjuri_ledger::EventType;
use sqlx::Row;

use crate::access::{Access, AccessAction};
use crate::ledger::{self, LeafParams, Pending};
use crate::rows::{entry_from_row, parse_id, parse_ts, ts, ENTRY_SELECT};
use crate::{Store, StoreError};

/// A finding of the entry-quality checker, stored with the entry it was found in. The codes
/// are the checker's (`abbreviation`, `offensive`, `health`, `hetu`, `clarity`; `warn`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryFinding {
    pub kind: String,
    pub severity: String,
    /// Character range in the entry's text.
    pub start_char: i64,
    pub end_char: i64,
    /// The matched base form, abbreviation or code (an identity code only masked).
    pub matched: String,
}

impl Store {
    /// Records an entry; the recording time comes from the store's clock and the author is the
    /// caller. A correction must point at an uncorrected entry of the same client.
    pub async fn append_entry(&self, new: &NewEntry, by: &Access) -> Result<Entry, StoreError> {
        self.append_checked_entry(new, Vec::new(), by).await
    }

    /// [`Store::append_entry`] with what the entry-quality checker found in the text, stored
    /// with the entry in the same transaction.
    pub async fn append_checked_entry(
        &self,
        new: &NewEntry,
        findings: Vec<EntryFinding>,
        by: &Access,
    ) -> Result<Entry, StoreError> {
        let now = self.now();
        new.check_event_time(now)?;
        let logged = self.logged(by, new.client_id())?;
        let (author, author_name) = (by.user, by.user_name.clone());
        let id = EntryId::from_uuid(self.ids.next());
        let leaf = LeafParams::new(self.subject(new.client_id())?, self.ids.salt());
        let new = new.clone();
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    let entry =
                        insert_entry(tx, leaves, id, &new, author, author_name, now, leaf).await?;
                    for (ord, f) in findings.iter().enumerate() {
                        sqlx::query(
                            "INSERT INTO entry_findings (entry_id, ord, kind, severity, start_char, end_char, matched)
                             VALUES ($1, $2, $3, $4, $5, $6, $7)",
                        )
                        .bind(id.to_string())
                        .bind(ord as i64)
                        .bind(f.kind.clone())
                        .bind(f.severity.clone())
                        .bind(f.start_char)
                        .bind(f.end_char)
                        .bind(f.matched.clone())
                        .execute(&mut *tx)
                        .await?;
                    }
                    logged
                        .record(tx, leaves, now, AccessAction::Write, "entries")
                        .await?;
                    Ok(entry)
                })
            })
            .await
    }

    /// One entry of `client` (an entry of another client is "not found").
    pub async fn entry(
        &self,
        client: ClientId,
        id: EntryId,
        by: &Access,
    ) -> Result<Entry, StoreError> {
        let entry = {
            let mut conn = self.read.acquire().await?;
            entry_in(&mut conn, id).await?
        };
        if entry.client_id != client {
            return Err(StoreError::NotFound("entry"));
        }
        self.log(by, client, AccessAction::Read, "entries").await?;
        Ok(entry)
    }

    /// Every entry of a client in the order they were recorded.
    pub async fn entries(&self, client: ClientId, by: &Access) -> Result<Vec<Entry>, StoreError> {
        self.log(by, client, AccessAction::Read, "entries").await?;
        let rows = sqlx::query(&format!(
            "{ENTRY_SELECT} WHERE e.client_id = $1 ORDER BY e.seq"
        ))
        .bind(client.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// A page of a client's entries in the order they were recorded: at most `limit` after
    /// the entry recorded as `after_seq`, each with its sequence number (the page's key) and
    /// the entry correcting it, wherever that falls in the list (A5).
    pub async fn entries_page(
        &self,
        client: ClientId,
        after_seq: Option<i64>,
        limit: i64,
        by: &Access,
    ) -> Result<Vec<(i64, Entry, Option<EntryId>)>, StoreError> {
        self.log(by, client, AccessAction::Read, "entries").await?;
        let select = ENTRY_SELECT.replacen("SELECT ", "SELECT e.seq, c.id AS corrected_by_id, ", 1);
        let rows = sqlx::query(&format!(
            "{select} LEFT JOIN entries c ON c.corrects_id = e.id
             WHERE e.client_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3"
        ))
        .bind(client.to_string())
        .bind(after_seq.unwrap_or(0))
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                let by: Option<String> = row.try_get("corrected_by_id")?;
                let by = match by {
                    Some(_) => Some(parse_id::<EntryId>(row, "corrected_by_id")?),
                    None => None,
                };
                Ok((row.try_get("seq")?, entry_from_row(row)?, by))
            })
            .collect()
    }

    /// The chain an entry of `client` belongs to, from the original to the latest correction.
    pub async fn correction_chain(
        &self,
        client: ClientId,
        id: EntryId,
        by: &Access,
    ) -> Result<Vec<Entry>, StoreError> {
        let chain = {
            // Released before the access is logged: on an in-memory database the reads and
            // the writer share one connection.
            let mut conn = self.read.acquire().await?;
            let mut first = entry_in(&mut conn, id).await?;
            if first.client_id != client {
                return Err(StoreError::NotFound("entry"));
            }
            while let Some(c) = &first.corrects {
                first = entry_in(&mut conn, c.entry_id).await?;
            }
            let mut chain = vec![first];
            loop {
                let last = chain.last().map(|e| e.id.to_string()).unwrap_or_default();
                let next = sqlx::query(&format!("{ENTRY_SELECT} WHERE e.corrects_id = $1"))
                    .bind(last)
                    .fetch_optional(&mut *conn)
                    .await?;
                match next {
                    Some(row) => chain.push(entry_from_row(&row)?),
                    None => break,
                }
            }
            chain
        };
        self.log(by, client, AccessAction::Read, "entries").await?;
        Ok(chain)
    }
}

#[allow(clippy::too_many_arguments)] // the entry and who writes it, prepared outside the job
async fn insert_entry(
    tx: &mut sqlx::AnyConnection,
    leaves: &mut Pending,
    id: EntryId,
    new: &NewEntry,
    author: UserId,
    author_name: PersonName,
    now: DateTime<Utc>,
    leaf: LeafParams,
) -> Result<Entry, StoreError> {
    if let Some(c) = new.corrects() {
        let target = sqlx::query("SELECT client_id FROM entries WHERE id = $1")
            .bind(c.entry_id.to_string())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::CorrectedEntryMissing)?;
        if target.try_get::<String, _>(0)? != new.client_id().to_string() {
            return Err(StoreError::CorrectionOtherClient);
        }
        let already = sqlx::query("SELECT id FROM entries WHERE corrects_id = $1")
            .bind(c.entry_id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(row) = already {
            return Err(StoreError::AlreadyCorrected(
                c.entry_id,
                parse_id(&row, "id")?,
            ));
        }
    }
    let details =
        serde_json::to_string(new.details()).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    // The client's existence is checked by the insert itself (one statement on the write path
    // every official uses); no row inserted means no such client.
    let inserted = sqlx::query(
        "INSERT INTO entries (id, client_id, kind, text, details, event_at, recorded_at,
                              author_id, corrects_id, correction_reason)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
         WHERE EXISTS (SELECT 1 FROM clients WHERE id = $2)",
    )
    .bind(id.to_string())
    .bind(new.client_id().to_string())
    .bind(new.kind().code())
    .bind(new.text().as_str())
    .bind(details)
    .bind(ts(new.event_at()))
    .bind(ts(now))
    .bind(author.to_string())
    .bind(new.corrects().map(|c| c.entry_id.to_string()))
    .bind(new.corrects().map(|c| c.reason.as_str().to_owned()))
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() != 1 {
        return Err(StoreError::NotFound("client"));
    }
    let event = if new.corrects().is_some() {
        EventType::EntryCorrection
    } else {
        EventType::Entry
    };
    leaf.defer(leaves, &ledger::ENTRIES, &id.to_string(), event, now);
    // Built from what was written rather than read back: one statement less on the write
    // path that every official uses; instants pass through their stored form.
    Ok(Entry {
        id,
        client_id: new.client_id(),
        kind: new.kind(),
        text: new.text().clone(),
        details: new.details().clone(),
        event_at: parse_ts(&ts(new.event_at()))?,
        recorded_at: parse_ts(&ts(now))?,
        author_id: author,
        author_name,
        corrects: new.corrects().cloned(),
    })
}

async fn entry_in(conn: &mut sqlx::AnyConnection, id: EntryId) -> Result<Entry, StoreError> {
    let row = sqlx::query(&format!("{ENTRY_SELECT} WHERE e.id = $1"))
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound("entry"))?;
    entry_from_row(&row)
}

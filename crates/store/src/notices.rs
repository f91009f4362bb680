//! The notice outbox (issue 13, A9, A18; migration 17): e-mail that says only that something
//! new waits in Kirjuri — a message, an appointment, a statement, or tomorrow's appointment —
//! and asks the client to log in. What it is about never leaves Kirjuri.
//!
//! A notice is enqueued in the transaction that makes what it tells of
//! ([`enqueue_notice_in`]; [`enqueue_new_message_in`] for the secure messages), and only while
//! the contact method in force has an e-mail address (A9: the client's choice decides whether
//! notices go). The worker (in the app crate) follows the statement outbox's pattern
//! (`deliveries`): [`Store::due_notices`], [`Store::claim_notice`] (an attempt with a lease, the
//! unique attempt number lets one of several workers win), then [`Store::record_notice_sent`] or
//! [`Store::record_notice_failure`]. All of it is append-only rows, so a restarted worker
//! continues, and a worker stopped between sending and recording leaves an attempt without an
//! outcome that is due again when its lease runs out (one duplicate, with the same Message-ID).
//!
//! The worker is a system process: it reads the address and the client's language to send,
//! returns nothing to a user, and is not access-logged (the notice says nothing of the record).

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use kirjuri_domain::{ClientId, EmailAddress, Language, OrgId, HELSINKI};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::rows::{corrupt, parse_id, parse_ts, ts};
use crate::{IdSource, Store, StoreError};

/// What a notice tells of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoticeKind {
    NewAppointment,
    NewStatement,
    NewMessage,
    /// The appointment is tomorrow (due on the morning before it).
    AppointmentReminder,
}

impl NoticeKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::NewAppointment => "new_appointment",
            Self::NewStatement => "new_statement",
            Self::NewMessage => "new_message",
            Self::AppointmentReminder => "appointment_reminder",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Some(match code {
            "new_appointment" => Self::NewAppointment,
            "new_statement" => Self::NewStatement,
            "new_message" => Self::NewMessage,
            "appointment_reminder" => Self::AppointmentReminder,
            _ => return None,
        })
    }
}

/// A notice that is due, with what the worker needs to send it. The address is that of the
/// contact method in force now (`None`: the client has since chosen a method without one).
#[derive(Clone, PartialEq, Eq)]
pub struct DueNotice {
    pub id: String,
    pub client_id: ClientId,
    pub kind: NoticeKind,
    pub language: Language,
    pub email: Option<EmailAddress>,
    /// The client's names: the worker refuses a text that contains one (A18).
    pub first_name: String,
    pub last_name: String,
    pub attempts: i64,
}

impl std::fmt::Debug for DueNotice {
    // Names are personal data: a debug print of a due notice shows none.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DueNotice")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// Where a notice stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeState {
    /// Not sent yet: due, waiting for its next try, or for a mail server to be configured.
    Waiting,
    Sent,
    /// Given up: the content check refused the text, or there is no address any more.
    Failed,
}

impl NoticeState {
    pub fn code(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }
}

/// A notice as an administrator sees it: no client, no address, no text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeStatus {
    pub id: String,
    pub kind: NoticeKind,
    pub state: NoticeState,
    pub enqueued_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub attempts: i64,
    /// Why the last attempt did not send.
    pub last_error: Option<String>,
    pub retry_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    pub message_id: Option<String>,
}

/// When a notice is next due: its due time with no attempts; after a failure, the failure's
/// retry time; after an attempt with no outcome, the end of its lease.
const NEXT_DUE: &str = "COALESCE(
    (SELECT COALESCE(f.retry_at, a.lease_until) FROM notice_attempts a
     LEFT JOIN notice_failures f ON f.notice_id = a.notice_id AND f.attempt_no = a.attempt_no
     WHERE a.notice_id = n.id ORDER BY a.attempt_no DESC LIMIT 1),
    n.due_at)";

/// The e-mail address of the contact method in force (the latest agreement), if it has one.
const ADDRESS_IN_FORCE: &str = "(SELECT e.email FROM contact_methods c
     LEFT JOIN contact_method_emails e ON e.contact_seq = c.seq
     WHERE c.client_id = n.client_id ORDER BY c.seq DESC LIMIT 1)";

/// The hour (Helsinki time) of the day before an appointment when its reminder is sent.
pub const REMINDER_HOUR: u32 = 9;

/// When the reminder of an appointment on `date` is due: 09:00 Helsinki time the day before.
pub fn reminder_due(date: chrono::NaiveDate) -> Option<DateTime<Utc>> {
    let day_before = date.pred_opt()?;
    let at = day_before.and_time(NaiveTime::from_hms_opt(REMINDER_HOUR, 0, 0)?);
    HELSINKI
        .from_local_datetime(&at)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// Enqueues a notice of `kind` about `about` (an appointment id, a statement's
/// `source:reference`, a message id) for `client`, due at `due_at`, inside the write
/// transaction that makes what it tells of. Nothing is enqueued when the contact method in
/// force has no e-mail address (A9) or the same notice exists already. Returns the new
/// notice's id.
pub(crate) async fn enqueue_notice_in(
    tx: &mut sqlx::AnyConnection,
    ids: &IdSource,
    client: ClientId,
    kind: NoticeKind,
    about: &str,
    due_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Option<String>, StoreError> {
    let address: Option<Option<String>> = sqlx::query_scalar(
        "SELECT e.email FROM contact_methods c
         LEFT JOIN contact_method_emails e ON e.contact_seq = c.seq
         WHERE c.client_id = $1 ORDER BY c.seq DESC LIMIT 1",
    )
    .bind(client.to_string())
    .fetch_optional(&mut *tx)
    .await?;
    if address.flatten().is_none() {
        return Ok(None);
    }
    let id = ids.next().to_string();
    let inserted = sqlx::query(
        "INSERT INTO notices (id, client_id, kind, about, due_at, enqueued_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
    )
    .bind(id.clone())
    .bind(client.to_string())
    .bind(kind.code())
    .bind(about.to_owned())
    .bind(ts(due_at))
    .bind(ts(now))
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() != 1 {
        return Ok(None);
    }
    sqlx::query("INSERT INTO notice_outstanding (notice_id) VALUES ($1)")
        .bind(id.clone())
        .execute(&mut *tx)
        .await?;
    Ok(Some(id))
}

/// "A new message for the client": the one call the secure messages make, inside the write
/// transaction that stores a message to `client` (`message` is its id). See
/// [`enqueue_notice_in`].
pub(crate) async fn enqueue_new_message_in(
    tx: &mut sqlx::AnyConnection,
    ids: &IdSource,
    client: ClientId,
    message: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>, StoreError> {
    enqueue_notice_in(tx, ids, client, NoticeKind::NewMessage, message, now, now).await
}

/// The notices of a new appointment: one now, and a reminder on the morning before it unless
/// that is already past.
pub(crate) async fn enqueue_appointment_in(
    tx: &mut sqlx::AnyConnection,
    ids: &IdSource,
    client: ClientId,
    appointment: &str,
    date: chrono::NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    // An appointment recorded after the day it was on is news to nobody: no notice of it.
    if date < now.with_timezone(&HELSINKI).date_naive() {
        return Ok(());
    }
    let about = appointment.to_owned();
    enqueue_notice_in(
        tx,
        ids,
        client,
        NoticeKind::NewAppointment,
        &about,
        now,
        now,
    )
    .await?;
    if let Some(due) = reminder_due(date).filter(|d| *d > now) {
        enqueue_notice_in(
            tx,
            ids,
            client,
            NoticeKind::AppointmentReminder,
            &about,
            due,
            now,
        )
        .await?;
    }
    Ok(())
}

fn i64_of(row: &AnyRow, col: &str) -> Result<i64, StoreError> {
    Ok(row.try_get::<i64, _>(col)?)
}

fn kind_of(row: &AnyRow) -> Result<NoticeKind, StoreError> {
    let code: String = row.try_get("kind")?;
    NoticeKind::from_code(&code).ok_or_else(|| corrupt("kind", code))
}

fn ts_opt(row: &AnyRow, col: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
    row.try_get::<Option<String>, _>(col)?
        .map(|s| parse_ts(&s))
        .transpose()
}

impl Store {
    /// The notices due now by the store's clock, oldest first (for the notice worker).
    pub async fn due_notices(&self, limit: i64) -> Result<Vec<DueNotice>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT n.id, n.client_id, n.kind, c.language, c.first_name, c.last_name,
                 {ADDRESS_IN_FORCE} AS email,
                 (SELECT COUNT(*) FROM notice_attempts a WHERE a.notice_id = n.id) AS attempts
             FROM notice_outstanding o
             JOIN notices n ON n.id = o.notice_id
             JOIN clients c ON c.id = n.client_id
             WHERE {NEXT_DUE} <= $1
             ORDER BY n.due_at, n.id LIMIT $2"
        ))
        .bind(ts(self.now()))
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                let language: String = r.try_get("language")?;
                Ok(DueNotice {
                    id: r.try_get("id")?,
                    client_id: parse_id(r, "client_id")?,
                    kind: kind_of(r)?,
                    language: language.parse().map_err(|e| corrupt("language", e))?,
                    email: r
                        .try_get::<Option<String>, _>("email")?
                        .map(|e| EmailAddress::parse(&e).map_err(|e| corrupt("email", e)))
                        .transpose()?,
                    first_name: r.try_get("first_name")?,
                    last_name: r.try_get("last_name")?,
                    attempts: i64_of(r, "attempts")?,
                })
            })
            .collect()
    }

    /// Whether any notice is waiting to be sent (for the health view).
    pub async fn notices_waiting(&self) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM notice_outstanding")
                .fetch_one(&self.read)
                .await?,
        )
    }

    /// Claims the next attempt of a notice for `worker` until `lease` from now: `None` when it
    /// is no longer due (sent, given up, or claimed by another worker meanwhile).
    pub async fn claim_notice(
        &self,
        id: &str,
        worker: &str,
        lease: Duration,
    ) -> Result<Option<i64>, StoreError> {
        let now = self.now();
        let (id, worker) = (id.to_owned(), worker.to_owned());
        let claimed = self
            .writer
            .write(move |tx, _| {
                Box::pin(async move {
                    let due = sqlx::query(&format!(
                        "SELECT (SELECT COUNT(*) FROM notice_attempts a
                                 WHERE a.notice_id = n.id) AS attempts
                         FROM notice_outstanding o JOIN notices n ON n.id = o.notice_id
                         WHERE n.id = $1 AND {NEXT_DUE} <= $2"
                    ))
                    .bind(id.clone())
                    .bind(ts(now))
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some(due) = due else { return Ok(None) };
                    let attempt = i64_of(&due, "attempts")? + 1;
                    sqlx::query(
                        "INSERT INTO notice_attempts (notice_id, attempt_no, worker, started_at,
                             lease_until)
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(id)
                    .bind(attempt)
                    .bind(worker)
                    .bind(ts(now))
                    .bind(ts(now + lease))
                    .execute(&mut *tx)
                    .await?;
                    Ok(Some(attempt))
                })
            })
            .await;
        match claimed {
            Err(StoreError::DeliveryTaken) => Ok(None),
            other => other,
        }
    }

    /// Records an attempt that did not send: `retry_at` when to try again, `None` to give the
    /// notice up (it stays visible as failed). `error` never holds the address or the text.
    pub async fn record_notice_failure(
        &self,
        id: &str,
        attempt_no: i64,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        let now = self.now();
        let id = id.to_owned();
        let error: String = error.chars().take(500).collect();
        self.writer
            .write(move |tx, _| {
                Box::pin(async move {
                    sqlx::query(
                        "INSERT INTO notice_failures (notice_id, attempt_no, at, error, retry_at)
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(id.clone())
                    .bind(attempt_no)
                    .bind(ts(now))
                    .bind(error)
                    .bind(retry_at.map(ts))
                    .execute(&mut *tx)
                    .await?;
                    if retry_at.is_none() {
                        sqlx::query("DELETE FROM notice_outstanding WHERE notice_id = $1")
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                    }
                    Ok(())
                })
            })
            .await
    }

    /// Records that the mail server accepted a notice, under `message_id`.
    pub async fn record_notice_sent(
        &self,
        id: &str,
        attempt_no: i64,
        worker: &str,
        message_id: &str,
    ) -> Result<(), StoreError> {
        let now = self.now();
        let (id, worker, message_id) = (id.to_owned(), worker.to_owned(), message_id.to_owned());
        self.writer
            .write(move |tx, _| {
                Box::pin(async move {
                    sqlx::query(
                        "INSERT INTO notice_sent (notice_id, attempt_no, sent_at, worker,
                             message_id)
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(id.clone())
                    .bind(attempt_no)
                    .bind(ts(now))
                    .bind(worker)
                    .bind(message_id)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query("DELETE FROM notice_outstanding WHERE notice_id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    Ok(())
                })
            })
            .await
    }

    /// The notices to the clients of `org`, newest first, at most `limit` (for an
    /// administrator of the organisation: no client, no address, no text).
    pub async fn notice_statuses(
        &self,
        org: OrgId,
        limit: i64,
    ) -> Result<Vec<NoticeStatus>, StoreError> {
        let rows = sqlx::query(
            "SELECT n.id, n.kind, n.enqueued_at, n.due_at,
                 (SELECT COUNT(*) FROM notice_attempts a WHERE a.notice_id = n.id) AS attempts,
                 (SELECT COUNT(*) FROM notice_outstanding o WHERE o.notice_id = n.id) AS open,
                 (SELECT f.error FROM notice_failures f WHERE f.notice_id = n.id
                  ORDER BY f.attempt_no DESC LIMIT 1) AS last_error,
                 (SELECT f.retry_at FROM notice_failures f WHERE f.notice_id = n.id
                  ORDER BY f.attempt_no DESC LIMIT 1) AS retry_at,
                 s.sent_at, s.message_id
             FROM notices n JOIN clients c ON c.id = n.client_id
             LEFT JOIN notice_sent s ON s.notice_id = n.id
             WHERE c.org_id = $1
             ORDER BY n.enqueued_at DESC, n.id LIMIT $2",
        )
        .bind(org.to_string())
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                let sent_at = ts_opt(r, "sent_at")?;
                let state = if sent_at.is_some() {
                    NoticeState::Sent
                } else if i64_of(r, "open")? > 0 {
                    NoticeState::Waiting
                } else {
                    NoticeState::Failed
                };
                Ok(NoticeStatus {
                    id: r.try_get("id")?,
                    kind: kind_of(r)?,
                    state,
                    enqueued_at: parse_ts(&r.try_get::<String, _>("enqueued_at")?)?,
                    due_at: parse_ts(&r.try_get::<String, _>("due_at")?)?,
                    attempts: i64_of(r, "attempts")?,
                    last_error: r.try_get("last_error")?,
                    retry_at: ts_opt(r, "retry_at")?,
                    sent_at,
                    message_id: r.try_get("message_id")?,
                })
            })
            .collect()
    }
}

//! Secure messages (issue 13, A18; migration 16): a conversation between a client and the
//! officials of the client's own organisation. A message is part of the client's record:
//! append-only, attributed, one ledger leaf each (event `entry`, `RecordTable` `messages`),
//! written with its access-log row in one write job. Reading a conversation is one logged read
//! (resource `messages`), written together with the first-read marks of the messages the
//! reader's side had not yet read (`message_reads`), so "unread" is exact and needs no update.
//!
//! **Where a notifier hooks in:** every message is appended through
//! [`Store::append_message_then`], whose follow-up runs inside the message's own write job
//! with the [`MessageSent`] event (which client, which side wrote, the recipient side; no
//! text). A notification outbox enqueues its notice there (one call, in the same
//! transaction), so a message and its notice are committed together or not at all.

use chrono::{DateTime, Utc};
use kirjuri_domain::{
    Client, ClientId, Message, MessageId, MessageSender, MessageText, OrgId, PersonName, UserId,
};
use kirjuri_ledger::EventType;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::access::{Access, AccessAction};
use crate::clients::require_client;
use crate::ledger::{self, Pending};
use crate::my_work::MINE;
use crate::rows::{client_from_row, corrupt, parse_id, parse_ts, ts, CLIENT_COLS};
use crate::writer::TxFuture;
use crate::{Store, StoreError};

/// What a sent message tells whoever must act on it: no text, no name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageSent {
    pub message: MessageId,
    pub client: ClientId,
    /// The organisation the conversation is with.
    pub org: OrgId,
    /// Who wrote it; the other side is the recipient.
    pub sender: MessageSender,
    pub at: DateTime<Utc>,
}

impl MessageSent {
    /// The side the message is for.
    pub fn recipient(&self) -> MessageSender {
        match self.sender {
            MessageSender::Client => MessageSender::Official,
            MessageSender::Official => MessageSender::Client,
        }
    }
}

/// Work done inside a message's write job after the message row (see the module
/// documentation).
pub(crate) type MessageFollowUp = Box<
    dyn for<'c> FnOnce(&'c mut AnyConnection, &'c mut Pending, MessageSent) -> TxFuture<'c, ()>
        + Send,
>;

/// One page of a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessagePage {
    /// Messages before this position (a previous page's `next`); `None`: the newest.
    pub before: Option<i64>,
    /// At most this many (1..=200).
    pub limit: i64,
}

/// A page of a conversation, newest first, and where the next (older) page starts.
#[derive(Debug, Clone, Default)]
pub struct Conversation {
    pub messages: Vec<Message>,
    pub next: Option<i64>,
}

/// A client of an official with messages the official's side has not read: counts and times
/// only, never the text.
#[derive(Debug, Clone)]
pub struct UnreadMessages {
    pub client: Client,
    pub unread: i64,
    /// When the newest unread message was sent.
    pub latest: DateTime<Utc>,
}

const MESSAGE_SELECT: &str = "SELECT m.seq, m.id, m.client_id, m.org_id, m.sender, m.author_id,
        u.display_name AS author_name, m.text, m.sent_at, r.read_at
     FROM messages m JOIN users u ON u.id = m.author_id
     LEFT JOIN message_reads r ON r.message_seq = m.seq";

fn message_from_row(row: &AnyRow) -> Result<Message, StoreError> {
    let sender: String = row.try_get("sender")?;
    let text: String = row.try_get("text")?;
    let name: String = row.try_get("author_name")?;
    let read_at: Option<String> = row.try_get("read_at")?;
    Ok(Message {
        id: parse_id(row, "id")?,
        seq: row.try_get("seq")?,
        client_id: parse_id(row, "client_id")?,
        org_id: parse_id(row, "org_id")?,
        sender: MessageSender::from_code(&sender)
            .ok_or_else(|| corrupt("sender", format!("{sender:?}")))?,
        author_id: parse_id(row, "author_id")?,
        author_name: PersonName::parse(&name).map_err(|e| corrupt("author_name", e))?,
        text: MessageText::parse(&text).map_err(|e| corrupt("text", e))?,
        sent_at: parse_ts(&row.try_get::<String, _>("sent_at")?)?,
        read_at: read_at.as_deref().map(parse_ts).transpose()?,
    })
}

impl Store {
    /// Appends a message from `sender`'s side, written by `by`'s user, to the client's
    /// conversation with the client's organisation, with its leaf and access-log row.
    pub async fn append_message(
        &self,
        client: ClientId,
        sender: MessageSender,
        text: &MessageText,
        by: &Access,
    ) -> Result<Message, StoreError> {
        // A message from the officials' side tells the client by a notice (issue 13) in the
        // same write, so the message and its notice commit together or not at all; the
        // officials hear of the client's messages on "my work today".
        let ids = self.ids.clone();
        self.append_message_then(
            client,
            sender,
            text,
            by,
            Box::new(move |tx, _, sent| {
                Box::pin(async move {
                    if sent.recipient() == MessageSender::Client {
                        crate::notices::enqueue_new_message_in(
                            tx,
                            &ids,
                            sent.client,
                            &sent.message.to_string(),
                            sent.at,
                        )
                        .await?;
                    }
                    Ok(())
                })
            }),
        )
        .await
    }

    /// [`Store::append_message`] with `then` run in the same write job once the message row
    /// is written (the notifier's hook: see the module documentation).
    pub(crate) async fn append_message_then(
        &self,
        client: ClientId,
        sender: MessageSender,
        text: &MessageText,
        by: &Access,
        then: MessageFollowUp,
    ) -> Result<Message, StoreError> {
        let leaf = self.leaf_params(client)?;
        let logged = self.logged(by, client)?;
        let (id, now) = (MessageId::from_uuid(self.ids.next()), self.now());
        let author = by.user;
        let stored = text.as_str().to_owned();
        let (seq, org) = self
            .writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    let c = require_client(tx, client).await?;
                    let seq: i64 = sqlx::query_scalar(
                        "INSERT INTO messages (id, client_id, org_id, sender, author_id, text, sent_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq",
                    )
                    .bind(id.to_string())
                    .bind(client.to_string())
                    .bind(c.org_id.to_string())
                    .bind(sender.code())
                    .bind(author.to_string())
                    .bind(stored)
                    .bind(ts(now))
                    .fetch_one(&mut *tx)
                    .await?;
                    leaf.defer(leaves, &ledger::MESSAGES, &seq.to_string(), EventType::Entry, now);
                    logged
                        .record(tx, leaves, now, AccessAction::Write, "messages")
                        .await?;
                    let sent = MessageSent {
                        message: id,
                        client,
                        org: c.org_id,
                        sender,
                        at: now,
                    };
                    then(tx, leaves, sent).await?;
                    Ok((seq, c.org_id))
                })
            })
            .await?;
        Ok(Message {
            id,
            seq,
            client_id: client,
            org_id: org,
            sender,
            author_id: author,
            author_name: by.user_name.clone(),
            text: text.clone(),
            sent_at: parse_ts(&ts(now))?,
            read_at: None,
        })
    }

    /// A page of the client's conversation, newest first: one logged read. With `reader`
    /// (the side reading: the client, or an official of the conversation's organisation) the
    /// other side's messages on the page that were unread are marked read in the same write.
    pub async fn conversation(
        &self,
        client: ClientId,
        page: MessagePage,
        reader: Option<MessageSender>,
        by: &Access,
    ) -> Result<Conversation, StoreError> {
        let logged = self.logged(by, client)?;
        let now = self.now();
        let reader_id = by.user;
        let limit = page.limit.clamp(1, 200);
        let before = page.before.unwrap_or(i64::MAX);
        let rows = self
            .writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    logged
                        .record(tx, leaves, now, AccessAction::Read, "messages")
                        .await?;
                    let sql = format!(
                        "{MESSAGE_SELECT} WHERE m.client_id = $1 AND m.seq < $2
                         ORDER BY m.seq DESC LIMIT $3"
                    );
                    let rows = sqlx::query(&sql)
                        .bind(client.to_string())
                        .bind(before)
                        .bind(limit + 1)
                        .fetch_all(&mut *tx)
                        .await?;
                    let mut out = rows
                        .iter()
                        .map(message_from_row)
                        .collect::<Result<Vec<_>, _>>()?;
                    if let Some(side) = reader {
                        for m in out.iter_mut().take(limit as usize) {
                            if m.sender == side || m.read_at.is_some() {
                                continue;
                            }
                            sqlx::query(
                                "INSERT INTO message_reads (message_seq, read_at, read_by)
                                 VALUES ($1, $2, $3) ON CONFLICT (message_seq) DO NOTHING",
                            )
                            .bind(m.seq)
                            .bind(ts(now))
                            .bind(reader_id.to_string())
                            .execute(&mut *tx)
                            .await?;
                            m.read_at = Some(parse_ts(&ts(now))?);
                        }
                    }
                    Ok(out)
                })
            })
            .await?;
        let mut messages = rows;
        let next = if messages.len() as i64 > limit {
            messages.truncate(limit as usize);
            messages.last().map(|m| m.seq)
        } else {
            None
        };
        Ok(Conversation { messages, next })
    }

    /// The clients of `official` (whose latest responsible-expert assignment names them, in
    /// organisation `org`) with messages from the client that nobody of the organisation has
    /// read, the newest first. Counts and times only; each client listed is one logged read.
    pub async fn unread_messages_of_expert(
        &self,
        official: UserId,
        org: OrgId,
        by: &Access,
    ) -> Result<Vec<UnreadMessages>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT m.client_id, COUNT(*) AS unread, MAX(m.sent_at) AS latest
             FROM messages m LEFT JOIN message_reads r ON r.message_seq = m.seq
             WHERE m.client_id IN ({MINE}) AND m.org_id = $2 AND m.sender = 'client'
               AND r.message_seq IS NULL
             GROUP BY m.client_id"
        ))
        .bind(official.to_string())
        .bind(org.to_string())
        .fetch_all(&self.read)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: ClientId = parse_id(row, "client_id")?;
            let c = sqlx::query(&format!("SELECT {CLIENT_COLS} FROM clients WHERE id = $1"))
                .bind(id.to_string())
                .fetch_one(&self.read)
                .await?;
            out.push(UnreadMessages {
                client: client_from_row(&c)?,
                unread: row.try_get("unread")?,
                latest: parse_ts(&row.try_get::<String, _>("latest")?)?,
            });
        }
        out.sort_by_key(|u| std::cmp::Reverse(u.latest));
        let logs = out
            .iter()
            .map(|u| self.logged(by, u.client.id))
            .collect::<Result<Vec<_>, _>>()?;
        if !logs.is_empty() {
            let now = self.now();
            self.writer
                .write(move |tx, leaves| {
                    Box::pin(async move {
                        for logged in logs {
                            logged
                                // Only counts were read, not the messages: the client's
                                // "who has handled my data" must not say otherwise.
                                .record(tx, leaves, now, AccessAction::Read, "message_counts")
                                .await?;
                        }
                        Ok(())
                    })
                })
                .await?;
        }
        Ok(out)
    }
}

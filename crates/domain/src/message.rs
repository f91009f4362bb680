//! Secure messages (A18, issue 13): a conversation between a client and the officials of the
//! client's own organisation, inside Kirjuri. Messages are part of the record (A20): never
//! changed, attributed to the account that wrote them.

use chrono::{DateTime, Utc};

use crate::{ClientId, MessageId, MessageText, OrgId, PersonName, UserId};

/// Which side of the conversation wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageSender {
    /// The client themself.
    Client,
    /// An official of the client's organisation.
    Official,
}

impl MessageSender {
    pub fn code(self) -> &'static str {
        match self {
            MessageSender::Client => "client",
            MessageSender::Official => "official",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "client" => Some(MessageSender::Client),
            "official" => Some(MessageSender::Official),
            _ => None,
        }
    }
}

/// One message as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: MessageId,
    /// Position in the conversation (ascending in sending order); the list's cursor.
    pub seq: i64,
    pub client_id: ClientId,
    /// The organisation the conversation is with (the client's when it was sent).
    pub org_id: OrgId,
    pub sender: MessageSender,
    pub author_id: UserId,
    pub author_name: PersonName,
    pub text: MessageText,
    pub sent_at: DateTime<Utc>,
    /// When the other side first read it; `None` while unread.
    pub read_at: Option<DateTime<Utc>>,
}

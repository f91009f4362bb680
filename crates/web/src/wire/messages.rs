//! Secure messages (issue 13, A18): a message to write, a page of a conversation, and the
//! cursor and limit of a page as query parameters.

use chrono::{DateTime, Utc};
use kirjuri_domain as d;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::parse::{field, Parsed};
use super::quality::FindingView;

/// A message to write. Strict.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMessageRequest {
    /// The message (at most 5 000 characters; line breaks allowed).
    pub text: String,
}

impl NewMessageRequest {
    /// The text, trimmed: not empty, not too long, no control characters other than line
    /// breaks and tabs.
    pub fn parse(&self) -> Parsed<d::MessageText> {
        field("text", d::MessageText::parse(&self.text))
    }
}

/// Which page of a conversation: the newest by default, older ones by the cursor the previous
/// page gave.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MessageListParams {
    /// Messages older than this cursor (`next` of the previous page).
    pub before: Option<i64>,
    /// How many messages, 1 to 200 (50 by default).
    pub limit: Option<i64>,
}

/// One message.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageView {
    pub id: String,
    /// `client` (the client wrote it) or `official` (an official of the organisation did).
    pub sender: String,
    /// Who wrote it.
    pub author_name: String,
    pub text: String,
    pub sent_at: DateTime<Utc>,
    /// When the other side first read it; absent while unread.
    pub read_at: Option<DateTime<Utc>>,
    /// The checker's warnings on an official's message just written (never stored).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<FindingView>,
}

impl From<&d::Message> for MessageView {
    fn from(m: &d::Message) -> Self {
        Self {
            id: m.id.to_string(),
            sender: m.sender.code().to_owned(),
            author_name: m.author_name.to_string(),
            text: m.text.to_string(),
            sent_at: m.sent_at,
            read_at: m.read_at,
            findings: Vec::new(),
        }
    }
}

/// A page of a conversation, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationView {
    pub messages: Vec<MessageView>,
    /// The cursor of the next (older) page as `before`; absent on the last page.
    pub next: Option<i64>,
}

impl From<&kirjuri_app::messages::Conversation> for ConversationView {
    fn from(c: &kirjuri_app::messages::Conversation) -> Self {
        Self {
            messages: c.messages.iter().map(MessageView::from).collect(),
            next: c.next,
        }
    }
}

//! Secure messages (issue 13, A18): a conversation between a client and the officials of the
//! client's own organisation, inside Kirjuri — the channel to use instead of ordinary e-mail.
//!
//! - Who may read and write is [`crate::policy`]'s (`Action::ReadMessages`,
//!   `Action::SendMessage`): the client and the officials of the client's own organisation;
//!   the supervisor reads; nobody else learns that the conversation exists.
//! - An official's message passes the entry checker in the client's language before it is
//!   written (A13–A15): it goes to the client as it is, so an unexplained abbreviation or an
//!   offensive or belittling word refuses it, as does anything that blocks an entry (an
//!   identity code, bidirectional controls). Health data may be discussed here — this is the
//!   secure channel — and a warning is returned, not stored. The client's own words are not
//!   checked.
//! - Every message is a record row with a ledger leaf and its access-log `write`; reading a
//!   page of the conversation is one logged `read` and marks the other side's messages on it
//!   read (the supervisor's reading marks nothing).
//! - The responsible expert sees, on "my work today", their clients with unread messages:
//!   counts and times, never the text ([`crate::my_work`]).
//!
//! A notifier is told of a new message in the store's write job
//! (`kirjuri_store::MessageSent`, see `Store::append_message_then`), so the notice and the
//! message are committed together.

use kirjuri_domain::{
    Client, ClientId, EntryKind, Message, MessageSender, MessageText, Organisation, Role,
};
use kirjuri_quality::{Context, Kind, Report};

pub use kirjuri_store::{Conversation, MessagePage, UnreadMessages};

use crate::guard::Granted;
use crate::policy::{Action, Capability, Scope};
use crate::{Actor, App, AppError, AppResult};

/// A page of a conversation holds this many messages unless asked otherwise.
pub const PAGE_DEFAULT: i64 = 50;
/// At most this many messages a page.
pub const PAGE_MAX: i64 = 200;

/// A message written, with the checker's warnings on an official's text (none on a client's).
#[derive(Debug, Clone)]
pub struct SentMessage {
    pub message: Message,
    pub report: Option<Report>,
}

/// A page of a client's conversation with the client and the organisation it is with.
#[derive(Debug, Clone)]
pub struct ClientConversation {
    pub client: Client,
    pub organisation: Organisation,
    pub page: Conversation,
}

/// Which findings keep an official's message from the client: what blocks an entry, and
/// (since the text reaches the client unedited) any unexplained abbreviation (A14) and any
/// offensive or belittling word (A15).
pub fn blocks_message(f: &kirjuri_quality::Finding) -> bool {
    f.severity == kirjuri_quality::Severity::Block
        || matches!(f.kind, Kind::Abbreviation | Kind::Offensive)
}

/// A page asked for: `before` (a cursor from an earlier page) and `limit`, checked.
pub fn page(before: Option<i64>, limit: Option<i64>) -> AppResult<MessagePage> {
    let limit = limit.unwrap_or(PAGE_DEFAULT);
    if !(1..=PAGE_MAX).contains(&limit) {
        return Err(AppError::invalid(
            "limit",
            format!("must be 1 to {PAGE_MAX}"),
        ));
    }
    if before.is_some_and(|b| b < 1) {
        return Err(AppError::invalid(
            "before",
            "must be a cursor of an earlier page",
        ));
    }
    Ok(MessagePage { before, limit })
}

/// The side of the conversation a user writes and reads on.
fn side(role: Role) -> Option<MessageSender> {
    match role {
        Role::JobSeeker => Some(MessageSender::Client),
        Role::Official => Some(MessageSender::Official),
        _ => None,
    }
}

impl App {
    /// A page of client `client`'s conversation, newest first (a logged read).
    pub async fn conversation(
        &self,
        actor: &Actor,
        client: ClientId,
        page: MessagePage,
    ) -> AppResult<ClientConversation> {
        let Granted { client, access } = self
            .client_access(actor, client, Action::ReadMessages, "messages")
            .await?;
        let reader = side(actor.user.role);
        let page = self
            .store
            .conversation(client.id, page, reader, &access)
            .await?;
        let organisation = self.store.organisation(client.org_id).await?;
        Ok(ClientConversation {
            client,
            organisation,
            page,
        })
    }

    /// The job seeker's own conversation with their organisation.
    pub async fn my_conversation(
        &self,
        actor: &Actor,
        page: MessagePage,
    ) -> AppResult<ClientConversation> {
        let id = self.own_client_id(actor)?;
        self.conversation(actor, id, page).await
    }

    /// Writes a message into client `client`'s conversation: from the client when the job
    /// seeker writes, from the organisation when an official does (checked first; see the
    /// module documentation).
    pub async fn send_message(
        &self,
        actor: &Actor,
        client: ClientId,
        text: &MessageText,
    ) -> AppResult<SentMessage> {
        let Granted { client, access } = self
            .client_access(actor, client, Action::SendMessage, "messages")
            .await?;
        let sender = side(actor.user.role)
            .ok_or_else(|| AppError::forbidden("only the client and their officials write"))?;
        let report = match sender {
            MessageSender::Client => None,
            MessageSender::Official => {
                let ctx = Context::entry(EntryKind::Contact, client.language);
                let report = self.check("text", text.as_str(), &ctx)?;
                if report.findings.iter().any(blocks_message) {
                    return Err(AppError::Blocked {
                        field: "text",
                        report,
                    });
                }
                Some(report)
            }
        };
        let message = self
            .store
            .append_message(client.id, sender, text, &access)
            .await?;
        Ok(SentMessage { message, report })
    }

    /// The job seeker writes to their organisation.
    pub async fn send_my_message(
        &self,
        actor: &Actor,
        text: &MessageText,
    ) -> AppResult<SentMessage> {
        let id = self.own_client_id(actor)?;
        self.send_message(actor, id, text).await
    }

    /// The job seeker's own client id (their own view only).
    fn own_client_id(&self, actor: &Actor) -> AppResult<ClientId> {
        let (grant, _) = self.permit(actor, Capability::OwnData)?;
        match grant.scope {
            Scope::OwnClient(id) => Ok(id),
            _ => Err(AppError::forbidden(
                "this is a job seeker's view of their own data",
            )),
        }
    }
}

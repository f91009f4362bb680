//! Secure messages (issue 13, A18): the client's conversation with their organisation on two
//! pages over one use case each way — the client's own (`/me/messages`) and the officials'
//! from the client record (`/clients/{id}/messages`). A page shows the newest messages (older
//! ones a page back), oldest at the top, and a form to write; without script it is an ordinary
//! form. An official's message the checks refuse keeps the form with the text as sent and the
//! findings at their place; nothing is written. Reading the page is a logged read and marks the
//! other side's messages read (`App::conversation`).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use kirjuri_app::messages::{blocks_message, page, ClientConversation};
use kirjuri_app::AppError;
use kirjuri_domain::{ClientId, Message, MessageSender, MessageText};
use kirjuri_quality::Report;
use serde::Deserialize;

use super::entry::{mark, FindingRow, Segment};
use super::error::{rendered, see_other, PageError, PageResult};
use super::i18n::{text, Lang};
use super::layout::{date_time, Layout, PageCtx, Signed};
use super::record::{client_id, FieldMessage};
use super::session::{signed, signed_form, HasCsrf};
use crate::AppState;

/// A message as the page lists it.
#[derive(Debug)]
struct MessageRow {
    id: String,
    /// Who wrote it, in words.
    author: String,
    sent: String,
    text: String,
    /// For the reader's own side's messages: read or not yet, in words.
    read: Option<String>,
    mine: bool,
}

#[derive(Template)]
#[template(path = "messages.html")]
struct MessagesPage {
    l: Layout,
    /// The officials' page: the record to go back to and the client's name.
    back: Option<(String, String)>,
    intro: String,
    action: String,
    messages: Vec<MessageRow>,
    /// The next older page, and the newest page when this one is an older one.
    older: Option<String>,
    newest: Option<String>,
    text: String,
    errors: Vec<FieldMessage>,
    blocked: bool,
    segments: Vec<Segment>,
    findings: Vec<FindingRow>,
    /// A message was just sent (after the redirect).
    sent: bool,
}

#[derive(Debug, Deserialize, Default)]
pub struct MessagesQuery {
    #[serde(default)]
    before: Option<String>,
    #[serde(default)]
    sent: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
pub struct MessageForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
}

impl HasCsrf for MessageForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// Whose page: the client's own, or the officials' page of one client.
#[derive(Debug, Clone, Copy)]
enum View {
    Own,
    Client(ClientId),
}

impl View {
    fn path(self) -> String {
        match self {
            View::Own => "/me/messages".to_owned(),
            View::Client(id) => format!("/clients/{id}/messages"),
        }
    }
    fn side(self) -> MessageSender {
        match self {
            View::Own => MessageSender::Client,
            View::Client(_) => MessageSender::Official,
        }
    }
}

/// What to show besides the conversation: the text kept in the form, and why it was refused.
#[derive(Default)]
struct Form<'a> {
    text: &'a str,
    errors: Vec<FieldMessage>,
    report: Option<&'a Report>,
    sent: bool,
}

fn row(lang: Lang, view: View, c: &ClientConversation, m: &Message) -> MessageRow {
    let mine = m.sender == view.side();
    let author = match (view, m.sender) {
        (View::Own, MessageSender::Client) => text(lang, "messages-you", &[]),
        (View::Client(_), MessageSender::Client) => {
            format!("{} {}", c.client.first_name, c.client.last_name)
        }
        (_, MessageSender::Official) => {
            let org = match lang {
                Lang::Sv => c.organisation.name_sv.to_string(),
                _ => c.organisation.name_fi.to_string(),
            };
            format!("{} ({org})", m.author_name)
        }
    };
    MessageRow {
        id: m.id.to_string(),
        author,
        sent: date_time(lang, m.sent_at),
        text: m.text.to_string(),
        read: mine.then(|| match m.read_at {
            Some(at) => text(lang, "messages-read-at", &[("at", &date_time(lang, at))]),
            None => text(lang, "messages-unread", &[]),
        }),
        mine,
    }
}

async fn show(
    state: &AppState,
    ctx: &PageCtx,
    s: &Signed,
    view: View,
    before: Option<i64>,
    form: Form<'_>,
    status: StatusCode,
) -> PageResult {
    let err = |e| PageError::app(ctx, e);
    let p = page(before, None).map_err(err)?;
    let c = match view {
        View::Own => state.app.my_conversation(&s.actor, p).await,
        View::Client(id) => state.app.conversation(&s.actor, id, p).await,
    }
    .map_err(err)?;
    let lang = ctx.lang;
    // Oldest at the top, as a conversation reads.
    let messages = c
        .page
        .messages
        .iter()
        .rev()
        .map(|m| row(lang, view, &c, m))
        .collect();
    let (segments, findings) = match form.report {
        Some(report) => {
            let (segments, mut rows) = mark(form.text, report, lang);
            // `mark` numbers findings in text order; mark those that keep a message back.
            let mut order: Vec<_> = report.findings.iter().collect();
            order.sort_by_key(|f| (f.chars.start, f.chars.end));
            for (r, f) in rows.iter_mut().zip(order) {
                r.blocks = blocks_message(f);
            }
            (segments, rows)
        }
        None => (Vec::new(), Vec::new()),
    };
    let org = match lang {
        Lang::Sv => c.organisation.name_sv.to_string(),
        _ => c.organisation.name_fi.to_string(),
    };
    let client_name = format!("{} {}", c.client.first_name, c.client.last_name);
    let (title, back, intro) = match view {
        View::Own => (
            "messages-own-title",
            None,
            text(lang, "messages-own-intro", &[("organisation", &org)]),
        ),
        View::Client(id) => (
            "messages-title",
            Some((
                format!("/clients/{id}"),
                text(lang, "entry-back", &[("name", &client_name)]),
            )),
            text(lang, "messages-official-intro", &[("name", &client_name)]),
        ),
    };
    let path = view.path();
    let page = MessagesPage {
        l: Layout::new(ctx, title, Some(&s.actor), s.csrf.clone()),
        back,
        intro,
        action: path.clone(),
        messages,
        older: c.page.next.map(|n| format!("{path}?before={n}")),
        newest: before.map(|_| path.clone()),
        text: form.text.to_owned(),
        errors: form.errors,
        blocked: form.report.is_some(),
        segments,
        findings,
        sent: form.sent,
    };
    rendered(ctx, status, &page)
}

/// `?before=` as a cursor; anything else is the newest page.
fn cursor(q: &MessagesQuery) -> Option<i64> {
    q.before
        .as_deref()
        .and_then(|b| b.parse::<i64>().ok())
        .filter(|b| *b > 0)
}

async fn get_page(state: AppState, ctx: PageCtx, view: View, q: MessagesQuery) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let form = Form {
        sent: q.sent.is_some(),
        ..Form::default()
    };
    show(&state, &ctx, &s, view, cursor(&q), form, StatusCode::OK).await
}

/// The form again with what kept the message back; nothing was written.
async fn refused(
    state: &AppState,
    ctx: &PageCtx,
    s: &Signed,
    view: View,
    text: &str,
    errors: Vec<FieldMessage>,
    report: Option<&Report>,
) -> PageResult {
    let form = Form {
        text,
        errors,
        report,
        sent: false,
    };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    show(state, ctx, s, view, None, form, status).await
}

async fn post_message(state: AppState, ctx: PageCtx, view: View, body: Bytes) -> PageResult {
    let (s, f): (Signed, MessageForm) = signed_form(&state, &ctx, &body).await?;
    let text_error = || vec![FieldMessage::new(ctx.lang, "text", "messages-error-text")];
    let Ok(message) = MessageText::parse(&f.text) else {
        return refused(&state, &ctx, &s, view, &f.text, text_error(), None).await;
    };
    let sent = match view {
        View::Own => state.app.send_my_message(&s.actor, &message).await,
        View::Client(id) => state.app.send_message(&s.actor, id, &message).await,
    };
    match sent {
        Ok(_) => Ok(see_other(&format!("{}?sent=1#message-form", view.path()))),
        Err(AppError::Blocked { report, .. }) => {
            refused(&state, &ctx, &s, view, &f.text, Vec::new(), Some(&report)).await
        }
        Err(AppError::Invalid { .. }) => {
            refused(&state, &ctx, &s, view, &f.text, text_error(), None).await
        }
        Err(e) => Err(PageError::app(&ctx, e)),
    }
}

/// `GET /me/messages`: the job seeker's conversation with their organisation.
pub async fn own_messages(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<MessagesQuery>,
) -> PageResult {
    get_page(state, ctx, View::Own, q).await
}

/// `POST /me/messages`: the job seeker writes.
pub async fn send_own_message(
    State(state): State<AppState>,
    ctx: PageCtx,
    body: Bytes,
) -> PageResult {
    post_message(state, ctx, View::Own, body).await
}

/// `GET /clients/{id}/messages`: the client's conversation, for the organisation's officials.
pub async fn client_messages(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Query(q): Query<MessagesQuery>,
) -> PageResult {
    let client = client_id(&ctx, &id)?;
    get_page(state, ctx, View::Client(client), q).await
}

/// `POST /clients/{id}/messages`: an official writes (checked first).
pub async fn send_client_message(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let client = client_id(&ctx, &id)?;
    post_message(state, ctx, View::Client(client), body).await
}

//! The administrator's pages (issue 14, A1): the accounts of the administrator's own
//! organisation (`/admin`: name, username, role, whether it has a password, its
//! identity-provider links; a form to create one with the roles the policy lets this
//! organisation grant; a button per account that lifts its log-in delays), the
//! identity-provider links (`/admin/identities`: the links and a form to link a provider's
//! subject to an account) and the benefit payers (`/admin/payers`: the list and a form to
//! register one). Read and written through the same use cases as the JSON API
//! (`App::account_overview`, `create_account`, `lift_login_delays`, `grant_manager`,
//! `revoke_manager`, `link_identity`,
//! `administered_payers`, `register_payer`), which refuse every other role. A refused form shows
//! the page again (422) with an error at each field it concerns and writes nothing; a saved one
//! returns to the page with a notice (redirect after POST).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use kirjuri_app::admin::{NewAccount, MIN_PASSWORD};
use kirjuri_app::model::NewBenefitPayer;
use kirjuri_app::AppError;
use kirjuri_domain::{EndpointUrl, PersonName, Role, UserId, Username};
use serde::Deserialize;

use super::error::{rendered, see_other, PageError, PageErrorKind, PageResult};
use super::i18n::{text, Lang};
use super::layout::{date_time, Layout, PageCtx, Signed};
use super::record::FieldMessage;
use super::session::{signed, signed_form, HasCsrf};
use crate::AppState;

/// What a redirect after a saved form tells the page to say (a fixed word, never data).
#[derive(Debug, Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    done: Option<String>,
}

impl Done {
    /// The notice of a known word, in `lang`.
    fn notice(&self, lang: Lang, known: &[&str]) -> Option<String> {
        let done = self.done.as_deref()?;
        known
            .contains(&done)
            .then(|| text(lang, &format!("admin-done-{done}"), &[]))
    }
}

/// The errors of a form, by field id.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldMessage>);

impl FieldErrors {
    fn add(&mut self, lang: Lang, field: &str, key: &str) {
        if !self.has(field) {
            self.0.push(FieldMessage::new(lang, field, key));
        }
    }

    /// Whether `field` has an error (the form marks it).
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }

    /// The message at `field`, if any.
    pub fn at(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The role in words.
fn role_in_words(lang: Lang, role: Role) -> String {
    text(lang, &format!("admin-role-{}", role.code()), &[])
}

// ---------------------------------------------------------------- accounts

/// An account as listed.
#[derive(Debug)]
pub struct AccountRow {
    pub id: String,
    pub name: String,
    pub username: String,
    pub role: String,
    pub has_password: bool,
    /// `provider: subject`.
    pub identities: Vec<String>,
    /// Whether the role may hold a manager grant, and whether it does.
    pub may_be_manager: bool,
    pub manager: bool,
}

#[derive(Template)]
#[template(path = "admin_accounts.html")]
struct AccountsPage {
    l: Layout,
    accounts: Vec<AccountRow>,
    /// The roles this organisation grants: code, in words, chosen.
    roles: Vec<(String, String, bool)>,
    form: AccountForm,
    errors: Vec<FieldMessage>,
    fe: FieldErrors,
    notice: Option<String>,
    min_password: usize,
}

/// The form creating an account. The password is never shown back.
#[derive(Debug, Deserialize, Default, Clone)]
pub struct AccountForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    password: String,
}

impl HasCsrf for AccountForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// The form lifting an account's log-in delays.
#[derive(Debug, Deserialize, Default)]
pub struct LiftForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    user_id: String,
}

impl HasCsrf for LiftForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

async fn accounts_page(
    state: &AppState,
    ctx: &PageCtx,
    s: &Signed,
    form: AccountForm,
    fe: FieldErrors,
    notice: Option<String>,
    status: StatusCode,
) -> PageResult {
    let app = &state.app;
    let lang = ctx.lang;
    let err = |e| PageError::app(ctx, e);
    let (accounts, roles) = tokio::try_join!(
        app.account_overview(&s.actor),
        app.grantable_roles(&s.actor)
    )
    .map_err(err)?;
    let page = AccountsPage {
        l: Layout::new(ctx, "admin-accounts-title", Some(&s.actor), s.csrf.clone()),
        accounts: accounts
            .into_iter()
            .map(|a| AccountRow {
                id: a.user.id.to_string(),
                name: a.user.display_name.to_string(),
                username: a.user.username.to_string(),
                role: role_in_words(lang, a.user.role),
                has_password: a.has_password,
                identities: a
                    .identities
                    .iter()
                    .map(|(p, sub)| format!("{}: {sub}", provider_label(state, p)))
                    .collect(),
                may_be_manager: a.may_be_manager,
                manager: a.manager,
            })
            .collect(),
        roles: roles
            .iter()
            .map(|r| {
                (
                    r.code().to_owned(),
                    role_in_words(lang, *r),
                    r.code() == form.role,
                )
            })
            .collect(),
        form,
        errors: fe.0.iter().map(clone_message).collect(),
        fe,
        notice,
        min_password: MIN_PASSWORD,
    };
    rendered(ctx, status, &page)
}

fn clone_message(m: &FieldMessage) -> FieldMessage {
    FieldMessage {
        field: m.field.clone(),
        message: m.message.clone(),
    }
}

/// `GET /admin`: the accounts of the administrator's organisation and the form to create one.
pub async fn accounts(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(done): Query<Done>,
) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let notice = done.notice(
        ctx.lang,
        &["created", "lifted", "manager-granted", "manager-revoked"],
    );
    accounts_page(
        &state,
        &ctx,
        &s,
        AccountForm::default(),
        FieldErrors::default(),
        notice,
        StatusCode::OK,
    )
    .await
}

/// `POST /admin/accounts`: creates an account and returns to the list.
pub async fn create_account(
    State(state): State<AppState>,
    ctx: PageCtx,
    body: Bytes,
) -> PageResult {
    let (s, f): (Signed, AccountForm) = signed_form(&state, &ctx, &body).await?;
    let lang = ctx.lang;
    let again = |fe: FieldErrors| {
        accounts_page(
            &state,
            &ctx,
            &s,
            f.clone(),
            fe,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    // Every field is checked at once, so the form shows each fault at its field.
    let mut fe = FieldErrors::default();
    let username = Username::parse(f.username.trim())
        .map_err(|_| fe.add(lang, "account-username", "admin-error-username"))
        .ok();
    let display_name = PersonName::parse(f.display_name.trim())
        .map_err(|_| fe.add(lang, "account-display_name", "admin-error-display_name"))
        .ok();
    // Whether this organisation may grant the role is the use case's to say.
    let role = f
        .role
        .parse::<Role>()
        .map_err(|_| fe.add(lang, "account-role", "admin-error-role"))
        .ok();
    let password = match f.password.as_str() {
        "" => None,
        p if p.chars().count() < MIN_PASSWORD => {
            fe.add(lang, "account-password", "admin-error-password");
            None
        }
        p => Some(p.to_owned()),
    };
    let (Some(username), Some(display_name), Some(role), true) =
        (username, display_name, role, fe.is_empty())
    else {
        return again(fe).await;
    };
    let new = NewAccount {
        username,
        display_name,
        role,
        password,
    };
    match state.app.create_account(&s.actor, new).await {
        Ok(_) => Ok(see_other("/admin?done=created")),
        Err(AppError::Invalid { field, .. }) => {
            let field = match field.as_str() {
                "username" | "display_name" | "role" | "password" => field,
                _ => "username".to_owned(),
            };
            fe.add(
                lang,
                &format!("account-{field}"),
                &format!("admin-error-{field}"),
            );
            again(fe).await
        }
        Err(AppError::Conflict { field, .. }) => {
            match field {
                Some("display_name") => fe.add(
                    lang,
                    "account-display_name",
                    "admin-error-display_name-taken",
                ),
                _ => fe.add(lang, "account-username", "admin-error-username-taken"),
            }
            again(fe).await
        }
        Err(e) => Err(PageError::app(&ctx, e)),
    }
}

/// The account a button of the accounts list names: the forms carry the id of a listed
/// account, so anything else is no form of ours (400).
fn listed_account(ctx: &PageCtx, user_id: &str) -> Result<UserId, PageError> {
    user_id
        .trim()
        .parse()
        .map_err(|_| PageError::new(ctx, PageErrorKind::BadRequest))
}

/// `POST /admin/accounts/lift-delays`: lifts an account's log-in delays from every address
/// and returns to the list.
pub async fn lift_delays(State(state): State<AppState>, ctx: PageCtx, body: Bytes) -> PageResult {
    let (s, f): (Signed, LiftForm) = signed_form(&state, &ctx, &body).await?;
    let user = listed_account(&ctx, &f.user_id)?;
    state
        .app
        .lift_login_delays(&s.actor, user)
        .await
        .map_err(|e| PageError::app(&ctx, e))?;
    Ok(see_other("/admin?done=lifted"))
}

/// The form giving or taking away an account's manager grant.
#[derive(Debug, Deserialize, Default)]
pub struct ManagerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    user_id: String,
    /// `grant` or `revoke`.
    #[serde(default)]
    action: String,
}

impl HasCsrf for ManagerForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// `POST /admin/accounts/manager`: makes an account of the administrator's own organisation a
/// manager of it, or takes the grant away (issue 14), and returns to the list. The same use
/// cases as `PUT`/`DELETE /api/admin/users/{id}/manager`: an account of another organisation
/// does not exist for this administrator (404), a role that cannot be a manager is refused.
pub async fn manager(State(state): State<AppState>, ctx: PageCtx, body: Bytes) -> PageResult {
    let (s, f): (Signed, ManagerForm) = signed_form(&state, &ctx, &body).await?;
    let user = listed_account(&ctx, &f.user_id)?;
    let err = |e| PageError::app(&ctx, e);
    let done = match f.action.as_str() {
        "grant" => {
            state.app.grant_manager(&s.actor, user).await.map_err(err)?;
            "manager-granted"
        }
        "revoke" => {
            state
                .app
                .revoke_manager(&s.actor, user)
                .await
                .map_err(err)?;
            "manager-revoked"
        }
        // One of the form's two actions; anything else is no form of ours.
        _ => return Err(PageError::new(&ctx, PageErrorKind::BadRequest)),
    };
    Ok(see_other(&format!("/admin?done={done}")))
}

// ---------------------------------------------------------------- identity links

/// An identity-provider link as listed.
#[derive(Debug)]
pub struct LinkRow {
    pub account: String,
    pub provider: String,
    pub subject: String,
}

#[derive(Template)]
#[template(path = "admin_identities.html")]
struct IdentitiesPage {
    l: Layout,
    links: Vec<LinkRow>,
    /// The accounts: id, `name (username)`, chosen.
    accounts: Vec<(String, String, bool)>,
    /// The configured providers: name, label, chosen.
    providers: Vec<(String, String, bool)>,
    form: LinkForm,
    errors: Vec<FieldMessage>,
    fe: FieldErrors,
    notice: Option<String>,
}

/// The form linking a provider's subject to an account.
#[derive(Debug, Deserialize, Default, Clone)]
pub struct LinkForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    pub user_id: String,
    #[serde(default)]
    pub provider: String,
    #[serde(default)]
    pub subject: String,
}

impl HasCsrf for LinkForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// A configured provider's label (its name when it has none, or is no longer configured).
fn provider_label(state: &AppState, name: &str) -> String {
    state
        .oidc
        .buttons()
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, label)| label)
        .unwrap_or_else(|| name.to_owned())
}

async fn identities_page(
    state: &AppState,
    ctx: &PageCtx,
    s: &Signed,
    form: LinkForm,
    fe: FieldErrors,
    notice: Option<String>,
    status: StatusCode,
) -> PageResult {
    let accounts = state
        .app
        .account_overview(&s.actor)
        .await
        .map_err(|e| PageError::app(ctx, e))?;
    let mut links: Vec<LinkRow> = accounts
        .iter()
        .flat_map(|a| {
            a.identities.iter().map(|(p, sub)| LinkRow {
                account: format!("{} ({})", a.user.display_name, a.user.username),
                provider: provider_label(state, p),
                subject: sub.clone(),
            })
        })
        .collect();
    links.sort_by(|a, b| (&a.provider, &a.subject).cmp(&(&b.provider, &b.subject)));
    let page = IdentitiesPage {
        l: Layout::new(
            ctx,
            "admin-identities-title",
            Some(&s.actor),
            s.csrf.clone(),
        ),
        links,
        accounts: accounts
            .iter()
            .map(|a| {
                let id = a.user.id.to_string();
                let chosen = form.user_id == id;
                (
                    id,
                    format!("{} ({})", a.user.display_name, a.user.username),
                    chosen,
                )
            })
            .collect(),
        providers: state
            .oidc
            .buttons()
            .into_iter()
            .map(|(name, label)| {
                let chosen = form.provider == name;
                (name, label, chosen)
            })
            .collect(),
        form,
        errors: fe.0.iter().map(clone_message).collect(),
        fe,
        notice,
    };
    rendered(ctx, status, &page)
}

/// `GET /admin/identities`: the identity-provider links and the form to link one.
pub async fn identities(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(done): Query<Done>,
) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let notice = done.notice(ctx.lang, &["linked"]);
    identities_page(
        &state,
        &ctx,
        &s,
        LinkForm::default(),
        FieldErrors::default(),
        notice,
        StatusCode::OK,
    )
    .await
}

/// `POST /admin/identities`: links a provider's subject to an account and returns to the list.
pub async fn link_identity(State(state): State<AppState>, ctx: PageCtx, body: Bytes) -> PageResult {
    let (s, f): (Signed, LinkForm) = signed_form(&state, &ctx, &body).await?;
    let lang = ctx.lang;
    let again = |fe: FieldErrors| {
        identities_page(
            &state,
            &ctx,
            &s,
            f.clone(),
            fe,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let mut fe = FieldErrors::default();
    if f.user_id.trim().is_empty() {
        fe.add(lang, "link-user_id", "admin-error-user_id");
    }
    if f.provider.trim().is_empty() {
        fe.add(lang, "link-provider", "admin-error-provider");
    }
    let subject = f.subject.trim();
    if subject.is_empty() || subject.len() > 255 {
        fe.add(lang, "link-subject", "admin-error-subject");
    }
    if !fe.is_empty() {
        return again(fe).await;
    }
    match state
        .app
        .link_identity(&s.actor, f.provider.trim(), subject, &f.user_id)
        .await
    {
        Ok(_) => Ok(see_other("/admin/identities?done=linked")),
        Err(AppError::Invalid { field, .. }) => {
            match field.as_str() {
                "provider" => fe.add(lang, "link-provider", "admin-error-provider"),
                "subject" => fe.add(lang, "link-subject", "admin-error-subject"),
                _ => fe.add(lang, "link-user_id", "admin-error-user_id"),
            }
            again(fe).await
        }
        // An account of another organisation does not exist for this administrator.
        Err(AppError::NotFound(_)) => {
            fe.add(lang, "link-user_id", "admin-error-user_id");
            again(fe).await
        }
        Err(AppError::Conflict { .. }) => {
            fe.add(lang, "link-subject", "admin-error-subject-linked");
            again(fe).await
        }
        Err(e) => Err(PageError::app(&ctx, e)),
    }
}

// ---------------------------------------------------------------- benefit payers

/// A benefit payer as listed.
#[derive(Debug)]
pub struct PayerRow {
    pub name_fi: String,
    pub name_sv: String,
    pub endpoint: String,
    pub registered: String,
}

#[derive(Template)]
#[template(path = "admin_payers.html")]
struct PayersPage {
    l: Layout,
    payers: Vec<PayerRow>,
    form: PayerForm,
    errors: Vec<FieldMessage>,
    fe: FieldErrors,
    notice: Option<String>,
}

/// The form registering a benefit payer.
#[derive(Debug, Deserialize, Default, Clone)]
pub struct PayerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    pub name_fi: String,
    #[serde(default)]
    pub name_sv: String,
    #[serde(default)]
    pub endpoint_url: String,
}

impl HasCsrf for PayerForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

async fn payers_page(
    state: &AppState,
    ctx: &PageCtx,
    s: &Signed,
    form: PayerForm,
    fe: FieldErrors,
    notice: Option<String>,
    status: StatusCode,
) -> PageResult {
    let payers = state
        .app
        .administered_payers(&s.actor)
        .await
        .map_err(|e| PageError::app(ctx, e))?;
    let page = PayersPage {
        l: Layout::new(ctx, "admin-payers-title", Some(&s.actor), s.csrf.clone()),
        payers: payers
            .into_iter()
            .map(|p| PayerRow {
                name_fi: p.name_fi.to_string(),
                name_sv: p.name_sv.to_string(),
                endpoint: p.endpoint.to_string(),
                registered: date_time(ctx.lang, p.registered_at),
            })
            .collect(),
        form,
        errors: fe.0.iter().map(clone_message).collect(),
        fe,
        notice,
    };
    rendered(ctx, status, &page)
}

/// `GET /admin/payers`: the benefit payers and the form to register one.
pub async fn payers(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(done): Query<Done>,
) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let notice = done.notice(ctx.lang, &["registered"]);
    payers_page(
        &state,
        &ctx,
        &s,
        PayerForm::default(),
        FieldErrors::default(),
        notice,
        StatusCode::OK,
    )
    .await
}

/// `POST /admin/payers`: registers a benefit payer and returns to the list.
pub async fn register_payer(
    State(state): State<AppState>,
    ctx: PageCtx,
    body: Bytes,
) -> PageResult {
    let (s, f): (Signed, PayerForm) = signed_form(&state, &ctx, &body).await?;
    let lang = ctx.lang;
    let again = |fe: FieldErrors| {
        payers_page(
            &state,
            &ctx,
            &s,
            f.clone(),
            fe,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let mut fe = FieldErrors::default();
    let name_fi = PersonName::parse(f.name_fi.trim())
        .map_err(|_| fe.add(lang, "payer-name_fi", "admin-error-name_fi"))
        .ok();
    let name_sv = PersonName::parse(f.name_sv.trim())
        .map_err(|_| fe.add(lang, "payer-name_sv", "admin-error-name_sv"))
        .ok();
    let endpoint = EndpointUrl::parse(f.endpoint_url.trim())
        .map_err(|_| fe.add(lang, "payer-endpoint_url", "admin-error-endpoint_url"))
        .ok();
    let (Some(name_fi), Some(name_sv), Some(endpoint)) = (name_fi, name_sv, endpoint) else {
        return again(fe).await;
    };
    let new = NewBenefitPayer {
        name_fi,
        name_sv,
        endpoint,
    };
    match state.app.register_payer(&s.actor, new).await {
        Ok(_) => Ok(see_other("/admin/payers?done=registered")),
        Err(AppError::Invalid { field, .. }) => {
            match field.as_str() {
                "name_fi" => fe.add(lang, "payer-name_fi", "admin-error-name_fi"),
                "name_sv" => fe.add(lang, "payer-name_sv", "admin-error-name_sv"),
                // A loopback address, which only a test configuration admits.
                _ => fe.add(lang, "payer-endpoint_url", "admin-error-endpoint_url"),
            }
            again(fe).await
        }
        Err(AppError::Conflict { .. }) => {
            fe.add(lang, "payer-name_fi", "admin-error-payer-taken");
            again(fe).await
        }
        Err(e) => Err(PageError::app(&ctx, e)),
    }
}

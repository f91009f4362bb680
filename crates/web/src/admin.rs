//! Account administration (A1): an administrator lists and creates the personal accounts of
//! their own organisation. Administrators see no client data: these handlers touch only
//! accounts.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use kirjuri_domain::{OrgKind, PersonName, Role, Username};
use kirjuri_store::NewUser;

use crate::auth::{hash_password, CurrentUser};
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiJson;
use crate::wire::{field, AccountView, NewAccountRequest};
use crate::AppState;

fn admin_org(user: &kirjuri_domain::User) -> Result<kirjuri_domain::OrgId, ApiError> {
    match (user.role, user.org_id) {
        (Role::Administrator, Some(org)) => Ok(org),
        _ => Err(ApiError::forbidden(
            "only an administrator manages accounts, of their own organisation",
        )),
    }
}

#[utoipa::path(get, path = "/api/admin/users", tag = "administration",
    responses((status = 200, body = [AccountView]), (status = 403, body = ErrorBody)))]
pub async fn list_accounts(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<Json<Vec<AccountView>>, ApiError> {
    let org = admin_org(&user)?;
    let users = state.store.users_of_org(org).await?;
    Ok(Json(users.iter().map(AccountView::from).collect()))
}

/// Shortest password an administrator may set (NIST SP 800-63B recommends at least 8; the
/// record of a public authority asks for more).
const MIN_PASSWORD: usize = 12;

#[utoipa::path(post, path = "/api/admin/users", tag = "administration", request_body = NewAccountRequest,
    responses((status = 201, body = AccountView), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_account(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiJson(req): ApiJson<NewAccountRequest>,
) -> Result<(StatusCode, Json<AccountView>), ApiError> {
    let org = admin_org(&user)?;
    let role: Role = field("role", req.role.parse())?;
    if role == Role::JobSeeker {
        return Err(ApiError::field(
            "role",
            "job-seeker accounts come with the client's own identification",
        ));
    }
    // An administrator creates only the roles of their own kind of organisation: an employment
    // authority's administrator cannot make a supervisor (who reads every client) or a KEHA
    // official (A2, A3).
    let kind = state.store.organisation(org).await?.kind;
    let allowed: &[Role] = match kind {
        OrgKind::EmploymentAuthority => &[Role::Official, Role::Administrator],
        OrgKind::Keha => &[Role::KehaOfficial, Role::RulesAuthor, Role::Administrator],
        OrgKind::Supervisor => &[Role::Supervisor, Role::Administrator],
    };
    if !allowed.contains(&role) {
        return Err(ApiError::field(
            "role",
            format!(
                "{} accounts are not made in this organisation (allowed: {})",
                role.code(),
                allowed
                    .iter()
                    .map(|r| r.code())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let password_hash = match req.password {
        Some(p) if p.chars().count() < MIN_PASSWORD => {
            return Err(ApiError::field(
                "password",
                format!("must be at least {MIN_PASSWORD} characters"),
            ))
        }
        Some(p) => Some(hash_password(&p).map_err(|e| ApiError::internal(&e))?),
        None => None,
    };
    let new = NewUser {
        username: field("username", Username::parse(req.username.trim()))?,
        display_name: field("display_name", PersonName::parse(req.display_name.trim()))?,
        role,
        org_id: Some(org),
        client_id: None,
        password_hash,
    };
    let created = state.store.create_user(new).await?;
    Ok((StatusCode::CREATED, Json(AccountView::from(&created))))
}

//! Account administration (A1): an administrator lists and creates the personal accounts of
//! their own organisation, with the roles the policy lets that kind of organisation grant.
//! Administrators see no client data. Every account an administrator creates is recorded with
//! who created it (`account_events`, a ledger leaf; the supervisor reads them), and display
//! names are distinct within an organisation (409 naming `display_name`).

use kirjuri_domain::{PersonName, Role, User, Username};
use kirjuri_store::{AccountEvent, NewUser};

use crate::policy::{grantable_roles, Capability, Scope};
use crate::session::hash_password;
use crate::{Actor, App, AppError, AppResult};

/// Shortest password accepted for a new account.
pub const MIN_PASSWORD: usize = 12;

/// An account to create, as given.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: Username,
    pub display_name: PersonName,
    pub role: Role,
    /// None: the account logs in only through an identity provider.
    pub password: Option<String>,
}

/// An account as its administrator sees it: the account, whether it has a password, and the
/// identity-provider subjects linked to it (issue 14, the administrator's pages).
#[derive(Debug, Clone)]
pub struct AccountOverview {
    pub user: User,
    pub has_password: bool,
    /// `(provider, subject)`, by provider and subject.
    pub identities: Vec<(String, String)>,
    /// Whether the account's role may hold a manager grant (officials and KEHA officials).
    pub may_be_manager: bool,
    /// Whether it holds one (issue 14: reads its organisation's compliance reports).
    pub manager: bool,
}

/// Whether `user` administers accounts (for a transport's menu and start page; every use case
/// asks the policy itself).
pub fn may_administer(user: &User) -> bool {
    crate::policy::permit(user, Capability::ManageAccounts).is_ok()
}

impl App {
    /// The accounts of the administrator's own organisation, each with whether it has a
    /// password and its identity-provider links.
    pub async fn account_overview(&self, actor: &Actor) -> AppResult<Vec<AccountOverview>> {
        let org = self.own_organisation(actor)?;
        let (users, with_password, identities, managers) = tokio::try_join!(
            self.store.users_of_org(org),
            self.store.users_with_password_of_org(org),
            self.store.oidc_identities_of_org(org),
            self.store.managers_of_org(org),
        )?;
        Ok(users
            .into_iter()
            .map(|user| {
                let may_be_manager = crate::policy::may_be_manager(user.role);
                AccountOverview {
                    has_password: with_password.contains(&user.id),
                    identities: identities
                        .iter()
                        .filter(|(id, _, _)| *id == user.id)
                        .map(|(_, p, s)| (p.clone(), s.clone()))
                        .collect(),
                    may_be_manager,
                    manager: may_be_manager && managers.iter().any(|m| m.user_id == user.id),
                    user,
                }
            })
            .collect())
    }

    /// The roles the administrator may give the accounts of their own organisation (those
    /// `policy::grantable_roles` allows its kind of organisation).
    pub async fn grantable_roles(&self, actor: &Actor) -> AppResult<&'static [Role]> {
        let org = self.own_organisation(actor)?;
        let kind = self.store.organisation(org).await?.kind;
        Ok(grantable_roles(kind))
    }

    fn own_organisation(&self, actor: &Actor) -> AppResult<kirjuri_domain::OrgId> {
        let (grant, _) = self.permit(actor, Capability::ManageAccounts)?;
        match grant.scope {
            Scope::Organisation(org) => Ok(org),
            _ => Err(AppError::forbidden(
                "only an administrator manages accounts, of their own organisation",
            )),
        }
    }

    /// The accounts of the administrator's own organisation.
    pub async fn accounts(&self, actor: &Actor) -> AppResult<Vec<User>> {
        let (grant, _) = self.permit(actor, Capability::ManageAccounts)?;
        let Scope::Organisation(org) = grant.scope else {
            return Err(AppError::forbidden(
                "only an administrator manages accounts, of their own organisation",
            ));
        };
        Ok(self.store.users_of_org(org).await?)
    }

    /// Creates an account in the administrator's own organisation.
    pub async fn create_account(&self, actor: &Actor, new: NewAccount) -> AppResult<User> {
        let (grant, _) = self.permit(actor, Capability::ManageAccounts)?;
        let Scope::Organisation(org) = grant.scope else {
            return Err(AppError::forbidden(
                "only an administrator manages accounts, of their own organisation",
            ));
        };
        if new.role == Role::JobSeeker {
            return Err(AppError::invalid(
                "role",
                "job-seeker accounts come with the client's own identification",
            ));
        }
        let kind = self.store.organisation(org).await?.kind;
        let allowed = grantable_roles(kind);
        if !allowed.contains(&new.role) {
            return Err(AppError::invalid(
                "role",
                format!(
                    "{} accounts are not made in this organisation (allowed: {})",
                    new.role.code(),
                    allowed
                        .iter()
                        .map(|r| r.code())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        let password_hash = match new.password {
            Some(p) if p.chars().count() < MIN_PASSWORD => {
                return Err(AppError::invalid(
                    "password",
                    format!("must be at least {MIN_PASSWORD} characters"),
                ))
            }
            Some(p) => Some(hash_password(&p).map_err(AppError::internal)?),
            None => None,
        };
        // Who made the account is recorded with it (issue 15 item 6).
        Ok(self
            .store
            .create_account_by(
                NewUser {
                    username: new.username,
                    display_name: new.display_name,
                    role: new.role,
                    org_id: Some(org),
                    client_id: None,
                    password_hash,
                },
                actor.user.id,
            )
            .await?)
    }

    /// Who created which account with which role, newest first (the supervisor; issue 15
    /// item 6).
    pub async fn account_events(&self, actor: &Actor, limit: i64) -> AppResult<Vec<AccountEvent>> {
        self.permit(actor, Capability::SearchAccessLog)?;
        Ok(self.store.account_events(limit.clamp(1, 10_000)).await?)
    }
}

/// The first administrator of a new installation, as `kirjuri init` gives it (issue 16).
#[derive(Debug, Clone)]
pub struct FirstAdministrator {
    pub username: Username,
    pub display_name: PersonName,
    /// The index of the administrator's organisation among those created.
    pub organisation: usize,
    pub password: String,
}

/// Initialises an empty database (issue 16, `kirjuri init`): the organisations and the first
/// administrator, all in one transaction. Nobody is logged in yet, so this is the operator's
/// act at installation, not a use case of an account; a database that holds organisations is
/// refused ([`AppError::Conflict`]) and nothing is written.
pub async fn initialise(
    store: &kirjuri_store::Store,
    organisations: Vec<kirjuri_store::NewOrganisation>,
    admin: FirstAdministrator,
) -> AppResult<(Vec<kirjuri_domain::Organisation>, User)> {
    if admin.password.chars().count() < MIN_PASSWORD {
        return Err(AppError::invalid(
            "password",
            format!("the administrator's password must have at least {MIN_PASSWORD} characters"),
        ));
    }
    let hash = hash_password(&admin.password).map_err(AppError::internal)?;
    Ok(store
        .initialise(
            organisations,
            admin.organisation,
            NewUser {
                username: admin.username,
                display_name: admin.display_name,
                role: Role::Administrator,
                org_id: None,
                client_id: None,
                password_hash: Some(hash),
            },
        )
        .await?)
}
